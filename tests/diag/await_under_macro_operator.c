#include <asyncc.h>

#define BOTH(a, b) ((a) && (b))

static async int ready(void) {
    await(ac_yield());
    return 1;
}

async int check(int flag) {
    int ok = BOTH(flag, await(ready()));
    return ok;
}
