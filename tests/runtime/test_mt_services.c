/* test_mt_services.c - the multi-thread runtime's services (ac_mt.h): tasks spawned and
 * joined from threads that are no workers, with the misuse errors of ac_join; the
 * metrics' exact counts of timers, descriptors, blocking threads and busy time; the
 * dump while workers run; the cooperative budget on both executors. Run it
 * under TSan (-DASYNCC_SANITIZE=thread), ASan and valgrind too. */
#define _DEFAULT_SOURCE 1 /* usleep */

#include "internal.h"
#include "machines.h"

#include "ac_blocking.h" /* after ac_runtime.h: the runtime faces */
#include "ac_chan.h"
#include "ac_io.h"
#include "ac_mt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- square(i, yields, finished): yield `yields` times, count itself finished, return i*i */

typedef struct square_frame {
    int i;
    atomic_int *finished; /* may be NULL */
    atomic_int *release;  /* may be NULL; else it yields on until *release is set */
    yields ys;
} square_frame;

static void square_hold(void *frame) {
    square_frame *f = frame;
    if (f->release && !atomic_load(f->release))
        f->ys.left++; /* one more yield */
}

static ac_poll square_poll(square_frame *f, ac_cx *cx, int *out) {
    if (yields_poll(&f->ys, cx, square_hold, f) == AC_PENDING)
        return AC_PENDING;
    if (f->finished)
        atomic_fetch_add(f->finished, 1);
    *out = f->i * f->i;
    return AC_READY;
}

static void square_drop(square_frame *f) {
    (void)f;
}

DEFINE_FUTURE(square, int);

static ac_future square_future(int i, int yields, atomic_int *finished) {
    square_frame *f = malloc(sizeof *f);
    f->i = i;
    f->finished = finished;
    f->release = NULL;
    yields_init(&f->ys, yields);
    return (ac_future){&square_future_vt, f};
}

/* ---- forever(drops): never finishes; counts its drop ------------------------------------- */

typedef struct forever_frame {
    atomic_int *drops;
} forever_frame;

static ac_poll forever_poll(forever_frame *f, ac_cx *cx, int *out) {
    (void)f, (void)cx, (void)out;
    return AC_PENDING; /* nothing will wake it */
}

static void forever_drop(forever_frame *f) {
    atomic_fetch_add(f->drops, 1);
}

DEFINE_FUTURE(forever, int);

/* ---- join_here(h): ac_runtime_join on a worker, returning what it said ------------------- */

typedef struct join_here_frame {
    ac_runtime_handle h;
} join_here_frame;

static ac_poll join_here_poll(join_here_frame *f, ac_cx *cx, int *out) {
    (void)cx;
    int got = 0;
    *out = ac_runtime_join(f->h, &got);
    return AC_READY;
}

static void join_here_drop(join_here_frame *f) {
    (void)f;
}

DEFINE_FUTURE(join_here, int);

/* ---- spawn from outside ------------------------------------------------------------------- */

enum { SPAWNERS = 4, PER_SPAWNER = 60 };

typedef struct spawner {
    ac_runtime *rt;
    int first;
    long sum;
    int errors;
} spawner;

/* Spawn PER_SPAWNER squares at once, then join them all. */
static void *spawner_main(void *arg) {
    spawner *s = arg;
    ac_runtime_handle h[PER_SPAWNER];
    for (int k = 0; k < PER_SPAWNER; k++) {
        int i = s->first + k;
        s->errors += ac_runtime_spawn(s->rt, square_future(i, i % 7, NULL), &h[k]) != 0;
    }
    for (int k = 0; k < PER_SPAWNER; k++) {
        int v = -1;
        s->errors += ac_runtime_join(h[k], &v) != 0;
        s->sum += v;
    }
    return NULL;
}

