/* An await inside a GNU statement expression. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(void) {
    int x = ({
        int t = await(step());
        t + 1;
    });
    return x;
}

int main(void) {
    return ac_block_on(caller());
}
