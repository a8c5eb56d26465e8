/* hello.c - named like one of asyncc's own examples: a project that includes asyncc
 * with add_subdirectory may have its own `hello`. */
#include <stdio.h>

#include "ticks.h"

int main(void) {
    printf("hello: %d ticks\n", ac_block_on(tick_count("hello", TICKS)));
    return 0;
}