/* Four plain threads spawn onto two workers and join what they spawned, all at once. */
static void test_spawn_join_from_threads(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    pthread_t th[SPAWNERS];
    spawner s[SPAWNERS];
    for (int i = 0; i < SPAWNERS; i++) {
        s[i] = (spawner){rt, i * PER_SPAWNER, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, spawner_main, &s[i]), 0);
    }
    long sum = 0, n = SPAWNERS * PER_SPAWNER;
    for (int i = 0; i < SPAWNERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(s[i].errors, 0);
        sum += s[i].sum;
    }
    assert_int_equal(sum, (n - 1) * n * (2 * n - 1) / 6); /* 0² + ... + (n-1)² */
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* The errors of ac_join, from outside: a wrong size keeps the handle, a second join or
 * a join after a detach is -EBADF, a join on a worker -EDEADLK. */
static void test_outside_misuse(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    ac_runtime_handle h;
    assert_int_equal(ac_runtime_spawn(rt, square_future(3, 2, NULL), &h), 0);
    long wide = 0;
    assert_int_equal(ac_runtime_join(h, &wide), -EINVAL);
    int v = 0;
    join_here_frame *jf = malloc(sizeof *jf);
    jf->h = h;
    int deadlk = 0;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&join_here_future_vt, jf}, &deadlk), 0);
    assert_int_equal(deadlk, -EDEADLK);
    assert_int_equal(ac_runtime_join(h, &v), 0);
    assert_int_equal(v, 9);
    assert_int_equal(ac_runtime_join(h, &v), -EBADF);
    assert_int_equal(ac_runtime_detach(h), -EBADF);

    assert_int_equal(ac_runtime_spawn(rt, square_future(4, 50, NULL), &h), 0);
    assert_int_equal(ac_runtime_detach(h), 0);
    assert_int_equal(ac_runtime_join(h, &v), -EBADF);
    assert_int_equal(ac_runtime_detach(h), -EBADF);

    ac_runtime_handle none = {NULL, 0};
    assert_int_equal(ac_runtime_join(none, &v), -EBADF);
    assert_int_equal(ac_runtime_spawn(rt, (ac_future){NULL, NULL}, &h), -EINVAL);
    assert_int_equal(ac_runtime_join(h, &v), -EBADF);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* Detached before and after they finish: every task runs once and every record is
 * freed (valgrind and ASan see the leaks otherwise). */
static void test_outside_detached(void **state) {
    (void)state;
    enum { N = 100 };
    ac_runtime *rt = runtime_of_workers(2);
    atomic_int finished = 0;
    ac_runtime_handle late[N];
    for (int i = 0; i < N; i++) {
        ac_runtime_handle h;
        assert_int_equal(ac_runtime_spawn(rt, square_future(i, i % 5, &finished), &h), 0);
        assert_int_equal(ac_runtime_detach(h), 0);
        assert_int_equal(ac_runtime_spawn(rt, square_future(i, 0, &finished), &late[i]), 0);
    }
    while (atomic_load(&finished) < 2 * N)
        sched_yield();
    for (int i = 0; i < N; i++)
        assert_int_equal(ac_runtime_detach(late[i]), 0);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* Tasks spawned from outside and never finished are waited for, then dropped once each. */
static void test_shutdown_drops_outside(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(2);
    atomic_int drops = 0;
    for (int i = 0; i < 3; i++) {
        forever_frame *f = malloc(sizeof *f);
        f->drops = &drops;
        ac_runtime_handle h;
        assert_int_equal(ac_runtime_spawn(rt, (ac_future){&forever_future_vt, f}, &h), 0);
        if (i == 0)
            assert_int_equal(ac_runtime_detach(h), 0);
    }
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.tasks_outside, 3);
    assert_int_equal(ac_runtime_shutdown(rt, 20), 3);
    assert_int_equal(atomic_load(&drops), 3);
}

/* ---- nap(ms): await ac_sleep_ms(ms) -------------------------------------------------------- */

typedef struct nap_frame {
    uint64_t ms;
    int started;
    atomic_int *woke; /* set when the sleep ends; may be NULL */
    ac_sleep_ms_frame sleep;
} nap_frame;

