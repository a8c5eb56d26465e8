/* An await under an operator written by a macro that asyncc cannot expand (it
 * does not handle C23's __VA_OPT__): the operator's evaluation order is unknown. */
#include <asyncc.h>

#define BOTH(a, ...) ((a)__VA_OPT__(&&) __VA_ARGS__)

static async int ready(void) {
    await(ac_yield());
    return 1;
}

async int check(int flag) {
    int ok = BOTH(flag, await(ready()));
    return ok;
}
