/* The comma operator: its left side becomes a statement of its own, in order. */
#include <asyncc.h>

async int tick(int v) {
    await(ac_yield());
    return v;
}

async int commas(int n) {
    int seen = 0;
    int last = (seen++, await(tick(n)), await(tick(n + 1)));
    for (int i = 0; i < n; i++, seen += await(tick(i)))
        last += i;
    return seen + last;
}
