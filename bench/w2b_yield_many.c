/* W2b yield-many: 1,000 tasks each yield N/1,000 times (10,000 by default); the
 * root task joins them all. check = the yields counted by the tasks. One op =
 * one yield.
 *
 * The clock runs inside the root task, from the first spawn to the last join.
 *
 * usage: w2b_yield_many [n]   (default 10,000,000; rounded down to a multiple
 *                              of 1,000)
 * w2b_yield_many_mt is the same on the multi-thread runtime (bench.h: BENCH_MT). */
#include <asyncc.h>

#include "bench.h"

enum { YIELDERS = 1000 };

/* Yields count times; returns how many yields it made. */
static async uint64_t yield_count(uint64_t count) {
    uint64_t done = 0;
    for (uint64_t i = 0; i < count; i++) {
        await(ac_yield());
        done++;
    }
    return done;
}

/* Runs YIELDERS tasks of `each` yields side by side; stores the measured time in
 * *elapsed_ns and returns the total of yields. */
static async uint64_t yield_many(uint64_t each, uint64_t *elapsed_ns) {
    ac_task **handles = malloc(YIELDERS * sizeof *handles);
    if (!handles) {
        fprintf(stderr, "W2b: out of memory\n");
        exit(1);
    }
    uint64_t total = 0;
    uint64_t t0 = bench_now_ns();
    for (int t = 0; t < YIELDERS; t++)
        handles[t] = ac_spawn(yield_count(each));
    for (int t = 0; t < YIELDERS; t++) {
        uint64_t done;
        await(ac_join(handles[t], &done));
        total += done;
    }
    *elapsed_ns = bench_now_ns() - t0;
    free(handles);
    return total;
}

int main(int argc, char **argv) {
    uint64_t each = bench_arg_n(argc, argv, 10000000) / YIELDERS;
    uint64_t n = each * YIELDERS;
    if (n == 0) {
        fprintf(stderr, "W2b: n must be at least %d\n", YIELDERS);
        return 2;
    }
    uint64_t elapsed_ns = 0;
#ifdef BENCH_MT
    uint64_t total = bench_mt_block_on(ac_future_of(yield_many(each, &elapsed_ns)));
#else
    uint64_t total = ac_block_on(yield_many(each, &elapsed_ns));
#endif
    return bench_report("W2b", n, elapsed_ns, total, n);
}
