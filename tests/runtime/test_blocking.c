/* test_blocking.c - ac_spawn_blocking and the file and name leaves, on real threads. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, nanosleep */
#include "internal.h"
#include "machines.h"

#include "ac_blocking.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define NS_PER_MS UINT64_C(1000000)

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

static void thread_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ---- ac_spawn_blocking --------------------------------------------------------------------- */

DEFINE_VTABLE(ac_spawn_blocking, sizeof(int));

static atomic_int running, most_running, finished;

/* A job: sums 1..n slowly, counting how many jobs run at once. */
typedef struct sum_job {
    uint64_t n, sum;
    long sleep_ms;
} sum_job;

static void sum_run(void *data) {
    sum_job *j = data;
    int now = atomic_fetch_add(&running, 1) + 1;
    int most = atomic_load(&most_running);
    while (now > most && !atomic_compare_exchange_weak(&most_running, &most, now)) {
    }
    thread_sleep_ms(j->sleep_ms);
    j->sum = j->n * (j->n + 1) / 2;
    atomic_fetch_sub(&running, 1);
    atomic_fetch_add(&finished, 1);
}

static ac_task *job_spawn(sum_job *j) {
    ac_task *t = ac_task_new(&ac_spawn_blocking_vtable);
    assert_non_null(t);
    ac_spawn_blocking_init(ac_task_frame(t), sum_run, j, sizeof *j);
    return ac_task_spawn(t);
}

static void reset_counts(void) {
    atomic_store(&running, 0);
    atomic_store(&most_running, 0);
    atomic_store(&finished, 0);
}

/* Eight jobs on at most three threads: every result comes back, never more than three
 * run at once, and the loop waits for them (no deadlock reported). */
static void test_jobs_return_their_results(void **state) {
    (void)state;
    enum { N = 8 };
    reset_counts();
    assert_int_equal(ac_blocking_configure(3, 200), 0);
    sum_job jobs[N];
    ac_task *t[N];
    int rc[N];
    step root[N + 1];
    for (int i = 0; i < N; i++) {
        jobs[i] = (sum_job){(uint64_t)(100 * i), 0, 20};
        t[i] = job_spawn(&jobs[i]);
        root[i] = (step)S_JOIN(&t[i], &rc[i]);
    }
    root[N] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(rc[i], 0);
        assert_int_equal(jobs[i].sum, (uint64_t)(100 * i) * (100 * i + 1) / 2);
    }
    assert_in_range(atomic_load(&most_running), 1, 3);
    assert_int_equal(atomic_load(&finished), N);
}

static void test_configure_refuses_zero_threads(void **state) {
    (void)state;
    assert_int_equal(ac_blocking_configure(0, 100), -EINVAL);
}

/* A frame dropped while its job runs: the job finishes into the pool's copy, and the
 * caller's data is never written. */
