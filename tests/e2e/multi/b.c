/* b.c - async functions awaited from a.c (see b.h). */
#include "b.h"

#include "../pending.h"

async int square_later(int x) {
    int v = await(pending(x % 3, x));
    return v * v;
}

async void tally_add(struct tally *t, int v) {
    await(ac_yield());
    t->calls++;
    t->total += v;
}

async long sum_squares_to(int n) {
    long sum = 0;
    for (int i = 1; i <= n; i++) {
        int sq = await(square_later(i));
        sum += sq;
    }
    return sum;
}

async struct tally tally_of(int n) {
    struct tally t = {0, 0};
    for (int i = 1; i <= n; i++)
        await(tally_add(&t, i * 10));
    return t;
}

async int linger(int ms) {
    await(ac_sleep_ms((uint64_t)ms));
    return ms;
}

async int ping(int n) {
    if (n <= 0)
        return 0;
    int depth = await(pong(n - 1));
    return depth + 1;
}

/* Declared in a.c itself rather than in b.h. */
async int twice(int v) {
    await(ac_yield());
    return 2 * v;
}
