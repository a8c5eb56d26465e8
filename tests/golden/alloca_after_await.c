/* alloca after the last await: its memory is never in use when the function
 * suspends, so it may stay. */
#include <alloca.h>
#include <string.h>

#include <asyncc.h>

async int size(void) {
    await(ac_yield());
    return 8;
}

async int fill(void) {
    int n = await(size());
    char *buf = alloca((size_t)n);
    memset(buf, 'x', (size_t)n);
    return buf[n - 1];
}
