/* counter.c - added to a plain executable with asyncc_target_sources, which links
 * the runtime too. */
#include "counter.h"

#include <asyncc.h>

async int count_up(int n) {
    int total = 0;
    for (int i = 1; i <= n; i++) {
        await(ac_yield());
        total += i;
    }
    return total;
}

int counter_sum(int n) {
    return ac_block_on(count_up(n));
}
