/* Awaits in the conditions of if and switch, and the common read loop: the while
 * becomes for (;;) with the await first and a break when the condition fails. */
#include <asyncc.h>

async int read_some(char *buf, int size);

async int read_some(char *buf, int size) {
    await(ac_yield());
    return buf[0] < size ? buf[0]++ : 0;
}

async int drain(void) {
    char buf[8] = {0};
    int n, total = 0;
    while ((n = await(read_some(buf, sizeof buf))) > 0)
        total += n;
    if (await(read_some(buf, 2)) == 0)
        total = -total;
    switch (await(read_some(buf, 4))) {
    case 0:
        return total;
    default:
        return total + 1;
    }
}
