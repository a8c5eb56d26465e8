/* Qualifiers on returns, parameters and locals that live across awaits: const
 * (also through a typedef, and on a member), volatile, restrict, _Atomic and
 * _Alignas. A frame field is assigned where the source initialized, so a const
 * is dropped from it and a structure with a const member is copied in. */
#include <stdint.h>
#include <stdio.h>

#include "pending.h"

/* Both builds: the qualifiers on the return types below are the point. */
#pragma GCC diagnostic ignored "-Wignored-qualifiers"

typedef const int cint;
typedef const int triple[3];
typedef volatile int vint;

struct tag {
    const int id;
    int hits;
};

struct outer {
    struct tag inner[2];
    const char *name;
};

async static const int plus_one(const int x) {
    const int before = x;
    int got = await(pending(x % 3, x));
    return before + got + 1;
}

async cint doubled(cint x) {
    cint y = await(pending(1, x));
    return x + y;
}

async struct tag make_tag(int id) {
    struct tag t = {id, await(pending(id % 2, id * 10))};
    await(pending(1, 0));
    t.hits++;
    return t;
}

async struct tag pass_tag(struct tag t) {
    await(pending(2, 0));
    return await(make_tag(t.id + t.hits));
}

async const struct tag const_tag(const struct tag t) {
    await(pending(1, 0));
    return t;
}

async int consts(int n) {
    const int k = await(plus_one(n));
    cint c = await(doubled(k));
    triple three = {n, k, c};
    const struct tag local = {7, await(pending(1, 2))};
    struct tag made = await(make_tag(n));
    struct outer o = {{{1, 2}, {3, await(pending(1, 4))}}, "outer"};
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        const struct tag each = {i, await(pending(i, i * 2))};
        sum += each.id * 100 + each.hits;
    }
    for (struct tag t = {5, 6}; t.hits < 9; t.hits++)
        sum += await(pending(1, t.id + t.hits));
    struct tag passed = await(pass_tag(local));
    struct tag copy = await(const_tag(made));
    struct tag pick = n > 3 ? local : await(make_tag(n + 1));
    sum += (n > 3 ? await(make_tag(n)) : made).hits + await(pending(1, pick.id));
    printf("consts(%d) k %d c %d three %d %d %d local %d %d made %d %d pick %d %d\n", n, k, c,
           three[0], three[1], three[2], local.id, local.hits, made.id, made.hits, pick.id,
           pick.hits);
    printf("  outer %s %d %d %d %d sum %d passed %d %d copy %d %d\n", o.name, o.inner[0].id,
           o.inner[0].hits, o.inner[1].id, o.inner[1].hits, sum, passed.id, passed.hits, copy.id,
           copy.hits);
    return k + c + sum;
}

async volatile int volatiles(volatile int v, vint w) {
    volatile int x = await(pending(1, v));
    vint y = w;
    await(pending(2, 0));
    x += y;
    v++;
    w += v;
    return x + v + w;
}

async int restricted(int *restrict a, const int *restrict b, int n) {
    int *restrict end = a + n;
    await(pending(1, 0));
    for (int *restrict p = a; p < end; p++)
        *p += b[p - a] + await(pending(p - a, 1));
    return a[0] + a[n - 1];
}

async int atomics(_Atomic int start) {
    _Atomic int count = start;
    await(pending(1, 0));
    count += await(pending(2, 5));
    start++;
    return count + start;
}

async int aligned(int n) {
    _Alignas(32) char buf[8] = "aligned";
    _Alignas(64) int wide = n;
    await(pending(1, 0));
    wide += await(pending(2, n));
    int ok = (uintptr_t)buf % 32 == 0 && (uintptr_t)&wide % 64 == 0;
    printf("aligned(%d) %s %d ok %d\n", n, buf, wide, ok);
    return wide;
}

async int run(void) {
    int r = await(consts(2));
    r += await(consts(5));
    r += await(volatiles(3, 4));
    int a[3] = {1, 2, 3};
    const int b[3] = {10, 20, 30};
    r += await(restricted(a, b, 3));
    r += await(atomics(7));
    r += await(aligned(6));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
