/* steps.c - a shared library made with asyncc_add_library: the static runtime it
 * links is position-independent. */
#include "steps.h"

#include <asyncc.h>

async int step(int i) {
    await(ac_sleep_ms(1));
    return i * i;
}

async int step_all(int n) {
    int sum = 0;
    for (int i = 1; i <= n; i++)
        sum += await(step(i));
    return sum;
}

int steps_run(int n) {
    return ac_block_on(step_all(n));
}
