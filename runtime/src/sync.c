/* sync.c - mutex, read-write lock, semaphore, notify, barrier and cancellation tokens
 * (ac_sync.h has the API and the rules).
 *
 * One engine runs every wait. Each primitive starts with an ac_sync_queue_: a
 * spinlock and a FIFO waitlist. A wait's first poll, under the lock, either ends at
 * once (the kind's start) or parks the frame's waiter at the tail. Whoever releases
 * something, under the same lock, hands it to the waiters at the head and wakes them
 * (unlinking them; a waiter parked on another thread's loop gets its wake there,
 * through that loop's inbox: waitlist.c): the woken poll only reads what it was given
 * (the waiter's reason), once the wake is delivered. So a waiter that is no longer in
 * the queue has been served, whether its wake is delivered or still on its way, and a
 * drop knows which of two things to undo: a parked waiter leaves the queue (`left`: a
 * barrier forgets its arrival, a semaphore serves the waiters behind it), a served
 * one passes on what it was given (`forfeit`: permits go back, a notification goes to
 * the next waiter).
 *
 * The mutex and the read-write lock are semaphores (one permit; AC_RWLOCK_MAX_READERS
 * permits, a reader taking one and a writer all), so they share its FIFO hand-off.
 *
 * The lock: a test-and-test-and-set spinlock in an int, taken for a few dozen
 * instructions (a list push or unlink, a counter, the wakes), which yields the CPU
 * after a short spin so that a holder preempted on a loaded machine gets to run. It
 * is 4 bytes where a pthread mutex is 40 and needs no destroy. bench/sync_lock compares
 * the two doing the same work (Release build, the 2-vCPU VM with other jobs, 3 runs,
 * ns per lock/unlock pair): alone 15.3-18.6 against 30.0-38.5 for the mutex, two
 * threads at once 32-47 against 66-95.
 *
 * Cancellation tokens: the tree's links (ac_cancel_node_) are guarded by one lock for
 * all trees, taken before any token's own lock: cancelling walks a subtree,
 * destroying re-links children, and both are rare. A cancelled token's descendants
 * are all cancelled (links only change under the tree lock, and a child starts
 * cancelled under a cancelled parent), so cancelling one again stops at once.
 */
#define _POSIX_C_SOURCE 200809L /* sched_yield */

#include "waitlist.h"

#include "ac_sync.h"

#include "spinlock.h"

/* ---- waiting queues ----------------------------------------------------------------------------
 */

static void queue_init(ac_sync_queue_ *q) {
    *q = (ac_sync_queue_){0, {NULL, NULL}};
}

/* ---- the wait engine ------------------------------------------------------------------------- */

enum wait_state { WAIT_START, WAIT_PARKED, WAIT_DONE };

/* The reason notify_all wakes with: unlike notify_one's (0), nothing to pass on. */
#define REASON_BROADCAST 1

/* What a kind of wait does, always under its primitive's lock. */
typedef struct wait_kind {
    /* The first poll: 1 with the await's value in *out when it ends at once, 0 to park. */
    int (*start)(ac_sync_wait_frame *f, int *out);
    /* The await's value once woken with reason. */
    int (*woken)(ac_sync_wait_frame *f, int reason);
    /* Its frame was dropped while parked, and has just left the queue. NULL: nothing. */
    void (*left)(ac_sync_wait_frame *f);
    /* Its frame was dropped after a wake with reason, before it saw it. NULL: nothing. */
    void (*forfeit)(ac_sync_wait_frame *f, int reason);
} wait_kind;

static ac_sync_wait_frame *frame_of(ac_waiter *w) {
    return (ac_sync_wait_frame *)((char *)w - offsetof(ac_sync_wait_frame, waiter));
}

static void wait_init(ac_sync_wait_frame *f, ac_sync_queue_ *q, size_t n) {
    f->q = q;
    f->n = n;
    f->state = WAIT_START;
    aci_waiter_init(&f->waiter);
}

/* Under the lock: whether a poll of f ends now (with *out), parking it if it starts. */
static int wait_step(ac_sync_wait_frame *f, ac_cx *cx, int *out, const wait_kind *k) {
    if (f->state == WAIT_START) {
        if (k->start(f, out))
            return 1;
        aci_waitlist_push(&f->q->waiters, &f->waiter, cx->task);
        f->state = WAIT_PARKED;
        return 0;
    }
    if (aci_waiter_parked(&f->waiter))
        return 0; /* a spurious poll */
    *out = k->woken(f, f->waiter.reason);
    return 1;
}

