/* test_sync.c - <ac_sync.h> on one thread: the mutex, read-write lock, semaphore,
 * notify, barrier and cancellation tokens, their errors, their order (FIFO), drops
 * of parked and of served waiters, and stress runs with counts.
 *
 * Many tests poll the waits by hand from inside a task (a script's call step), so
 * that each step of a scenario - who is parked, who was served, who is dropped - is
 * exact: in_task runs such a function as the poll of a task, whose cx the waits park
 * on. */
#include "internal.h"
#include "machines.h"
#include "sync_leaves.h"

#include "ac_sync.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* Run fn(ctx, task) as the poll of a task inside block_on. */
static void in_task(void (*fn)(void *ctx, ac_task *self), void *ctx) {
    step root[] = {S_CALL(fn, ctx), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(aci_tasks_live(), 0);
}

/* One hand-polled wait: its frame, the task it parks, its result. */
typedef struct probe {
    ac_sync_wait_frame f;
    ac_task *task;
    int out;
} probe;

/* Poll p's wait once (poll is the leaf's poll function): 1 when it finished. */
#define POLL(p, poll) ((poll)(&(p)->f, &(ac_cx){.task = (p)->task}, &(p)->out) == AC_READY)

/* A probe var of the leaf `name` (name##_init(frame, args...)) for task self. */
#define PROBE(var, name, self, ...)                                                                \
    probe var = {.task = (self), .out = 12345};                                                    \
    name##_init(&var.f, __VA_ARGS__)

/* ---- mutex ----------------------------------------------------------------------------------- */

static void test_mutex_errors(void **state) {
    (void)state;
    ac_mutex m;
    ac_mutex_init(&m);
    assert_int_equal(ac_mutex_unlock(&m), -EPERM);
    assert_int_equal(ac_mutex_try_lock(&m), 0);
    assert_int_equal(ac_mutex_try_lock(&m), -EBUSY);
    assert_int_equal(ac_mutex_unlock(&m), 0);
    assert_int_equal(ac_mutex_unlock(&m), -EPERM);
    assert_int_equal(ac_mutex_try_lock(&m), 0);
}

static void call_unlock(void *m, ac_task *self) {
    (void)self;
    assert_int_equal(ac_mutex_unlock(m), 0);
}

/* A holds the lock across two yields; B and C, which came while it held it, get it in
 * their order, one after the other. */
static void test_mutex_held_across_awaits_fifo(void **state) {
    (void)state;
    ac_mutex m;
    ac_mutex_init(&m);
    int ra = -1, rb = -1, rc = -1;
    step a[] = {S_LEAF(&ac_mutex_lock_leaf, &m, &ra),
                S_CALL(call_trace, "A+"),
                S_YIELD(),
                S_YIELD(),
                S_CALL(call_trace, "A-"),
                S_CALL(call_unlock, &m),
                S_END(0)};
    step b[] = {S_LEAF(&ac_mutex_lock_leaf, &m, &rb), S_CALL(call_trace, "B+"),
                S_CALL(call_unlock, &m), S_END(0)};
    step c[] = {S_LEAF(&ac_mutex_lock_leaf, &m, &rc), S_CALL(call_trace, "C+"),
                S_CALL(call_unlock, &m), S_END(0)};
    ac_task *ta = script_spawn(a, NULL), *tb = script_spawn(b, NULL), *tc = script_spawn(c, NULL);
    step root[] = {S_JOIN(&ta, NULL), S_JOIN(&tb, NULL), S_JOIN(&tc, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "A+ A- B+ C+");
    assert_int_equal(ra, 0);
    assert_int_equal(rb, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ac_mutex_try_lock(&m), 0);
}

static void mutex_drops(void *ctx, ac_task *self) {
    ac_mutex *m = ctx;
    assert_int_equal(ac_mutex_try_lock(m), 0);

    /* A parked waiter that is dropped never gets the lock. */
    PROBE(w1, ac_mutex_lock, self, m);
    assert_false(POLL(&w1, ac_mutex_lock_poll));
    ac_mutex_lock_drop(&w1.f);
    assert_int_equal(ac_mutex_unlock(m), 0);
    assert_int_equal(ac_mutex_try_lock(m), 0);

    /* Handed to w2, which is dropped before it runs: passed on to w3. */
    PROBE(w2, ac_mutex_lock, self, m);
    PROBE(w3, ac_mutex_lock, self, m);
    assert_false(POLL(&w2, ac_mutex_lock_poll));
    assert_false(POLL(&w3, ac_mutex_lock_poll));
    assert_int_equal(ac_mutex_unlock(m), 0);
    assert_int_equal(ac_mutex_try_lock(m), -EBUSY); /* handed over, not free */
    ac_mutex_lock_drop(&w2.f);
    assert_true(POLL(&w3, ac_mutex_lock_poll));
    assert_int_equal(w3.out, 0);

    /* Handed to w4 with nobody behind it, then dropped: free again. */
    PROBE(w4, ac_mutex_lock, self, m);
    assert_false(POLL(&w4, ac_mutex_lock_poll));
    assert_int_equal(ac_mutex_unlock(m), 0);
    ac_mutex_lock_drop(&w4.f);
    assert_int_equal(ac_mutex_try_lock(m), 0);
    assert_int_equal(ac_mutex_unlock(m), 0);

    /* Drops after the end do nothing. */
    ac_mutex_lock_drop(&w3.f);
    assert_int_equal(ac_mutex_try_lock(m), 0);
}

static void test_mutex_drops(void **state) {
    (void)state;
    ac_mutex m;
    ac_mutex_init(&m);
    in_task(mutex_drops, &m);
}

/* Shared by the stress sections of a lock: who is inside, and a counter that each
 * holder reads on entry and increments on leaving, after yielding in between. */
typedef struct crowd {
    ac_mutex m;
    int inside, max_inside;
    long counter, seen;
} crowd;

static void crowd_enter(void *ctx, int rc) {
    assert_int_equal(rc, 0);
    crowd *c = ctx;
    c->inside++;
    if (c->inside > c->max_inside)
        c->max_inside = c->inside;
    c->seen = c->counter;
}

static void crowd_leave_mutex(void *ctx) {
    crowd *c = ctx;
    assert_int_equal(c->counter, c->seen); /* nobody else was inside meanwhile */
    c->counter++;
    c->inside--;
    assert_int_equal(ac_mutex_unlock(&c->m), 0);
}

/* 64 tasks × 20 rounds increment a counter under the lock, yielding 0-3 times while
 * they hold it. */
static void test_mutex_stress(void **state) {
    (void)state;
    enum { TASKS = 64, ROUNDS = 20 };
    crowd c = {0};
    ac_mutex_init(&c.m);
    section s[4];
    ac_task *tasks[TASKS];
    for (int y = 0; y < 4; y++)
        s[y] = (section){&ac_mutex_lock_leaf, &c.m, crowd_enter, crowd_leave_mutex, &c, ROUNDS, y};
    for (int i = 0; i < TASKS; i++)
        tasks[i] = section_spawn(&s[i % 4]);
    step root[TASKS + 1];
    int rc[TASKS];
    for (int i = 0; i < TASKS; i++)
        root[i] = (step)S_JOIN(&tasks[i], &rc[i]);
    root[TASKS] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < TASKS; i++)
        assert_int_equal(rc[i], 0);
    assert_int_equal(c.counter, TASKS * ROUNDS);
    assert_int_equal(c.max_inside, 1);
}

/* A task left waiting for a lock nobody will release is a deadlock: block_on returns
 * -1 (no hang), and the waiter is dropped. */
static void test_mutex_deadlock_reported(void **state) {
    (void)state;
    ac_mutex m;
    ac_mutex_init(&m);
    assert_int_equal(ac_mutex_try_lock(&m), 0);
    int r = -1;
    step waiter[] = {S_LEAF(&ac_mutex_lock_leaf, &m, &r), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(waiter, NULL), NULL), -1);
    assert_int_equal(r, -1);
    assert_int_equal(ac_mutex_unlock(&m), 0);
    assert_int_equal(ac_mutex_try_lock(&m), 0); /* the dropped waiter did not take it */
}

