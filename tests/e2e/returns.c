/* returns.c - async functions returning void, int, a pointer and a struct; static and
 * external linkage written both ways; prototypes before definitions, and functions
 * awaiting ones whose bodies come later in the file. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

struct point {
    int x, y;
};

/* Declared first, defined after their callers. */
async int twice(int v);
static async struct point make_point(int x, int y);
async static const char *name_of(int i);
async void note(const char *what, int v);

static const char *const names[] = {"zero", "one", "two", "three"};

/* Awaits functions that are only declared at this point. */
async int run(void) {
    await(note("start", 0));
    int a = await(twice(21));
    struct point p = await(make_point(3, 4));
    const char *n = await(name_of(2));
    await(note(n, a + p.x * 10 + p.y));
    struct point q;
    q = await(make_point(p.y, a));
    printf("q = (%d, %d)\n", q.x, q.y);
    return a + q.x + q.y;
}

async void note(const char *what, int v) {
    await(pending(1, 0));
    printf("note %s %d\n", what, v);
}

async int twice(int v) {
    int got = await(pending(v % 3, v));
    return got * 2;
}

static async struct point make_point(int x, int y) {
    struct point p;
    p.x = await(twice(x));
    p.y = await(pending(2, y));
    printf("make_point(%d, %d) = (%d, %d)\n", x, y, p.x, p.y);
    return p;
}

async static const char *name_of(int i) {
    int k = await(pending(i, i));
    return names[k % 4];
}

/* External linkage and a tail await of the same type. */
async int doubled_sum(int a, int b) {
    int s = await(pending(0, a + b));
    return await(twice(s));
}

int main(void) {
    ac_block_on(note("main", -1));
    int r = ac_block_on(run());
    int d = ac_block_on(doubled_sum(5, 6));
    printf("run = %d, doubled_sum = %d\n", r, d);
    /* A status other than 0 checks that both builds exit alike. */
    return (r + d) % 7;
}
