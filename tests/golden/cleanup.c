/* Locals with __attribute__((cleanup(fn))) in a function that awaits: frame fields,
 * whose cleanups the generated code calls where their scopes end (the end of a block,
 * a break, a return after its value is read) and in drop for the state it stops in,
 * after the awaited frame is dropped. Without an await the attribute stays. */
#include <stdlib.h>

#include <asyncc.h>

static void release(char **p) {
    free(*p);
}

#define autofree __attribute__((cleanup(release)))

async int fill(char *p, int i) {
    await(ac_yield());
    p[0] = (char)('a' + i);
    return i;
}

async int copies(int n) {
    autofree char *total = malloc(16);
    int sum = 0;
    for (int i = 0; i < n; i++) {
        char *buf __attribute__((cleanup(release))) = malloc(4);
        sum += await(fill(buf, i));
        if (sum > 10)
            break;
    }
    return sum + (total != NULL);
}

async int no_await(void) {
    autofree char *p = malloc(1);
    return p != NULL;
}
