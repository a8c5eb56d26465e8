/* ac_sync.h - synchronization between tasks: mutex, read-write lock, semaphore,
 * notify, barrier, and cancellation tokens.
 *
 *     ac_mutex m;
 *     ac_mutex_init(&m);
 *     await(ac_mutex_lock(&m));     // 0: held, and may stay held across awaits
 *     ...                           // await anything here
 *     ac_mutex_unlock(&m);          // a plain call
 *
 * Waiting parks the task (the thread runs other tasks); nothing here blocks a thread.
 * Every primitive may be shared by tasks on different threads (each running its own
 * ac_block_on): its state has its own lock, a spinlock held only for a few
 * instructions, never across an await. A lock or permit is not tied to the task or
 * thread that took it: any task may release it (hand it over, as a guard moved to
 * another task). A primitive must outlive every wait on it; none needs destroying
 * except a cancellation token (which has links to its parent and children).
 *
 * Errors are values: every call returns 0 or a negative errno (or documents another
 * value), and none aborts.
 *
 * ---- fairness --------------------------------------------------------------------------
 *
 * Mutex, read-write lock and semaphore are strictly FIFO: waiters are served in the
 * order they started waiting, and a request that cannot be served yet blocks every
 * later one, even one that would fit (a semaphore waiter wanting 5 permits is not
 * overtaken forever by a stream of 1-permit requests; the read-write lock lets no
 * reader in past a waiting writer, and no writer past waiting readers). The try_
 * forms do not jump the queue either: they fail while anyone waits. A lock or permits
 * released go straight to the waiters at the head (a hand-off): the released task
 * cannot take them back before the woken one runs. Notify's notify_one wakes the
 * longest waiter (FIFO); notify_all, a barrier's release and a cancellation wake
 * every waiter at once.
 *
 * ---- drops (cancellation) ---------------------------------------------------------------
 *
 * Dropping a frame parked in any wait below takes it out of the queue: it never gets
 * the lock, the permits or the notification afterwards. If they were handed to it and
 * it is dropped before it ran, they are passed on (to the next waiter, or back to the
 * primitive), never lost. A dropped barrier waiter no longer counts as arrived.
 *
 * ---- the calls --------------------------------------------------------------------------
 *
 * Semaphore: a count of permits, at most AC_SEMAPHORE_MAX_PERMITS.
 *   int  ac_semaphore_init(ac_semaphore *s, size_t permits)   0, -EINVAL (too many)
 *   async int ac_semaphore_acquire(ac_semaphore *s, size_t n)  0 with n permits taken;
 *              -EINVAL for n == 0 or n > AC_SEMAPHORE_MAX_PERMITS; -ECANCELED once the
 *              semaphore is closed (also for tasks waiting when it is closed)
 *   int  ac_semaphore_try_acquire(ac_semaphore *s, size_t n)  0, -EAGAIN when the
 *              permits are not free or others wait first, -EINVAL, -ECANCELED
 *   int  ac_semaphore_release(ac_semaphore *s, size_t n)      0, or -EOVERFLOW (nothing
 *              added) when the free permits would exceed AC_SEMAPHORE_MAX_PERMITS
 *   void ac_semaphore_close(ac_semaphore *s)     wake every waiter with -ECANCELED;
 *              later acquires fail; permits may still be released
 *   size_t ac_semaphore_available(ac_semaphore *s)            free permits now
 *
 * Mutex:
 *   void ac_mutex_init(ac_mutex *m)                           unlocked
 *   async int ac_mutex_lock(ac_mutex *m)                      0, held
 *   int  ac_mutex_try_lock(ac_mutex *m)                       0, or -EBUSY
 *   int  ac_mutex_unlock(ac_mutex *m)                         0, or -EPERM if not locked
 *
 * Read-write lock: any number of readers (up to AC_RWLOCK_MAX_READERS) or one writer.
 * FIFO as above, so neither readers nor writers starve: a writer waits for the readers
 * that came before it, and the readers that come after it wait for it.
 *   void ac_rwlock_init(ac_rwlock *l)
 *   async int ac_rwlock_read_lock(ac_rwlock *l)               0, held for reading
 *   async int ac_rwlock_write_lock(ac_rwlock *l)              0, held for writing
 *   int  ac_rwlock_try_read_lock(ac_rwlock *l)                0, or -EBUSY
 *   int  ac_rwlock_try_write_lock(ac_rwlock *l)               0, or -EBUSY
 *   int  ac_rwlock_read_unlock(ac_rwlock *l)                  0, or -EPERM if no reader
 *   int  ac_rwlock_write_unlock(ac_rwlock *l)                 0, or -EPERM if no writer
 *
 * Notify (tokio's Notify): a wake-up call without data.
 *   void ac_notify_init(ac_notify *n)
 *   void ac_notify_one(ac_notify *n)     wake the longest waiter; if nobody waits, store
 *              one permit (at most one) that the next ac_notified takes at once
 *   void ac_notify_all(ac_notify *n)     wake every task waiting now; stores nothing
 *   async int ac_notified(ac_notify *n)  0 once notified
 *
 * Barrier: n parties meet; each generation releases exactly n waits.
 *   int  ac_barrier_init(ac_barrier *b, size_t parties)       0, or -EINVAL for 0
 *   async int ac_barrier_wait(ac_barrier *b)    AC_BARRIER_LEADER (1) for the last to
 *              arrive (which does not wait), 0 for the others; then the next
 *              generation starts
 *
 * Cancellation token: a flag that is set once and wakes everyone waiting for it, in
 * a tree: cancelling a token cancels its children (and theirs), never its parent.
 *   void ac_cancel_token_init(ac_cancel_token *t)             a root, not cancelled
 *   void ac_cancel_token_init_child(ac_cancel_token *c, ac_cancel_token *parent)
 *              a child of parent; cancelled already if parent is
 *   void ac_cancel_token_cancel(ac_cancel_token *t)   cancel t and its descendants
 *   int  ac_cancel_token_is_cancelled(ac_cancel_token *t)     1 or 0
 *   async int ac_cancelled(ac_cancel_token *t)   0 once t is cancelled, or -EBADF if t
 *              is destroyed while the task waits
 *   void ac_cancel_token_destroy(ac_cancel_token *t)  detach t from its parent (a
 *              dropped child no longer hears its parent, and the parent forgets it);
 *              t's children become children of t's parent (roots if it had none),
 *              so cancelling an ancestor still reaches them
 *
 * ---- the sequential meaning (ASYNCC_SEQUENTIAL) -----------------------------------------
 *
 * Plain C, one thread: a free lock is taken, free permits are taken, a stored notify
 * permit or a cancelled token ends the wait at once, a barrier of one party returns
 * AC_BARRIER_LEADER. A wait that would have to wait can never end there (in plain C a
 * spawned task has run to its end before ac_spawn returns, so nothing else can
 * release anything): instead of hanging, it returns -EDEADLK, takes nothing, and
 * writes "asyncc: <call> would wait forever: nothing else runs in the sequential
 * program (-EDEADLK)" to stderr. Everything else behaves as in the runtime's face.
 *
 * It includes <asyncc.h> itself. Three faces, like <asyncc.h>: under ASYNCC_PARSE the
 * waits are declared async, with their frames complete so asyncc embeds them; the ABI
 * face (ASYNCC_LOWERED, or the runtime's own sources) declares the leaves'
 * init/poll/drop (grammar/abi.md, section 7); ASYNCC_SEQUENTIAL is the plain meaning.
 */
