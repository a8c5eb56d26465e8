/* test_sync_threads.c - <ac_sync.h> shared by tasks on several threads, each thread
 * running its own loop (ac_task_block_on): counts and checksums that a lost wake, a
 * double grant or a missing memory order would break, and a grant whose wake is still
 * on its way to a loop when its waiter is dropped. Run it under TSan
 * (-DASYNCC_SANITIZE=thread) too: the shared counters below are plain ints, ordered
 * only by the primitives.
 *
 * Checks inside the threads record failures (cmocka's asserts may not leave a thread);
 * the test asserts that none were recorded. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "internal.h"
#include "machines.h"
#include "sync_leaves.h"
#include "waitlist.h"

#include "ac_sync.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>

static atomic_int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            atomic_fetch_add(&failures, 1);                                                        \
    } while (0)

static int setup(void **state) {
    (void)state;
    atomic_store(&failures, 0);
    return 0;
}

/* ---- a crew: threads, each blocking on a root that runs a section per task ------------------- */

#define MAX_THREADS 4
#define MAX_TASKS 8

typedef struct crew crew;

typedef struct crew_member {
    crew *c;
    pthread_t thread;
    section sections[MAX_TASKS];
    ac_task *tasks[MAX_TASKS];
    int results[MAX_TASKS];
    step root[MAX_TASKS + 3];
    int rc;
} crew_member;

struct crew {
    int threads, tasks;
    atomic_int started;
    crew_member members[MAX_THREADS];
};

/* Each loop waits until every thread is inside its block_on: a loop alone with its
 * tasks parked on a primitive would rightly call that a deadlock. */
static void call_all_started(void *arg, ac_task *self) {
    (void)self;
    crew *c = arg;
    atomic_fetch_add(&c->started, 1);
    while (atomic_load(&c->started) < c->threads)
        sched_yield();
}

static void call_spawn_sections(void *arg, ac_task *self) {
    (void)self;
    crew_member *m = arg;
    for (int i = 0; i < m->c->tasks; i++)
        m->tasks[i] = section_spawn(&m->sections[i]);
}

static void *member_run(void *arg) {
    crew_member *m = arg;
    int k = 0;
    m->root[k++] = (step)S_CALL(call_all_started, m->c);
    m->root[k++] = (step)S_CALL(call_spawn_sections, m);
    for (int i = 0; i < m->c->tasks; i++)
        m->root[k++] = (step)S_JOIN(&m->tasks[i], &m->results[i]);
    m->root[k] = (step)S_END(0);
    m->rc = ac_task_block_on(script_new(m->root, NULL), NULL);
    return NULL;
}

/* Run the crew (its sections filled in) and check that every thread and task ended
 * well and nothing was left parked. */
static void crew_run(crew *c) {
    atomic_init(&c->started, 0);
    for (int t = 0; t < c->threads; t++) {
        c->members[t].c = c;
        assert_int_equal(pthread_create(&c->members[t].thread, NULL, member_run, &c->members[t]),
                         0);
    }
    for (int t = 0; t < c->threads; t++) {
        assert_int_equal(pthread_join(c->members[t].thread, NULL), 0);
        assert_int_equal(c->members[t].rc, 0);
        for (int i = 0; i < c->tasks; i++)
            assert_int_equal(c->members[t].results[i], 0);
    }
    assert_int_equal(atomic_load(&failures), 0);
}

/* ---- mutex ----------------------------------------------------------------------------------- */

typedef struct crowd {
    ac_mutex m;
    int inside, max_inside; /* plain: only touched under the lock */
    long counter, seen;
} crowd;

static void crowd_enter(void *ctx, int rc) {
    crowd *c = ctx;
    CHECK(rc == 0);
    if (++c->inside > c->max_inside)
        c->max_inside = c->inside;
    c->seen = c->counter;
}

static void crowd_leave(void *ctx) {
    crowd *c = ctx;
    CHECK(c->counter == c->seen);
    c->counter++;
    c->inside--;
    CHECK(ac_mutex_unlock(&c->m) == 0);
}

