/* reactor.c - the multi-thread runtime's reactor: one epoll instance shared by all the
 * workers of a runtime (SCHEDULER.md says why one, not one per worker).
 *
 * A descriptor opened on a worker (ac_fd_open) is added once, edge-triggered for both
 * directions, as on the current-thread loop (backend_epoll.c), with its registration
 * (reactor.h) as the key. One worker at a time waits in the reactor (mt.c: the first to
 * park with descriptors registered, and busy workers look without waiting every
 * event_interval polls); for each event it counts an edge on the registration and wakes
 * every task parked in that direction. A wake is thread-safe (mt.c): the task runs
 * wherever it is scheduled, whichever worker parked it and whichever saw the edge.
 *
 * Registrations come from a slab of chunks that only grows, and go back to a free list
 * on close; the slab is freed with the reactor. So a key in an event that a worker took
 * out of epoll just before the descriptor was closed still points to a registration:
 * at worst a reused one, whose tasks get a spurious wake.
 */
#define _GNU_SOURCE 1 /* eventfd */

#include "reactor.h"

#include "backend.h"
#include "mt.h"
#include "signals.h"
#include "spinlock.h"
#include "waitlist.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define REGS_PER_CHUNK 64

typedef struct reg_chunk {
    struct reg_chunk *next;
    aci_fd_reg regs[REGS_PER_CHUNK];
} reg_chunk;

struct aci_reactor {
    aci_backend *backend;
    int kick_fd;               /* eventfd in backend: aci_reactor_kick */
    pthread_mutex_t wait_lock; /* held by the worker waiting in (or looking at) backend */
    pthread_mutex_t slab_lock; /* chunks, free, and making signals */
    reg_chunk *chunks;
    aci_fd_reg *free;
    _Atomic size_t registered;
    aci_signals *_Atomic signals; /* NULL until a task waits for a signal */
};

int aci_reactor_open(aci_reactor **out) {
    aci_reactor *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    int rc = aci_backend_open(&r->backend);
    if (rc != 0) {
        free(r);
        return rc;
    }
    r->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    rc = r->kick_fd < 0 ? -errno : aci_backend_add(r->backend, r->kick_fd, &r->kick_fd);
    if (rc != 0) {
        if (r->kick_fd >= 0)
            close(r->kick_fd);
        aci_backend_close(r->backend);
        free(r);
        return rc;
    }
    pthread_mutex_init(&r->wait_lock, NULL);
    pthread_mutex_init(&r->slab_lock, NULL);
    *out = r;
    return 0;
}

void aci_reactor_close(aci_reactor *r) {
    aci_signals *s = atomic_load_explicit(&r->signals, memory_order_acquire);
    if (s)
        aci_signals_free(s);
    while (r->chunks) {
        reg_chunk *c = r->chunks;
        r->chunks = c->next;
        free(c);
    }
    close(r->kick_fd);
    aci_backend_close(r->backend);
    pthread_mutex_destroy(&r->wait_lock);
    pthread_mutex_destroy(&r->slab_lock);
    free(r);
}

/* ---- waiting ---------------------------------------------------------------------------- */

int aci_reactor_try_enter(aci_reactor *r) {
    return pthread_mutex_trylock(&r->wait_lock) == 0;
}

void aci_reactor_leave(aci_reactor *r) {
    pthread_mutex_unlock(&r->wait_lock);
}

void aci_reactor_kick(aci_reactor *r) {
    (void)eventfd_write(r->kick_fd, 1); /* fails only when the count would overflow */
}

size_t aci_reactor_registered(aci_reactor *r) {
    return atomic_load_explicit(&r->registered, memory_order_relaxed);
}

/* An edge in the directions of readiness: count it and wake who waits for it. */
static void reg_ready(aci_fd_reg *g, unsigned readiness) {
    aci_spin_lock(&g->lock);
    if (readiness & ACI_READABLE) {
        if (readiness & ACI_READ_CLOSED)
            atomic_store_explicit(&g->read_closed, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&g->edges[0], 1, memory_order_release);
        aci_waitlist_wake_all(&g->readers, 0);
    }
    if (readiness & ACI_WRITABLE) {
        atomic_fetch_add_explicit(&g->edges[1], 1, memory_order_release);
        aci_waitlist_wake_all(&g->writers, 0);
    }
    aci_spin_unlock(&g->lock);
}

