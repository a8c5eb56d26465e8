/* Two async functions declared in one declaration. */
#include <asyncc.h>

async int first(void), second(void);

async int first(void) {
    return 1;
}

async int second(void) {
    int a = await(first());
    return a + 1;
}

int main(void) {
    return ac_block_on(second());
}
