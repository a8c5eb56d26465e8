/* locals.c - locals whose values must survive suspensions: declared anywhere in a
 * block, loop counters, arrays, structs, pointers to locals (also handed to an
 * awaited call that writes through them while suspended), shadowed names, static
 * locals, and parameters changed before an await. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

struct stats {
    int count;
    long sum;
    char tag[8];
};

/* Writes through a pointer into the caller's frame while both are suspended. */
async void fill(int *dst, int n, int seed) {
    for (int i = 0; i < n; i++) {
        dst[i] = await(pending(i % 3, seed + i * i));
    }
}

async void tally(struct stats *s, int v) {
    await(pending(1, 0));
    s->count++;
    s->sum += v;
}

async long arrays_and_structs(int n) {
    int buf[8];
    await(fill(buf, n, 5));
    struct stats st = {0, 0, "st"};
    for (int i = 0; i < n; i++) {
        await(tally(&st, buf[i]));
    }
    char label[16] = "sum:";
    int *last = &buf[n - 1];
    await(pending(2, 0));
    printf("%s%s count %d sum %ld last %d\n", label, st.tag, st.count, st.sum, *last);
    return st.sum + *last;
}

/* Declarations in the middle of blocks, and a parameter updated across awaits. */
async int late_decls(int x) {
    x = x + 1;
    await(pending(1, 0));
    int a = x * 2;
    await(pending(2, 0));
    x = x + a;
    int b = await(pending(1, a + x));
    {
        int c = b - 1;
        await(pending(0, 0));
        int d = c * 2;
        await(pending(3, 0));
        x = x + d;
    }
    int e = x + b;
    return e;
}

/* The same name at three depths; each must keep its own value. */
async int shadows(void) {
    int v = 1;
    int trace = 0;
    await(pending(1, 0));
    {
        int v = 20;
        await(pending(1, 0));
        for (int v2 = 0; v2 < 2; v2++) {
            int v = 300 + v2;
            await(pending(2, 0));
            trace = trace * 1000 + v;
        }
        trace = trace * 100 + v;
        await(pending(1, 0));
    }
    trace = trace * 10 + v;
    printf("shadows trace %d\n", trace);
    return trace % 1000;
}

/* A static local keeps counting across calls; it is not part of any frame. */
async int counter(void) {
    static int calls;
    await(pending(1, 0));
    calls++;
    return calls;
}

async int pointer_to_local(void) {
    int value = 7;
    int *p = &value;
    await(pending(2, 0));
    *p = *p * 6;
    int other = await(pending(1, 0));
    p = &other;
    await(pending(1, 0));
    *p = value + 1;
    return value * 100 + other;
}

async long run(void) {
    long total = await(arrays_and_structs(6));
    int l = await(late_decls(3));
    printf("late_decls %d\n", l);
    int s = await(shadows());
    int c1 = await(counter());
    int c2 = await(counter());
    int c3 = await(counter());
    printf("counter %d %d %d\n", c1, c2, c3);
    int pl = await(pointer_to_local());
    printf("pointer_to_local %d\n", pl);
    return total + l + s + c3 + pl;
}

int main(void) {
    long total = ac_block_on(run());
    printf("total %ld\n", total);
    return 0;
}