static ac_poll wait_poll(ac_sync_wait_frame *f, ac_cx *cx, int *out, const wait_kind *k) {
    if (!aci_coop_take(cx))
        return AC_PENDING;
    aci_spin_lock(&f->q->lock);
    int done = wait_step(f, cx, out, k);
    aci_spin_unlock(&f->q->lock);
    if (!done)
        return AC_PENDING;
    f->state = WAIT_DONE;
    return AC_READY;
}

static void wait_drop(ac_sync_wait_frame *f, const wait_kind *k) {
    if (f->state != WAIT_PARKED)
        return;
    aci_spin_lock(&f->q->lock);
    int served = f->waiter.list != &f->q->waiters;
    aci_waiter_cancel(&f->waiter); /* out of the queue, or its wake taken back */
    if (!served && k->left)
        k->left(f);
    else if (served && k->forfeit)
        k->forfeit(f, f->waiter.reason);
    aci_spin_unlock(&f->q->lock);
    f->state = WAIT_DONE;
}

static int woken_reason(ac_sync_wait_frame *f, int reason) {
    (void)f;
    return reason;
}

static int woken_zero(ac_sync_wait_frame *f, int reason) {
    (void)f;
    (void)reason;
    return 0;
}

/* The poll and drop of a leaf whose frame is ac_sync_wait_frame (ac_sync.h declares
 * them): the engine with the kind. */
#define DEFINE_WAIT(name, kind)                                                                    \
    ac_poll name##_poll(ac_sync_wait_frame *f, ac_cx *cx, int *out) {                              \
        return wait_poll(f, cx, out, &(kind));                                                     \
    }                                                                                              \
    void name##_drop(ac_sync_wait_frame *f) {                                                      \
        wait_drop(f, &(kind));                                                                     \
    }

/* ---- semaphore ------------------------------------------------------------------------------- */

/* Hand free permits to the waiters at the head, in order, while the first one fits. */
static void sem_grant(ac_semaphore *s) {
    ac_waiter *w;
    while ((w = s->q.waiters.head) && frame_of(w)->n <= s->permits) {
        s->permits -= frame_of(w)->n;
        aci_waiter_wake(w, 0);
    }
}

static int sem_give(ac_semaphore *s, size_t n) {
    int rc = ac_semaphore_give_(s, n);
    if (rc == 0)
        sem_grant(s);
    return rc;
}

static int sem_take(ac_semaphore *s, size_t n) {
    return ac_semaphore_take_(s, n, s->q.waiters.head != NULL);
}

static int sem_start(ac_sync_wait_frame *f, int *out) {
    int rc = sem_take((ac_semaphore *)f->q, f->n);
    if (rc == -EAGAIN)
        return 0;
    *out = rc;
    return 1;
}

static void sem_left(ac_sync_wait_frame *f) {
    sem_grant((ac_semaphore *)f->q); /* the waiters behind f may fit now */
}

static void sem_forfeit(ac_sync_wait_frame *f, int reason) {
    if (reason == 0) /* granted, not closed: they were taken from here, so they fit */
        (void)sem_give((ac_semaphore *)f->q, f->n);
}

static const wait_kind sem_kind = {sem_start, woken_reason, sem_left, sem_forfeit};

int ac_semaphore_init(ac_semaphore *s, size_t permits) {
    if (permits > AC_SEMAPHORE_MAX_PERMITS)
        return -EINVAL;
    queue_init(&s->q);
    s->permits = permits;
    s->closed = 0;
    return 0;
}

int ac_semaphore_try_acquire(ac_semaphore *s, size_t n) {
    aci_spin_lock(&s->q.lock);
    int rc = sem_take(s, n);
    aci_spin_unlock(&s->q.lock);
    return rc;
}

int ac_semaphore_release(ac_semaphore *s, size_t n) {
    aci_spin_lock(&s->q.lock);
    int rc = sem_give(s, n);
    aci_spin_unlock(&s->q.lock);
    return rc;
}

void ac_semaphore_close(ac_semaphore *s) {
    aci_spin_lock(&s->q.lock);
    s->closed = 1;
    aci_waitlist_wake_all(&s->q.waiters, -ECANCELED);
    aci_spin_unlock(&s->q.lock);
}

size_t ac_semaphore_available(ac_semaphore *s) {
    aci_spin_lock(&s->q.lock);
    size_t n = s->permits;
    aci_spin_unlock(&s->q.lock);
    return n;
}

