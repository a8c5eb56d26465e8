/* A call of an async function without await is reported once however often a macro
 * expands it, and the fix-it (await(...)) is offered only where the call's text is
 * written out on one line. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

#define CALL step()
#define TWICE(x) ((x) + (x))

async int run(void) {
    int x = CALL;
    int y = TWICE(step());
    int z = step(
        );
    return x + y + z;
}
