/* An await in the argument of a macro that writes a statement: asyncc keeps such
 * statements as they are and cannot put a suspension inside. */
#include <asyncc.h>

#define TWICE(stmt)                                                                                \
    do {                                                                                           \
        stmt;                                                                                      \
        stmt;                                                                                      \
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
