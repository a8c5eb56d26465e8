/* A computed goto in an async function: resuming could not re-enter it. */
#include <asyncc.h>

async int jump(int which) {
    void *targets[] = {&&first, &&second};
    await(ac_yield());
    goto *targets[which];
first:
    return 1;
second:
    return 2;
}

int main(void) {
    return ac_block_on(jump(0));
}
