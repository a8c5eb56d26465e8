/* steps.c - a program for the debugger tests (tests/inspect, debug.*): every line
 * of its async functions runs a known number of times, awaits that finish at once
 * and awaits that suspend. */
#include <stdio.h>

#include <asyncc.h>

async int twice(int x) {
    int y = x * 2;
    return y;
}

/* Awaits that are ready at once: polls run straight through. */
async int compute(int a) {
    int b = await(twice(a));
    int c = b + 1;
    if (c > 100)
        return 0;
    int d = await(twice(c));
    printf("compute: %d %d %d\n", b, c, d);
    return d;
}

/* Awaits that suspend: the task goes back to the executor at each. */
async int pause(int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        await(ac_yield());
        total += i;
    }
    printf("pause: %d\n", total);
    return total;
}

/* Two results in use together, each beside the other call's frame: the frame lays
 * its values out by offsets (grammar/abi.md, section 2), with pads gdb does not show. */
async int pair(int v) {
    int first = await(twice(v));
    int second = await(twice(v + 1));
    return first + second;
}

async int nudge(int v) {
    await(ac_yield());
    return v * 2;
}

/* Values aligned to 8 beside 4-byte ones, each placed where it fits best: the frame's
 * one union holds the state too (grammar/abi.md, section 2). */
async long spread(int which) {
    long base = which * 100L;
    await(nudge(which));
    if (which == 1) {
        long b = base + 2;
        await(nudge(1));
        return b;
    }
    long extra = base + 1;
    return await(nudge(which + 20)) + extra + base;
}

int main(void) {
    int r = ac_block_on(compute(5)) + ac_block_on(pair(1));
    int t = ac_block_on(pause(3));
    long s = ac_block_on(spread(1)) + ac_block_on(spread(3));
    printf("main: %d %d %ld\n", r, t, s);
    return 0;
}