static ac_poll nap_poll(nap_frame *f, ac_cx *cx, int *out) {
    if (!f->started)
        ac_sleep_ms_init(&f->sleep, f->ms);
    f->started = 1;
    if (ac_sleep_ms_poll(&f->sleep, cx, NULL) == AC_PENDING)
        return AC_PENDING;
    if (f->woke)
        atomic_store(f->woke, 1);
    *out = 0;
    return AC_READY;
}

static void nap_drop(nap_frame *f) {
    if (f->started)
        ac_sleep_ms_drop(&f->sleep);
}

DEFINE_VTABLE(nap, sizeof(int));
DEFINE_FUTURE(nap, int);

static ac_future nap_future(uint64_t ms) {
    nap_frame *f = calloc(1, sizeof *f);
    f->ms = ms;
    return (ac_future){&nap_future_vt, f};
}

/* ---- reader(fd): open fd in the runtime's reactor, await one byte, close ---------------- */

typedef struct reader_frame {
    int fd, opened;
    ac_fd h;
    char byte;
    ac_fd_read_frame read;
} reader_frame;

static ac_poll reader_poll(reader_frame *f, ac_cx *cx, int *out) {
    if (!f->opened) {
        assert_int_equal(ac_fd_open(&f->h, f->fd), 0);
        ac_fd_read_init(&f->read, &f->h, &f->byte, 1);
        f->opened = 1;
    }
    ssize_t n;
    if (ac_fd_read_poll(&f->read, cx, &n) == AC_PENDING)
        return AC_PENDING;
    ac_fd_close(&f->h);
    f->opened = 0;
    *out = (int)n;
    return AC_READY;
}

static void reader_drop(reader_frame *f) {
    if (!f->opened)
        return;
    ac_fd_read_drop(&f->read);
    ac_fd_close(&f->h);
}

DEFINE_FUTURE(reader, int);

static ac_future reader_future(int fd) {
    reader_frame *f = calloc(1, sizeof *f);
    f->fd = fd;
    return (ac_future){&reader_future_vt, f};
}

/* ---- held(release): a blocking job that runs until *release is set ---------------------- */

typedef struct held_job {
    atomic_int *release;
} held_job;

static void held_run(void *data) {
    held_job *j = data;
    while (!atomic_load(j->release))
        usleep(1000);
}

typedef struct held_frame {
    held_job job;
    int started;
    ac_spawn_blocking_frame blocking;
} held_frame;

static ac_poll held_poll(held_frame *f, ac_cx *cx, int *out) {
    if (!f->started)
        ac_spawn_blocking_init(&f->blocking, held_run, &f->job, sizeof f->job);
    f->started = 1;
    return ac_spawn_blocking_poll(&f->blocking, cx, out);
}

static void held_drop(held_frame *f) {
    if (f->started)
        ac_spawn_blocking_drop(&f->blocking);
}

DEFINE_FUTURE(held, int);

static ac_future held_future(atomic_int *release) {
    held_frame *f = calloc(1, sizeof *f);
    f->job.release = release;
    return (ac_future){&held_future_vt, f};
}

/* ---- metrics ------------------------------------------------------------------------------- */

typedef struct expected_metrics {
    uint64_t timers, fds;
    unsigned busy;
} expected_metrics;

static int metrics_match(ac_runtime *rt, const expected_metrics *e, ac_runtime_metrics *m) {
    ac_runtime_metrics_get(rt, m);
    return m->timers_armed == e->timers && m->fds_registered == e->fds &&
           m->blocking_threads_busy == e->busy;
}

/* The counts move as tasks get polled: wait up to 5 s for them, then check them. */
static void metrics_expect(ac_runtime *rt, uint64_t timers, uint64_t fds, unsigned busy) {
    expected_metrics e = {timers, fds, busy};
    ac_runtime_metrics m;
    for (int i = 0; i < 5000 && !metrics_match(rt, &e, &m); i++)
        usleep(1000);
    assert_int_equal(m.timers_armed, timers);
    assert_int_equal(m.fds_registered, fds);
    assert_int_equal(m.blocking_threads_busy, busy);
}

/* Timers, descriptors and blocking threads counted exactly as tasks take and give them
 * back, read while the workers run. */
