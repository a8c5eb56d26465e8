/* headers.c - <asyncc.h> includes only what its annotations need, in every face: a
 * program that does not include <string.h> or <time.h> may define its own strlen,
 * a static strcmp and a variable named clock, transformed as in plain C. (Every
 * face used to include stdlib.h, string.h, threads.h and time.h.) */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static int clock; /* awaits so far */

/* Not the standard's: counts lowercase letters only. (A plain count of the
 * characters would be the standard's, and gcc -Os turns that loop into a call of
 * strlen: this one.) */
size_t strlen(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += *s >= 'a' && *s <= 'z';
    return n;
}

/* Not the standard's: compares lengths only. */
static int strcmp(const char *a, const char *b) {
    return (int)strlen(a) - (int)strlen(b);
}

async int longer(const char *a, const char *b) {
    int by = await(pending(2, strcmp(a, b)));
    clock++;
    size_t n = strlen(a);
    await(pending(1, 0));
    clock++;
    return by > 0 ? (int)n : -by;
}

int main(void) {
    printf("longer = %d\n", ac_block_on(longer("headers", "faces")));
    printf("longer = %d\n", ac_block_on(longer("ab", "a-b-c-d")));
    printf("clock = %d\n", clock);
    return 0;
}
