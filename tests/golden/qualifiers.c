/* Qualifiers of locals and parameters kept in the frame: const is dropped from the
 * field (it is assigned where the source initialized), volatile, restrict and
 * _Alignas stay; a structure with a const member is copied in with memcpy; a
 * const return type gives poll an unqualified `out`. */
#include <asyncc.h>

typedef const int cint;

struct tag {
    const int id;
    int hits;
};

async cint next(cint step) {
    cint base = step * 2;
    await(ac_yield());
    return base + step;
}

async struct tag tagged(const struct tag t, volatile int v, int *restrict p) {
    const struct tag copy = {t.id + 1, await(next(v))};
    _Alignas(16) int wide = *p;
    await(ac_yield());
    v += wide;
    *p = v;
    return copy;
}
