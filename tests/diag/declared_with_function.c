/* A variable declared together with a block-scope function is in a declaration
 * that asyncc keeps as written: it cannot be a frame field (the declaration would
 * initialize a poll local while the code after the await reads the field). */
#include <asyncc.h>

int helper(int v) {
    return v + 1;
}

async int caller(void) {
    int helper(int), x = 5;
    await(ac_yield());
    return helper(x);
}

int main(void) {
    return ac_block_on(caller()) == 6 ? 0 : 1;
}
