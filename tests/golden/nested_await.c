/* An await in the arguments of an awaited call, and in a return expression: the
 * inner call runs first, into a temporary. */
#include <asyncc.h>

async int inc(int v) {
    await(ac_yield());
    return v + 1;
}

async int chain(int x) {
    int y = await(inc(await(inc(x))));
    await(inc(await(inc(y))));
    return await(inc(y * await(inc(x)))) + await(inc(0));
}
