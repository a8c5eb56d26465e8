/* Awaits in both branches of an if/else chain. */
#include <asyncc.h>

async int pick(int v) {
    int r = 0;
    if (v > 10) {
        await(ac_yield());
        r = 1;
    } else if (v > 0)
        await(ac_sleep_ms(1));
    else {
        r = 3;
    }
    if (v == 5)
        r = 2;
    return r;
}
