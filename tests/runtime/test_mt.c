/* test_mt.c - the multi-thread runtime (ac_mt.h, runtime/src/mt.c): the builder and
 * its errors, block_on, spawn/yield/join across workers with the metrics' counts,
 * stealing, wakes from many threads at once (exactly one poll at a time, none lost),
 * waitlists, timers on workers, shutdown that waits or drops, and the leaves refused on
 * workers. Run it under TSan (-DASYNCC_SANITIZE=thread), ASan and valgrind too. */
#define _GNU_SOURCE 1 /* pthread_getname_np */

#include "handles.h"
#include "internal.h"
#include "machines.h"

#include "ac_blocking.h" /* after ac_runtime.h: the runtime faces */
#include "ac_mt.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- counter(i, yields, target): yield `yields` times, return i ------------------------------ */

/* A task woken from everywhere (test_concurrent_wakes); a counter given one counts an
 * event and wakes it before each yield. */
typedef struct wake_target {
    _Atomic(ac_task *) task;
    atomic_int events;   /* counted before each wake */
    atomic_int released; /* the test is done waking: finish once it is seen */
    atomic_int in_poll, overlaps, polls;
} wake_target;

typedef struct counter_frame {
    int i;
    wake_target *target;
    yields ys;
} counter_frame;

static void target_hit(void *frame) {
    counter_frame *f = frame;
    if (!f->target)
        return;
    atomic_fetch_add(&f->target->events, 1);
    ac_wake(atomic_load(&f->target->task));
}

static ac_poll counter_poll(counter_frame *f, ac_cx *cx, int *out) {
    if (yields_poll(&f->ys, cx, target_hit, f) == AC_PENDING)
        return AC_PENDING;
    *out = f->i;
    return AC_READY;
}

static void counter_drop(counter_frame *f) {
    (void)f;
}

DEFINE_VTABLE(counter, sizeof(int));

static ac_task *counter_spawn(int i, int yields, wake_target *target) {
    ac_task *t = ac_task_new(&counter_vtable);
    assert_non_null(t);
    counter_frame *f = ac_task_frame(t);
    f->i = i;
    f->target = target;
    yields_init(&f->ys, yields);
    return ac_task_spawn(t);
}

/* ---- join_all: join n handles in order, summing their int results -----------------------------
 */

typedef struct join_all {
    ac_task **handles;
    int n, k, joining, result;
    long sum;
    ac_join_frame join;
} join_all;

static void join_all_start(join_all *j, ac_task **handles, int n) {
    *j = (join_all){handles, n, 0, 0, 0, 0, {NULL, NULL, 0, 0}};
}

