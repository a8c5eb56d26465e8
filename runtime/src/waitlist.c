/* waitlist.c - intrusive lists of parked tasks, shared by every event source (ac_fd,
 * signals, channels, locks). A waiter lives in the parked frame, so parking costs no
 * allocation, and a waiter knows its list, so a frame's drop can unlink it without
 * knowing what it waited for.
 *
 * Waking from another thread: the waker holds the source's lock, so the waiter is alive
 * (its drop would need that lock to cancel it). It cannot touch the task, which belongs
 * to another loop's run queue; it moves the waiter to that loop's inbox instead
 * (aci_loop_post), and the loop wakes the task when it drains the inbox. Until then the
 * waiter counts as parked, and a drop cancels it out of the inbox.
 *
 * A task of the multi-thread runtime has no loop of its own (any worker may poll it) and
 * its wake is thread-safe: its waiter records no loop, and any thread wakes it directly.
 *
 * An ac_fd's lists on the current-thread loop are local: only the loop's thread parks
 * on them and wakes them, so their waiters skip all of the above (aci_waitlist_*_local)
 * and a wake goes straight to the run queue.
 *
 * Initialising, linking, parking and waking are inline in waitlist.h: they are on the
 * way of every message that waits on a channel and every request a server answers.
 */
#include "waitlist.h"

void aci_waiter_cancel(ac_waiter *w) {
    if (!w->list)
        return;
    if (!w->loop) {
        aci_waitlist_unlink(w);
        return;
    }
    if (w->list == &aci_loop_this.remote.inbox)
        aci_loop_unpost(w);
    else
        aci_waitlist_unlink(w);
    aci_loop_this.waiters_parked--;
}

/* A wake only queues its task, so the list can be taken whole. */
size_t aci_waitlist_wake_local_all(ac_waitlist *l, int reason) {
    size_t n = 0;
    for (ac_waiter *w = l->head; w; w = w->next, n++) {
        w->list = NULL;
        w->reason = reason;
        aci_task_wake_local(w->task);
    }
    l->head = l->tail = NULL;
    return n;
}
