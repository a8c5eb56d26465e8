/* An await in the condition of a do-while: the condition moves to the end of a
 * for (;;) body, and a continue jumps to it. */
#include <asyncc.h>

async int more(int i) {
    await(ac_yield());
    return i < 5;
}

async int count(void) {
    int i = 0, odd = 0;
    do {
        i++;
        if (i % 2 == 0)
            continue;
        odd++;
    } while (await(more(i)));
    return odd;
}