static void reactor_on_ready(aci_reactor *r, void *key, unsigned readiness) {
    eventfd_t count;
    if (key == &r->kick_fd)
        (void)eventfd_read(r->kick_fd, &count); /* EAGAIN: another wait took it */
    else if (key == atomic_load_explicit(&r->signals, memory_order_acquire))
        aci_signals_on_ready(key);
    else
        reg_ready(key, readiness);
}

void aci_reactor_wait(aci_reactor *r, uint64_t timeout_ns) {
    /* A failing epoll_wait (on a valid instance only EINTR, no failure) reports no
     * descriptor and leaves them for the next look. */
    const aci_ready *ready;
    int n = aci_backend_wait(r->backend, timeout_ns, &ready);
    for (int i = 0; i < n; i++)
        reactor_on_ready(r, ready[i].key, ready[i].readiness);
}

/* ---- registrations ---------------------------------------------------------------------- */

/* A free registration, reset; NULL when memory is out. Under slab_lock. */
static aci_fd_reg *reg_take_locked(aci_reactor *r) {
    if (!r->free) {
        reg_chunk *c = calloc(1, sizeof *c);
        if (!c)
            return NULL;
        c->next = r->chunks;
        r->chunks = c;
        for (unsigned i = 0; i < REGS_PER_CHUNK; i++) {
            c->regs[i].next_free = r->free;
            r->free = &c->regs[i];
        }
    }
    aci_fd_reg *g = r->free;
    r->free = g->next_free;
    /* The edge counts go on from where a previous use left them: an old event may still
     * come for this registration, and a count that only grows keeps comparisons valid. */
    atomic_store_explicit(&g->drained_at, 0, memory_order_relaxed);
    atomic_store_explicit(&g->read_closed, 0, memory_order_relaxed);
    g->reactor = r;
    return g;
}

static void reg_give_back(aci_fd_reg *g) {
    aci_reactor *r = g->reactor;
    pthread_mutex_lock(&r->slab_lock);
    g->next_free = r->free;
    r->free = g;
    pthread_mutex_unlock(&r->slab_lock);
}

/* One more descriptor to watch: the first makes a parked worker come to wait for it. */
static void registered_add(aci_reactor *r) {
    if (atomic_fetch_add_explicit(&r->registered, 1, memory_order_relaxed) == 0)
        aci_mt_reactor_wanted();
}

int aci_reactor_add(aci_reactor *r, int fd, aci_fd_reg **out) {
    pthread_mutex_lock(&r->slab_lock);
    aci_fd_reg *g = reg_take_locked(r);
    pthread_mutex_unlock(&r->slab_lock);
    if (!g)
        return -ENOMEM;
    int rc = aci_backend_add(r->backend, fd, g);
    if (rc != 0) {
        reg_give_back(g);
        return rc;
    }
    registered_add(r);
    *out = g;
    return 0;
}

void aci_reactor_remove(aci_fd_reg *g, int fd, int reason) {
    aci_reactor *r = g->reactor;
    aci_backend_remove(r->backend, fd);
    aci_spin_lock(&g->lock);
    aci_waitlist_wake_all(&g->readers, reason);
    aci_waitlist_wake_all(&g->writers, reason);
    aci_spin_unlock(&g->lock);
    atomic_fetch_sub_explicit(&r->registered, 1, memory_order_relaxed);
    reg_give_back(g);
}

/* ---- signals ------------------------------------------------------------------------------ */

aci_signals *aci_reactor_signals(aci_reactor *r, int *err) {
    aci_signals *s = atomic_load_explicit(&r->signals, memory_order_acquire);
    if (s)
        return s;
    pthread_mutex_lock(&r->slab_lock);
    s = atomic_load_explicit(&r->signals, memory_order_relaxed);
    if (!s && (s = aci_signals_new(1, err)) != NULL) {
        /* Published before it is added: an event for it must find it known. */
        atomic_store_explicit(&r->signals, s, memory_order_release);
        if ((*err = aci_backend_add(r->backend, aci_signals_fd(s), s)) != 0) {
            atomic_store_explicit(&r->signals, NULL, memory_order_relaxed);
            aci_signals_free(s);
            s = NULL;
        } else {
            registered_add(r);
        }
    }
    pthread_mutex_unlock(&r->slab_lock);
    return s;
}

aci_signals *aci_reactor_signals_made(aci_reactor *r) {
    return atomic_load_explicit(&r->signals, memory_order_acquire);
}
