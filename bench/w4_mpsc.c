/* W4 mpsc (and W4b with -DPRODUCERS=4): a channel of capacity 1024; PRODUCERS tasks send
 * the u64s 0..N-1 (producer p sends [p*N/P, (p+1)*N/P)), one consumer task sums them.
 * check = 0 + 1 + ... + (N-1). One op = one message.
 *
 * The producers and the consumer are spawned tasks, as in the anchors; the clock runs
 * in the root, from the channel's creation to the consumer's join.
 *
 * usage: w4_mpsc [n]   (default 10,000,000)
 * w4b_mpsc_4p_mt is W4b on the multi-thread runtime (bench.h: BENCH_MT). */
#include <asyncc.h>

#include <ac_chan.h>

#include "bench.h"

#ifndef PRODUCERS
#define PRODUCERS 1
#endif

AC_MPSC_TYPED(u64s, uint64_t);

static async int produce(u64s_tx tx, uint64_t from, uint64_t to) {
    int failed = 0;
    for (uint64_t i = from; i < to; i++)
        failed |= await(u64s_send(&tx, i)) != AC_CHAN_OK;
    u64s_tx_drop(&tx);
    return failed;
}

static async uint64_t consume(u64s_rx rx) {
    uint64_t sum = 0, v;
    while (await(u64s_recv(&rx, &v)) == AC_CHAN_OK)
        sum += v;
    u64s_rx_drop(&rx);
    return sum;
}

static async uint64_t run(uint64_t n, uint64_t *elapsed_ns) {
    uint64_t t0 = bench_now_ns();
    u64s_tx tx;
    u64s_rx rx;
    if (u64s_new(&tx, &rx, 1024) != AC_CHAN_OK)
        return 0;
    for (uint64_t p = 0; p < PRODUCERS; p++) {
        u64s_tx mine;
        u64s_tx_clone(&tx, &mine);
        ac_detach(ac_spawn(produce(mine, p * n / PRODUCERS, (p + 1) * n / PRODUCERS)));
    }
    u64s_tx_drop(&tx);
    uint64_t sum = 0;
    await(ac_join(ac_spawn(consume(rx)), &sum));
    *elapsed_ns = bench_now_ns() - t0;
    return sum;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 10000000);
    uint64_t elapsed_ns = 0;
#ifdef BENCH_MT
    uint64_t sum = bench_mt_block_on(ac_future_of(run(n, &elapsed_ns)));
#else
    uint64_t sum = ac_block_on(run(n, &elapsed_ns));
#endif
    return bench_report(PRODUCERS == 1 ? "W4" : "W4b", n, elapsed_ns, sum, n * (n - 1) / 2);
}
