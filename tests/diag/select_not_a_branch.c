/* An argument of ac_select that is not a branch, and a branch that is not a call. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

async int caller(int v) {
    if (ac_select(v, ac_on_done(value(1))) == 0)
        return 1;
    return ac_timeout(10, ac_on_done(v));
}
