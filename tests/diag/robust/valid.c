/* A valid input, for failures that are not the input's fault. */
#include <asyncc.h>

async int one(void) {
    await(ac_yield());
    return 1;
}

int main(void) {
    return ac_block_on(one()) - 1;
}
