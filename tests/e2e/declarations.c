/* Declarations of async functions: old-style prototypes `f();` followed by a
 * definition with parameters, and prototypes at block scope, in async and in
 * ordinary functions. */
#include <stdio.h>

#include "pending.h"

/* An old-style declaration followed by a definition with parameters is the point. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunknown-warning-option"
#pragma clang diagnostic ignored "-Wdeprecated-non-prototype"
#endif

async static int scaled();
async int offset();

async int chain(int n) {
    async int later(int, int);
    int a = await(later(n, 2));
    int b = await(scaled(a, 3)) + await(offset(n));
    {
        async int later(int, int);
        b += await(later(b, 1));
    }
    return a + b;
}

async int later(int x, int times) {
    int v = await(pending(times, x));
    return v * 2;
}

async static int scaled(int v, int k) {
    return await(pending(k, v)) * k;
}

async int offset(int n) {
    return await(pending(n % 2, n + 100));
}

async int none() {
    return await(pending(1, 7));
}

int main(void) {
    async int chain(int);
    int r = 0;
    for (int n = 0; n < 4; n++) {
        int v = ac_block_on(chain(n));
        printf("chain(%d) %d\n", n, v);
        r += v;
    }
    r += ac_block_on(none());
    printf("result %d\n", r);
    return 0;
}
