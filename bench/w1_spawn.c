/* W1 spawn: spawn N tasks, each returning its index; the root task then awaits
 * every join handle in order and sums the results. check = 0 + 1 + ... + (N-1).
 * One op = one task spawned, run and joined.
 *
 * The clock runs inside the root task, from the first spawn to the last join:
 * the handle array is allocated before it and the runtime is already up.
 *
 * usage: w1_spawn [n]   (default 1,000,000)
 * w1_spawn_mt is the same on the multi-thread runtime (bench.h: BENCH_MT). */
#include <asyncc.h>

#include "bench.h"

static async uint64_t task_index(uint64_t i) {
    return i;
}

/* Spawns and joins n tasks; stores the measured time in *elapsed_ns. */
static async uint64_t spawn_join_all(uint64_t n, uint64_t *elapsed_ns) {
    ac_task **handles = malloc(n * sizeof *handles);
    if (!handles) {
        fprintf(stderr, "W1: out of memory\n");
        exit(1);
    }
    uint64_t sum = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++)
        handles[i] = ac_spawn(task_index(i));
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r;
        await(ac_join(handles[i], &r));
        sum += r;
    }
    *elapsed_ns = bench_now_ns() - t0;
    free(handles);
    return sum;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 1000000);
    uint64_t elapsed_ns = 0;
#ifdef BENCH_MT
    uint64_t sum = bench_mt_block_on(ac_future_of(spawn_join_all(n, &elapsed_ns)));
#else
    uint64_t sum = ac_block_on(spawn_join_all(n, &elapsed_ns));
#endif
    return bench_report("W1", n, elapsed_ns, sum, n * (n - 1) / 2);
}
