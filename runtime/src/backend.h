/* backend.h - the readiness backend behind the loop's driver: the handful of functions
 * a poller provides (backend_epoll.c is the one there is), as Redis keeps ae_epoll.c
 * behind ae.c. The loop (loop.c) is its only user. Internal. */
#ifndef AC_RUNTIME_BACKEND_H
#define AC_RUNTIME_BACKEND_H

#include "internal.h"

/* What a descriptor became ready for. An error or hang-up reports both: whoever waits
 * in either direction must retry its call to learn what happened. ACI_READ_CLOSED comes
 * with ACI_READABLE once the peer will send nothing more (end of stream, hang-up or
 * error): reads stay ready from then on, with no edge to announce it again. */
enum aci_readiness { ACI_READABLE = 1u << 0, ACI_WRITABLE = 1u << 1, ACI_READ_CLOSED = 1u << 2 };

/* A descriptor reported ready: the key it was added with, and what it is ready for. */
typedef struct aci_ready {
    void *key;
    unsigned readiness;
} aci_ready;

/* A new poller in *out; 0 or a negative errno. */
ACI_HIDDEN int aci_backend_open(aci_backend **out);
ACI_HIDDEN void aci_backend_close(aci_backend *b);
/* Watch fd for both directions until removed; 0 or a negative errno. */
ACI_HIDDEN int aci_backend_add(aci_backend *b, int fd, void *key);
ACI_HIDDEN void aci_backend_remove(aci_backend *b, int fd);
/* Wait at most timeout_ns (UINT64_MAX: no limit; 0: just look) for readiness. Returns
 * how many descriptors were reported, in *ready (the backend's array, valid until its
 * next wait), or a negative errno; a signal ending the wait early reports none. A batch,
 * not a callback per descriptor: the caller dispatches them in one loop, with no call
 * for each (a server's every request starts here). */
ACI_HIDDEN int aci_backend_wait(aci_backend *b, uint64_t timeout_ns, const aci_ready **ready);

#endif
