/* expressions.c - awaits inside larger expressions: operands of arithmetic, casts,
 * compound assignment, arguments of ordinary and of awaited calls (nested), return
 * values, subscripts, member access, initializer lists and compound literals, results
 * discarded; and the operators whose sequencing matters (&&, ||, ?:, comma), where an
 * await must run only when the sequential program would evaluate it.
 *
 * `calls` counts every awaited step; say() prints as it runs, so the output shows
 * which awaits ran and in which order. It is used only where C fixes the order. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static int calls;

/* v, after v % 3 suspensions. */
async int step(int v) {
    calls++;
    return await(pending(v % 3, v));
}

/* v, announced, after (v + 1) % 3 suspensions. */
async int say(int v) {
    printf(" say(%d)", v);
    return await(pending((v + 1) % 3, v));
}

async void note(const char *what) {
    await(pending(1, 0));
    printf(" note(%s)", what);
}

struct point {
    int x, y;
};

async struct point point_at(int x, int y) {
    await(pending(x % 2, 0));
    struct point p = {x, y};
    return p;
}

async int *pointer_to(int *p) {
    await(pending(2, 0));
    return p;
}

static int add3(int a, int b, int c) {
    return a * 100 + b * 10 + c;
}

async int arithmetic(void) {
    int x = 1 + await(step(2)) * await(step(3));
    x += await(step(4));
    x = x - await(step(1));
    x = x * 10 + await(step(14)) % 4;
    x <<= await(step(2)) - 1;
    long wide = (long)await(step(7)) * -await(step(5));
    int bits = ~await(step(6)) & 0xff;
    char narrow = (char)(await(step(300)) & 0x7f);
    int y = add3(await(step(1)), 2, await(step(3)));
    printf("arithmetic x %d wide %ld bits %d narrow %d y %d\n", x, wide, bits, narrow, y);
    return x + y + (int)wide + bits + narrow;
}

/* Awaits in the arguments of awaited calls, several deep; of ordinary calls; of a
 * spawned call. */
async int nesting(void) {
    int a = await(step(await(step(2)) + 1));
    int b = await(step(await(step(await(step(1)) + 1)) * 2));
    await(step(await(step(4))));
    int c = add3(await(step(a)), await(step(b)), add3(1, await(step(2)), 3));
    ac_task *task = ac_spawn(step(await(step(5)) + 1));
    int joined = 0;
    await(ac_join(task, &joined));
    printf("nesting a %d b %d c %d printed %d joined %d\n", a, b, c, await(step(8)), joined);
    return a + b + c + joined;
}

/* Subscripts, members, pointers and compound assignment. */
async int places(void) {
    int arr[5] = {0, 0, 0, 0, 0};
    arr[await(step(1))] = 5;
    arr[2] = arr[await(step(1))] + await(step(3));
    arr[await(step(4))] += await(step(2)) * 3;
    struct point p = await(point_at(3, 4));
    p.x *= await(step(2));
    int sum = await(point_at(5, 6)).y + p.x;
    int target = 1;
    *await(pointer_to(&target)) = 40;
    *await(pointer_to(&target)) += await(step(2));
    struct point *pp = &p;
    pp->y = await(step(1)) + pp->y;
    int chained, other;
    chained = other = await(step(5));
    printf("places arr %d %d %d %d %d p %d %d sum %d target %d chained %d %d\n", arr[0], arr[1],
           arr[2], arr[3], arr[4], p.x, p.y, sum, target, chained, other);
    return sum + target + arr[4];
}

/* Initializer lists, designated initializers and compound literals. */
async int initializers(void) {
    int arr[4] = {await(step(1)), 2, await(step(3)), [3] = await(step(4))};
    struct point p = {await(step(5)), await(step(6))};
    struct point q = {.y = await(step(7)), .x = 1};
    struct point r = (struct point){await(step(8)), await(step(9)) + 1};
    int s = add3((int){await(step(2))}, ((struct point){.x = await(step(3))}).x, 0);
    await(step(1));
    printf("initializers arr %d %d %d %d p %d %d q %d %d r %d %d s %d\n", arr[0], arr[1], arr[2],
           arr[3], p.x, p.y, q.x, q.y, r.x, r.y, s);
    return arr[0] + p.y + q.y + r.y + s;
}

/* Which awaits run, and in which order: each combination of the operands. */
async int sequencing(int flags) {
    int f1 = flags & 1, f2 = flags & 2;
    printf("sequencing(%d):", flags);
    int a = f1 && await(say(10 + flags));
    int b = f2 || await(say(20 + flags));
    int c = f2 ? await(say(30 + flags)) : await(say(40 + flags));
    int d = (await(say(50 + flags)), await(say(60 + flags)));
    int e = await(say(f1)) && await(say(70 + flags));
    int g = await(say(f2)) || await(say(80 + flags));
    int h = await(say(f1)) ? (f2 ? await(say(90)) : 5) : await(say(91));
    int i = f1 && (f2 || await(say(100))) && await(say(101));
    int j = (f1 ? await(step(110)) : 0) + (f2 ? 0 : await(step(111)));
    printf("\n  -> a %d b %d c %d d %d e %d g %d h %d i %d j %d\n", a, b, c, d, e, g, h, i, j);
    return a + b + c + d + e + g + h + i + j;
}

/* Results discarded, whole or in part. */
async int discarded(int flag) {
    int before = calls;
    printf("discarded(%d):", flag);
    await(step(1));
    (void)await(step(2));
    flag ? await(note("then")) : await(note("else"));
    (void)(flag && await(say(1)));
    (void)(flag || await(say(2)));
    flag ? (void)await(say(3)) : (void)0;
    await(say(4)), await(note("comma"));
    int count = 0;
    count++, await(say(5)), count++;
    printf("\n  -> count %d steps %d\n", count, calls - before);
    return count;
}

async int ret_sum(int v) {
    return await(step(v)) + await(step(v + 1));
}

async int ret_choice(int flag) {
    return flag ? await(say(flag)) : -1;
}

async int ret_member(void) {
    return await(point_at(7, 9)).y - await(point_at(2, 1)).x;
}

async int ret_logic(int flag) {
    return flag && await(step(flag)) > 1;
}

async int returns(void) {
    int r = await(ret_sum(4));
    printf("returns:");
    r = r * 10 + await(ret_choice(2)) + await(ret_choice(0));
    printf("\n");
    r = r * 10 + await(ret_member());
    r = r * 10 + await(ret_logic(0)) + await(ret_logic(2));
    printf("returns r %d\n", r);
    return r;
}

async int run(void) {
    int r = await(arithmetic());
    r += await(nesting());
    r += await(places());
    r += await(initializers());
    for (int flags = 0; flags < 4; flags++)
        r += await(sequencing(flags));
    r += await(discarded(0));
    r += await(discarded(1));
    r += await(returns());
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d after %d steps\n", r, calls);
    return 0;
}
