/* await as a declaration's initializer: a local used after a later await lives in the
 * frame, one that is not stays a local of poll. */
#include <asyncc.h>

async int value(int v) {
    await(ac_yield());
    return v;
}

async int twice(void) {
    int a = await(value(1));
    int b = await(value(a + 1));
    return a + b;
}