static void test_dropped_job_writes_nothing(void **state) {
    (void)state;
    reset_counts();
    assert_int_equal(ac_blocking_configure(4, 200), 0);
    sum_job *j = malloc(sizeof *j);
    assert_non_null(j);
    *j = (sum_job){1000, 7, 150};
    ac_detach(job_spawn(j));
    step root[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(aci_tasks_live(), 0);
    free(j); /* a write after the drop would hit freed memory (ASan, valgrind) */
    for (int waited = 0; atomic_load(&finished) == 0 && waited < 10000; waited += 5)
        thread_sleep_ms(5);
    assert_int_equal(atomic_load(&finished), 1);
}

/* A task that has its job's result finds the job's thread no longer busy: a program
 * returning from main right then has the thread joined at exit, not left running
 * (valgrind saw its stack as possibly lost). Repeated, as the order of the two threads
 * varies from run to run. */
static void test_result_means_thread_not_busy(void **state) {
    (void)state;
    assert_int_equal(ac_blocking_configure(1, 1000), 0);
    for (int i = 0; i < 500; i++) {
        sum_job j = {(uint64_t)i, 0, 0};
        ac_task *t = job_spawn(&j);
        int rc = -1;
        step root[] = {S_JOIN(&t, &rc), S_END(0)};
        assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(j.sum, (uint64_t)i * (uint64_t)(i + 1) / 2);
        ac_blocking_metrics m;
        ac_blocking_metrics_get(&m);
        assert_int_equal(m.busy, 0);
        assert_int_equal(m.queued, 0);
        assert_true(m.threads >= 1 && m.idle <= m.threads);
    }
}

/* ---- regular files ----------------------------------------------------------------------- */

DEFINE_VTABLE(ac_file_open, sizeof(int));
DEFINE_VTABLE(ac_file_close, sizeof(int));
DEFINE_VTABLE(ac_file_pread, sizeof(ssize_t));
DEFINE_VTABLE(ac_file_pwrite, sizeof(ssize_t));

typedef struct file_case {
    char path[64];
    int fd, missing_fd, closed;
    ssize_t wrote, read;
    char buf[16];
} file_case;

/* Each S_CALL below spawns one leaf as a task; the next step joins it. */
static ac_task *pending;

/* A task running the leaf vt describes, queued; its frame is left to init. */
static void *leaf_spawn(const ac_vtable *vt) {
    pending = ac_task_new(vt);
    assert_non_null(pending);
    ac_task_spawn(pending);
    return ac_task_frame(pending);
}

static void call_spawn_open(void *path, ac_task *self) {
    (void)self;
    ac_file_open_init(leaf_spawn(&ac_file_open_vtable), path, O_RDWR, 0);
}

static void call_spawn_pwrite(void *c, ac_task *self) {
    (void)self;
    ac_file_pwrite_init(leaf_spawn(&ac_file_pwrite_vtable), ((file_case *)c)->fd, "hello, world",
                        12, 100);
}

static void call_spawn_pread(void *c, ac_task *self) {
    (void)self;
    file_case *fc = c;
    ac_file_pread_init(leaf_spawn(&ac_file_pread_vtable), fc->fd, fc->buf, sizeof fc->buf, 107);
}

static void call_spawn_close(void *c, ac_task *self) {
    (void)self;
    ac_file_close_init(leaf_spawn(&ac_file_close_vtable), ((file_case *)c)->fd);
}

/* Open, write at an offset, read back at another, close; and a missing file. */
static void test_file_round_trip(void **state) {
    (void)state;
    file_case fc = {.path = "blocking-test-XXXXXX"};
    int made = mkstemp(fc.path);
    assert_true(made >= 0);
    close(made);
    static char missing[] = "blocking-test-missing/none";
    step root[] = {S_CALL(call_spawn_open, fc.path),
                   S_JOIN(&pending, &fc.fd),
                   S_CALL(call_spawn_pwrite, &fc),
                   S_JOIN(&pending, &fc.wrote),
                   S_CALL(call_spawn_pread, &fc),
                   S_JOIN(&pending, &fc.read),
                   S_CALL(call_spawn_close, &fc),
                   S_JOIN(&pending, &fc.closed),
                   S_CALL(call_spawn_open, missing),
                   S_JOIN(&pending, &fc.missing_fd),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    unlink(fc.path);
    assert_true(fc.fd >= 0);
    assert_int_equal(fc.wrote, 12);
    assert_int_equal(fc.read, 5); /* the file ends at 112 */
    assert_memory_equal(fc.buf, "world", 5);
    assert_int_equal(fc.closed, 0);
    assert_int_equal(fc.missing_fd, -ENOENT);
}

/* ---- name resolution ---------------------------------------------------------------------- */

DEFINE_VTABLE(ac_getaddrinfo, sizeof(int));

static ac_task *gai_spawn(const char *host, const struct addrinfo *hints, struct addrinfo **res) {
    ac_task *t = ac_task_new(&ac_getaddrinfo_vtable);
    assert_non_null(t);
    ac_getaddrinfo_init(ac_task_frame(t), host, "8080", hints, res);
    return ac_task_spawn(t);
}

static void test_getaddrinfo_numeric(void **state) {
    (void)state;
    struct addrinfo hints = {
        .ai_flags = AI_NUMERICHOST, .ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL, *none = NULL;
    ac_task *ok = gai_spawn("127.0.0.1", &hints, &res);
    ac_task *bad = gai_spawn("not-a-number", &hints, &none);
    int rc_ok = -1, rc_bad = 0;
    step root[] = {S_JOIN(&ok, &rc_ok), S_JOIN(&bad, &rc_bad), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(rc_ok, 0);
    assert_non_null(res);
    const struct sockaddr_in *in = (const struct sockaddr_in *)res->ai_addr;
    assert_int_equal(in->sin_family, AF_INET);
    assert_int_equal(ntohs(in->sin_port), 8080);
    assert_int_equal(ntohl(in->sin_addr.s_addr), INADDR_LOOPBACK);
    freeaddrinfo(res);
    assert_int_equal(rc_bad, EAI_NONAME);
    assert_null(none);
}

/* Dropped before it ends: the pool frees the list (valgrind and ASan see a leak if not). */
static void test_getaddrinfo_dropped(void **state) {
    (void)state;
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_family = AF_INET};
    struct addrinfo *res = NULL;
    ac_detach(gai_spawn("127.0.0.1", &hints, &res));
    step root[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    thread_sleep_ms(200); /* let the job end while nobody waits */
    assert_null(res);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_jobs_return_their_results, setup),
        cmocka_unit_test_setup(test_configure_refuses_zero_threads, setup),
        cmocka_unit_test_setup(test_dropped_job_writes_nothing, setup),
        cmocka_unit_test_setup(test_result_means_thread_not_busy, setup),
        cmocka_unit_test_setup(test_file_round_trip, setup),
        cmocka_unit_test_setup(test_getaddrinfo_numeric, setup),
        cmocka_unit_test_setup(test_getaddrinfo_dropped, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
