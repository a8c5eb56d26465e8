/* A destination of another type than the call's result: the result is polled
 * straight into it. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

async int caller(void) {
    long wide = 0;
    return ac_select(ac_on(&wide, value(1)), ac_on_done(ac_sleep_ms(10)));
}
