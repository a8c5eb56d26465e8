/* An await of a call through a function pointer: asyncc must know the callee. */
#include <asyncc.h>

async int step(int v) {
    return v;
}

async int caller(int (*fn)(int)) {
    int x = await(fn(1));
    return x;
}

int plain(int v) {
    return v;
}

int main(void) {
    return ac_block_on(caller(plain));
}