/* 4 threads × 8 tasks × 300 rounds increment one counter under the mutex, holding it
 * across 0-2 yields. */
static void test_mutex_counter(void **state) {
    (void)state;
    enum { ROUNDS = 300 };
    static crowd cr;
    static crew c = {.threads = 4, .tasks = 8};
    cr = (crowd){0};
    ac_mutex_init(&cr.m);
    for (int t = 0; t < c.threads; t++)
        for (int i = 0; i < c.tasks; i++)
            c.members[t].sections[i] =
                (section){&ac_mutex_lock_leaf, &cr.m, crowd_enter, crowd_leave, &cr, ROUNDS, i % 3};
    crew_run(&c);
    assert_int_equal(cr.counter, 4 * 8 * ROUNDS);
    assert_int_equal(cr.max_inside, 1);
    assert_int_equal(ac_mutex_try_lock(&cr.m), 0);
}

/* ---- semaphore ------------------------------------------------------------------------------- */

typedef struct pool {
    ac_semaphore sem;
    atomic_size_t in_use, max_in_use;
    atomic_ulong taken;
} pool;

typedef struct pool_user {
    pool *p;
    acquire_arg arg;
} pool_user;

static void pool_enter(void *ctx, int rc) {
    pool_user *u = ctx;
    CHECK(rc == 0);
    size_t now = atomic_fetch_add(&u->p->in_use, u->arg.n) + u->arg.n;
    CHECK(now <= 3);
    size_t max = atomic_load(&u->p->max_in_use);
    while (now > max && !atomic_compare_exchange_weak(&u->p->max_in_use, &max, now)) {
    }
    atomic_fetch_add(&u->p->taken, u->arg.n);
}

static void pool_leave(void *ctx) {
    pool_user *u = ctx;
    atomic_fetch_sub(&u->p->in_use, u->arg.n);
    CHECK(ac_semaphore_release(&u->p->sem, u->arg.n) == 0);
}

/* 4 threads × 6 tasks take 1, 2 or 3 of 3 permits, 200 times each: never more than 3
 * in use, every grant counted, all permits back at the end. */
static void test_semaphore_permits(void **state) {
    (void)state;
    enum { ROUNDS = 200 };
    static pool p;
    static pool_user users[4][6];
    static crew c = {.threads = 4, .tasks = 6};
    ac_semaphore_init(&p.sem, 3);
    atomic_init(&p.in_use, 0);
    atomic_init(&p.max_in_use, 0);
    atomic_init(&p.taken, 0);
    unsigned long expected = 0;
    for (int t = 0; t < c.threads; t++)
        for (int i = 0; i < c.tasks; i++) {
            users[t][i] = (pool_user){&p, {&p.sem, 1 + (size_t)((t + i) % 3)}};
            expected += users[t][i].arg.n * ROUNDS;
            c.members[t].sections[i] = (section){
                &acquire_leaf, &users[t][i].arg, pool_enter, pool_leave, &users[t][i], ROUNDS, 1};
        }
    crew_run(&c);
    assert_int_equal(atomic_load(&p.taken), expected);
    assert_true(atomic_load(&p.max_in_use) <= 3);
    assert_int_equal(ac_semaphore_available(&p.sem), 3);
}

/* ---- read-write lock
 * ------------------------------------------------------------------------------ */

typedef struct library {
    ac_rwlock lock;
    atomic_int readers_in, writer_in, max_readers;
    long writes; /* plain: written under the write lock, read under read locks */
} library;

typedef struct reading {
    library *lib;
    long seen;
} reading;

static void reader_enter(void *ctx, int rc) {
    reading *r = ctx;
    CHECK(rc == 0);
    CHECK(atomic_load(&r->lib->writer_in) == 0);
    int now = atomic_fetch_add(&r->lib->readers_in, 1) + 1;
    int max = atomic_load(&r->lib->max_readers);
    while (now > max && !atomic_compare_exchange_weak(&r->lib->max_readers, &max, now)) {
    }
    r->seen = r->lib->writes;
}

