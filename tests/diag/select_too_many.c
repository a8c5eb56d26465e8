/* More branches than AC_SELECT_MAX. */
#include <asyncc.h>

async int caller(void) {
    return ac_select(ac_on_done(ac_yield()), ac_on_done(ac_yield()), ac_on_done(ac_yield()),
                     ac_on_done(ac_yield()), ac_on_done(ac_yield()), ac_on_done(ac_yield()),
                     ac_on_done(ac_yield()), ac_on_done(ac_yield()), ac_on_done(ac_yield()),
                     ac_on_done(ac_yield()), ac_on_done(ac_yield()), ac_on_done(ac_yield()),
                     ac_on_done(ac_yield()), ac_on_done(ac_yield()), ac_on_done(ac_yield()),
                     ac_on_done(ac_yield()), ac_on_done(ac_yield()));
}
