/* W7 idle tasks: N tasks each await a receive on its own oneshot; once all are parked,
 * the resident set is read; then every oneshot gets a value (its index) and the root
 * joins every task, summing the values. check = bytes per parked task, (rss_parked -
 * rss_before) / N, where rss_before is read before anything is allocated: it counts
 * the task blocks, the oneshots and the root's two arrays (sender and join handles), as
 * the anchors' figure does. ns_per_op = (spawn + park + send + join) / N. A wrong sum
 * fails the run.
 *
 * usage: w7_idle [n]   (default 1,000,000) */
#include <asyncc.h>

#include <ac_chan.h>

#include "bench.h"

AC_ONESHOT_TYPED(shot, uint64_t);

static uint64_t started; /* tasks that reached their receive */

static async uint64_t idle(shot_rx rx) {
    started++;
    uint64_t v = 0;
    await(shot_recv(&rx, &v));
    return v;
}

typedef struct result {
    uint64_t sum, wall_ns;
    long rss_before_kb, rss_parked_kb;
} result;

static async int run(uint64_t n, result *r) {
    r->rss_before_kb = bench_rss_kb();
    uint64_t t0 = bench_now_ns();
    shot_tx *senders = malloc(n * sizeof *senders);
    ac_task **handles = malloc(n * sizeof *handles);
    if (!senders || !handles)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        shot_rx rx;
        if (shot_new(&senders[i], &rx) != AC_CHAN_OK)
            return -1;
        handles[i] = ac_spawn(idle(rx));
    }
    while (started < n)
        await(ac_yield());
    await(ac_yield());
    r->rss_parked_kb = bench_rss_kb();
    for (uint64_t i = 0; i < n; i++)
        shot_send(&senders[i], i);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = 0;
        await(ac_join(handles[i], &v));
        r->sum += v;
    }
    r->wall_ns = bench_now_ns() - t0;
    free(senders);
    free(handles);
    return 0;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 1000000);
    result r = {0, 0, 0, 0};
    if (ac_block_on(run(n, &r)) != 0) {
        fprintf(stderr, "W7: out of memory\n");
        return 1;
    }
    if (r.sum != n * (n - 1) / 2) {
        fprintf(stderr, "W7: sum %" PRIu64 ", expected %" PRIu64 "\n", r.sum, n * (n - 1) / 2);
        return 1;
    }
    uint64_t per_task = (uint64_t)(r.rss_parked_kb - r.rss_before_kb) * 1024 / n;
    return bench_report("W7", n, r.wall_ns, per_task, per_task);
}