static void reader_leave(void *ctx) {
    reading *r = ctx;
    CHECK(r->seen == r->lib->writes); /* no writer came in while it read */
    atomic_fetch_sub(&r->lib->readers_in, 1);
    CHECK(ac_rwlock_read_unlock(&r->lib->lock) == 0);
}

static void writer_enter(void *ctx, int rc) {
    reading *w = ctx;
    CHECK(rc == 0);
    CHECK(atomic_fetch_add(&w->lib->writer_in, 1) == 0);
    CHECK(atomic_load(&w->lib->readers_in) == 0);
    w->seen = w->lib->writes;
}

static void writer_leave(void *ctx) {
    reading *w = ctx;
    w->lib->writes = w->seen + 1;
    atomic_fetch_sub(&w->lib->writer_in, 1);
    CHECK(ac_rwlock_write_unlock(&w->lib->lock) == 0);
}

/* 4 threads × 8 tasks, one in four a writer, 150 rounds each. */
static void test_rwlock_readers_writers(void **state) {
    (void)state;
    enum { ROUNDS = 150 };
    static library lib;
    static reading ctx[4][8];
    static crew c = {.threads = 4, .tasks = 8};
    ac_rwlock_init(&lib.lock);
    atomic_init(&lib.readers_in, 0);
    atomic_init(&lib.writer_in, 0);
    atomic_init(&lib.max_readers, 0);
    lib.writes = 0;
    int writers = 0;
    for (int t = 0; t < c.threads; t++)
        for (int i = 0; i < c.tasks; i++) {
            int write = (t + i) % 4 == 0;
            writers += write;
            ctx[t][i] = (reading){&lib, 0};
            c.members[t].sections[i] = write ? (section){&ac_rwlock_write_lock_leaf,
                                                         &lib.lock,
                                                         writer_enter,
                                                         writer_leave,
                                                         &ctx[t][i],
                                                         ROUNDS,
                                                         1}
                                             : (section){&ac_rwlock_read_lock_leaf,
                                                         &lib.lock,
                                                         reader_enter,
                                                         reader_leave,
                                                         &ctx[t][i],
                                                         ROUNDS,
                                                         1};
        }
    crew_run(&c);
    assert_int_equal(lib.writes, (long)writers * ROUNDS);
    assert_true(atomic_load(&lib.max_readers) > 1);
}

/* ---- barrier --------------------------------------------------------------------------------- */

enum { PARTIES = 8, GENERATIONS = 100 };

typedef struct meeting {
    ac_barrier b;
    atomic_int arrived[GENERATIONS + 1], leaders[GENERATIONS];
} meeting;

typedef struct party {
    meeting *m;
    int gen;
} party;

/* Passing generation gen: all its parties arrived, and each generation has one leader. */
static void party_pass(void *ctx, int rc) {
    party *p = ctx;
    CHECK(atomic_load(&p->m->arrived[p->gen]) == PARTIES);
    CHECK(rc == 0 || rc == AC_BARRIER_LEADER);
    atomic_fetch_add(&p->m->leaders[p->gen], rc == AC_BARRIER_LEADER);
    p->gen++;
}

/* Arriving at the next generation (the first arrivals are counted at the start). */
static void party_arrive(void *ctx) {
    party *p = ctx;
    atomic_fetch_add(&p->m->arrived[p->gen], 1);
}

/* 8 parties on 4 threads meet 100 times. */
static void test_barrier_generations(void **state) {
    (void)state;
    static meeting m;
    static party parties[4][2];
    static crew c = {.threads = 4, .tasks = 2};
    assert_int_equal(ac_barrier_init(&m.b, PARTIES), 0);
    for (int g = 0; g <= GENERATIONS; g++)
        atomic_init(&m.arrived[g], g == 0 ? PARTIES : 0);
    for (int g = 0; g < GENERATIONS; g++)
        atomic_init(&m.leaders[g], 0);
    for (int t = 0; t < c.threads; t++)
        for (int i = 0; i < c.tasks; i++) {
            parties[t][i] = (party){&m, 0};
            c.members[t].sections[i] =
                (section){&ac_barrier_wait_leaf, &m.b,        party_pass, party_arrive,
                          &parties[t][i],        GENERATIONS, (t + i) % 3};
        }
    crew_run(&c);
    for (int g = 0; g < GENERATIONS; g++)
        assert_int_equal(atomic_load(&m.leaders[g]), 1);
}