/* ---- semaphore ------------------------------------------------------------------------------- */

static void semaphore_errors(void *ctx, ac_task *self) {
    ac_semaphore *s = ctx;
    assert_int_equal(ac_semaphore_try_acquire(s, 0), -EINVAL);
    assert_int_equal(ac_semaphore_try_acquire(s, AC_SEMAPHORE_MAX_PERMITS + 1), -EINVAL);
    PROBE(zero, ac_semaphore_acquire, self, s, 0);
    assert_true(POLL(&zero, ac_semaphore_acquire_poll));
    assert_int_equal(zero.out, -EINVAL);
    PROBE(huge, ac_semaphore_acquire, self, s, AC_SEMAPHORE_MAX_PERMITS + 1);
    assert_true(POLL(&huge, ac_semaphore_acquire_poll));
    assert_int_equal(huge.out, -EINVAL);
    assert_int_equal(ac_semaphore_release(s, AC_SEMAPHORE_MAX_PERMITS), -EOVERFLOW);
    assert_int_equal(ac_semaphore_available(s), 2);
    assert_int_equal(ac_semaphore_release(s, 0), 0);
    assert_int_equal(ac_semaphore_release(s, AC_SEMAPHORE_MAX_PERMITS - 2), 0);
    assert_int_equal(ac_semaphore_available(s), AC_SEMAPHORE_MAX_PERMITS);
    assert_int_equal(ac_semaphore_release(s, 1), -EOVERFLOW);
}