static void test_metrics_counts(void **state) {
    (void)state;
    enum { SLEEPERS = 5, READERS = 4, JOBS = 2 };
    ac_runtime *rt = runtime_of_workers(2);
    metrics_expect(rt, 0, 0, 0);
    ac_runtime_handle h;
    for (int i = 0; i < SLEEPERS; i++) {
        assert_int_equal(ac_runtime_spawn(rt, nap_future(60000), &h), 0);
        assert_int_equal(ac_runtime_detach(h), 0);
    }
    int pipes[READERS][2];
    ac_runtime_handle readers[READERS], jobs[JOBS];
    for (int i = 0; i < READERS; i++) {
        assert_int_equal(pipe(pipes[i]), 0);
        assert_int_equal(ac_runtime_spawn(rt, reader_future(pipes[i][0]), &readers[i]), 0);
    }
    atomic_int release = 0;
    for (int i = 0; i < JOBS; i++)
        assert_int_equal(ac_runtime_spawn(rt, held_future(&release), &jobs[i]), 0);
    metrics_expect(rt, SLEEPERS, READERS, JOBS);

    for (int i = 0; i < READERS; i++) {
        assert_int_equal(write(pipes[i][1], "x", 1), 1);
        int n = 0;
        assert_int_equal(ac_runtime_join(readers[i], &n), 0);
        assert_int_equal(n, 1);
        close(pipes[i][1]);
    }
    atomic_store(&release, 1);
    for (int i = 0; i < JOBS; i++) {
        int rc = -1;
        assert_int_equal(ac_runtime_join(jobs[i], &rc), 0);
        assert_int_equal(rc, 0);
    }
    metrics_expect(rt, SLEEPERS, 0, 0);
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_true(m.blocking_threads_idle >= 1); /* they stay for the keep-alive (10 s) */
    assert_int_equal(ac_runtime_shutdown(rt, 0), SLEEPERS);
}

/* spin(ms): one poll that keeps its worker busy for ms. */
typedef struct spin_frame {
    uint64_t ms;
} spin_frame;

static ac_poll spin_poll(spin_frame *f, ac_cx *cx, int *out) {
    (void)cx;
    uint64_t end = test_now_ns() + f->ms * 1000000u;
    while (test_now_ns() < end) {
    }
    *out = 0;
    return AC_READY;
}

static void spin_drop(spin_frame *f) {
    (void)f;
}

DEFINE_FUTURE(spin, int);

/* A worker's busy time covers a long poll, and stands still while the worker sleeps. */
static void test_metrics_busy_time(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    uint64_t start = test_now_ns();
    spin_frame *f = malloc(sizeof *f);
    f->ms = 40;
    int out = -1;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&spin_future_vt, f}, &out), 0);
    ac_worker_metrics a, b;
    int still = 0;
    for (int i = 0; i < 100 && !still; i++) { /* until the worker parked */
        assert_int_equal(ac_runtime_worker_metrics(rt, 0, &a), 0);
        usleep(20000);
        assert_int_equal(ac_runtime_worker_metrics(rt, 0, &b), 0);
        still = a.busy_ns == b.busy_ns;
    }
    assert_true(still);
    assert_true(b.busy_ns >= 40 * 1000000u);
    assert_true(b.busy_ns <= test_now_ns() - start);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* ---- the task dump, while the workers run ------------------------------------------------ */

/* dumper(fd, stop, listed): { dump from this worker; yield } until *stop is set; the
 * smallest and largest counts listed go to listed[0] and [1]. */
typedef struct dumper_frame {
    int fd;
    int *listed;
    atomic_int *stop;
    yields ys;
} dumper_frame;

static void listed_note(int *listed, int n) {
    listed[0] = n < listed[0] ? n : listed[0];
    listed[1] = n > listed[1] ? n : listed[1];
}

static void dump_once(void *frame) {
    dumper_frame *f = frame;
    if (atomic_load(f->stop))
        return;
    listed_note(f->listed, ac_task_dump(f->fd));
    f->ys.left++; /* one more round */
}