/* ---- notify
 * ---------------------------------------------------------------------------------------- */

typedef struct rally {
    ac_notify ping, pong;
    long hits[2]; /* each side's, plain: ordered by the notifications */
} rally;

typedef struct side {
    rally *r;
    int who;
} side;

static void side_hit(void *ctx, int rc) {
    side *s = ctx;
    CHECK(rc == 0);
    s->r->hits[s->who]++;
}

static void side_serve(void *ctx) {
    side *s = ctx;
    ac_notify_one(s->who == 0 ? &s->r->ping : &s->r->pong);
}

/* A ping-pong across two threads, 3000 round trips: a lost notification would stop it. */
static void test_notify_ping_pong(void **state) {
    (void)state;
    enum { ROUNDS = 3000 };
    static rally r;
    static side sides[2];
    static crew c = {.threads = 2, .tasks = 1};
    ac_notify_init(&r.ping);
    ac_notify_init(&r.pong);
    r.hits[0] = r.hits[1] = 0;
    ac_notify_one(&r.ping); /* the first serve */
    for (int who = 0; who < 2; who++) {
        sides[who] = (side){&r, who};
        /* side 0 waits for pongs and serves pings, side 1 the reverse */
        c.members[who].sections[0] = (section){&ac_notified_leaf,
                                               who == 0 ? &r.pong : &r.ping,
                                               side_hit,
                                               side_serve,
                                               &sides[who],
                                               ROUNDS,
                                               0};
    }
    crew_run(&c);
    assert_int_equal(r.hits[0], ROUNDS);
    assert_int_equal(r.hits[1], ROUNDS);
    assert_int_equal(r.ping.permit, 1); /* side 0's last serve, stored */
}

/* ---- cancellation tokens --------------------------------------------------------------------- */

typedef struct stopping {
    ac_cancel_token root, children[3];
    atomic_int woken;
} stopping;

static void shutdown_woken(void *ctx, int rc) {
    stopping *s = ctx;
    CHECK(rc == 0);
    atomic_fetch_add(&s->woken, 1);
}

static void shutdown_nothing(void *ctx) {
    (void)ctx;
}

/* 3 threads × 4 tasks wait on children of one root; a thread outside any loop cancels
 * the root. */
static void test_cancel_across_threads(void **state) {
    (void)state;
    static stopping s;
    static crew c = {.threads = 3, .tasks = 4};
    ac_cancel_token_init(&s.root);
    atomic_init(&s.woken, 0);
    for (int t = 0; t < c.threads; t++) {
        ac_cancel_token_init_child(&s.children[t], &s.root);
        for (int i = 0; i < c.tasks; i++)
            c.members[t].sections[i] = (section){
                &ac_cancelled_leaf, &s.children[t], shutdown_woken, shutdown_nothing, &s, 1, 0};
    }
    atomic_init(&c.started, 0);
    for (int t = 0; t < c.threads; t++) {
        c.members[t].c = &c;
        assert_int_equal(pthread_create(&c.members[t].thread, NULL, member_run, &c.members[t]), 0);
    }
    while (atomic_load(&c.started) < c.threads)
        sched_yield();
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL); /* let them park, mostly */
    ac_cancel_token_cancel(&s.root);
    for (int t = 0; t < c.threads; t++) {
        assert_int_equal(pthread_join(c.members[t].thread, NULL), 0);
        assert_int_equal(c.members[t].rc, 0);
    }
    assert_int_equal(atomic_load(&s.woken), 12);
    assert_int_equal(atomic_load(&failures), 0);
    for (int t = 0; t < c.threads; t++)
        ac_cancel_token_destroy(&s.children[t]);
    ac_cancel_token_destroy(&s.root);
}

