/* counter_main.c - plain C, compiled as it is. */
#include <stdio.h>

#include "counter.h"

int main(void) {
    printf("counter: %d\n", counter_sum(4));
    return 0;
}
