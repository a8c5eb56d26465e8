/* W1b spawn, steady state: W1 in waves. Spawn WAVE tasks, each returning its index,
 * await their handles in order and sum the results; repeat until N tasks have run.
 * check = 0 + 1 + ... + (N-1). One op = one task spawned, run and joined.
 *
 * A wave's blocks are freed by its joins and reused by the next wave's spawns, so
 * this measures the runtime rather than the kernel's page faults on fresh task
 * memory, which dominate W1 (a million tasks alive at once).
 *
 * The clock runs inside the root task, from the first spawn to the last join: the
 * handle array is allocated before it and the runtime is already up.
 *
 * usage: w1b_spawn_waves [n]   (default 1,000,000)
 * w1b_spawn_waves_mt is the same on the multi-thread runtime (bench.h: BENCH_MT). */
#include <asyncc.h>

#include "bench.h"

enum { WAVE = 1000 };

static async uint64_t task_index(uint64_t i) {
    return i;
}

/* Spawns and joins n tasks, WAVE at a time; stores the measured time in *elapsed_ns. */
static async uint64_t spawn_join_waves(uint64_t n, uint64_t *elapsed_ns) {
    ac_task **handles = malloc(WAVE * sizeof *handles);
    if (!handles) {
        fprintf(stderr, "W1b: out of memory\n");
        exit(1);
    }
    uint64_t sum = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t first = 0; first < n; first += WAVE) {
        uint64_t count = n - first < WAVE ? n - first : WAVE;
        for (uint64_t j = 0; j < count; j++)
            handles[j] = ac_spawn(task_index(first + j));
        for (uint64_t j = 0; j < count; j++) {
            uint64_t r;
            await(ac_join(handles[j], &r));
            sum += r;
        }
    }
    *elapsed_ns = bench_now_ns() - t0;
    free(handles);
    return sum;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 1000000);
    uint64_t elapsed_ns = 0;
#ifdef BENCH_MT
    uint64_t sum = bench_mt_block_on(ac_future_of(spawn_join_waves(n, &elapsed_ns)));
#else
    uint64_t sum = ac_block_on(spawn_join_waves(n, &elapsed_ns));
#endif
    return bench_report("W1b", n, elapsed_ns, sum, n * (n - 1) / 2);
}