typedef struct churn {
    ac_cancel_token *root;
    atomic_int *go;
} churn;

/* Make and destroy children of root while another thread cancels it: a child made
 * after the cancel was seen is cancelled from the start. */
static void *churn_run(void *arg) {
    churn *ch = arg;
    while (!atomic_load(ch->go))
        sched_yield();
    for (int i = 0; i < 20000; i++) {
        int seen = ac_cancel_token_is_cancelled(ch->root);
        ac_cancel_token child, grandchild;
        ac_cancel_token_init_child(&child, ch->root);
        ac_cancel_token_init_child(&grandchild, &child);
        CHECK(!seen || ac_cancel_token_is_cancelled(&grandchild));
        ac_cancel_token_destroy(&child);
        ac_cancel_token_destroy(&grandchild);
    }
    return NULL;
}

static void test_cancel_tree_churn(void **state) {
    (void)state;
    ac_cancel_token root;
    ac_cancel_token_init(&root);
    atomic_int go;
    atomic_init(&go, 0);
    churn ch = {&root, &go};
    pthread_t threads[2];
    for (int t = 0; t < 2; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, churn_run, &ch), 0);
    atomic_store(&go, 1);
    nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    ac_cancel_token_cancel(&root);
    for (int t = 0; t < 2; t++)
        assert_int_equal(pthread_join(threads[t], NULL), 0);
    assert_null(root.node.first); /* every child left */
    assert_int_equal(atomic_load(&failures), 0);
    ac_cancel_token_destroy(&root);
}

/* ---- a grant on its way to a loop when its waiter is dropped --------------------------------- */

typedef struct handoff {
    ac_mutex m;
    atomic_int parked, unlocked;
} handoff;

static void *unlock_when_parked(void *arg) {
    handoff *h = arg;
    while (!atomic_load(&h->parked))
        sched_yield();
    CHECK(ac_mutex_unlock(&h->m) == 0); /* hands the lock to the parked waiter */
    atomic_store(&h->unlocked, 1);
    return NULL;
}

/* In one poll (so this loop cannot deliver the wake in between): park on the mutex,
 * let the other thread hand it over, then drop the wait. The lock must come back. */
static void park_then_drop(void *arg, ac_task *self) {
    handoff *h = arg;
    ac_sync_wait_frame f;
    int out = -1;
    ac_mutex_lock_init(&f, &h->m);
    CHECK(ac_mutex_lock_poll(&f, &(ac_cx){.task = self}, &out) == AC_PENDING);
    atomic_store(&h->parked, 1);
    while (!atomic_load(&h->unlocked))
        sched_yield();
    CHECK(f.waiter.list == &aci_loop_this.remote.inbox); /* the wake is on its way */
    ac_mutex_lock_drop(&f);
    CHECK(aci_loop_this.remote.inbox.head == NULL);
    CHECK(ac_mutex_try_lock(&h->m) == 0); /* passed back, not lost */
    CHECK(ac_mutex_unlock(&h->m) == 0);
}

static void test_grant_in_flight_dropped(void **state) {
    (void)state;
    handoff h;
    ac_mutex_init(&h.m);
    atomic_init(&h.parked, 0);
    atomic_init(&h.unlocked, 0);
    assert_int_equal(ac_mutex_try_lock(&h.m), 0);
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, unlock_when_parked, &h), 0);
    step root[] = {S_CALL(park_then_drop, &h), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(pthread_join(other, NULL), 0);
    assert_int_equal(atomic_load(&failures), 0);
    assert_int_equal(aci_loop_this.waiters_parked, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mutex_counter, setup),
        cmocka_unit_test_setup(test_semaphore_permits, setup),
        cmocka_unit_test_setup(test_rwlock_readers_writers, setup),
        cmocka_unit_test_setup(test_barrier_generations, setup),
        cmocka_unit_test_setup(test_notify_ping_pong, setup),
        cmocka_unit_test_setup(test_cancel_across_threads, setup),
        cmocka_unit_test_setup(test_cancel_tree_churn, setup),
        cmocka_unit_test_setup(test_grant_in_flight_dropped, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
