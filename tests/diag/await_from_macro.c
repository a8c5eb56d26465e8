/* An await written by a macro that asyncc cannot expand (it does not handle C23's
 * __VA_OPT__): asyncc cannot rewrite text it does not see. */
#include <asyncc.h>

#define NEXT(...) await(ac_yield()) __VA_OPT__(+) __VA_ARGS__

async int caller(void) {
    NEXT();
    return 0;
}

int main(void) {
    return ac_block_on(caller());
}