void ac_semaphore_acquire_init(ac_sync_wait_frame *f, ac_semaphore *s, size_t n) {
    wait_init(f, &s->q, n);
}

DEFINE_WAIT(ac_semaphore_acquire, sem_kind)

/* ---- mutex ----------------------------------------------------------------------------------- */

void ac_mutex_init(ac_mutex *m) {
    (void)ac_semaphore_init(&m->sem, 1);
}

int ac_mutex_try_lock(ac_mutex *m) {
    return ac_semaphore_try_acquire(&m->sem, 1) == 0 ? 0 : -EBUSY;
}

int ac_mutex_unlock(ac_mutex *m) {
    aci_spin_lock(&m->sem.q.lock);
    int rc = m->sem.permits == 0 ? sem_give(&m->sem, 1) : -EPERM;
    aci_spin_unlock(&m->sem.q.lock);
    return rc;
}

void ac_mutex_lock_init(ac_sync_wait_frame *f, ac_mutex *m) {
    wait_init(f, &m->sem.q, 1);
}

DEFINE_WAIT(ac_mutex_lock, sem_kind)

/* ---- read-write lock ------------------------------------------------------------------------- */

/* A wait's n tells a reader (1) from a writer (all the permits). */
static int rw_start(ac_sync_wait_frame *f, int *out) {
    if (!sem_start(f, out))
        return 0;
    if (*out == 0)
        ac_rwlock_held_((ac_rwlock *)f->q, f->n);
    return 1;
}

static int rw_woken(ac_sync_wait_frame *f, int reason) {
    ac_rwlock_held_((ac_rwlock *)f->q, f->n); /* never closed: always granted */
    return reason;
}

static const wait_kind rw_kind = {rw_start, rw_woken, sem_left, sem_forfeit};

void ac_rwlock_init(ac_rwlock *l) {
    (void)ac_semaphore_init(&l->sem, AC_RWLOCK_MAX_READERS);
    l->readers = 0;
    l->writer = 0;
}

static int rw_try(ac_rwlock *l, int write) {
    size_t n = ac_rwlock_permits_(write);
    aci_spin_lock(&l->sem.q.lock);
    int rc = sem_take(&l->sem, n);
    if (rc == 0)
        ac_rwlock_held_(l, n);
    aci_spin_unlock(&l->sem.q.lock);
    return rc == 0 ? 0 : -EBUSY;
}

static int rw_unlock(ac_rwlock *l, int write) {
    aci_spin_lock(&l->sem.q.lock);
    size_t n = ac_rwlock_unheld_(l, write);
    int rc = n ? sem_give(&l->sem, n) : -EPERM;
    aci_spin_unlock(&l->sem.q.lock);
    return rc;
}

int ac_rwlock_try_read_lock(ac_rwlock *l) {
    return rw_try(l, 0);
}

int ac_rwlock_try_write_lock(ac_rwlock *l) {
    return rw_try(l, 1);
}

int ac_rwlock_read_unlock(ac_rwlock *l) {
    return rw_unlock(l, 0);
}

int ac_rwlock_write_unlock(ac_rwlock *l) {
    return rw_unlock(l, 1);
}

void ac_rwlock_read_lock_init(ac_sync_wait_frame *f, ac_rwlock *l) {
    wait_init(f, &l->sem.q, ac_rwlock_permits_(0));
}

void ac_rwlock_write_lock_init(ac_sync_wait_frame *f, ac_rwlock *l) {
    wait_init(f, &l->sem.q, ac_rwlock_permits_(1));
}

DEFINE_WAIT(ac_rwlock_read_lock, rw_kind)
DEFINE_WAIT(ac_rwlock_write_lock, rw_kind)

/* ---- notify ---------------------------------------------------------------------------------- */

static void notify_one(ac_notify *n) {
    if (n->q.waiters.head)
        aci_waiter_wake(n->q.waiters.head, 0);
    else
        n->permit = 1;
}

static int notify_start(ac_sync_wait_frame *f, int *out) {
    ac_notify *n = (ac_notify *)f->q;
    if (!n->permit)
        return 0;
    n->permit = 0;
    *out = 0;
    return 1;
}

static void notify_forfeit(ac_sync_wait_frame *f, int reason) {
    if (reason != REASON_BROADCAST)
        notify_one((ac_notify *)f->q);
}

static const wait_kind notify_kind = {notify_start, woken_zero, NULL, notify_forfeit};

void ac_notify_init(ac_notify *n) {
    queue_init(&n->q);
    n->permit = 0;
}

