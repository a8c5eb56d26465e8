/* Returning a struct by value; awaiting into a struct local. */
#include <asyncc.h>

struct point {
    int x, y;
};

async struct point make(int x, int y) {
    await(ac_yield());
    struct point p = {x, y};
    return p;
}

async int norm1(void) {
    struct point p = await(make(3, -4));
    return (p.x < 0 ? -p.x : p.x) + (p.y < 0 ? -p.y : p.y);
}