static void test_semaphore_errors(void **state) {
    (void)state;
    ac_semaphore s;
    assert_int_equal(ac_semaphore_init(&s, AC_SEMAPHORE_MAX_PERMITS + 1), -EINVAL);
    assert_int_equal(ac_semaphore_init(&s, 2), 0);
    in_task(semaphore_errors, &s);
}

/* A request for 3 permits is not overtaken by a later request for 1, even while 1 is
 * free: released permits go to the head first. */
static void semaphore_fifo(void *ctx, ac_task *self) {
    ac_semaphore *s = ctx;
    PROBE(big, ac_semaphore_acquire, self, s, 3);
    PROBE(small, ac_semaphore_acquire, self, s, 1);
    assert_false(POLL(&big, ac_semaphore_acquire_poll));
    assert_false(POLL(&small, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_release(s, 1), 0);
    assert_false(POLL(&small, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_try_acquire(s, 1), -EAGAIN); /* nor does try jump it */
    assert_int_equal(ac_semaphore_available(s), 1);
    assert_int_equal(ac_semaphore_release(s, 2), 0);
    assert_true(POLL(&big, ac_semaphore_acquire_poll));
    assert_int_equal(big.out, 0);
    assert_false(POLL(&small, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_available(s), 0);
    assert_int_equal(ac_semaphore_release(s, 1), 0);
    assert_true(POLL(&small, ac_semaphore_acquire_poll));
    assert_int_equal(small.out, 0);
}

static void test_semaphore_fifo_big_request(void **state) {
    (void)state;
    ac_semaphore s;
    assert_int_equal(ac_semaphore_init(&s, 0), 0);
    in_task(semaphore_fifo, &s);
}

static void semaphore_drops(void *ctx, ac_task *self) {
    ac_semaphore *s = ctx; /* 2 permits */

    /* The dropped head (3) lets the one behind it (1) through. */
    PROBE(big, ac_semaphore_acquire, self, s, 3);
    PROBE(small, ac_semaphore_acquire, self, s, 1);
    assert_false(POLL(&big, ac_semaphore_acquire_poll));
    assert_false(POLL(&small, ac_semaphore_acquire_poll));
    ac_semaphore_acquire_drop(&big.f);
    assert_true(POLL(&small, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_available(s), 1);

    /* 2 permits handed to a, dropped before it ran: they go on to b. */
    assert_int_equal(ac_semaphore_try_acquire(s, 1), 0);
    PROBE(a, ac_semaphore_acquire, self, s, 2);
    PROBE(b, ac_semaphore_acquire, self, s, 2);
    assert_false(POLL(&a, ac_semaphore_acquire_poll));
    assert_false(POLL(&b, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_release(s, 2), 0);
    ac_semaphore_acquire_drop(&a.f);
    assert_true(POLL(&b, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_available(s), 0);

    /* Handed to c with nobody behind: back to the semaphore. */
    PROBE(c, ac_semaphore_acquire, self, s, 2);
    assert_false(POLL(&c, ac_semaphore_acquire_poll));
    assert_int_equal(ac_semaphore_release(s, 2), 0);
    assert_int_equal(ac_semaphore_available(s), 0);
    ac_semaphore_acquire_drop(&c.f);
    assert_int_equal(ac_semaphore_available(s), 2);
}

static void test_semaphore_drops(void **state) {
    (void)state;
    ac_semaphore s;
    assert_int_equal(ac_semaphore_init(&s, 2), 0);
    in_task(semaphore_drops, &s);
}

static void semaphore_close(void *ctx, ac_task *self) {
    ac_semaphore *s = ctx; /* 0 permits */
    PROBE(a, ac_semaphore_acquire, self, s, 1);
    assert_false(POLL(&a, ac_semaphore_acquire_poll));
    ac_semaphore_close(s);
    assert_true(POLL(&a, ac_semaphore_acquire_poll));
    assert_int_equal(a.out, -ECANCELED);
    ac_semaphore_acquire_drop(&a.f); /* finished: nothing to pass on */
    assert_int_equal(ac_semaphore_release(s, 1), 0);
    assert_int_equal(ac_semaphore_available(s), 1);
    PROBE(b, ac_semaphore_acquire, self, s, 1);
    assert_true(POLL(&b, ac_semaphore_acquire_poll));
    assert_int_equal(b.out, -ECANCELED);
    assert_int_equal(ac_semaphore_try_acquire(s, 1), -ECANCELED);
    assert_int_equal(ac_semaphore_try_acquire(s, 0), -EINVAL);
}

static void test_semaphore_close(void **state) {
    (void)state;
    ac_semaphore s;
    assert_int_equal(ac_semaphore_init(&s, 0), 0);
    in_task(semaphore_close, &s);
}

/* Permits in use, checked against the semaphore's count by every holder. */
typedef struct pool {
    ac_semaphore sem;
    size_t permits, in_use, max_in_use;
    unsigned long taken; /* a checksum: the sum of every grant */
} pool;

typedef struct pool_user {
    pool *p;
    acquire_arg arg;
} pool_user;

static void pool_enter(void *ctx, int rc) {
    assert_int_equal(rc, 0);
    pool_user *u = ctx;
    u->p->in_use += u->arg.n;
    assert_true(u->p->in_use <= u->p->permits);
    if (u->p->in_use > u->p->max_in_use)
        u->p->max_in_use = u->p->in_use;
    u->p->taken += u->arg.n;
}

static void pool_leave(void *ctx) {
    pool_user *u = ctx;
    u->p->in_use -= u->arg.n;
    assert_int_equal(ac_semaphore_release(&u->p->sem, u->arg.n), 0);
}

/* 40 tasks take 1, 2 or 3 of 3 permits, 8 times each, holding them across 1 or 2
 * yields: never more than 3 in use, all 3 in use at some point, every grant counted. */
static void test_semaphore_stress(void **state) {
    (void)state;
    enum { TASKS = 40, ROUNDS = 8 };
    pool p = {.permits = 3};
    assert_int_equal(ac_semaphore_init(&p.sem, 3), 0);
    pool_user users[TASKS];
    section s[TASKS];
    ac_task *tasks[TASKS];
    step root[TASKS + 1];
    int rc[TASKS];
    unsigned long expected = 0;
    for (int i = 0; i < TASKS; i++) {
        users[i] = (pool_user){&p, {&p.sem, 1 + (size_t)(i % 3)}};
        expected += users[i].arg.n * ROUNDS;
        s[i] = (section){&acquire_leaf, &users[i].arg, pool_enter, pool_leave,
                         &users[i],     ROUNDS,        1 + i % 2};
        tasks[i] = section_spawn(&s[i]);
        root[i] = (step)S_JOIN(&tasks[i], &rc[i]);
    }
    root[TASKS] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < TASKS; i++)
        assert_int_equal(rc[i], 0);
    assert_int_equal(p.max_in_use, 3);
    assert_int_equal(p.in_use, 0);
    assert_int_equal(p.taken, expected);
    assert_int_equal(ac_semaphore_available(&p.sem), 3);
}

/* ---- read-write lock ------------------------------------------------------------------------- */

static void test_rwlock_errors(void **state) {
    (void)state;
    ac_rwlock l;
    ac_rwlock_init(&l);
    assert_int_equal(ac_rwlock_read_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_write_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_try_read_lock(&l), 0);
    assert_int_equal(ac_rwlock_try_read_lock(&l), 0);
    assert_int_equal(ac_rwlock_try_write_lock(&l), -EBUSY);
    assert_int_equal(ac_rwlock_write_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_read_unlock(&l), 0);
    assert_int_equal(ac_rwlock_read_unlock(&l), 0);
    assert_int_equal(ac_rwlock_read_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_try_write_lock(&l), 0);
    assert_int_equal(ac_rwlock_try_read_lock(&l), -EBUSY);
    assert_int_equal(ac_rwlock_try_write_lock(&l), -EBUSY);
    assert_int_equal(ac_rwlock_read_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_write_unlock(&l), 0);
    assert_int_equal(ac_rwlock_write_unlock(&l), -EPERM);
}

/* A waiting writer holds back the readers that come after it, and gets the lock when
 * the readers before it leave; then the readers behind it get in together. */
static void rwlock_order(void *ctx, ac_task *self) {
    ac_rwlock *l = ctx;
    assert_int_equal(ac_rwlock_try_read_lock(l), 0);
    PROBE(w, ac_rwlock_write_lock, self, l);
    PROBE(r2, ac_rwlock_read_lock, self, l);
    PROBE(r3, ac_rwlock_read_lock, self, l);
    assert_false(POLL(&w, ac_rwlock_write_lock_poll));
    assert_false(POLL(&r2, ac_rwlock_read_lock_poll));
    assert_int_equal(ac_rwlock_try_read_lock(l), -EBUSY);
    assert_false(POLL(&r3, ac_rwlock_read_lock_poll));
    assert_int_equal(ac_rwlock_read_unlock(l), 0);
    assert_true(POLL(&w, ac_rwlock_write_lock_poll));
    assert_false(POLL(&r2, ac_rwlock_read_lock_poll));
    assert_int_equal(ac_rwlock_write_unlock(l), 0);
    assert_true(POLL(&r2, ac_rwlock_read_lock_poll));
    assert_true(POLL(&r3, ac_rwlock_read_lock_poll));
    assert_int_equal(l->readers, 2);
    assert_int_equal(ac_rwlock_read_unlock(l), 0);
    assert_int_equal(ac_rwlock_read_unlock(l), 0);

    /* A writer handed the lock and dropped passes it on to the readers behind it. */
    assert_int_equal(ac_rwlock_try_read_lock(l), 0);
    PROBE(w2, ac_rwlock_write_lock, self, l);
    PROBE(r4, ac_rwlock_read_lock, self, l);
    assert_false(POLL(&w2, ac_rwlock_write_lock_poll));
    assert_false(POLL(&r4, ac_rwlock_read_lock_poll));
    assert_int_equal(ac_rwlock_read_unlock(l), 0);
    ac_rwlock_write_lock_drop(&w2.f);
    assert_true(POLL(&r4, ac_rwlock_read_lock_poll));
    assert_int_equal(l->writer, 0);
    assert_int_equal(ac_rwlock_read_unlock(l), 0);
    assert_int_equal(ac_rwlock_try_write_lock(l), 0);
}

static void test_rwlock_writer_not_starved(void **state) {
    (void)state;
    ac_rwlock l;
    ac_rwlock_init(&l);
    in_task(rwlock_order, &l);
}

typedef struct library {
    ac_rwlock lock;
    int readers_in, writer_in, max_readers;
    long writes;
} library;

static void reader_enter(void *ctx, int rc) {
    assert_int_equal(rc, 0);
    library *lib = ctx;
    assert_int_equal(lib->writer_in, 0);
    if (++lib->readers_in > lib->max_readers)
        lib->max_readers = lib->readers_in;
}

static void reader_leave(void *ctx) {
    library *lib = ctx;
    lib->readers_in--;
    assert_int_equal(ac_rwlock_read_unlock(&lib->lock), 0);
}

static void writer_enter(void *ctx, int rc) {
    assert_int_equal(rc, 0);
    library *lib = ctx;
    assert_int_equal(lib->readers_in, 0);
    assert_int_equal(lib->writer_in, 0);
    lib->writer_in = 1;
}

static void writer_leave(void *ctx) {
    library *lib = ctx;
    lib->writer_in = 0;
    lib->writes++;
    assert_int_equal(ac_rwlock_write_unlock(&lib->lock), 0);
}

/* 30 tasks, one in four a writer, 6 rounds each holding the lock across 2 yields:
 * writers alone, readers together, every write done. */
static void test_rwlock_stress(void **state) {
    (void)state;
    enum { TASKS = 30, ROUNDS = 6 };
    library lib = {0};
    ac_rwlock_init(&lib.lock);
    section reader = {
        &ac_rwlock_read_lock_leaf, &lib.lock, reader_enter, reader_leave, &lib, ROUNDS, 2};
    section writer = {
        &ac_rwlock_write_lock_leaf, &lib.lock, writer_enter, writer_leave, &lib, ROUNDS, 2};
    ac_task *tasks[TASKS];
    step root[TASKS + 1];
    int rc[TASKS], writers = 0;
    for (int i = 0; i < TASKS; i++) {
        writers += i % 4 == 0;
        tasks[i] = section_spawn(i % 4 == 0 ? &writer : &reader);
        root[i] = (step)S_JOIN(&tasks[i], &rc[i]);
    }
    root[TASKS] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < TASKS; i++)
        assert_int_equal(rc[i], 0);
    assert_int_equal(lib.writes, writers * ROUNDS);
    assert_true(lib.max_readers > 1);
    assert_int_equal(ac_rwlock_try_write_lock(&lib.lock), 0);
}

/* ---- notify ---------------------------------------------------------------------------------- */

static void notify_permits(void *ctx, ac_task *self) {
    ac_notify *n = ctx;
    /* Two notify_one with nobody waiting store one permit, not two. */
    ac_notify_one(n);
    ac_notify_one(n);
    PROBE(a, ac_notified, self, n);
    PROBE(b, ac_notified, self, n);
    assert_true(POLL(&a, ac_notified_poll));
    assert_int_equal(a.out, 0);
    assert_false(POLL(&b, ac_notified_poll));

    /* notify_one wakes the longest waiter only; notify_all the rest, storing nothing. */
    PROBE(c, ac_notified, self, n);
    assert_false(POLL(&c, ac_notified_poll));
    ac_notify_one(n);
    assert_true(POLL(&b, ac_notified_poll));
    assert_false(POLL(&c, ac_notified_poll));
    ac_notify_all(n);
    assert_true(POLL(&c, ac_notified_poll));
    PROBE(d, ac_notified, self, n);
    assert_false(POLL(&d, ac_notified_poll));
    ac_notified_drop(&d.f);
    ac_notify_all(n); /* nobody waits: nothing stored */
    PROBE(e, ac_notified, self, n);
    assert_false(POLL(&e, ac_notified_poll));
    ac_notified_drop(&e.f);
}

static void test_notify_permits_and_order(void **state) {
    (void)state;
    ac_notify n;
    ac_notify_init(&n);
    in_task(notify_permits, &n);
}

static void notify_drops(void *ctx, ac_task *self) {
    ac_notify *n = ctx;
    /* notify_one's wake, dropped unseen, goes to the next waiter... */
    PROBE(a, ac_notified, self, n);
    PROBE(b, ac_notified, self, n);
    assert_false(POLL(&a, ac_notified_poll));
    assert_false(POLL(&b, ac_notified_poll));
    ac_notify_one(n);
    ac_notified_drop(&a.f);
    assert_true(POLL(&b, ac_notified_poll));

    /* ...or becomes the stored permit when nobody waits. */
    PROBE(c, ac_notified, self, n);
    assert_false(POLL(&c, ac_notified_poll));
    ac_notify_one(n);
    ac_notified_drop(&c.f);
    PROBE(d, ac_notified, self, n);
    assert_true(POLL(&d, ac_notified_poll));

    /* notify_all's wake, dropped unseen, is not passed on; a parked waiter dropped
     * is not notified later. */
    PROBE(e, ac_notified, self, n);
    PROBE(f, ac_notified, self, n);
    assert_false(POLL(&e, ac_notified_poll));
    ac_notify_all(n);
    ac_notified_drop(&e.f);
    assert_false(POLL(&f, ac_notified_poll));
    ac_notified_drop(&f.f);
    ac_notify_one(n);
    PROBE(g, ac_notified, self, n);
    assert_true(POLL(&g, ac_notified_poll)); /* the permit was stored: f was gone */
}

static void test_notify_drops(void **state) {
    (void)state;
    ac_notify n;
    ac_notify_init(&n);
    in_task(notify_drops, &n);
}

/* ---- barrier --------------------------------------------------------------------------------- */

static void barrier_drop(void *ctx, ac_task *self) {
    ac_barrier *b = ctx; /* 2 parties */
    PROBE(gone, ac_barrier_wait, self, b);
    assert_false(POLL(&gone, ac_barrier_wait_poll));
    ac_barrier_wait_drop(&gone.f); /* no longer counts as arrived */
    PROBE(x, ac_barrier_wait, self, b);
    PROBE(y, ac_barrier_wait, self, b);
    assert_false(POLL(&x, ac_barrier_wait_poll));
    assert_true(POLL(&y, ac_barrier_wait_poll));
    assert_int_equal(y.out, AC_BARRIER_LEADER);
    assert_true(POLL(&x, ac_barrier_wait_poll));
    assert_int_equal(x.out, 0);
    ac_barrier_wait_drop(&x.f); /* released already: nothing to undo */
    PROBE(z, ac_barrier_wait, self, b);
    assert_false(POLL(&z, ac_barrier_wait_poll)); /* a new generation */
    ac_barrier_wait_drop(&z.f);
}

static void test_barrier_errors_and_drop(void **state) {
    (void)state;
    ac_barrier b;
    assert_int_equal(ac_barrier_init(&b, 0), -EINVAL);
    assert_int_equal(ac_barrier_init(&b, 1), 0);
    int r = -1;
    step alone[] = {S_LEAF(&ac_barrier_wait_leaf, &b, &r), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(alone, NULL), NULL), 0);
    assert_int_equal(r, AC_BARRIER_LEADER);
    assert_int_equal(ac_barrier_init(&b, 2), 0);
    in_task(barrier_drop, &b);
}

enum { PARTIES = 4, GENERATIONS = 5 };

typedef struct meeting {
    ac_barrier b;
    int arrived[GENERATIONS];
} meeting;

typedef struct party {
    meeting *m;
    int gen;
    int rc[GENERATIONS];
    step steps[GENERATIONS * 6 + 1];
} party;

static void party_arrive(void *ctx, ac_task *self) {
    (void)self;
    party *p = ctx;
    p->m->arrived[p->gen]++;
}

/* Nobody passes a generation before all its parties arrived, and none of them has
 * arrived at the next one yet. */
static void party_pass(void *ctx, ac_task *self) {
    (void)self;
    party *p = ctx;
    assert_int_equal(p->m->arrived[p->gen], PARTIES);
    if (p->gen + 1 < GENERATIONS)
        assert_true(p->m->arrived[p->gen + 1] < PARTIES);
    p->gen++;
}

/* 4 tasks meet 5 times, yielding 0-3 times between meetings: each generation releases
 * the 4 of them together, with exactly one leader. */
static void test_barrier_generations(void **state) {
    (void)state;
    meeting m = {0};
    assert_int_equal(ac_barrier_init(&m.b, PARTIES), 0);
    party parties[PARTIES];
    ac_task *tasks[PARTIES];
    step root[PARTIES + 1];
    for (int i = 0; i < PARTIES; i++) {
        party *p = &parties[i];
        *p = (party){.m = &m};
        int k = 0;
        for (int g = 0; g < GENERATIONS; g++) {
            for (int y = 0; y < (i + g) % 4; y++)
                p->steps[k++] = (step)S_YIELD();
            p->steps[k++] = (step)S_CALL(party_arrive, p);
            p->steps[k++] = (step)S_LEAF(&ac_barrier_wait_leaf, &m.b, &p->rc[g]);
            p->steps[k++] = (step)S_CALL(party_pass, p);
        }
        p->steps[k] = (step)S_END(0);
        tasks[i] = script_spawn(p->steps, NULL);
        root[i] = (step)S_JOIN(&tasks[i], NULL);
    }
    root[PARTIES] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int g = 0; g < GENERATIONS; g++) {
        int leaders = 0;
        for (int i = 0; i < PARTIES; i++) {
            assert_true(parties[i].rc[g] == 0 || parties[i].rc[g] == AC_BARRIER_LEADER);
            leaders += parties[i].rc[g] == AC_BARRIER_LEADER;
        }
        assert_int_equal(leaders, 1);
    }
}

/* ---- cancellation tokens --------------------------------------------------------------------- */

static void token_wait(void *ctx, ac_task *self) {
    ac_cancel_token *t = ctx;
    PROBE(a, ac_cancelled, self, t);
    PROBE(b, ac_cancelled, self, t);
    assert_false(POLL(&a, ac_cancelled_poll));
    assert_false(POLL(&b, ac_cancelled_poll));
    assert_false(ac_cancel_token_is_cancelled(t));
    ac_cancel_token_cancel(t);
    assert_true(ac_cancel_token_is_cancelled(t));
    assert_true(POLL(&a, ac_cancelled_poll));
    assert_true(POLL(&b, ac_cancelled_poll));
    assert_int_equal(a.out, 0);
    assert_int_equal(b.out, 0);
    ac_cancel_token_cancel(t); /* again: nothing happens */
    PROBE(c, ac_cancelled, self, t);
    assert_true(POLL(&c, ac_cancelled_poll));
    assert_int_equal(c.out, 0);
}

static void test_cancel_wakes_waiters(void **state) {
    (void)state;
    ac_cancel_token t;
    ac_cancel_token_init(&t);
    in_task(token_wait, &t);
    ac_cancel_token_destroy(&t);
}

typedef struct family {
    ac_cancel_token root, a, b, a1;
} family;

static void family_cancel(void *ctx, ac_task *self) {
    family *fam = ctx;
    PROBE(w, ac_cancelled, self, &fam->a1);
    assert_false(POLL(&w, ac_cancelled_poll));
    ac_cancel_token_cancel(&fam->a); /* a and its child, not its parent or sibling */
    assert_true(POLL(&w, ac_cancelled_poll));
    assert_true(ac_cancel_token_is_cancelled(&fam->a));
    assert_true(ac_cancel_token_is_cancelled(&fam->a1));
    assert_false(ac_cancel_token_is_cancelled(&fam->root));
    assert_false(ac_cancel_token_is_cancelled(&fam->b));
    ac_cancel_token_cancel(&fam->root);
    assert_true(ac_cancel_token_is_cancelled(&fam->b));
    ac_cancel_token late;
    ac_cancel_token_init_child(&late, &fam->b); /* under a cancelled parent */
    assert_true(ac_cancel_token_is_cancelled(&late));
    ac_cancel_token_destroy(&late);
}

static void test_cancel_children(void **state) {
    (void)state;
    family fam;
    ac_cancel_token_init(&fam.root);
    ac_cancel_token_init_child(&fam.a, &fam.root);
    ac_cancel_token_init_child(&fam.b, &fam.root);
    ac_cancel_token_init_child(&fam.a1, &fam.a);
    in_task(family_cancel, &fam);
    ac_cancel_token_destroy(&fam.a1);
    ac_cancel_token_destroy(&fam.a);
    ac_cancel_token_destroy(&fam.b);
    ac_cancel_token_destroy(&fam.root);
}

static void family_destroy(void *ctx, ac_task *self) {
    family *fam = ctx;
    PROBE(w, ac_cancelled, self, &fam->a);
    assert_false(POLL(&w, ac_cancelled_poll));
    ac_cancel_token_destroy(&fam->a); /* a1 moves up to root */
    assert_true(POLL(&w, ac_cancelled_poll));
    assert_int_equal(w.out, -EBADF);
    ac_cancel_token_destroy(&fam->b); /* a dropped child no longer hears its parent */
    ac_cancel_token_cancel(&fam->root);
    assert_true(ac_cancel_token_is_cancelled(&fam->a1));
    assert_false(ac_cancel_token_is_cancelled(&fam->a));
    assert_false(ac_cancel_token_is_cancelled(&fam->b));
    assert_null(fam->root.node.first->next); /* a1 only */
    assert_ptr_equal(fam->root.node.first, &fam->a1.node);
}

static void test_cancel_destroy_detaches(void **state) {
    (void)state;
    family fam;
    ac_cancel_token_init(&fam.root);
    ac_cancel_token_init_child(&fam.a, &fam.root);
    ac_cancel_token_init_child(&fam.b, &fam.root);
    ac_cancel_token_init_child(&fam.a1, &fam.a);
    in_task(family_destroy, &fam);
    ac_cancel_token_destroy(&fam.root); /* a1 becomes a root */
    assert_null(fam.a1.node.parent);
    ac_cancel_token_destroy(&fam.a1);
}

/* A chain 100,000 deep and a fan of 100,000 children cancel without recursion. */
static void test_cancel_deep_and_wide(void **state) {
    (void)state;
    enum { N = 100000 };
    ac_cancel_token *chain = malloc(N * sizeof *chain), *fan = malloc(N * sizeof *fan);
    assert_non_null(chain);
    assert_non_null(fan);
    ac_cancel_token_init(&chain[0]);
    ac_cancel_token_init(&fan[0]);
    for (int i = 1; i < N; i++) {
        ac_cancel_token_init_child(&chain[i], &chain[i - 1]);
        ac_cancel_token_init_child(&fan[i], &fan[0]);
    }
    ac_cancel_token_cancel(&chain[1]);
    assert_false(ac_cancel_token_is_cancelled(&chain[0]));
    assert_true(ac_cancel_token_is_cancelled(&chain[N - 1]));
    ac_cancel_token_cancel(&fan[0]);
    int all = 1;
    for (int i = 0; i < N; i++)
        all &= ac_cancel_token_is_cancelled(&fan[i]);
    assert_true(all);
    for (int i = N - 1; i >= 0; i--) {
        ac_cancel_token_destroy(&chain[i]);
        ac_cancel_token_destroy(&fan[i]);
    }
    free(chain);
    free(fan);
}

/* A task parked on a token and dropped at the end of block_on leaves its queue: the
 * cancel afterwards touches no freed frame (valgrind and ASan check). */
static void test_cancel_dropped_waiter(void **state) {
    (void)state;
    ac_cancel_token t;
    ac_cancel_token_init(&t);
    int r = -1;
    step waiter[] = {S_LEAF(&ac_cancelled_leaf, &t, &r), S_END(0)};
    ac_detach(script_spawn(waiter, NULL));
    step root[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_null(t.q.waiters.head);
    ac_cancel_token_cancel(&t);
    assert_int_equal(r, -1);
    ac_cancel_token_destroy(&t);
}

/* A task awaiting cancelled() wakes when another task cancels the parent token. */
static void call_cancel(void *t, ac_task *self) {
    (void)self;
    ac_cancel_token_cancel(t);
}

static void test_cancel_from_task(void **state) {
    (void)state;
    ac_cancel_token parent, child;
    ac_cancel_token_init(&parent);
    ac_cancel_token_init_child(&child, &parent);
    int r = -1;
    step waiter[] = {S_LEAF(&ac_cancelled_leaf, &child, &r), S_CALL(call_trace, "woken"), S_END(0)};
    ac_task *w = script_spawn(waiter, NULL);
    step root[] = {S_YIELD(), S_CALL(call_trace, "cancel"), S_CALL(call_cancel, &parent),
                   S_JOIN(&w, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "cancel woken");
    assert_int_equal(r, 0);
    ac_cancel_token_destroy(&child);
    ac_cancel_token_destroy(&parent);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mutex_errors, setup),
        cmocka_unit_test_setup(test_mutex_held_across_awaits_fifo, setup),
        cmocka_unit_test_setup(test_mutex_drops, setup),
        cmocka_unit_test_setup(test_mutex_stress, setup),
        cmocka_unit_test_setup(test_mutex_deadlock_reported, setup),
        cmocka_unit_test_setup(test_semaphore_errors, setup),
        cmocka_unit_test_setup(test_semaphore_fifo_big_request, setup),
        cmocka_unit_test_setup(test_semaphore_drops, setup),
        cmocka_unit_test_setup(test_semaphore_close, setup),
        cmocka_unit_test_setup(test_semaphore_stress, setup),
        cmocka_unit_test_setup(test_rwlock_errors, setup),
        cmocka_unit_test_setup(test_rwlock_writer_not_starved, setup),
        cmocka_unit_test_setup(test_rwlock_stress, setup),
        cmocka_unit_test_setup(test_notify_permits_and_order, setup),
        cmocka_unit_test_setup(test_notify_drops, setup),
        cmocka_unit_test_setup(test_barrier_errors_and_drop, setup),
        cmocka_unit_test_setup(test_barrier_generations, setup),
        cmocka_unit_test_setup(test_cancel_wakes_waiters, setup),
        cmocka_unit_test_setup(test_cancel_children, setup),
        cmocka_unit_test_setup(test_cancel_destroy_detaches, setup),
        cmocka_unit_test_setup(test_cancel_deep_and_wide, setup),
        cmocka_unit_test_setup(test_cancel_dropped_waiter, setup),
        cmocka_unit_test_setup(test_cancel_from_task, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
