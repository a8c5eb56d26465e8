/* await needs a call of an async function, not any expression. */
#include <asyncc.h>

async int caller(int v) {
    int x = await(v + 1);
    return x;
}

int main(void) {
    return ac_block_on(caller(1));
}
