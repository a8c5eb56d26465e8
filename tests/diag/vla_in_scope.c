/* A variable-length array in scope at an await, though not needed after it:
 * resuming would jump into its scope, which C forbids. */
#include <asyncc.h>

async int caller(int n) {
    int values[n];
    int bytes = (int)sizeof values;
    await(ac_yield());
    return bytes;
}

int main(void) {
    return ac_block_on(caller(3));
}
