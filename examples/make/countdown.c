/* countdown.c - a small async program built with plain Make (see Makefile). */
#include <stdio.h>

#include <asyncc.h>

#include "countdown.h"

async int countdown(const char *name, int from) {
    for (int i = from; i > 0; i--) {
        printf("%s: %d\n", name, i);
        await(ac_sleep_ms(TICK_MS));
    }
    printf("%s: liftoff\n", name);
    return from;
}

int main(void) {
    int ticks = ac_block_on(countdown("rocket", COUNTDOWN_FROM));
    printf("%d ticks\n", ticks);
    return 0;
}
