/* An await of a static async function declared here but defined nowhere in this
 * file: no other file can define it, and its frame type is not visible either. */
#include <asyncc.h>

static async int elsewhere(int v);

async int caller(void) {
    int x = await(elsewhere(1));
    return x;
}

int main(void) {
    return ac_block_on(caller());
}
