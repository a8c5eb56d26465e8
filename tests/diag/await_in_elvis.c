/* An await in GNU's 'a ?: b', which libclang does not expose: asyncc cannot see
 * which operand runs, so it cannot keep the order. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(int a) {
    return a ?: await(step());
}

int main(void) {
    return ac_block_on(caller(0));
}
