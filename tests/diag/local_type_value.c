/* The value of an expression whose type is declared inside the function, needed
 * after a later await of the same statement: the frame cannot name its type. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(int c) {
    struct local {
        int a;
    } x = {1};
    int r = (c ? x : (struct local){await(step())}).a + await(step());
    return r;
}

int main(void) {
    return ac_block_on(caller(1));
}
