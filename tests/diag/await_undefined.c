/* An await of an async function declared here but defined nowhere in this file. */
#include <asyncc.h>

async int elsewhere(int v);

async int caller(void) {
    int x = await(elsewhere(1));
    return x;
}

int main(void) {
    return ac_block_on(caller());
}
