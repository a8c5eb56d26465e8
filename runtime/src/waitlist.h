/* waitlist.h - lists of parked tasks (the types are public: ac_waiter and ac_waitlist in
 * ac_runtime.h, as leaf frames embed them). Internal.
 *
 * An event source that other threads may touch (a channel, a lock) guards its lists with
 * a lock of its own: push, wake, wake_all, cancel and every read of one of its waiters
 * happen with that lock held. A source only its own loop touches (an ac_fd) needs none.
 */
#ifndef AC_RUNTIME_WAITLIST_H
#define AC_RUNTIME_WAITLIST_H

#include "mt.h"

/* Inline, as initialising, parking and waking are on the way of every message that
 * waits and of every request a server answers. */

/* A waiter that is not parked, as a frame's init leaves it. */
static inline void aci_waiter_init(ac_waiter *w) {
    *w = (ac_waiter){NULL, NULL, NULL, NULL, NULL, 0};
}

/* The lists themselves, also for the loop's queue of wakes from other threads (loop.c). */
static inline void aci_waitlist_link(ac_waitlist *l, ac_waiter *w) {
    w->list = l;
    w->next = NULL;
    w->prev = l->tail;
    if (l->tail)
        l->tail->next = w;
    else
        l->head = w;
    l->tail = w;
}

static inline void aci_waitlist_unlink(ac_waiter *w) {
    ac_waitlist *l = w->list;
    if (w->prev)
        w->prev->next = w->next;
    else
        l->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        l->tail = w->prev;
    w->list = NULL;
    w->prev = w->next = NULL;
}

/* Park task on l through w, at the tail (waiters are woken in parking order), on the
 * task's own thread. w must not be parked already. */
static inline void aci_waitlist_push(ac_waitlist *l, ac_waiter *w, ac_task *task) {
    w->task = task;
    w->loop = aci_task_is_mt(task) ? NULL : &aci_loop_this;
    aci_waitlist_link(l, w);
    if (w->loop)
        aci_loop_this.waiters_parked++;
}

/* From any thread: unlink w from its list, set its reason and wake its task (on another
 * thread's loop, the wake is queued there and delivered by that loop). */
static inline void aci_waiter_wake(ac_waiter *w, int reason) {
    aci_waitlist_unlink(w);
    w->reason = reason;
    if (!w->loop) {
        aci_task_wake(w->task);
        return;
    }
    if (w->loop != &aci_loop_this) {
        aci_loop_post(w->loop, w);
        return;
    }
    aci_loop_this.waiters_parked--;
    aci_task_wake(w->task);
}

/* Wake every waiter of l in order, as aci_waiter_wake; returns how many there were. */
static inline size_t aci_waitlist_wake_all(ac_waitlist *l, int reason) {
    size_t n = 0;
    for (; l->head; n++)
        aci_waiter_wake(l->head, reason);
    return n;
}
/* A list that only its loop's thread touches, and only that loop's tasks park on (an
 * ac_fd's: aci_fd_poll_begin refuses a task of the multi-thread runtime): no other
 * thread wakes its waiters and none is a multi-thread task, so parking and waking skip
 * the checks for either and the loop's count of parked waiters (waiters_parked), which
 * tells the loop to watch for such wakes. The owner counts its waiters itself (io_waiters), and
 * a drop unlinks with aci_waitlist_unlink. */
static inline void aci_waitlist_push_local(ac_waitlist *l, ac_waiter *w, ac_task *task) {
    w->task = task;
    aci_waitlist_link(l, w);
}

/* The general way of aci_waitlist_wake_local, out of line (waitlist.c). */
ACI_HIDDEN size_t aci_waitlist_wake_local_all(ac_waitlist *l, int reason);

/* Wake every waiter of a local list in order, emptying it; returns how many there were.
 * The usual case, one task of this loop (a socket's reader), costs no call. */
static inline size_t aci_waitlist_wake_local(ac_waitlist *l, int reason) {
    ac_waiter *w = l->head;
    if (!w)
        return 0;
    if (w->next)
        return aci_waitlist_wake_local_all(l, reason);
    l->head = l->tail = NULL;
    w->list = NULL;
    w->reason = reason;
    aci_task_wake_local(w->task);
    return 1;
}

/* For drops, on the task's own thread: unlink w from its list, or take back its wake if
 * that is still on the way to this loop. No-op when w is not parked. */
ACI_HIDDEN void aci_waiter_cancel(ac_waiter *w);

/* 1 from the push until the wake is delivered to the task's loop. */
static inline int aci_waiter_parked(const ac_waiter *w) {
    return w->list != NULL;
}

#endif
