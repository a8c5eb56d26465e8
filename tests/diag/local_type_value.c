/* The value of an expression whose type must stay inside the function (its
 * definition uses a parameter), needed after a later await of the same statement. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(int c) {
    struct local {
        int a;
        char pad[sizeof c];
    } x = {1, {0}};
    int r = (c ? x : (struct local){await(step()), {0}}).a + await(step());
    return r;
}

int main(void) {
    return ac_block_on(caller(1));
}
