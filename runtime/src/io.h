/* io.h - what the loop calls in io.c. Internal. */
#ifndef AC_RUNTIME_IO_H
#define AC_RUNTIME_IO_H

#include "internal.h"

#include "ac_io.h" /* after internal.h: its runtime face */
#include "waitlist.h"

/* The backend saw readiness (ACI_READABLE, ACI_WRITABLE bits) on the ac_fd h. */
ACI_HIDDEN void aci_fd_on_ready(void *h, unsigned readiness);

/* One call of a leaf (read, accept, send_to...) on its frame: its result, or -EAGAIN to
 * wait for the leaf's direction. */
typedef ssize_t aci_fd_call_fn(void *frame);

/* The poll every ac_fd leaf shares: make the call unless the waiter is still parked
 * (a spurious poll) or was woken by a close (-EBADF); park on the handle's readers or
 * writers (direction: ACI_READABLE or ACI_WRITABLE) when the call says -EAGAIN. */
ACI_HIDDEN ac_poll aci_fd_poll(ac_fd_wait_frame *wait, unsigned direction, ac_cx *cx,
                               aci_fd_call_fn *call, void *frame, ssize_t *out);
/* A leaf frame's wait, not parked, on h. */
ACI_HIDDEN void aci_fd_wait_init(ac_fd_wait_frame *wait, ac_fd *h);
/* A leaf's drop: unlink its waiter if parked. */
ACI_HIDDEN void aci_fd_unpark(ac_fd_wait_frame *wait);
/* A system call's result r as a leaf returns it: r, or -errno with EWOULDBLOCK spelled
 * EAGAIN (the caller retried EINTR). */
ACI_HIDDEN ssize_t aci_call_result(ssize_t r);

#endif