static ac_poll dumper_poll(dumper_frame *f, ac_cx *cx, int *out) {
    if (yields_poll(&f->ys, cx, dump_once, f) == AC_PENDING)
        return AC_PENDING;
    *out = 0;
    return AC_READY;
}

static void dumper_drop(dumper_frame *f) {
    (void)f;
}

DEFINE_FUTURE(dumper, int);

typedef struct outside_dumper {
    ac_runtime *rt;
    int fd, listed[2];
} outside_dumper;

static void *outside_dumper_main(void *arg) {
    outside_dumper *d = arg;
    for (int i = 0; i < 20; i++)
        listed_note(d->listed, ac_runtime_task_dump(d->rt, d->fd));
    return NULL;
}

/* Two plain threads and a task on a worker dump at once while 40 tasks yield on two
 * workers (until the dumps are over: a finished task may be gone from the list): every
 * dump lists every task (40 from outside, and the dumping task from the worker's), none
 * lost or listed twice, and the tasks finish with their results. */
static void test_dump_while_running(void **state) {
    (void)state;
    enum { N = 40, DUMPERS = 2 };
    ac_runtime *rt = runtime_of_workers(2);
    int fd = open("/dev/null", O_WRONLY);
    assert_true(fd >= 0);
    ac_runtime_handle h[N + 1];
    atomic_int release = 0, stop = 0;
    for (int i = 0; i < N; i++) {
        ac_future fu = square_future(i, 1, NULL);
        ((square_frame *)fu.frame)->release = &release;
        assert_int_equal(ac_runtime_spawn(rt, fu, &h[i]), 0);
    }
    int from_task[2] = {1 << 30, 0};
    dumper_frame *df = malloc(sizeof *df);
    df->fd = fd;
    df->listed = from_task;
    df->stop = &stop;
    yields_init(&df->ys, 1);
    assert_int_equal(ac_runtime_spawn(rt, (ac_future){&dumper_future_vt, df}, &h[N]), 0);
    pthread_t th[DUMPERS];
    outside_dumper d[DUMPERS];
    for (int i = 0; i < DUMPERS; i++) {
        d[i] = (outside_dumper){rt, fd, {1 << 30, 0}};
        assert_int_equal(pthread_create(&th[i], NULL, outside_dumper_main, &d[i]), 0);
    }
    for (int i = 0; i < DUMPERS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(d[i].listed[0], N + 1);
        assert_int_equal(d[i].listed[1], N + 1);
    }
    atomic_store(&stop, 1);
    int dumped = -1;
    assert_int_equal(ac_runtime_join(h[N], &dumped), 0);
    atomic_store(&release, 1);
    long sum = 0;
    for (int i = 0; i < N; i++) {
        int v = -1;
        assert_int_equal(ac_runtime_join(h[i], &v), 0);
        sum += v;
    }
    assert_int_equal(sum, (long)(N - 1) * N * (2 * N - 1) / 6);
    assert_int_equal(from_task[0], N + 1);
    assert_int_equal(from_task[1], N + 1);
    close(fd);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

/* ---- the cooperative budget ------------------------------------------------------------- */

/* hog(stop, cap): send to and receive from its own channel, both always ready, until
 * *stop is set (1) or cap rounds went by (0): it never suspends on its own. */
typedef struct hog_frame {
    atomic_int *stop;
    long cap, rounds, value;
    int receiving, parked;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    ac_mpsc_send_frame send;
    ac_mpsc_recv_frame recv;
} hog_frame;

static void hog_drop(hog_frame *f);

static int hog_step(hog_frame *f, ac_cx *cx) {
    int r = AC_CHAN_OK;
    if (!f->receiving) {
        if (!f->parked)
            ac_mpsc_send_init(&f->send, &f->tx, &f->value);
        f->parked = ac_mpsc_send_poll(&f->send, cx, &r) == AC_PENDING;
        if (f->parked)
            return 0;
        f->receiving = 1;
    }
    if (!f->parked)
        ac_mpsc_recv_init(&f->recv, &f->rx, &f->value);
    f->parked = ac_mpsc_recv_poll(&f->recv, cx, &r) == AC_PENDING;
    if (f->parked)
        return 0;
    assert_int_equal(r, AC_CHAN_OK);
    f->receiving = 0;
    f->value++;
    return 1;
}

static ac_poll hog_poll(hog_frame *f, ac_cx *cx, int *out) {
    for (; f->rounds < f->cap && !atomic_load_explicit(f->stop, memory_order_relaxed); f->rounds++)
        if (!hog_step(f, cx))
            return AC_PENDING;
    *out = f->rounds < f->cap;
    hog_drop(f);
    return AC_READY;
}

static void hog_drop(hog_frame *f) {
    if (f->parked && f->receiving)
        ac_mpsc_recv_drop(&f->recv);
    else if (f->parked)
        ac_mpsc_send_drop(&f->send);
    f->parked = 0;
    ac_mpsc_tx_drop(&f->tx);
    ac_mpsc_rx_drop(&f->rx);
}

DEFINE_VTABLE(hog, sizeof(int));
DEFINE_FUTURE(hog, int);

static void hog_init(hog_frame *f, atomic_int *stop) {
    *f = (hog_frame){.stop = stop, .cap = 20 * 1000 * 1000};
    assert_int_equal(ac_mpsc_new(&f->tx, &f->rx, sizeof f->value, 8), 0);
}

enum { ALARM_MS = 20 };

/* A task that never suspends on its own and a 20 ms sleeper on the current-thread
 * executor: the sleeper's timer still fires and stops the hog, within a second. */
static void test_budget_current_thread(void **state) {
    (void)state;
    atomic_int stop = 0;
    uint64_t start = test_now_ns();
    ac_task *alarm = ac_task_new(&nap_vtable);
    *(nap_frame *)ac_task_frame(alarm) = (nap_frame){ALARM_MS, 0, &stop, {0}};
    assert_int_equal(ac_detach(ac_task_spawn(alarm)), 0);
    ac_task *hog = ac_task_new(&hog_vtable);
    hog_init(ac_task_frame(hog), &stop);
    int stopped = -1;
    assert_int_equal(ac_task_block_on(ac_task_spawn(hog), &stopped), 0);
    uint64_t elapsed = test_now_ns() - start;
    assert_int_equal(stopped, 1);
    assert_true(elapsed >= ALARM_MS * 1000000u);
    assert_true(elapsed < 1000 * 1000000u);
}

/* The same on one worker, where the sleeper's timer waits for the worker's looks. */
static void test_budget_one_worker(void **state) {
    (void)state;
    ac_runtime *rt = runtime_of_workers(1);
    atomic_int stop = 0;
    uint64_t start = test_now_ns();
    nap_frame *alarm = malloc(sizeof *alarm);
    *alarm = (nap_frame){ALARM_MS, 0, &stop, {0}};
    ac_runtime_handle h;
    assert_int_equal(ac_runtime_spawn(rt, (ac_future){&nap_future_vt, alarm}, &h), 0);
    assert_int_equal(ac_runtime_detach(h), 0);
    hog_frame *f = malloc(sizeof *f);
    hog_init(f, &stop);
    int stopped = -1;
    assert_int_equal(ac_runtime_block_on(rt, (ac_future){&hog_future_vt, f}, &stopped), 0);
    uint64_t elapsed = test_now_ns() - start;
    assert_int_equal(stopped, 1);
    assert_true(elapsed >= ALARM_MS * 1000000u);
    assert_true(elapsed < 1000 * 1000000u);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_join_from_threads),
        cmocka_unit_test(test_outside_misuse),
        cmocka_unit_test(test_outside_detached),
        cmocka_unit_test(test_shutdown_drops_outside),
        cmocka_unit_test(test_metrics_counts),
        cmocka_unit_test(test_metrics_busy_time),
        cmocka_unit_test(test_dump_while_running),
        cmocka_unit_test(test_budget_current_thread),
        cmocka_unit_test(test_budget_one_worker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