#ifndef AC_SYNC_H
#define AC_SYNC_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define AC_SEMAPHORE_MAX_PERMITS (SIZE_MAX >> 1)
#define AC_RWLOCK_MAX_READERS AC_SEMAPHORE_MAX_PERMITS
#define AC_BARRIER_LEADER 1

/* A cancellation token's place in its tree (both faces; the helpers at the end). */
typedef struct ac_cancel_node_ {
    struct ac_cancel_node_ *parent;
    struct ac_cancel_node_ *first;       /* the first child */
    struct ac_cancel_node_ *prev, *next; /* siblings */
} ac_cancel_node_;

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face: the types ----------------------------------------------------------- */

#include "ac_runtime.h"

/* What every primitive starts with: its lock (a spinlock: 0 free, 1 held; runtime/src/
 * sync.c) and its waiters, FIFO. */
typedef struct ac_sync_queue_ {
    int lock;
    ac_waitlist waiters;
} ac_sync_queue_;

typedef struct ac_semaphore {
    ac_sync_queue_ q;
    size_t permits; /* free now; while tasks wait, fewer than the first one wants */
    int closed;
} ac_semaphore;

/* A semaphore of one permit. */
typedef struct ac_mutex {
    ac_semaphore sem;
} ac_mutex;

/* A semaphore of AC_RWLOCK_MAX_READERS permits: a reader takes one, a writer all. */
typedef struct ac_rwlock {
    ac_semaphore sem;
    size_t readers; /* read locks held */
    int writer;     /* the write lock is held */
} ac_rwlock;

