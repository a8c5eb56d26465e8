/* An await in a do-while body, with break. */
#include <asyncc.h>

async int spin(int n) {
    int left = n;
    do {
        await(ac_yield());
        if (left == 100)
            break;
    } while (--left > 0);
    return left;
}
