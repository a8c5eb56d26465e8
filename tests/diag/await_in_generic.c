/* An await inside _Generic, whose controlling expression C never evaluates. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(void) {
    int n = _Generic(await(step()), int : 4, default : 8);
    return n;
}

int main(void) {
    return ac_block_on(caller());
}
