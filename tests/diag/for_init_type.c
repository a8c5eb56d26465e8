/* A for statement whose declaration also declares a type that must stay inside the
 * function (its definition uses a local): asyncc moves each variable on its own and
 * cannot split this one. */
#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(void) {
    int total = 0;
    for (struct { int i; char pad[sizeof total]; } s = {0, {0}}; s.i < 3; s.i++)
        total += await(step());
    return total;
}

int main(void) {
    return ac_block_on(caller());
}
