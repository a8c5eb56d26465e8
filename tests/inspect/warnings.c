/* warnings.c - code that draws compiler warnings before, between and after awaits:
 * compiled from asyncc's output, each must be reported at the line the plain
 * program's is (tests/inspect, debug.diagnostics). */
#include <stdio.h>

#include <asyncc.h>

async int one(int x) {
    await(ac_yield());
    return x;
}

async int warned(int n, unsigned limit) {
    int before = n < limit;
    int r = await(one(n));
    if (r < limit)
        r++;
    for (int i = 0; i < 3; i++) {
        r += await(one(i));
        if (i == limit)
            r--;
    }
    int unused = r;
    return r + before + (n > limit);
}

int main(void) {
    printf("%d\n", ac_block_on(warned(2, 5u)));
    return 0;
}
