/* ?: with awaits in its branches: an if/else writing the variable (or a temporary
 * when the value goes on into a larger expression); with void branches, an if/else
 * of statements. */
#include <asyncc.h>

async int twice(int v) {
    await(ac_yield());
    return 2 * v;
}

async void log_value(int v) {
    (void)v;
    await(ac_yield());
}

async int pick(int c) {
    int r = c ? await(twice(c)) : -1;
    r += 1 + (c > 1 ? 0 : await(twice(r)));
    c ? await(log_value(r)) : await(log_value(-r));
    return r;
}
