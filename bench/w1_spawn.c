/* W1 spawn (and W1b with -DWAVE=1000): spawn N tasks, each returning its index, then
 * await every join handle in order and sum the results; W1b does so in waves of WAVE
 * tasks (spawn a wave, join it, spawn the next), so that the blocks a wave's joins free
 * are reused by the next wave's spawns and the kernel's page faults on fresh task
 * memory, which dominate W1 (a million tasks alive at once), drop out.
 * check = 0 + 1 + ... + (N-1). One op = one task spawned, run and joined.
 *
 * The clock runs inside the root task, from the first spawn to the last join:
 * the handle array is allocated before it and the runtime is already up.
 *
 * usage: w1_spawn [n]   (default 1,000,000; w1b_spawn_waves the same)
 * w1_spawn_mt and w1b_spawn_waves_mt are the same on the multi-thread runtime
 * (bench.h: BENCH_MT). */
#include <asyncc.h>

#include "bench.h"

#ifndef WAVE
#define WAVE 0 /* W1: all N tasks in one wave */
#endif

static async uint64_t task_index(uint64_t i) {
    return i;
}

/* Spawns and joins n tasks, wave at a time; stores the measured time in *elapsed_ns. */
static async uint64_t spawn_join_all(uint64_t n, uint64_t wave, uint64_t *elapsed_ns) {
    ac_task **handles = malloc(wave * sizeof *handles);
    if (!handles) {
        fprintf(stderr, "W1: out of memory\n");
        exit(1);
    }
    uint64_t sum = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t first = 0; first < n; first += wave) {
        uint64_t count = n - first < wave ? n - first : wave;
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
    uint64_t wave = WAVE ? WAVE : n;
    uint64_t elapsed_ns = 0;
#ifdef BENCH_MT
    uint64_t sum = bench_mt_block_on(ac_future_of(spawn_join_all(n, wave, &elapsed_ns)));
#else
    uint64_t sum = ac_block_on(spawn_join_all(n, wave, &elapsed_ns));
#endif
    return bench_report(WAVE ? "W1b" : "W1", n, elapsed_ns, sum, n * (n - 1) / 2);
}
