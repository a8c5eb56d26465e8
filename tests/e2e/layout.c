/* layout.c - frames whose values share storage (grammar/abi.md, section 2): each
 * function keeps values that are never in use at the same time, which the layout
 * may overlap, next to values whose uses interleave with theirs between two
 * suspensions, which it must not. Each case is one the layout once got wrong. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

/* A store to a parameter that nothing reads afterwards still writes its storage:
 * `a` is needed only before the loop, `i` only in it, but the store to `a` in the
 * loop must not land on `i` (difftest seed 2 level 2, programs 0, 19 and 31). */
async int dead_store(int a, int n) {
    int sum = await(pending(1, a));
    int i;
    for (i = await(pending(1, 0)); i < n; i += await(pending(1, 1))) {
        int v = await(pending(1, i * 10));
        a = 16;
        sum += v;
    }
    return sum + i;
}

/* The same with a local written in a branch and never read again. */
async int dead_local(int n) {
    int first = await(pending(1, 7));
    int total = first;
    int k = 0;
    while (k < n) {
        int step = await(pending(2, k + 1));
        if (step > 1)
            first = step;
        total += step;
        k += await(pending(0, 1));
    }
    return total * 100 + k;
}

/* Values that die at an await: the result is polled into a temporary when its
 * variable shares bytes with the callee's frame. */
async long chain(long x) {
    long a = await(pending(1, (int)x));
    long b = await(pending(1, (int)(a + 1)));
    long c = await(pending(1, (int)(b * 2)));
    long d = await(pending(0, (int)(c - a)));
    return a + b + c + d;
}

int main(void) {
    printf("dead_store %d\n", ac_block_on(dead_store(5, 3)));
    printf("dead_local %d\n", ac_block_on(dead_local(4)));
    printf("chain %ld\n", ac_block_on(chain(3)));
    return 0;
}