static ac_poll join_all_poll(join_all *j, ac_cx *cx) {
    for (; j->k < j->n; j->k++) {
        if (!j->joining)
            ac_join_init(&j->join, j->handles[j->k], &j->result);
        j->joining = 1;
        if (ac_join_poll(&j->join, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        j->joining = 0;
        j->sum += j->result;
    }
    return AC_READY;
}

static void join_all_drop(join_all *j) {
    if (j->joining)
        ac_join_drop(&j->join);
    for (int k = j->k + j->joining; k < j->n; k++)
        ac_detach(j->handles[k]);
}

/* ---- fan(n, spawn, arg): spawn n tasks, join them, return the sum of their results -------- */

/* Spawn task i, or return NULL after detaching it (it is not joined). */
typedef ac_task *spawn_fn(void *arg, int i);

typedef struct fan_frame {
    int n, started;
    spawn_fn *spawn;
    void *arg;
    ac_task **handles;
    join_all all;
} fan_frame;

static ac_poll fan_poll(fan_frame *f, ac_cx *cx, long *out) {
    if (!f->started) {
        f->started = 1;
        f->handles = malloc((size_t)f->n * sizeof *f->handles);
        int joined = 0;
        for (int i = 0; i < f->n; i++) {
            ac_task *t = f->spawn(f->arg, i);
            if (t)
                f->handles[joined++] = t;
        }
        join_all_start(&f->all, f->handles, joined);
    }
    if (join_all_poll(&f->all, cx) == AC_PENDING)
        return AC_PENDING;
    free(f->handles);
    *out = f->all.sum;
    return AC_READY;
}

static void fan_drop(fan_frame *f) {
    if (!f->started)
        return;
    join_all_drop(&f->all);
    free(f->handles);
}

DEFINE_FUTURE(fan, long);

static ac_future fan_future(int n, spawn_fn *spawn, void *arg) {
    fan_frame *f = malloc(sizeof *f);
    *f = (fan_frame){n, 0, spawn, arg, NULL, {0}};
    return (ac_future){&fan_future_vt, f};
}

/* Block on fan(n, spawn, arg) on rt; its sum. */
static long fan_block_on(ac_runtime *rt, int n, spawn_fn *spawn, void *arg) {
    long sum = -1;
    assert_int_equal(ac_runtime_block_on(rt, fan_future(n, spawn, arg), &sum), 0);
    return sum;
}

/* ---- spawn, yield, join, steal -----------------------------------------------------------------
 */

static ac_task *spawn_counter(void *yields, int i) {
    return counter_spawn(i, *(int *)yields, NULL);
}

static void sum_workers(ac_runtime *rt, ac_worker_metrics *total) {
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    *total = (ac_worker_metrics){0};
    for (unsigned i = 0; i < m.workers; i++) {
        ac_worker_metrics w;
        assert_int_equal(ac_runtime_worker_metrics(rt, i, &w), 0);
        total->polls += w.polls;
        total->steals += w.steals;
        total->steal_ops += w.steal_ops;
        total->parks += w.parks;
    }
    assert_int_equal(ac_runtime_worker_metrics(rt, m.workers, &(ac_worker_metrics){0}), -EINVAL);
}

/* Many tasks spawned, yielding and joined across two workers: every result arrives once,
 * and the counters add up. */
static void test_spawn_yield_join(void **state) {
    (void)state;
    enum { N = 5000 };
    int yields = 20;
    ac_runtime *rt = runtime_of_workers(2);
    assert_int_equal(fan_block_on(rt, N, spawn_counter, &yields), (long)N * (N - 1) / 2);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.workers, 2);
    assert_int_equal(m.tasks_spawned, N);
    assert_int_equal(m.tasks_finished, N);
    assert_int_equal(m.tasks_alive, 0);
    ac_worker_metrics total;
    sum_workers(rt, &total);
    /* Each counter is polled once per yield and once more; the root at least N + 1 times. */
    assert_true(total.polls >= (uint64_t)N * (yields + 1) + 2);
    assert_true(total.polls <= (uint64_t)N * (yields + 1) + 2 * N + 2);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* Fewer tasks than a local queue holds, each yielding long: the idle worker can only get
 * work by stealing. */
static void test_stealing(void **state) {
    (void)state;
    int yields = 20000;
    ac_runtime *rt = runtime_of_workers(2);
    assert_int_equal(fan_block_on(rt, 64, spawn_counter, &yields), 64 * 63 / 2);
    ac_worker_metrics total;
    sum_workers(rt, &total);
    assert_true(total.steal_ops > 0);
    assert_true(total.steals >= total.steal_ops);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* The tasks a worker queues beyond its ring stay with it, in its overflow, instead of
 * going to the global queue where any worker takes them: right after the root has
 * spawned N tasks, the workers' local queues hold every one of them that has not
 * finished, but for those being polled or taken off a ring to run next (a few a worker). */
typedef struct overflow_probe {
    ac_runtime *rt;
    int yields, n;
    uint64_t queued, finished;
} overflow_probe;

static ac_task *spawn_counter_then_probe(void *arg, int i) {
    overflow_probe *p = arg;
    ac_task *t = counter_spawn(i, p->yields, NULL);
    if (i == p->n - 1) {
        ac_runtime_metrics m;
        ac_runtime_metrics_get(p->rt, &m);
        for (unsigned k = 0; k < m.workers; k++) {
            ac_worker_metrics w;
            assert_int_equal(ac_runtime_worker_metrics(p->rt, k, &w), 0);
            p->queued += w.local_queue_depth;
        }
        p->finished = m.tasks_finished;
    }
    return t;
}

static void test_overflow_stays_local(void **state) {
    (void)state;
    enum { N = 3000 };
    ac_runtime *rt = runtime_of_workers(2);
    overflow_probe p = {rt, 20, N, 0, 0};
    assert_int_equal(fan_block_on(rt, N, spawn_counter_then_probe, &p), (long)N * (N - 1) / 2);
    assert_true(p.queued + p.finished >= N - 20);
    assert_true(p.queued <= N);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* ---- help: when a busy worker's queue gets an idle one --------------------------------------- */

/* A task queued by a busy worker does not wake an idle worker that watches (mt.c,
 * notify_unwatched): that one comes when the busy worker is stuck in a poll, or has a
 * backlog. A boss task, pinned to its worker, first makes the other worker sleep with a
 * watch: it queues two short tasks, which kick the other worker if it sleeps unwatched,
 * then stays busy 20 ms (yielding, pinned, so nothing of it can be stolen) while the other
 * parks again, now with a watch, or goes on watching. Then it queues
 * work behind itself: three tasks while it spins in one poll (stuck), or tasks of 200 us
 * each, up to ten more each time it runs and 200 queued at once (so that its ring never
 * overflows, whose refill would call the other worker too), until one has run on the
 * other worker (backlog).
 * Each job counts where it ran. */
typedef struct help_probe {
    int stuck, jobs, job_us; /* jobs: to queue (stuck), queued at most at once (backlog) */
    pthread_t home;          /* the boss's thread */
    atomic_int ran, elsewhere;
} help_probe;

typedef struct job_frame {
    help_probe *p;
} job_frame;

static void spin_us(uint64_t us) {
    uint64_t end = test_now_ns() + us * 1000;
    while (test_now_ns() < end) {
    }
}

static ac_poll job_poll(job_frame *f, ac_cx *cx, int *out) {
    (void)cx;
    spin_us((uint64_t)f->p->job_us);
    if (!pthread_equal(pthread_self(), f->p->home))
        atomic_fetch_add(&f->p->elsewhere, 1);
    atomic_fetch_add(&f->p->ran, 1);
    *out = 0;
    return AC_READY;
}

static void job_drop(job_frame *f) {
    (void)f;
}

DEFINE_VTABLE(job, sizeof(int));

static void job_spawn(help_probe *p) {
    ac_task *t = ac_task_new(&job_vtable);
    assert_non_null(t);
    ((job_frame *)ac_task_frame(t))->p = p;
    ac_detach(ac_task_spawn(t));
}

enum { BOSS_WARM, BOSS_BUSY, BOSS_WORK };

typedef struct boss_frame {
    help_probe *p;
    int phase, spawned;
    uint64_t busy_until, deadline;
} boss_frame;

static ac_poll boss_yield(ac_cx *cx) {
    cx->yielded = 1;
    return AC_PENDING;
}

/* Returns how many jobs ran elsewhere while it was stuck (in one poll), or while it was
 * still queueing (backlog). */
static ac_poll boss_poll(boss_frame *f, ac_cx *cx, int *out) {
    help_probe *p = f->p;
    uint64_t now = test_now_ns();
    if (f->phase == BOSS_WARM) {
        /* The second moves the first from the LIFO slot to the ring, a push that kicks the
         * other worker if it sleeps unwatched (as both did at the start); it parks again
         * while this one is busy, so with a watch. */
        ac_detach(counter_spawn(0, 3, NULL));
        ac_detach(counter_spawn(1, 3, NULL));
        f->busy_until = now + 20 * 1000000u;
        f->deadline = now + 5000 * 1000000ull;
        f->phase = BOSS_BUSY;
    }
    if (f->phase == BOSS_BUSY) {
        if (now < f->busy_until)
            return boss_yield(cx);
        p->home = pthread_self();
        f->phase = BOSS_WORK;
    }
    if (p->stuck) {
        for (; f->spawned < p->jobs; f->spawned++)
            job_spawn(p);
        while (atomic_load(&p->elsewhere) < p->jobs - 1 && test_now_ns() < f->deadline) {
        }
    } else if (atomic_load(&p->elsewhere) == 0 && now < f->deadline) {
        for (int i = 0; i < 10 && f->spawned - atomic_load(&p->ran) < p->jobs; i++, f->spawned++)
            job_spawn(p);
        return boss_yield(cx);
    }
    *out = atomic_load(&p->elsewhere);
    return AC_READY;
}

static void boss_drop(boss_frame *f) {
    (void)f;
}

DEFINE_VTABLE(boss, sizeof(int));

static ac_task *spawn_boss(void *p, int i) {
    (void)i;
    ac_task *t = ac_task_new(&boss_vtable);
    assert_non_null(t);
    *(boss_frame *)ac_task_frame(t) = (boss_frame){p, BOSS_WARM, 0, 0, 0};
    return ac_task_pin(ac_task_spawn(t));
}

/* What the boss returned. */
static long help_run(help_probe *p) {
    ac_runtime *rt = runtime_of_workers(2);
    long elsewhere = fan_block_on(rt, 1, spawn_boss, p);
    assert_int_equal(ac_runtime_shutdown(rt, 5000), 0);
    return elsewhere;
}

/* Stuck: two of the three jobs queued behind the boss's long poll run on the other
 * worker meanwhile (the third is in the boss's LIFO slot, which nobody steals). Without
 * the watches ending on a stuck worker, the boss spins its 5 s and none has run. */
static void test_help_when_stuck(void **state) {
    (void)state;
    help_probe p = {.stuck = 1, .jobs = 3, .job_us = 0};
    assert_int_equal(help_run(&p), 2);
}

/* Backlog: the boss's worker runs its jobs one after the other, never stuck, while the
 * boss queues more: its ring does not run dry, and after 100 us (at its next look, 61
 * polls) the other worker is called to share them. Without that call none runs
 * elsewhere for the 5 s the boss goes on, on a quiet machine: where other processes
 * take the boss's CPU for a millisecond, the watch finds its worker stuck, and steals
 * too. */
static void test_help_with_backlog(void **state) {
    (void)state;
    help_probe p = {.stuck = 0, .jobs = 200, .job_us = 200};
    assert_true(help_run(&p) > 0);
}

/* ---- wakes from everywhere ------------------------------------------------------------------- */

/* Finishes when released, after every event: a lost wake hangs the test. */
typedef struct target_frame {
    wake_target *s;
    int target;
} target_frame;

static ac_poll target_poll(target_frame *f, ac_cx *cx, int *out) {
    (void)cx;
    wake_target *s = f->s;
    if (atomic_exchange(&s->in_poll, 1))
        atomic_fetch_add(&s->overlaps, 1);
    atomic_fetch_add(&s->polls, 1);
    int done = atomic_load(&s->released) && atomic_load(&s->events) == f->target;
    atomic_store(&s->in_poll, 0);
    *out = atomic_load(&s->events);
    return done ? AC_READY : AC_PENDING;
}

static void target_drop(target_frame *f) {
    (void)f;
}

DEFINE_VTABLE(target, sizeof(int));

enum { WAKER_TASKS = 4, WAKER_THREADS = 3, ROUNDS = 3000 };
#define ALL_EVENTS ((WAKER_TASKS + WAKER_THREADS) * ROUNDS)

/* Task 0 is the target (published for the threads), the others (counters) wake it. */
static ac_task *spawn_wake(void *s, int i) {
    if (i == 0) {
        ac_task *t = ac_task_new(&target_vtable);
        *(target_frame *)ac_task_frame(t) = (target_frame){s, ALL_EVENTS};
        atomic_store(&((wake_target *)s)->task, t);
        return ac_task_spawn(t);
    }
    return counter_spawn(i, ROUNDS, s);
}

typedef struct blocker {
    ac_runtime *rt;
    ac_future fu;
    int rc;
    long result;
} blocker;

static void *block_thread(void *arg) {
    blocker *b = arg;
    b->rc = ac_runtime_block_on(b->rt, b->fu, &b->result);
    return NULL;
}

static void *wake_thread(void *arg) {
    wake_target *s = arg;
    ac_task *t;
    while (!(t = atomic_load(&s->task))) {
    }
    for (int i = 0; i < ROUNDS; i++) {
        atomic_fetch_add(&s->events, 1);
        ac_wake(t);
    }
    return NULL;
}

/* The target is woken by tasks on the workers and by plain threads at once, thousands of
 * times: it is never polled by two threads at once, at most once per wake, and the last
 * wake is not lost (or the target would never finish). */
static void concurrent_wakes(unsigned workers) {
    ac_runtime *rt = runtime_of_workers(workers);
    wake_target s;
    memset(&s, 0, sizeof s);
    blocker b = {rt, fan_future(WAKER_TASKS + 1, spawn_wake, &s), -1, 0};
    pthread_t root, wakers[WAKER_THREADS];
    assert_int_equal(pthread_create(&root, NULL, block_thread, &b), 0);
    for (int i = 0; i < WAKER_THREADS; i++)
        assert_int_equal(pthread_create(&wakers[i], NULL, wake_thread, &s), 0);
    for (int i = 0; i < WAKER_THREADS; i++)
        pthread_join(wakers[i], NULL);
    atomic_store(&s.released, 1);
    ac_wake(atomic_load(&s.task)); /* unfinished until it sees released: still alive */
    pthread_join(root, NULL);
    assert_int_equal(b.rc, 0);
    assert_int_equal(b.result, ALL_EVENTS + WAKER_TASKS * (WAKER_TASKS + 1) / 2);
    assert_int_equal(atomic_load(&s.events), ALL_EVENTS);
    assert_int_equal(atomic_load(&s.overlaps), 0);
    int polls = atomic_load(&s.polls);
    assert_true(polls >= 2);
    assert_true(polls <= ALL_EVENTS + 2);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

static void test_concurrent_wakes(void **state) {
    (void)state;
    concurrent_wakes(2);
}

/* More workers than CPUs: more interleavings, and stealing between more queues. */
static void test_concurrent_wakes_4_workers(void **state) {
    (void)state;
    concurrent_wakes(4);
}

/* ---- waitlists: a token passed round tasks on the workers ------------------------------------ */

enum { PASSERS = 8, PASSES = 500 };

typedef struct passer_frame {
    tokens *mine, *next;
    int round, taking;
    take_frame take;
} passer_frame;

static ac_poll passer_poll(passer_frame *f, ac_cx *cx, int *out) {
    for (; f->round < PASSES; f->round++) {
        if (!f->taking)
            take_init(&f->take, f->mine);
        f->taking = 1;
        if (take_poll(&f->take, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->taking = 0;
        tokens_give(f->next);
    }
    *out = 1;
    return AC_READY;
}

static void passer_drop(passer_frame *f) {
    if (f->taking)
        take_drop(&f->take);
}

DEFINE_VTABLE(passer, sizeof(int));

static ac_task *passer_spawn(tokens *mine, tokens *next) {
    ac_task *p = ac_task_new(&passer_vtable);
    *(passer_frame *)ac_task_frame(p) = (passer_frame){mine, next, 0, 0, {NULL, {0}}};
    return ac_task_spawn(p);
}

/* Passer i takes from tokens i and gives to i + 1; the last one spawned starts the ring. */
static ac_task *spawn_passer(void *t, int i) {
    tokens *ring = t;
    ac_task *p = passer_spawn(&ring[i], &ring[(i + 1) % PASSERS]);
    if (i == PASSERS - 1)
        tokens_give(&ring[0]);
    return p;
}

static void test_token_ring(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    tokens t[PASSERS];
    for (int i = 0; i < PASSERS; i++)
        tokens_init(&t[i]);
    assert_int_equal(fan_block_on(rt, PASSERS, spawn_passer, t), PASSERS);
    assert_int_equal(t[0].count, 1); /* the last pass gave a token nobody takes */
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* ---- timers --------------------------------------------------------------------------------- */

typedef struct napper_frame {
    uint64_t ms, start;
    int started;
    atomic_int *drops;
    ac_sleep_ms_frame sleep;
} napper_frame;

/* 1 if at least ms passed. */
static ac_poll napper_poll(napper_frame *f, ac_cx *cx, int *out) {
    if (!f->started) {
        f->started = 1;
        f->start = test_now_ns();
        ac_sleep_ms_init(&f->sleep, f->ms);
    }
    if (ac_sleep_ms_poll(&f->sleep, cx, NULL) == AC_PENDING)
        return AC_PENDING;
    *out = test_now_ns() - f->start >= f->ms * 1000000u;
    return AC_READY;
}

static void napper_drop(napper_frame *f) {
    if (f->started)
        ac_sleep_ms_drop(&f->sleep);
    if (f->drops)
        atomic_fetch_add(f->drops, 1);
}

DEFINE_VTABLE(napper, sizeof(int));

static ac_task *napper_spawn(uint64_t ms, atomic_int *drops) {
    ac_task *t = ac_task_new(&napper_vtable);
    *(napper_frame *)ac_task_frame(t) = (napper_frame){ms, 0, 0, drops, {0, {0}}};
    return ac_task_spawn(t);
}

static ac_task *spawn_napper(void *unused, int i) {
    (void)unused;
    return napper_spawn((uint64_t)(i % 8) * 5, NULL);
}

/* Sleepers of 0 to 35 ms on two workers: each wakes no earlier than its deadline, and all
 * of them wake (workers park in between: the driver's deadline wakes them). */
static void test_timers_on_workers(void **state) {
    (void)state;
    enum { NAPPERS = 40 };
    ac_runtime *rt = runtime_of_workers(2);
    uint64_t t0 = test_now_ns();
    assert_int_equal(fan_block_on(rt, NAPPERS, spawn_napper, NULL), NAPPERS);
    assert_true(test_now_ns() - t0 >= 35 * 1000000u);
    ac_worker_metrics total;
    sum_workers(rt, &total);
    assert_true(total.parks > 0);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* ---- shutdown ----------------------------------------------------------------------------- */

/* Detached tasks: nappers of ms, and with `never`, as many takers of tokens never given. */
typedef struct detached {
    uint64_t ms;
    atomic_int drops;
    tokens *never;
} detached;

static ac_task *spawn_detached(void *arg, int i) {
    detached *d = arg;
    ac_detach(napper_spawn(d->ms, &d->drops));
    if (d->never)
        ac_detach(passer_spawn(d->never, d->never));
    (void)i;
    return NULL;
}

/* Tasks that would sleep for an hour or wait for ever are dropped, each once, by a
 * shutdown whose timeout is short; their timers and waiters go with them. */
static void test_shutdown_drops(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    tokens never;
    tokens_init(&never);
    detached d = {3600000, 0, &never};
    assert_int_equal(fan_block_on(rt, 50, spawn_detached, &d), 0);
    uint64_t t0 = test_now_ns();
    assert_int_equal(ac_runtime_shutdown(rt, 20), 100);
    assert_true(test_now_ns() - t0 >= 20 * 1000000u);
    assert_int_equal(atomic_load(&d.drops), 50);
    assert_null(never.waiting.head);
}

/* A shutdown with room to wait lets sleeping tasks finish: nothing is dropped. */
static void test_shutdown_waits(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    detached d = {30, 0, NULL};
    assert_int_equal(fan_block_on(rt, 20, spawn_detached, &d), 0);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.tasks_spawned, 20);
    uint64_t t0 = test_now_ns();
    assert_int_equal(ac_runtime_shutdown(rt, 10000), 0);
    assert_true(test_now_ns() - t0 < 5000 * 1000000ull);
    assert_int_equal(atomic_load(&d.drops), 0);
}

/* ---- the blocking pool ----------------------------------------------------------------------- */

DEFINE_VTABLE(ac_spawn_blocking, sizeof(int));

enum { JOBS = 24 };

typedef struct square_job {
    uint64_t n, square;
    unsigned sleep_ms;
} square_job;

static void square_run(void *data) {
    square_job *j = data;
    usleep(j->sleep_ms * 1000);
    j->square = j->n * j->n;
}

typedef struct jobs {
    square_job job[JOBS];
    int detach;
} jobs;

static ac_task *spawn_job(void *arg, int i) {
    jobs *js = arg;
    ac_task *t = ac_task_new(&ac_spawn_blocking_vtable);
    ac_spawn_blocking_init(ac_task_frame(t), square_run, &js->job[i], sizeof js->job[i]);
    ac_task_spawn(t);
    if (!js->detach)
        return t;
    ac_detach(t);
    return NULL;
}

static void jobs_start(jobs *js, unsigned sleep_ms, int detach) {
    for (int i = 0; i < JOBS; i++)
        js->job[i] = (square_job){(uint64_t)i, 0, sleep_ms};
    js->detach = detach;
}

/* Jobs on the blocking pool wake their tasks on the workers through remotes. */
static void test_blocking_jobs(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    jobs js;
    jobs_start(&js, 2, 0);
    assert_int_equal(fan_block_on(rt, JOBS, spawn_job, &js), 0);
    for (int i = 0; i < JOBS; i++)
        assert_int_equal(js.job[i].square, (uint64_t)i * i);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* Dropped while their jobs still run: the jobs finish later, after the workers are gone,
 * and their wakes must not reach the workers' loops. */
static void test_shutdown_during_blocking_jobs(void **state) {
    (void)state;
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = 2;
    b.thread_stack_size = 64 << 20; /* above glibc's cache of stacks: unmapped at exit */
    ac_runtime *rt = NULL;
    assert_int_equal(ac_runtime_new(&b, &rt), 0);
    static jobs js; /* the pool writes its copies, never these: no need to outlive it */
    jobs_start(&js, 50, 1);
    assert_int_equal(fan_block_on(rt, JOBS, spawn_job, &js), 0);
    int dropped = ac_runtime_shutdown(rt, 0);
    assert_true(dropped > 0 && dropped <= JOBS);
    /* Queued jobs are cancelled; the running ones end within 50 ms, and a wake of theirs
     * that reached an exited worker's loop (in its unmapped stack) would crash. */
    usleep(300000);
}

/* ---- the builder -------------------------------------------------------------------------- */

static atomic_int hook_starts, hook_stops, hook_named;

static void on_start(void *arg) {
    char name[16] = "";
    pthread_getname_np(pthread_self(), name, sizeof name);
    if (strncmp(name, (const char *)arg, strlen(arg)) == 0)
        atomic_fetch_add(&hook_named, 1);
    atomic_fetch_add(&hook_starts, 1);
}

static void on_stop(void *arg) {
    (void)arg;
    atomic_fetch_add(&hook_stops, 1);
}

static void test_builder_hooks_and_names(void **state) {
    (void)state;
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = 3;
    b.thread_name = "pool";
    b.thread_stack_size = 1 << 20;
    b.on_thread_start = on_start;
    b.on_thread_stop = on_stop;
    b.hook_arg = "pool-";
    b.event_interval = 7;
    b.global_queue_interval = 3;
    ac_runtime *rt = NULL;
    assert_int_equal(ac_runtime_new(&b, &rt), 0);
    int yields = 3;
    assert_int_equal(fan_block_on(rt, 300, spawn_counter, &yields), 300 * 299 / 2);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.workers, 3);
    assert_int_equal(ac_runtime_shutdown(rt, 0), 0);
    assert_int_equal(atomic_load(&hook_starts), 3);
    assert_int_equal(atomic_load(&hook_stops), 3);
    assert_int_equal(atomic_load(&hook_named), 3);
}

static void test_builder_errors(void **state) {
    (void)state;
    ac_runtime_builder b;
    ac_runtime *rt = NULL;
    ac_runtime_builder_init(&b);
    b.worker_threads = AC_RUNTIME_MAX_WORKERS + 1;
    assert_int_equal(ac_runtime_new(&b, &rt), -EINVAL);
    ac_runtime_builder_init(&b);
    b.event_interval = 2000000;
    assert_int_equal(ac_runtime_new(&b, &rt), -EINVAL);
    ac_runtime_builder_init(&b);
    b.worker_threads = 1;
    b.thread_stack_size = 1; /* below PTHREAD_STACK_MIN */
    assert_int_equal(ac_runtime_new(&b, &rt), -EINVAL);
    assert_null(rt);
    /* The default: one worker per CPU. */
    assert_int_equal(ac_runtime_new(NULL, &rt), 0);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_true(m.workers >= 1);
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){NULL, NULL}, NULL), -EINVAL);
    assert_int_equal(ac_runtime_shutdown(rt, 0), 0);
}

/* ---- what a task on a worker may not do -------------------------------------------------------
 */

typedef struct refusals {
    ac_runtime *rt;
    int nested_rc, shutdown_rc, open_rc, read_rc, block_on_rc;
    ac_fd *foreign; /* opened on the test's thread */
} refusals;

typedef struct refuser_frame {
    refusals *r;
} refuser_frame;

static ac_poll refuser_poll(refuser_frame *f, ac_cx *cx, int *out) {
    refusals *r = f->r;
    r->nested_rc = ac_runtime_block_on(r->rt, fan_future(1, spawn_napper, NULL), NULL);
    r->shutdown_rc = ac_runtime_shutdown(r->rt, 0);
    ac_fd h;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    r->open_rc = ac_fd_open(&h, fds[0]); /* in the runtime's reactor: allowed */
    if (r->open_rc == 0)
        ac_fd_close(&h);
    else
        close(fds[0]);
    close(fds[1]);
    char c;
    ac_fd_read_frame read;
    ssize_t n = 0;
    ac_fd_read_init(&read, r->foreign, &c, 1);
    assert_int_equal(ac_fd_read_poll(&read, cx, &n), AC_READY);
    ac_fd_read_drop(&read);
    r->read_rc = (int)n;
    r->block_on_rc = script_block_on_root((const step[]){S_END(1)}, NULL, NULL, out);
    *out = 7;
    return AC_READY;
}

static void refuser_drop(refuser_frame *f) {
    (void)f;
}

DEFINE_FUTURE(refuser, int);

/* ---- join handles that catch misuse ------------------------------------------------------- */

DEFINE_FUTURE(misuse, int);

static ac_future misuse_future(misuse_report *r) {
    misuse_frame *f = malloc(sizeof *f);
    misuse_init(f, r);
    return (ac_future){&misuse_future_vt, f};
}

/* The misuse of test_join.c on workers: a wrong type, a second join, a join or detach
 * after a detach are error values (the blocks of tasks that finished on another worker
 * wait for their owner, so only the generation or the detached mark can tell). */
static void test_join_misuse(void **state) {
    (void)state;
    for (unsigned workers = 1; workers <= 2; workers++) {
        ac_runtime *rt = runtime_of_workers(workers);
        misuse_report r = {{0}, 0};
        int got = 0;
        assert_int_equal(ac_runtime_block_on(rt, misuse_future(&r), &got), 0);
        for (int i = 0; i < MISUSE_STEPS; i++)
            assert_int_equal(r.codes[i], misuse_expected[i]);
        assert_int_equal(got, 7);
        assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
    }
}

/* ---- a handle used again on another thread while its block gets a new task ------------------ */

/* What the recycler (a task) and a plain thread share: the handle of a task the recycler
 * joined, which the thread detaches again and again, -EBADF every time, while the
 * recycler's next spawn takes the block: another thread than the block's owner reads the
 * header that the owner writes (the race TSan found in test_join_misuse). */
typedef struct stale_share {
    _Atomic(ac_task *) handle; /* given up; NULL between rounds */
    atomic_int checks;         /* the thread's detaches of it */
    atomic_int wrong;          /* those that did not say -EBADF */
    atomic_int quiet;          /* the thread saw NULL since the recycler withdrew the handle */
    atomic_int stop;
} stale_share;

enum { STALE_ROUNDS = 300 };

static void *stale_user(void *arg) {
    stale_share *s = arg;
    while (!atomic_load(&s->stop)) {
        ac_task *h = atomic_load(&s->handle);
        if (!h) {
            atomic_store(&s->quiet, 1);
            sched_yield(); /* valgrind runs one thread at a time */
            continue;
        }
        if (ac_detach(h) != -EBADF)
            atomic_fetch_add(&s->wrong, 1);
        atomic_fetch_add(&s->checks, 1);
    }
    return NULL;
}

/* Each round: join a task; share its handle and spawn the next task, which takes the
 * joined one's block (vt, flags and state written, and changed as it runs, while the
 * thread reads them); wait until the thread used the handle; withdraw it and wait until
 * the thread saw that; join the new task. So a block is reused at most once while its
 * old handle is in use (the generation has 4 bits), and never freed meanwhile (ASan
 * poisons a freed block's flags and state, which a check reads after vt). Its result:
 * the sum of the values joined. */
typedef struct recycler_frame {
    stale_share *s;
    int round, phase, checks_at, result;
    long sum;
    ac_task *joined;
    ac_join_frame j;
} recycler_frame;

enum { RECYCLE_FIRST, RECYCLE_SHARE, RECYCLE_USED, RECYCLE_QUIET, RECYCLE_NEXT };

/* AC_READY if cond holds, else a yield. */
static ac_poll yield_unless(int cond, ac_cx *cx) {
    if (cond)
        return AC_READY;
    ac_wake(cx->task);
    return AC_PENDING;
}

/* The step of the round's phase; AC_READY when it is done and the phase moved on. */
static ac_poll recycler_step(recycler_frame *f, ac_cx *cx) {
    stale_share *s = f->s;
    switch (f->phase) {
    case RECYCLE_FIRST:
        f->joined = value_spawn(f->round, 0);
        ac_join_init(&f->j, f->joined, &f->result);
        break;
    case RECYCLE_SHARE:
    case RECYCLE_NEXT:
        if (ac_join_poll(&f->j, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->sum += f->result;
        if (f->phase == RECYCLE_NEXT) {
            f->round++;
            f->phase = RECYCLE_FIRST;
            return AC_READY;
        }
        f->checks_at = atomic_load(&s->checks);
        atomic_store(&s->handle, f->joined);
        ac_join_init(&f->j, value_spawn(f->round, 1), &f->result);
        break;
    case RECYCLE_USED:
        if (yield_unless(atomic_load(&s->checks) > f->checks_at, cx) == AC_PENDING)
            return AC_PENDING;
        atomic_store(&s->quiet, 0);
        atomic_store(&s->handle, NULL);
        break;
    default:
        if (yield_unless(atomic_load(&s->quiet), cx) == AC_PENDING)
            return AC_PENDING;
        break;
    }
    f->phase++;
    return AC_READY;
}

static ac_poll recycler_poll(recycler_frame *f, ac_cx *cx, long *out) {
    while (f->round < STALE_ROUNDS)
        if (recycler_step(f, cx) == AC_PENDING)
            return AC_PENDING;
    *out = f->sum;
    return AC_READY;
}

static void recycler_drop(recycler_frame *f) {
    if (f->phase != RECYCLE_FIRST)
        ac_join_drop(&f->j);
    atomic_store(&f->s->handle, NULL);
}

DEFINE_FUTURE(recycler, long);

/* On one worker, so that every block is freed and taken again by its owner; the thread
 * is no worker. Every use of the stale handle is -EBADF, the tasks' values all arrive,
 * and TSan finds no race (the header's vt, flags and state are atomics where a handle
 * check may read them from another thread). */
static void test_stale_handle_elsewhere(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    stale_share s;
    memset(&s, 0, sizeof s);
    recycler_frame *f = malloc(sizeof *f);
    *f = (recycler_frame){.s = &s};
    pthread_t user;
    assert_int_equal(pthread_create(&user, NULL, stale_user, &s), 0);
    long sum = -1;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&recycler_future_vt, f}, &sum), 0);
    atomic_store(&s.stop, 1);
    pthread_join(user, NULL);
    assert_int_equal(sum, (long)STALE_ROUNDS * (STALE_ROUNDS - 1));
    assert_int_equal(atomic_load(&s.wrong), 0);
    assert_true(atomic_load(&s.checks) >= STALE_ROUNDS);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* two_joiners: spawn c and two tasks that join it; the sum of their joins' values. */
typedef struct two_joiners_frame {
    int *got1, *got2;
    ac_task *handles[2];
    join_all all;
} two_joiners_frame;

static ac_poll two_joiners_poll(two_joiners_frame *f, ac_cx *cx, int *out) {
    if (!f->handles[0]) {
        ac_task *c = value_spawn(5, 3);
        f->handles[0] = joiner_spawn(c, f->got1);
        f->handles[1] = joiner_spawn(c, f->got2);
        join_all_start(&f->all, f->handles, 2);
    }
    if (join_all_poll(&f->all, cx) == AC_PENDING)
        return AC_PENDING;
    *out = (int)f->all.sum;
    return AC_READY;
}

static void two_joiners_drop(two_joiners_frame *f) {
    if (f->handles[0])
        join_all_drop(&f->all);
}

DEFINE_FUTURE(two_joiners, int);

/* Two tasks join one handle (on one worker: a joiner refused while the other is reading
 * the header would be a race, as any use of a handle given up): one gets the result, the
 * other -EBADF. */
static void test_second_joiner_refused(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    int g1 = 42, g2 = 42, sum = 1;
    two_joiners_frame *f = malloc(sizeof *f);
    *f = (two_joiners_frame){&g1, &g2, {NULL, NULL}, {0}};
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&two_joiners_future_vt, f}, &sum), 0);
    assert_int_equal(sum, -EBADF);
    assert_true((g1 == 5 && g2 == 42) || (g1 == 42 && g2 == 5));
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* On a worker: blocking on the same runtime (-EDEADLK, the future dropped), shutting it
 * down (-EBUSY), a descriptor opened on a current-thread loop (-EOPNOTSUPP; one opened on
 * the worker is fine) and a current-thread block_on (refused as inside a poll). */
static void test_refused_on_workers(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    ac_fd foreign;
    assert_int_equal(ac_fd_open(&foreign, fds[0]), 0);
    refusals r = {rt, 0, 0, 0, 0, 0, &foreign};
    refuser_frame *f = malloc(sizeof *f);
    f->r = &r;
    int out = 0;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&refuser_future_vt, f}, &out), 0);
    assert_int_equal(out, 7);
    assert_int_equal(r.nested_rc, -EDEADLK);
    assert_int_equal(r.shutdown_rc, -EBUSY);
    assert_int_equal(r.open_rc, 0);
    assert_int_equal(r.read_rc, -EOPNOTSUPP);
    assert_int_equal(r.block_on_rc, -1);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.tasks_spawned, 0); /* the nested future was dropped, not run */
    ac_fd_close(&foreign);
    close(fds[1]);
    assert_int_equal(ac_runtime_shutdown(rt, 0), 0);
}

