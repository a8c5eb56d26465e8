/* One callee awaited three times: three states, one union member. */
#include <asyncc.h>

async int step(int v) {
    await(ac_yield());
    return v;
}

async int three(void) {
    int a = await(step(1));
    int b = await(step(2));
    int c = await(step(3));
    return a + b + c;
}
