/* main runs an async function to completion with ac_block_on. */
#include <stdio.h>

#include <asyncc.h>

async int compute(int v) {
    await(ac_sleep_ms(1));
    return v + 1;
}

int main(void) {
    int r = ac_block_on(compute(41));
    printf("%d\n", r);
    return 0;
}
