/* A type that uses a type that must stay inside the function must stay too: the
 * note points at what keeps the first one there. */
#include <asyncc.h>

async int caller(int n) {
    struct inner {
        char bytes[sizeof n];
    };
    struct outer {
        struct inner in;
        int count;
    } o = {{{0}}, 3};
    await(ac_yield());
    return o.count + n;
}

int main(void) {
    return ac_block_on(caller(1));
}
