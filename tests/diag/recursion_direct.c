/* An async function awaiting itself: its frame would contain itself. */
#include <asyncc.h>

async int count(int n) {
    if (n == 0)
        return 0;
    int rest = await(count(n - 1));
    return rest + 1;
}

int main(void) {
    return ac_block_on(count(3));
}
