/* Awaits in the cases of a switch, including a fall-through. */
#include <asyncc.h>

async int dispatch(int op) {
    int r = 0;
    switch (op) {
    case 0:
        await(ac_yield());
        r = 10;
        break;
    case 1:
        await(ac_sleep_ms(1));
        /* fall through */
    case 2:
        r += 20;
        break;
    default:
        r = -1;
    }
    return r;
}
