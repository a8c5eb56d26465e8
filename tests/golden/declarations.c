/* Declarations of async functions: an old-style prototype `f();` before a
 * definition with parameters declares init with the definition's parameters; a
 * prototype inside a body is kept as written (`async` is empty in the output) and
 * its function is awaited like any other. */
#include <asyncc.h>

async static int scaled();

async int caller(int n) {
    async int later(int);
    int a = await(later(n));
    return a + await(scaled(a, 3));
}

async int later(int x) {
    await(ac_yield());
    return x * 2;
}

async static int scaled(int v, int k) {
    await(ac_yield());
    return v * k;
}
