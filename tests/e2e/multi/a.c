/* a.c - the entry of a program in two files: awaits, selects, spawns, blocks on and makes
 * futures of async functions defined in b.c (declared in b.h, or here), whose frames
 * this file sees only as incomplete types (grammar/abi.md, section 8). As in the
 * other e2e tests, tasks interleave differently in the transformed and the plain
 * build, so only results are printed. */
#include <stdio.h>

#include "b.h"

/* A prototype in the main file works as one in a header. */
async int twice(int v);

async int pong(int n) {
    if (n <= 0)
        return 0;
    int depth = await(ping(n - 1));
    return depth + 1;
}

/* Still sleeping in b.c's linger when the block_on of driver ends, which drops it:
 * its boxed frame is freed then (the memcheck test sees no leak). */
async int watch(int ms) {
    int slept = await(linger(ms));
    return slept;
}

async long driver(void) {
    int sq = await(square_later(7));
    printf("square_later(7) = %d\n", sq);
    struct tally t = {0, 0};
    await(tally_add(&t, 5));
    await(tally_add(&t, 6));
    printf("tally_add twice: %d calls, total %ld\n", t.calls, t.total);
    struct tally many = await(tally_of(4));
    printf("tally_of(4): %d calls, total %ld\n", many.calls, many.total);
    long sum = await(sum_squares_to(5));
    printf("sum_squares_to(5) = %ld\n", sum);
    int doubled = await(twice(21));
    printf("twice(21) = %d\n", doubled);
    int depth = await(pong(5));
    printf("pong(5) = %d\n", depth);
    /* branches of b.c's functions: boxed frames, the loser's freed when dropped */
    int slept = 0;
    int won = ac_select(ac_on(&sq, square_later(3)), ac_on(&slept, linger(500)));
    printf("select: branch %d, square_later(3) = %d\n", won, sq);
    ac_join_all(ac_on(&sq, square_later(2)), ac_on(&slept, linger(1)));
    printf("join_all: %d %d\n", sq, slept);
    ac_task *tasks[3];
    for (int i = 0; i < 3; i++)
        tasks[i] = ac_spawn(square_later(i + 4));
    int joined = 0;
    for (int i = 0; i < 3; i++) {
        int v = 0;
        await(ac_join(tasks[i], &v));
        joined += v;
    }
    printf("spawned square_later(4..6): %d\n", joined);
    ac_detach(ac_spawn(watch(50)));
    await(ac_yield()); /* watch starts sleeping */
    return sum + joined;
}

/* Futures of functions of either file, chosen at run time from a table. */
static ac_future make_square(int x) {
    return ac_future_of(square_later(x));
}
static ac_future make_pong(int x) {
    return ac_future_of(pong(x));
}
static ac_future make_twice(int x) {
    return ac_future_of(twice(x));
}

static ac_future (*const makers[])(int) = {make_square, make_pong, make_twice};

async int run_futures(const int *picks, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        ac_future fu = makers[picks[i]](i + 2);
        int v = 0;
        await(ac_future_await(fu, &v));
        printf("future %d of maker %d: %d\n", i, picks[i], v);
        total += v;
    }
    ac_task *spawned = ac_future_spawn(makers[picks[0]](9));
    int joined = 0;
    await(ac_join(spawned, &joined));
    printf("spawned future: %d\n", joined);
    return total + joined;
}

int main(int argc, char **argv) {
    (void)argv;
    long r = ac_block_on(driver());
    printf("driver: %ld\n", r);
    long s = ac_block_on(sum_squares_to(3));
    printf("block_on sum_squares_to(3) = %ld\n", s);
    struct tally t = ac_block_on(tally_of(2));
    printf("block_on tally_of(2): %d calls, total %ld\n", t.calls, t.total);
    int picks[] = {argc % 3, 2, 1, 0}; /* argc is 1 in the test: maker 1 first */
    int f = ac_block_on(run_futures(picks, 4));
    printf("futures: %d\n", f);
    int blocked = 0;
    if (ac_future_block_on(makers[2](8), &blocked) != 0)
        return 1;
    printf("block_on a future: %d\n", blocked);
    ac_future_drop(makers[0](3));
    return 0;
}