/* opener: on a worker, open an ac_fd (in the runtime's reactor) for the test's thread. */
typedef struct opener_frame {
    ac_fd *h;
    int fd;
} opener_frame;

static ac_poll opener_poll(opener_frame *f, ac_cx *cx, int *out) {
    (void)cx;
    *out = ac_fd_open(f->h, f->fd);
    return AC_READY;
}

static void opener_drop(opener_frame *f) {
    (void)f;
}

DEFINE_FUTURE(opener, int);

/* The other way round: a handle opened on a worker, read by a task of a current-thread
 * loop, is refused (-EOPNOTSUPP) without a read (the bytes are still there after),
 * every time it is polled. */
static void test_reactor_handle_refused_off_workers(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "ab", 2), 2);
    ac_fd h;
    opener_frame *f = malloc(sizeof *f);
    *f = (opener_frame){&h, fds[0]};
    int rc = -1;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&opener_future_vt, f}, &rc), 0);
    assert_int_equal(rc, 0);
    assert_non_null(h.reg);
    char buf[2] = {0, 0};
    ssize_t r1 = 0, r2 = 0;
    step rd[] = {S_READ(&h, buf, 1, &r1), S_READ(&h, buf, 1, &r2), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(rd, NULL), NULL), 0);
    assert_int_equal(r1, -EOPNOTSUPP);
    assert_int_equal(r2, -EOPNOTSUPP);
    assert_int_equal(buf[0], 0);
    assert_int_equal(read(fds[0], buf, 2), 2);
    assert_memory_equal(buf, "ab", 2);
    ac_fd_close(&h);
    close(fds[1]);
    assert_int_equal(ac_runtime_shutdown(rt, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_yield_join),
        cmocka_unit_test(test_stealing),
        cmocka_unit_test(test_overflow_stays_local),
        cmocka_unit_test(test_help_when_stuck),
        cmocka_unit_test(test_help_with_backlog),
        cmocka_unit_test(test_concurrent_wakes),
        cmocka_unit_test(test_concurrent_wakes_4_workers),
        cmocka_unit_test(test_token_ring),
        cmocka_unit_test(test_timers_on_workers),
        cmocka_unit_test(test_shutdown_drops),
        cmocka_unit_test(test_shutdown_waits),
        cmocka_unit_test(test_builder_hooks_and_names),
        cmocka_unit_test(test_builder_errors),
        cmocka_unit_test(test_refused_on_workers),
        cmocka_unit_test(test_reactor_handle_refused_off_workers),
        cmocka_unit_test(test_join_misuse),
        cmocka_unit_test(test_stale_handle_elsewhere),
        cmocka_unit_test(test_second_joiner_refused),
        cmocka_unit_test(test_blocking_jobs),
        cmocka_unit_test(test_shutdown_during_blocking_jobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
