/* A local whose type is declared inside the function cannot be a frame field. */
#include <asyncc.h>

async int caller(void) {
    struct local {
        int a, b;
    } pair = {1, 2};
    await(ac_yield());
    return pair.a + pair.b;
}

int main(void) {
    return ac_block_on(caller());
}
