/* A variable-length array that must survive an await: a frame has a fixed size. */
#include <asyncc.h>

async int sum(int n) {
    int values[n];
    for (int i = 0; i < n; i++)
        values[i] = i;
    await(ac_yield());
    int s = 0;
    for (int i = 0; i < n; i++)
        s += values[i];
    return s;
}

int main(void) {
    return ac_block_on(sum(4));
}
