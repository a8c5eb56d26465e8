/* Awaits in each part of a for header: the initializer goes before the loop (in a
 * block, for the scope of i), the condition into the body, the step to the end of
 * the body behind a label that continue jumps to. */
#include <asyncc.h>

async int next(int v) {
    await(ac_yield());
    return v + 1;
}

async int sum(int n) {
    int total = 0;
    for (int i = await(next(0)); i < await(next(n)); i = await(next(i))) {
        if (i == 2)
            continue;
        total += i;
    }
    return total;
}
