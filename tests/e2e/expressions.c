/* expressions.c - awaits inside larger expressions: operands of arithmetic, compound
 * assignment, call arguments, conditions of if/while/for, and the operators whose
 * sequencing matters (&&, ||, ?:, comma), where an await must run only when the
 * sequential program would evaluate it. `calls` counts every awaited step. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static int calls;

async int step(int v) {
    calls++;
    return await(pending(v % 2, v));
}

static int add3(int a, int b, int c) {
    return a * 100 + b * 10 + c;
}

async int arithmetic(void) {
    int x = 1 + await(step(2)) * await(step(3));
    x += await(step(4));
    x = x - await(step(1));
    int y = add3(await(step(1)), 2, await(step(3)));
    printf("arithmetic x %d y %d\n", x, y);
    return x + y;
}

async int conditions(int n) {
    int hits = 0;
    if (await(step(n)) > 2)
        hits += 1;
    int i = 0;
    while (await(step(i)) < n)
        i++;
    for (int j = 0; j < await(step(3)); j++)
        hits += 10;
    do {
        hits += 100;
    } while (await(step(0)));
    printf("conditions(%d) hits %d i %d\n", n, hits, i);
    return hits + i;
}

async int sequencing(int flag) {
    int before = calls;
    int a = flag && await(step(5));
    int b = flag || await(step(6));
    int c = flag ? await(step(7)) : await(step(8));
    int d = (await(step(1)), await(step(9)));
    printf("sequencing(%d) a %d b %d c %d d %d steps %d\n", flag, a, b, c, d, calls - before);
    return a + b + c + d;
}

async int run(void) {
    int r = await(arithmetic());
    r += await(conditions(3));
    r += await(conditions(0));
    r += await(sequencing(0));
    r += await(sequencing(1));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d after %d steps\n", r, calls);
    return 0;
}
