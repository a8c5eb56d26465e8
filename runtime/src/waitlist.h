/* waitlist.h - lists of parked tasks (the types are public: ac_waiter and ac_waitlist in
 * ac_runtime.h, as leaf frames embed them). Internal.
 *
 * An event source that other threads may touch (a channel, a lock) guards its lists with
 * a lock of its own: push, wake, wake_all, cancel and every read of one of its waiters
 * happen with that lock held. A source only its own loop touches (an ac_fd) needs none.
 */
#ifndef AC_RUNTIME_WAITLIST_H
#define AC_RUNTIME_WAITLIST_H

#include "internal.h"

/* A waiter that is not parked, as a frame's init leaves it. */
ACI_HIDDEN void aci_waiter_init(ac_waiter *w);
/* Park task on l through w, at the tail (waiters are woken in parking order), on the
 * task's own thread. w must not be parked already. */
ACI_HIDDEN void aci_waitlist_push(ac_waitlist *l, ac_waiter *w, ac_task *task);
/* From any thread: unlink w from its list, set its reason and wake its task (on another
 * thread's loop, the wake is queued there and delivered by that loop). */
ACI_HIDDEN void aci_waiter_wake(ac_waiter *w, int reason);
/* Wake every waiter of l in order, as aci_waiter_wake; returns how many there were. */
ACI_HIDDEN size_t aci_waitlist_wake_all(ac_waitlist *l, int reason);
/* For drops, on the task's own thread: unlink w from its list, or take back its wake if
 * that is still on the way to this loop. No-op when w is not parked. */
ACI_HIDDEN void aci_waiter_cancel(ac_waiter *w);

/* 1 from the push until the wake is delivered to the task's loop. */
static inline int aci_waiter_parked(const ac_waiter *w) {
    return w->list != NULL;
}

/* The lists themselves, for the loop's queue of wakes from other threads (loop.c). */
ACI_HIDDEN void aci_waitlist_link(ac_waitlist *l, ac_waiter *w);
ACI_HIDDEN void aci_waitlist_unlink(ac_waiter *w);

#endif