typedef struct ac_notify {
    ac_sync_queue_ q;
    int permit; /* a notify_one that found nobody waiting */
} ac_notify;

typedef struct ac_barrier {
    ac_sync_queue_ q;
    size_t parties;
    size_t arrived; /* in this generation: the parked waiters */
} ac_barrier;

typedef struct ac_cancel_token {
    ac_cancel_node_ node; /* first: the tree's walks cast nodes to tokens */
    ac_sync_queue_ q;
    int cancelled;
} ac_cancel_token;

/* Every wait's frame: what it waits on, and its place in that queue. */
typedef struct ac_sync_wait_frame {
    ac_sync_queue_ *q; /* the primitive waited on (its first member) */
    size_t n;          /* permits wanted (semaphore, mutex, read-write lock) */
    int state;         /* not polled yet, parked, or finished (sync.c) */
    ac_waiter waiter;
} ac_sync_wait_frame;
typedef ac_sync_wait_frame ac_semaphore_acquire_frame;
typedef ac_sync_wait_frame ac_mutex_lock_frame;
typedef ac_sync_wait_frame ac_rwlock_read_lock_frame;
typedef ac_sync_wait_frame ac_rwlock_write_lock_frame;
typedef ac_sync_wait_frame ac_notified_frame;
typedef ac_sync_wait_frame ac_barrier_wait_frame;
typedef ac_sync_wait_frame ac_cancelled_frame;

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the types ---------------------------------------------------------------------- */

typedef struct ac_semaphore {
    size_t permits;
    int closed;
} ac_semaphore;

typedef struct ac_mutex {
    ac_semaphore sem;
} ac_mutex;

typedef struct ac_rwlock {
    ac_semaphore sem;
    size_t readers;
    int writer;
} ac_rwlock;

typedef struct ac_notify {
    int permit;
} ac_notify;

typedef struct ac_barrier {
    size_t parties;
    size_t arrived;
} ac_barrier;

typedef struct ac_cancel_token {
    ac_cancel_node_ node;
    int cancelled;
} ac_cancel_token;

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif

/* ---- the rules both faces share, on the fields both have ------------------------------------- */

/* Take n permits if they are free and nobody waits first (queued): 0, -EAGAIN,
 * -EINVAL, -ECANCELED. */
static inline int ac_semaphore_take_(ac_semaphore *s, size_t n, int queued) {
    if (n == 0 || n > AC_SEMAPHORE_MAX_PERMITS)
        return -EINVAL;
    if (s->closed)
        return -ECANCELED;
    if (queued || s->permits < n)
        return -EAGAIN;
    s->permits -= n;
    return 0;
}

/* Add n free permits: 0, or -EOVERFLOW with nothing added. */
static inline int ac_semaphore_give_(ac_semaphore *s, size_t n) {
    if (n > AC_SEMAPHORE_MAX_PERMITS - s->permits)
        return -EOVERFLOW;
    s->permits += n;
    return 0;
}

/* A read-write lock's permits: one for a reader, all for a writer. */
static inline size_t ac_rwlock_permits_(int write) {
    return write ? AC_RWLOCK_MAX_READERS : 1;
}

