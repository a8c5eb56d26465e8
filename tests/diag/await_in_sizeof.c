/* An await in an operand that C never evaluates. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(void) {
    int n = (int)sizeof(await(step()));
    return n;
}

int main(void) {
    return ac_block_on(caller());
}
