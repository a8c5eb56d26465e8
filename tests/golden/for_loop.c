/* An await in a for loop whose counter is declared in the loop. */
#include <asyncc.h>

async int sum(int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (i == 2)
            continue;
        await(ac_sleep_ms(1));
        total += i;
    }
    return total;
}
