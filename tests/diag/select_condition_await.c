/* A condition that awaits: it is read inside the select, once its branch finished. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

async int caller(void) {
    int v = 0;
    return ac_select(ac_on_if(&v, value(1), v > await(value(0))), ac_on_done(ac_sleep_ms(10)));
}
