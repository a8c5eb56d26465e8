/* A branch outside a select, join or timeout. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

async int caller(void) {
    int v = 0;
    return ac_on(&v, value(1));
}
