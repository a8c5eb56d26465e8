/* A function that is its own branch: its frame would hold itself. */
#include <asyncc.h>

async int forever(int depth) {
    int v = 0;
    ac_select(ac_on(&v, forever(depth + 1)), ac_on_done(ac_sleep_ms(10)));
    return v;
}
