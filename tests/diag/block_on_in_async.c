/* ac_block_on inside an async function: it would block the executor that runs it. */
#include <asyncc.h>

async int inner(void) {
    return 1;
}

async int outer(void) {
    int x = ac_block_on(inner());
    return x;
}

int main(void) {
    return ac_block_on(outer());
}
