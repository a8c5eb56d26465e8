/* reactor.h - the multi-thread runtime's reactor (reactor.c): one epoll instance that
 * every worker of a runtime shares, the registrations of the descriptors opened on its
 * workers, and the runtime's signals. mt.c decides who waits in it; io.c and signal.c
 * park tasks on its registrations. Internal. */
#ifndef AC_RUNTIME_REACTOR_H
#define AC_RUNTIME_REACTOR_H

#include "internal.h"

typedef struct aci_reactor aci_reactor;
typedef struct aci_fd_reg aci_fd_reg;

/* What an ac_fd opened on a worker points to (ac_fd.reg): its lists of parked tasks and
 * what the reactor saw of it, under `lock` (a spinlock), since the task that parks, the
 * worker that sees readiness and the one that closes may all be different threads.
 * Registrations live in the reactor's slab until the runtime ends, and are reused once
 * closed: an event for a closed one that a worker still held is a spurious wake, which
 * every parked leaf tolerates (it makes its call again), never a use after free. */
struct aci_fd_reg {
    int lock;
    /* Readiness edges seen per direction (0: readable, 1: writable), written under lock
     * and read without: a leaf that met EAGAIN parks only if no edge came since it looked
     * at the count before its call, so an edge seen on another worker between the call
     * and the park is not lost. */
    _Atomic uint32_t edges[2];
    /* 1 << 32 | the readable count a short read of a stream started at: that read
     * emptied it, so a read at the same count would only say EAGAIN. 0: not drained. */
    _Atomic uint64_t drained_at;
    _Atomic unsigned char read_closed; /* the peer sends no more: reads never wait again */
    ac_waitlist readers, writers;
    aci_reactor *reactor;
    struct aci_fd_reg *next_free;
};

/* A reactor with its epoll instance and the eventfd that kicks a worker out of it; 0 or
 * a negative errno. */
ACI_HIDDEN int aci_reactor_open(aci_reactor **out);
/* Close everything; every registration is freed (the workers have stopped). */
ACI_HIDDEN void aci_reactor_close(aci_reactor *r);

/* Take the right to wait in the reactor (one worker at a time): 1, or 0 if another
 * worker holds it. aci_reactor_wait waits up to timeout_ns for readiness and wakes the
 * tasks parked on what became ready; aci_reactor_leave gives the right back. */
ACI_HIDDEN int aci_reactor_try_enter(aci_reactor *r);
ACI_HIDDEN void aci_reactor_wait(aci_reactor *r, uint64_t timeout_ns);
ACI_HIDDEN void aci_reactor_leave(aci_reactor *r);
/* Make the worker waiting in the reactor return (or the next wait return at once). */
ACI_HIDDEN void aci_reactor_kick(aci_reactor *r);
/* Descriptors and signal sets registered: 0 means there is nothing to wait for. */
ACI_HIDDEN size_t aci_reactor_registered(aci_reactor *r);

/* Watch fd for both directions; *out is its registration. 0 or a negative errno (-EPERM
 * for a regular file, which epoll refuses: always ready). */
ACI_HIDDEN int aci_reactor_add(aci_reactor *r, int fd, aci_fd_reg **out);
/* Stop watching fd (before it is closed), wake what is parked on g with reason, and
 * give g back. */
ACI_HIDDEN void aci_reactor_remove(aci_fd_reg *g, int fd, int reason);

/* The runtime's signal state (signal.c), made on the first wait; NULL with *err set. */
ACI_HIDDEN aci_signals *aci_reactor_signals(aci_reactor *r, int *err);
/* The same if made already, else NULL. */
ACI_HIDDEN aci_signals *aci_reactor_signals_made(aci_reactor *r);

#endif
