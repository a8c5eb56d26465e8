/* A local kept in the frame, spelled in the argument of a macro that stringifies
 * it and that asyncc cannot expand (it does not handle C23's __VA_OPT__): renaming
 * it would change the string. */
#include <stdio.h>

#include <asyncc.h>

#define show(x, ...) printf("%s=%d\n", #x, x __VA_OPT__(, ) __VA_ARGS__)

async int caller(int v) {
    await(ac_yield());
    show(v);
    return 0;
}