/* Record a lock taken with n permits (ac_rwlock_permits_). */
static inline void ac_rwlock_held_(ac_rwlock *l, size_t n) {
    if (n == 1)
        l->readers++;
    else
        l->writer = 1;
}

/* Forget one lock of the kind: the permits to give back, or 0 when none is held. */
static inline size_t ac_rwlock_unheld_(ac_rwlock *l, int write) {
    if (write ? !l->writer : l->readers == 0)
        return 0;
    if (write)
        l->writer = 0;
    else
        l->readers--;
    return ac_rwlock_permits_(write);
}

/* A barrier's arrival: AC_BARRIER_LEADER when it completes the generation (which
 * starts the next), 0 when it must wait for the others. */
static inline int ac_barrier_arrive_(ac_barrier *b) {
    if (++b->arrived < b->parties)
        return 0;
    b->arrived = 0;
    return AC_BARRIER_LEADER;
}

static inline void ac_cancel_node_init_(ac_cancel_node_ *n) {
    n->parent = n->first = n->prev = n->next = NULL;
}

/* Make n (a root) the first child of parent. */
static inline void ac_cancel_node_link_(ac_cancel_node_ *n, ac_cancel_node_ *parent) {
    n->parent = parent;
    n->prev = NULL;
    n->next = parent->first;
    if (parent->first)
        parent->first->prev = n;
    parent->first = n;
}

/* Take n out of its tree: it leaves its parent's children, and its own children
 * become the parent's (roots if n had no parent). */
static inline void ac_cancel_node_unlink_(ac_cancel_node_ *n) {
    ac_cancel_node_ *parent = n->parent;
    if (parent) {
        if (n->prev)
            n->prev->next = n->next;
        else
            parent->first = n->next;
        if (n->next)
            n->next->prev = n->prev;
    }
    while (n->first) {
        ac_cancel_node_ *child = n->first;
        n->first = child->next;
        ac_cancel_node_init_(child);
        if (parent)
            ac_cancel_node_link_(child, parent);
    }
    ac_cancel_node_init_(n);
}

/* The node after n in a preorder walk of root's subtree (root first), or NULL. */
static inline ac_cancel_node_ *ac_cancel_node_next_(ac_cancel_node_ *n, ac_cancel_node_ *root) {
    if (n->first)
        return n->first;
    while (n != root && !n->next)
        n = n->parent;
    return n == root ? NULL : n->next;
}

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face: the calls (runtime/src/sync.c) -------------------------------------- */

int ac_semaphore_init(ac_semaphore *s, size_t permits);
int ac_semaphore_try_acquire(ac_semaphore *s, size_t n);
int ac_semaphore_release(ac_semaphore *s, size_t n);
void ac_semaphore_close(ac_semaphore *s);
size_t ac_semaphore_available(ac_semaphore *s);

void ac_mutex_init(ac_mutex *m);
int ac_mutex_try_lock(ac_mutex *m);
int ac_mutex_unlock(ac_mutex *m);

void ac_rwlock_init(ac_rwlock *l);
int ac_rwlock_try_read_lock(ac_rwlock *l);
int ac_rwlock_try_write_lock(ac_rwlock *l);
int ac_rwlock_read_unlock(ac_rwlock *l);
int ac_rwlock_write_unlock(ac_rwlock *l);

void ac_notify_init(ac_notify *n);
void ac_notify_one(ac_notify *n);
void ac_notify_all(ac_notify *n);

int ac_barrier_init(ac_barrier *b, size_t parties);

void ac_cancel_token_init(ac_cancel_token *t);
void ac_cancel_token_init_child(ac_cancel_token *c, ac_cancel_token *parent);
void ac_cancel_token_cancel(ac_cancel_token *t);
int ac_cancel_token_is_cancelled(ac_cancel_token *t);
void ac_cancel_token_destroy(ac_cancel_token *t);

