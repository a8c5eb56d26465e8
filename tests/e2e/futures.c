/* futures.c - type-erased futures (ac_future): which async function runs is chosen at
 * run time, from a table of handlers - ordinary functions, each starting a different
 * async function with ac_future_of. The futures are awaited (through a callback that
 * knows nothing of their functions), spawned and joined, blocked on, and dropped
 * unawaited. Only results are printed: spawned futures interleave differently in the
 * two builds. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

struct point {
    int x, y;
};

async int add_slowly(int n) {
    int v = await(pending(n % 3, n));
    return v + 100;
}

async int count_down(int n) {
    int steps = 0;
    while (n > 0) {
        await(ac_yield());
        n--;
        steps++;
    }
    return steps * 7;
}

async int nap(int ms) {
    await(ac_sleep_ms((uint64_t)ms));
    return ms * 3;
}

async struct point mirror(int n) {
    await(ac_yield());
    struct point p = {n, -n};
    return p;
}

static ac_future start_add(int n) {
    return ac_future_of(add_slowly(n));
}
static ac_future start_count_down(int n) {
    return ac_future_of(count_down(n));
}
static ac_future start_nap(int n) {
    return ac_future_of(nap(n));
}

typedef ac_future (*handler)(int);
static const handler handlers[] = {start_add, start_count_down, start_nap};

/* A callback: runs whatever future it is given, and knows nothing of its function. */
async int run_one(ac_future fu) {
    if (!ac_future_valid(fu))
        return -1; /* memory ran out when the future was made */
    int v = 0;
    await(ac_future_await(fu, &v));
    return v;
}

async int dispatch(const char *script) {
    int total = 0;
    for (int i = 0; script[i]; i++) {
        int which = (script[i] - '0') % 3;
        int v = await(run_one(handlers[which](i + 1)));
        printf("step %d: handler %d(%d) = %d\n", i, which, i + 1, v);
        total += v;
    }
    ac_task *tasks[3];
    for (int i = 0; i < 3; i++)
        tasks[i] = ac_future_spawn(handlers[i](i + 4));
    for (int i = 2; i >= 0; i--) {
        int v = 0;
        await(ac_join(tasks[i], &v));
        printf("spawned handler %d(%d) = %d\n", i, i + 4, v);
        total += v;
    }
    ac_future_drop(handlers[1](50));
    await(ac_future_await(handlers[0](2), NULL));
    ac_future fp = ac_future_of(mirror(3));
    struct point p = {0, 0};
    await(ac_future_await(fp, &p));
    printf("mirror(3) = {%d, %d}\n", p.x, p.y);
    return total;
}

int main(int argc, char **argv) {
    const char *script = argc > 1 ? argv[1] : "0120211";
    int total = ac_block_on(dispatch(script));
    printf("total %d\n", total);
    int direct = 0;
    if (ac_future_block_on(handlers[2](5), &direct) != 0)
        return 1;
    printf("block_on a future: %d\n", direct);
    ac_future_drop(handlers[0](1));
    return 0;
}
