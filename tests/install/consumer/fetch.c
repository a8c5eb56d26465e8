/* fetch.c - the second executable made with ticks.c. */
#include <stdio.h>

#include "ticks.h"

async int fetch_twice(void) {
    int first = await(tick_count("fetch", 1));
    return first + await(tick_count("fetch again", TICKS - 1));
}

int main(void) {
    printf("fetch: %d ticks\n", ac_block_on(fetch_twice()));
    return 0;
}
