/* headers.c - <asyncc.h> includes the same standard headers in every face, so a
 * program that leans on them (malloc, memcpy, strlen, abs, struct timespec without
 * including <stdlib.h>, <string.h> or <time.h>) builds transformed as it does
 * plain. (Found by fuzz.mutate: the plain face declared alloca, the lowered one
 * did not.) */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

async int copy_length(const char *text) {
    size_t n = strlen(text);
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    await(pending(2, 0));
    memcpy(copy, text, n + 1);
    int len = (int)strlen(copy);
    free(copy);
    return len;
}

async long wait_ns(int sign) {
    struct timespec ts = {0, 250};
    await(pending(1, 0));
    return (long)abs(sign) * ts.tv_nsec;
}

int main(void) {
    printf("copy_length = %d\n", ac_block_on(copy_length("headers")));
    printf("wait_ns = %ld\n", ac_block_on(wait_ns(-3)));
    return 0;
}
