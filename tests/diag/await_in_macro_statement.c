/* A statement written by a macro that asyncc cannot expand (it does not handle
 * C23's __VA_OPT__), with an await in it. */
#include <asyncc.h>

#define TWICE(stmt, ...)                                                                           \
    do {                                                                                           \
        stmt;                                                                                      \
        stmt __VA_OPT__(;) __VA_ARGS__;                                                            \
    } while (0)

async int step(void) {
    return 1;
}

async int caller(void) {
    int total = 0;
    TWICE(total += await(step()));
    return total;
}

int main(void) {
    return ac_block_on(caller());
}
