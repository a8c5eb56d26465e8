/* An await of an ordinary function. */
#include <asyncc.h>

int plain(int v) {
    return v + 1;
}

async int caller(void) {
    int x = await(plain(1));
    return x;
}

int main(void) {
    return ac_block_on(caller());
}
