/* A case whose statement awaits inside an expression becomes a block, so the
 * temporary it needs stays inside the case; fall-through is kept. */
#include <asyncc.h>

async int get(int v) {
    await(ac_yield());
    return v;
}

async int classify(int op) {
    int r = 0;
    switch (op) {
    case 0:
        r = await(get(1)) + 1;
        break;
    case 1:
        r = 10 * await(get(op));
        /* fall through */
    default:
        r += await(get(2)) * await(get(3));
    }
    return r;
}
