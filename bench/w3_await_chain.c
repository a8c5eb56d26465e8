/* W3 await-chain: f10 awaits f9 ... awaits f1, which returns its argument + 1,
 * all ready at once (no level ever suspends). One task calls f10(i) for
 * i = 0..N-1 and sums the results: check = N(N+1)/2. One op = one call of f10,
 * i.e. ten nested awaits.
 *
 * The argument and every result pass through bench_opaque_u64 so the compiler
 * cannot fold the loop into a formula; it may still inline the whole chain, as
 * it may for the hand-written state machines of the c-sm-inline anchor.
 *
 * The clock runs inside the root task, around the loop only.
 *
 * usage: w3_await_chain [n]   (default 10,000,000) */
#include <asyncc.h>

#include "bench.h"

static async uint64_t f1(uint64_t x) {
    return x + 1;
}
static async uint64_t f2(uint64_t x) {
    return await(f1(x));
}
static async uint64_t f3(uint64_t x) {
    return await(f2(x));
}
static async uint64_t f4(uint64_t x) {
    return await(f3(x));
}
static async uint64_t f5(uint64_t x) {
    return await(f4(x));
}
static async uint64_t f6(uint64_t x) {
    return await(f5(x));
}
static async uint64_t f7(uint64_t x) {
    return await(f6(x));
}
static async uint64_t f8(uint64_t x) {
    return await(f7(x));
}
static async uint64_t f9(uint64_t x) {
    return await(f8(x));
}
static async uint64_t f10(uint64_t x) {
    return await(f9(x));
}

/* Sums f10(i) for i < n; stores the measured time in *elapsed_ns. */
static async uint64_t chain_sum(uint64_t n, uint64_t *elapsed_ns) {
    uint64_t sum = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = await(f10(bench_opaque_u64(i)));
        sum += bench_opaque_u64(r);
    }
    *elapsed_ns = bench_now_ns() - t0;
    return sum;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 10000000);
    uint64_t elapsed_ns = 0;
    uint64_t sum = ac_block_on(chain_sum(n, &elapsed_ns));
    return bench_report("W3", n, elapsed_ns, sum, n * (n + 1) / 2);
}
