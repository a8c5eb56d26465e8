/* ac_join_all and ac_try_join: every branch runs in the caller's frame; a try-join
 * stops at the first branch whose condition fails and drops the others. A
 * destination that is not a variable's address is evaluated once, into a pointer
 * that lives in the frame. */
#include <asyncc.h>

async int fetch(int id) {
    await(ac_yield());
    return id < 0 ? -1 : id * 10;
}

async int fetch_all(int *out) {
    int a, b;
    ac_join_all(ac_on(&a, fetch(1)), ac_on(&b, fetch(2)));
    int failed = ac_try_join(ac_on_if(&out[0], fetch(a), out[0] >= 0),
                             ac_on_if(&out[1], fetch(b), out[1] >= 0));
    return failed == AC_NONE ? out[0] + out[1] : failed;
}
