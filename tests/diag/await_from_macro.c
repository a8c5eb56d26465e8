/* An await hidden in another macro: asyncc cannot rewrite text it does not see. */
#include <asyncc.h>

#define NEXT() await(ac_yield())

async int caller(void) {
    NEXT();
    return 0;
}

int main(void) {
    return ac_block_on(caller());
}
