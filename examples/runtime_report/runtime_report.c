/* runtime_report.c - the multi-thread runtime's builder, metrics and task dump
 * (<ac_mt.h>): a runtime of two workers named "report", a few tasks in different
 * states (sleeping, reading a pipe, waiting for a blocking job, waiting for a join),
 * spawned from main, then the metrics and a dump of every task, read while the workers
 * run. The README shows its output. Addresses and times vary from run to run; the
 * test checks that it ends well (the counts are checked exactly in tests/runtime). */
#define _DEFAULT_SOURCE 1 /* usleep */

#include <asyncc.h>

#include <ac_blocking.h>
#include <ac_io.h>
#include <ac_mt.h>

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int started;

static void on_start(void *arg) {
    (void)arg;
    atomic_fetch_add(&started, 1);
}

static async int nap(int ms) {
    await(ac_sleep_ms(ms));
    return ms;
}

static async int read_one(int fd) {
    ac_fd in;
    if (ac_fd_open(&in, fd) != 0)
        return -1;
    char c = 0;
    ssize_t n = await(ac_fd_read(&in, &c, 1));
    ac_fd_close(&in);
    return (int)n;
}

static void slow_job(void *data) {
    (void)data;
    usleep(200 * 1000);
}

static async int blocking_job(void) {
    return await(ac_spawn_blocking(slow_job, NULL, 0));
}

static async int wait_for(int ms) {
    ac_task *t = ac_spawn(nap(ms));
    int r = 0;
    await(ac_join(t, &r));
    return r;
}

static void metrics_print(ac_runtime *rt) {
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    printf("workers %u, tasks spawned %" PRIu64 ", finished %" PRIu64 ", alive %" PRIu64
           ", from outside %" PRIu64 ", global queue %" PRIu64 "\n",
           m.workers, m.tasks_spawned, m.tasks_finished, m.tasks_alive, m.tasks_outside,
           m.global_queue_depth);
    printf("timers armed %" PRIu64 ", descriptors %" PRIu64 ", blocking threads busy %u idle %u\n",
           m.timers_armed, m.fds_registered, m.blocking_threads_busy, m.blocking_threads_idle);
    for (unsigned i = 0; i < m.workers; i++) {
        ac_worker_metrics w;
        ac_runtime_worker_metrics(rt, i, &w);
        printf("worker %u: polls %" PRIu64 ", steals %" PRIu64 ", parks %" PRIu64 ", busy %" PRIu64
               " us, queue %" PRIu64 "\n",
               i, w.polls, w.steals, w.parks, w.busy_ns / 1000, w.local_queue_depth);
    }
}

int main(void) {
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = 2;
    b.thread_name = "report";
    b.on_thread_start = on_start;
    ac_runtime *rt;
    int fds[2];
    if (ac_runtime_new(&b, &rt) != 0 || pipe(fds) != 0)
        return 1;
    ac_runtime_handle sleeper, reader, job, joiner;
    if (ac_runtime_spawn(rt, ac_future_of(nap(300)), &sleeper) != 0 ||
        ac_runtime_spawn(rt, ac_future_of(read_one(fds[0])), &reader) != 0 ||
        ac_runtime_spawn(rt, ac_future_of(blocking_job()), &job) != 0 ||
        ac_runtime_spawn(rt, ac_future_of(wait_for(250)), &joiner) != 0)
        return 1;
    usleep(100 * 1000);
    printf("hooks: %d workers started\n", atomic_load(&started));
    metrics_print(rt);
    fflush(stdout);
    int listed = ac_runtime_task_dump(rt, 1);
    if (write(fds[1], "x", 1) != 1)
        return 1;
    int r[4] = {0, 0, 0, 0};
    int rc = ac_runtime_join(sleeper, &r[0]) | ac_runtime_join(reader, &r[1]) |
             ac_runtime_join(job, &r[2]) | ac_runtime_join(joiner, &r[3]);
    printf("listed %d; joined: %d, results %d %d %d %d\n", listed, rc, r[0], r[1], r[2], r[3]);
    metrics_print(rt);
    close(fds[1]);
    printf("shutdown: %d\n", ac_runtime_shutdown(rt, 1000));
    return listed == 5 && rc == 0 ? 0 : 1;
}
