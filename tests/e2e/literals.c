/* Compound literals whose address is used in an async function that awaits: their
 * storage is in the frame, written where the literal is evaluated, so a pointer to
 * one stays valid across awaits until its block ends (C11 6.5.2.5). */
#include <stdio.h>

#include "pending.h"

struct pt {
    int x, y;
};

struct tag {
    const int id;
    int hits;
};

struct span {
    const int *items;
    int n;
};

async int sum(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * await(pending(i % 2, 1));
    return s;
}

async int norm(const struct pt *p) {
    await(pending(1, 0));
    return p->x * p->x + p->y * p->y;
}

async int span_sum(struct span s) {
    return await(sum(s.items, s.n));
}

async int arrays(int k) {
    int *p = (int[]){await(pending(1, 1)), 2, k};
    int t = await(sum((int[]){1, 2, 3}, 3));
    await(pending(2, 0));
    p[1] += t;
    int r = p[0] * 100 + p[1] * 10 + p[2];
    printf("arrays(%d) %d %d %d t %d\n", k, p[0], p[1], p[2], t);
    return r;
}

async int structs(int k) {
    int n = await(norm(&(struct pt){k, 2}));
    const struct tag *tg = &(struct tag){5, await(pending(1, k))};
    struct pt *q = &(struct pt){.y = n};
    await(pending(1, 0));
    q->x = tg->id + tg->hits;
    int s = await(span_sum((struct span){(const int[]){k, k + 1, k + 2}, 3}));
    printf("structs(%d) n %d tag %d %d q %d %d s %d\n", k, n, tg->id, tg->hits, q->x, q->y, s);
    return n + q->x + s;
}

async int loops(int k) {
    int total = 0;
    const int *last = 0;
    for (int i = 0; i < 3; i++) {
        int *q = (int[]){i, i * 10};
        total += await(pending(i, q[1])) + q[0];
        q[0] = -1;
        last = k > i ? (const int[]){i, 7} : (const int[]){8, i};
        total += await(pending(1, last[0])) + last[1];
    }
    while (*(int[]){await(pending(1, total))} < 200)
        total += 50;
    printf("loops(%d) total %d\n", k, total);
    return total;
}

/* No await: the literals stay as written. */
async int still(int k) {
    int *p = (int[]){k, k + 1};
    return p[0] + p[1];
}

async int run(void) {
    int r = await(arrays(3)) + await(arrays(9));
    r += await(structs(1)) + await(structs(4));
    r += await(loops(1)) + await(loops(5));
    r += await(still(6));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
