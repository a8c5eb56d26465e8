/* io.h - what the loop calls in io.c. Internal. */
#ifndef AC_RUNTIME_IO_H
#define AC_RUNTIME_IO_H

#include "internal.h"

#include "ac_io.h" /* after internal.h: its runtime face */
#include "backend.h"
#include "waitlist.h"

/* Wake the tasks parked on one of a handle's lists with reason (0, or -EBADF: closed). */
static inline void aci_fd_wake(ac_waitlist *l, int reason) {
    if (l->head)
        aci_loop_this.io_waiters -= aci_waitlist_wake_local(l, reason);
}

/* The backend saw readiness (ACI_READABLE, ACI_WRITABLE bits) on the ac_fd h: wake its
 * waiters for it and return how many, for the caller to take off io_waiters once for
 * its whole batch. Inline in the loop's dispatch, as every request a server answers
 * starts here. */
static inline size_t aci_fd_on_ready(ac_fd *h, unsigned readiness) {
    size_t woken = 0;
    if (readiness & ACI_READABLE) {
        h->drained = 0;
        h->read_closed |= (readiness & ACI_READ_CLOSED) != 0;
        woken = aci_waitlist_wake_local(&h->readers, 0);
    }
    if (readiness & ACI_WRITABLE)
        woken += aci_waitlist_wake_local(&h->writers, 0);
    return woken;
}

/* One call of a leaf (read, accept, send_to...) on its frame: its result, or -EAGAIN to
 * wait for the leaf's direction. */
typedef ssize_t aci_fd_call_fn(void *frame);

/* aci_fd_poll on a handle of a multi-thread runtime's reactor (io.c). */
ACI_HIDDEN ac_poll aci_fd_poll_shared(ac_fd_wait_frame *wait, unsigned direction, ac_cx *cx,
                                      aci_fd_call_fn *call, void *frame, ssize_t *out);

/* What aci_fd_poll_begin leaves to its leaf: make the call. */
#define ACI_FD_CALL 2

/* The start of every ac_fd leaf's poll on a loop's handle (not a reactor's): AC_READY
 * with *out set (a task of a multi-thread runtime is refused; a close woke the waiter:
 * -EBADF), AC_PENDING (the budget is spent, or the waiter is still parked: a spurious
 * poll), or ACI_FD_CALL. A handle serves the executor it was opened on: a loop's lists
 * are its thread's alone. A regular file (not watched) never waits, so any task may use
 * it. */
static ACI_INLINE int aci_fd_poll_begin(ac_fd_wait_frame *wait, ac_cx *cx, ssize_t *out) {
    if (wait->h->watched && aci_task_is_mt(cx->task)) {
        *out = -EOPNOTSUPP;
        return AC_READY;
    }
    if (!aci_coop_take(cx))
        return AC_PENDING;
    if (aci_waiter_parked(&wait->waiter))
        return AC_PENDING;
    if (wait->waiter.reason < 0) {
        *out = wait->waiter.reason;
        return AC_READY;
    }
    return ACI_FD_CALL;
}

/* The end, once the call returned r: park on the handle's readers or writers
 * (direction: ACI_READABLE or ACI_WRITABLE) if r is -EAGAIN, else r is the result. */
static ACI_INLINE ac_poll aci_fd_poll_end(ac_fd_wait_frame *wait, unsigned direction, ac_cx *cx,
                                          ssize_t r, ssize_t *out) {
    if (r == -EAGAIN) {
        ac_fd *h = wait->h;
        aci_waitlist_push_local(direction == ACI_READABLE ? &h->readers : &h->writers,
                                &wait->waiter, cx->task);
        aci_loop_this.io_waiters++;
        return AC_PENDING;
    }
    *out = r;
    return AC_READY;
}

/* The poll every ac_fd leaf shares: the reactor's way (aci_fd_poll_shared checks its
 * side), or the begin, the call and the end above. Inline: a server answers each
 * request through two of them, and inlined into a leaf, the leaf's call is inlined too. */
static ACI_INLINE ac_poll aci_fd_poll(ac_fd_wait_frame *wait, unsigned direction, ac_cx *cx,
                                      aci_fd_call_fn *call, void *frame, ssize_t *out) {
    if (wait->h->reg)
        return aci_fd_poll_shared(wait, direction, cx, call, frame, out);
    int begun = aci_fd_poll_begin(wait, cx, out);
    if (begun != ACI_FD_CALL)
        return (ac_poll)begun;
    return aci_fd_poll_end(wait, direction, cx, call(frame), out);
}

/* A leaf's drop: unlink its waiter if parked. */
ACI_HIDDEN void aci_fd_unpark(ac_fd_wait_frame *wait);
/* A system call's result r as a leaf returns it: r, or -errno with EWOULDBLOCK spelled
 * EAGAIN (the caller retried EINTR). */
ACI_HIDDEN ssize_t aci_call_result(ssize_t r);

#endif
