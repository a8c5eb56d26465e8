/* W5 ping-pong: two tasks exchange a u64 N times through two channels of capacity 1,
 * each side adding 1. check = 2N (the value after N round trips). One op = one round
 * trip.
 *
 * usage: w5_pingpong [n]   (default 1,000,000) */
#include <asyncc.h>

#include <ac_chan.h>

#include "bench.h"

AC_MPSC_TYPED(u64s, uint64_t);

/* Sends v + 1, waits for the answer, n times; returns the last answer. */
static async uint64_t ping(u64s_tx *out, u64s_rx *in, uint64_t n) {
    uint64_t v = 0;
    for (uint64_t i = 0; i < n; i++) {
        await(u64s_send(out, v + 1));
        if (await(u64s_recv(in, &v)) != AC_CHAN_OK)
            break;
    }
    return v;
}

/* Answers every value with the value + 1, until the end of stream. */
static async int pong(u64s_rx *in, u64s_tx *out) {
    uint64_t v;
    while (await(u64s_recv(in, &v)) == AC_CHAN_OK)
        await(u64s_send(out, v + 1));
    return 0;
}

static async uint64_t run(uint64_t n, uint64_t *elapsed_ns) {
    u64s_tx there_tx, back_tx;
    u64s_rx there_rx, back_rx;
    if (u64s_new(&there_tx, &there_rx, 1) != AC_CHAN_OK ||
        u64s_new(&back_tx, &back_rx, 1) != AC_CHAN_OK)
        return 0;
    uint64_t t0 = bench_now_ns();
    ac_task *answering = ac_spawn(pong(&there_rx, &back_tx));
    uint64_t v = 0;
    await(ac_join(ac_spawn(ping(&there_tx, &back_rx, n)), &v));
    *elapsed_ns = bench_now_ns() - t0;
    u64s_tx_drop(&there_tx); /* pong's end of stream */
    await(ac_join(answering, NULL));
    u64s_rx_drop(&there_rx);
    u64s_tx_drop(&back_tx);
    u64s_rx_drop(&back_rx);
    return v;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 1000000);
    uint64_t elapsed_ns = 0;
    uint64_t v = ac_block_on(run(n, &elapsed_ns));
    return bench_report("W5", n, elapsed_ns, v, 2 * n);
}
