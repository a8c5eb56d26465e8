/* A macro that names a local and that asyncc cannot expand (it does not handle
 * C23's __VA_OPT__): the local cannot move into the frame through it. */
#include <asyncc.h>

#define TWICE_TOTAL(...) (total * 2 __VA_OPT__(+) __VA_ARGS__)

async int caller(void) {
    int total = 5;
    await(ac_yield());
    return TWICE_TOTAL();
}

int main(void) {
    return ac_block_on(caller());
}
