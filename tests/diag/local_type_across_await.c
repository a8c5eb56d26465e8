/* A local whose type is declared inside the function cannot be a frame field when
 * asyncc cannot move the type out of the function: its definition uses a local. */
#include <asyncc.h>

async int caller(void) {
    long n = 0;
    struct local {
        char bytes[sizeof n];
    } buf = {{1, 2}};
    await(ac_yield());
    return buf.bytes[0] + buf.bytes[1] + (int)n;
}

int main(void) {
    return ac_block_on(caller());
}