void ac_notify_one(ac_notify *n) {
    aci_spin_lock(&n->q.lock);
    notify_one(n);
    aci_spin_unlock(&n->q.lock);
}

void ac_notify_all(ac_notify *n) {
    aci_spin_lock(&n->q.lock);
    aci_waitlist_wake_all(&n->q.waiters, REASON_BROADCAST);
    aci_spin_unlock(&n->q.lock);
}

void ac_notified_init(ac_sync_wait_frame *f, ac_notify *n) {
    wait_init(f, &n->q, 0);
}

DEFINE_WAIT(ac_notified, notify_kind)

/* ---- barrier --------------------------------------------------------------------------------- */

static int barrier_start(ac_sync_wait_frame *f, int *out) {
    if (ac_barrier_arrive_((ac_barrier *)f->q) != AC_BARRIER_LEADER)
        return 0;
    aci_waitlist_wake_all(&f->q->waiters, 0);
    *out = AC_BARRIER_LEADER;
    return 1;
}

static void barrier_left(ac_sync_wait_frame *f) {
    ((ac_barrier *)f->q)->arrived--;
}

static const wait_kind barrier_kind = {barrier_start, woken_zero, barrier_left, NULL};

int ac_barrier_init(ac_barrier *b, size_t parties) {
    if (parties == 0)
        return -EINVAL;
    queue_init(&b->q);
    b->parties = parties;
    b->arrived = 0;
    return 0;
}

void ac_barrier_wait_init(ac_sync_wait_frame *f, ac_barrier *b) {
    wait_init(f, &b->q, 0);
}

DEFINE_WAIT(ac_barrier_wait, barrier_kind)

/* ---- cancellation tokens --------------------------------------------------------------------- */

static int tree_lock; /* every token tree's links */

static ac_cancel_token *token_of(ac_sync_queue_ *q) {
    return (ac_cancel_token *)((char *)q - offsetof(ac_cancel_token, q));
}

static int cancelled_start(ac_sync_wait_frame *f, int *out) {
    if (!__atomic_load_n(&token_of(f->q)->cancelled, __ATOMIC_RELAXED))
        return 0;
    *out = 0;
    return 1;
}

static const wait_kind cancelled_kind = {cancelled_start, woken_reason, NULL, NULL};

void ac_cancel_token_init(ac_cancel_token *t) {
    ac_cancel_node_init_(&t->node);
    queue_init(&t->q);
    t->cancelled = 0;
}

void ac_cancel_token_init_child(ac_cancel_token *c, ac_cancel_token *parent) {
    ac_cancel_token_init(c);
    aci_spin_lock(&tree_lock);
    ac_cancel_node_link_(&c->node, &parent->node);
    __atomic_store_n(&c->cancelled, __atomic_load_n(&parent->cancelled, __ATOMIC_RELAXED),
                     __ATOMIC_RELAXED);
    aci_spin_unlock(&tree_lock);
}

/* Set t's flag and wake its waiters with reason (0: cancelled, -EBADF: destroyed). */
static void token_wake(ac_cancel_token *t, int cancel, int reason) {
    aci_spin_lock(&t->q.lock);
    if (cancel)
        __atomic_store_n(&t->cancelled, 1, __ATOMIC_RELEASE);
    aci_waitlist_wake_all(&t->q.waiters, reason);
    aci_spin_unlock(&t->q.lock);
}

void ac_cancel_token_cancel(ac_cancel_token *t) {
    aci_spin_lock(&tree_lock);
    if (!__atomic_load_n(&t->cancelled, __ATOMIC_RELAXED))
        for (ac_cancel_node_ *n = &t->node; n; n = ac_cancel_node_next_(n, &t->node))
            token_wake((ac_cancel_token *)n, 1, 0);
    aci_spin_unlock(&tree_lock);
}

int ac_cancel_token_is_cancelled(ac_cancel_token *t) {
    return __atomic_load_n(&t->cancelled, __ATOMIC_ACQUIRE);
}

void ac_cancel_token_destroy(ac_cancel_token *t) {
    aci_spin_lock(&tree_lock);
    ac_cancel_node_unlink_(&t->node);
    aci_spin_unlock(&tree_lock);
    token_wake(t, 0, -EBADF);
}

void ac_cancelled_init(ac_sync_wait_frame *f, ac_cancel_token *t) {
    wait_init(f, &t->q, 0);
}

DEFINE_WAIT(ac_cancelled, cancelled_kind)
