/* W6 timers: N tasks, task i sleeps (i mod 100) ms and then increments a shared
 * counter; the root task joins them all. check = N (the counter).
 * ns_per_op = (wall - 99 ms) / N: the longest sleep is 99 ms of waiting that no
 * implementation can shorten, the rest is the cost of arming, firing and waking N
 * timers (and of spawning and joining their tasks).
 *
 * usage: w6_timers [n]   (default 100,000) */
#include <asyncc.h>

#include "bench.h"

#define LONGEST_SLEEP_NS UINT64_C(99000000)

static async void sleep_then_count(uint64_t ms, uint64_t *counter) {
    await(ac_sleep_ms(ms));
    (*counter)++;
}

/* Runs the n sleepers; stores the measured time in *elapsed_ns and returns the counter. */
static async uint64_t sleep_all(uint64_t n, uint64_t *elapsed_ns) {
    ac_task **handles = malloc(n * sizeof *handles);
    if (!handles) {
        fprintf(stderr, "W6: out of memory\n");
        exit(1);
    }
    uint64_t counter = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++)
        handles[i] = ac_spawn(sleep_then_count(i % 100, &counter));
    for (uint64_t i = 0; i < n; i++)
        await(ac_join(handles[i], NULL));
    uint64_t wall = bench_now_ns() - t0;
    *elapsed_ns = wall > LONGEST_SLEEP_NS ? wall - LONGEST_SLEEP_NS : 0;
    free(handles);
    return counter;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 100000);
    uint64_t elapsed_ns = 0;
    uint64_t counter = ac_block_on(sleep_all(n, &elapsed_ns));
    return bench_report("W6", n, elapsed_ns, counter, n);
}
