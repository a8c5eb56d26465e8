/* ac_future_of: a helper per function starts the call in a heap frame behind a slot,
 * with slot functions that poll, drop and free it; here for a function of this file
 * returning a struct, a void one, and a leaf. Made in ordinary code (a table of
 * handlers) and in an async function, awaited with ac_future_await. */
#include <asyncc.h>

struct pair {
    int a, b;
};

async struct pair split(int n) {
    await(ac_yield());
    struct pair p = {n / 2, n - n / 2};
    return p;
}

async void tick(int *counter) {
    await(ac_yield());
    ++*counter;
}

static ac_future make_split(int n) {
    return ac_future_of(split(n));
}

static ac_future make_nap(int ms) {
    return ac_future_of(ac_sleep_ms((uint64_t)ms));
}

static ac_future (*const makers[])(int) = {make_split, make_nap};

async int run(int which, int *counter) {
    struct pair p = {0, 0};
    await(ac_future_await(makers[which](5), &p));
    ac_future t = ac_future_of(tick(counter));
    await(ac_future_await(t, NULL));
    return p.a * p.b;
}
