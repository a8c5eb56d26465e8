/* ticks.c - an async function awaited from other files, and a source that two
 * executables (hello, fetch) share. */
#include <stdio.h>

#include "ticks.h"

async int tick_count(const char *name, int n) {
    for (int i = 1; i <= n; i++) {
        printf("%s: tick %d\n", name, i);
        await(ac_yield());
    }
    return n;
}
