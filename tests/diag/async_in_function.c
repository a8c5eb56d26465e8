/* An async function declared inside another function's body. */
#include <asyncc.h>

async int caller(void) {
    async int inner(void);
    return 1;
}

int main(void) {
    return ac_block_on(caller());
}