#if defined(ASYNCC_PARSE)
async int ac_semaphore_acquire(ac_semaphore *s, size_t n);
async int ac_mutex_lock(ac_mutex *m);
async int ac_rwlock_read_lock(ac_rwlock *l);
async int ac_rwlock_write_lock(ac_rwlock *l);
async int ac_notified(ac_notify *n);
async int ac_barrier_wait(ac_barrier *b);
async int ac_cancelled(ac_cancel_token *t);
#else
void ac_semaphore_acquire_init(ac_semaphore_acquire_frame *f, ac_semaphore *s, size_t n);
ac_poll ac_semaphore_acquire_poll(ac_semaphore_acquire_frame *f, ac_cx *cx, int *out);
void ac_semaphore_acquire_drop(ac_semaphore_acquire_frame *f);
void ac_mutex_lock_init(ac_mutex_lock_frame *f, ac_mutex *m);
ac_poll ac_mutex_lock_poll(ac_mutex_lock_frame *f, ac_cx *cx, int *out);
void ac_mutex_lock_drop(ac_mutex_lock_frame *f);
void ac_rwlock_read_lock_init(ac_rwlock_read_lock_frame *f, ac_rwlock *l);
ac_poll ac_rwlock_read_lock_poll(ac_rwlock_read_lock_frame *f, ac_cx *cx, int *out);
void ac_rwlock_read_lock_drop(ac_rwlock_read_lock_frame *f);
void ac_rwlock_write_lock_init(ac_rwlock_write_lock_frame *f, ac_rwlock *l);
ac_poll ac_rwlock_write_lock_poll(ac_rwlock_write_lock_frame *f, ac_cx *cx, int *out);
void ac_rwlock_write_lock_drop(ac_rwlock_write_lock_frame *f);
void ac_notified_init(ac_notified_frame *f, ac_notify *n);
ac_poll ac_notified_poll(ac_notified_frame *f, ac_cx *cx, int *out);
void ac_notified_drop(ac_notified_frame *f);
void ac_barrier_wait_init(ac_barrier_wait_frame *f, ac_barrier *b);
ac_poll ac_barrier_wait_poll(ac_barrier_wait_frame *f, ac_cx *cx, int *out);
void ac_barrier_wait_drop(ac_barrier_wait_frame *f);
void ac_cancelled_init(ac_cancelled_frame *f, ac_cancel_token *t);
ac_poll ac_cancelled_poll(ac_cancelled_frame *f, ac_cx *cx, int *out);
void ac_cancelled_drop(ac_cancelled_frame *f);
#endif

#else
/* ---- plain C: the calls ---------------------------------------------------------------------- */

/* A wait that would never end: the message on stderr, then -EDEADLK
 * (runtime/src/sequential.c, which has <stdio.h>). */
int ac_sequential_deadlock(const char *call);

static inline int ac_semaphore_init(ac_semaphore *s, size_t permits) {
    if (permits > AC_SEMAPHORE_MAX_PERMITS)
        return -EINVAL;
    s->permits = permits;
    s->closed = 0;
    return 0;
}

static inline int ac_semaphore_try_acquire(ac_semaphore *s, size_t n) {
    return ac_semaphore_take_(s, n, 0);
}

static inline int ac_semaphore_acquire(ac_semaphore *s, size_t n) {
    int rc = ac_semaphore_take_(s, n, 0);
    return rc == -EAGAIN ? ac_sequential_deadlock("ac_semaphore_acquire") : rc;
}

static inline int ac_semaphore_release(ac_semaphore *s, size_t n) {
    return ac_semaphore_give_(s, n);
}

static inline void ac_semaphore_close(ac_semaphore *s) {
    s->closed = 1;
}

static inline size_t ac_semaphore_available(ac_semaphore *s) {
    return s->permits;
}

static inline void ac_mutex_init(ac_mutex *m) {
    (void)ac_semaphore_init(&m->sem, 1);
}

static inline int ac_mutex_try_lock(ac_mutex *m) {
    return ac_semaphore_take_(&m->sem, 1, 0) == 0 ? 0 : -EBUSY;
}

static inline int ac_mutex_lock(ac_mutex *m) {
    return ac_mutex_try_lock(m) == 0 ? 0 : ac_sequential_deadlock("ac_mutex_lock");
}

