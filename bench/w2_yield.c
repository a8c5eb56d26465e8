/* W2 yield: one task yields to the scheduler N times. check = the number of
 * yields made. One op = one yield.
 *
 * The clock runs inside the yielding task (the root task run by ac_block_on),
 * around the loop of yields only.
 *
 * usage: w2_yield [n]   (default 10,000,000) */
#include <asyncc.h>

#include "bench.h"

/* Yields n times; stores the measured time in *elapsed_ns. */
static async uint64_t yield_n(uint64_t n, uint64_t *elapsed_ns) {
    uint64_t count = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        await(ac_yield());
        count++;
    }
    *elapsed_ns = bench_now_ns() - t0;
    return count;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 10000000);
    uint64_t elapsed_ns = 0;
    uint64_t count = ac_block_on(yield_n(n, &elapsed_ns));
    return bench_report("W2", n, elapsed_ns, count, n);
}
