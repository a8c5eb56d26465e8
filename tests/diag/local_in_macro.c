/* A macro that names a local: asyncc cannot move the local into the frame through it. */
#include <asyncc.h>

#define TWICE_TOTAL (total * 2)

async int caller(void) {
    int total = 5;
    await(ac_yield());
    return TWICE_TOTAL;
}

int main(void) {
    return ac_block_on(caller());
}