static inline int ac_mutex_unlock(ac_mutex *m) {
    return m->sem.permits == 0 ? ac_semaphore_give_(&m->sem, 1) : -EPERM;
}

static inline void ac_rwlock_init(ac_rwlock *l) {
    (void)ac_semaphore_init(&l->sem, AC_RWLOCK_MAX_READERS);
    l->readers = 0;
    l->writer = 0;
}

/* Take the lock for reading or writing: 0, or -EBUSY. */
static inline int ac_rwlock_try_(ac_rwlock *l, int write) {
    size_t n = ac_rwlock_permits_(write);
    if (ac_semaphore_take_(&l->sem, n, 0) != 0)
        return -EBUSY;
    ac_rwlock_held_(l, n);
    return 0;
}

static inline int ac_rwlock_try_read_lock(ac_rwlock *l) {
    return ac_rwlock_try_(l, 0);
}

static inline int ac_rwlock_try_write_lock(ac_rwlock *l) {
    return ac_rwlock_try_(l, 1);
}

static inline int ac_rwlock_read_lock(ac_rwlock *l) {
    return ac_rwlock_try_(l, 0) == 0 ? 0 : ac_sequential_deadlock("ac_rwlock_read_lock");
}

static inline int ac_rwlock_write_lock(ac_rwlock *l) {
    return ac_rwlock_try_(l, 1) == 0 ? 0 : ac_sequential_deadlock("ac_rwlock_write_lock");
}

/* Give back a lock of the kind: 0, or -EPERM when none is held. */
static inline int ac_rwlock_unlock_(ac_rwlock *l, int write) {
    size_t n = ac_rwlock_unheld_(l, write);
    return n ? ac_semaphore_give_(&l->sem, n) : -EPERM;
}

static inline int ac_rwlock_read_unlock(ac_rwlock *l) {
    return ac_rwlock_unlock_(l, 0);
}

static inline int ac_rwlock_write_unlock(ac_rwlock *l) {
    return ac_rwlock_unlock_(l, 1);
}

static inline void ac_notify_init(ac_notify *n) {
    n->permit = 0;
}

static inline void ac_notify_one(ac_notify *n) {
    n->permit = 1; /* nobody can be waiting */
}

static inline void ac_notify_all(ac_notify *n) {
    (void)n; /* nobody can be waiting, and notify_all stores nothing */
}

static inline int ac_notified(ac_notify *n) {
    if (!n->permit)
        return ac_sequential_deadlock("ac_notified");
    n->permit = 0;
    return 0;
}

static inline int ac_barrier_init(ac_barrier *b, size_t parties) {
    if (parties == 0)
        return -EINVAL;
    b->parties = parties;
    b->arrived = 0;
    return 0;
}

static inline int ac_barrier_wait(ac_barrier *b) {
    if (ac_barrier_arrive_(b) == AC_BARRIER_LEADER)
        return AC_BARRIER_LEADER;
    b->arrived--; /* it never waited */
    return ac_sequential_deadlock("ac_barrier_wait");
}

static inline void ac_cancel_token_init(ac_cancel_token *t) {
    ac_cancel_node_init_(&t->node);
    t->cancelled = 0;
}

static inline void ac_cancel_token_init_child(ac_cancel_token *c, ac_cancel_token *parent) {
    ac_cancel_token_init(c);
    ac_cancel_node_link_(&c->node, &parent->node);
    c->cancelled = parent->cancelled;
}

static inline void ac_cancel_token_cancel(ac_cancel_token *t) {
    for (ac_cancel_node_ *n = &t->node; n; n = ac_cancel_node_next_(n, &t->node))
        ((ac_cancel_token *)n)->cancelled = 1;
}

static inline int ac_cancel_token_is_cancelled(ac_cancel_token *t) {
    return t->cancelled;
}

static inline int ac_cancelled(ac_cancel_token *t) {
    return t->cancelled ? 0 : ac_sequential_deadlock("ac_cancelled");
}

static inline void ac_cancel_token_destroy(ac_cancel_token *t) {
    ac_cancel_node_unlink_(&t->node);
}

#endif
#endif
