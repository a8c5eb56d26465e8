/* A branch calling an ordinary function. */
#include <asyncc.h>

int plain(int v) {
    return v + 1;
}

async int caller(void) {
    int v = 0;
    return ac_select(ac_on(&v, plain(1)), ac_on_done(ac_sleep_ms(10)));
}
