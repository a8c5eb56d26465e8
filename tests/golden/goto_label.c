/* A loop made of a label and goto around an await. */
#include <asyncc.h>

async int retry(int attempts) {
    int tries = 0;
again:
    await(ac_yield());
    tries++;
    if (tries < attempts)
        goto again;
    return tries;
}
