/* Calling an async function without await, ac_spawn or ac_block_on. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(void) {
    int x = step();
    return x;
}

int main(void) {
    return ac_block_on(caller());
}
