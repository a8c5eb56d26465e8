/* An await in a while loop: the counter and the total live in the frame. */
#include <asyncc.h>

async int count(int n) {
    int total = 0;
    int i = 0;
    while (i < n) {
        await(ac_yield());
        total += i;
        i++;
    }
    return total;
}
