/* return await(...) of the same type, and a plain return after an await. */
#include <asyncc.h>

async int inner(int v) {
    await(ac_yield());
    return v + 1;
}

async int outer(int v) {
    if (v < 0)
        return 0;
    return await(inner(v));
}
