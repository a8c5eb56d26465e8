/* A variadic async function: its arguments cannot be stored in a frame. */
#include <asyncc.h>

async int sum(int n, ...) {
    await(ac_yield());
    return n;
}

int main(void) {
    return ac_block_on(sum(2, 1, 2));
}
