/* Which locals move into the frame: one used after the await, an array, a struct,
 * one whose address is taken; and which do not: one dead before the await. */
#include <asyncc.h>

struct pair {
    int a, b;
};

async int keep(int n) {
    int before = n * 2;
    int scratch = before + 1;
    int arr[3] = {1, 2, 3};
    struct pair p = {n, scratch};
    int target = 0;
    int *where = &target;
    await(ac_yield());
    *where = arr[1] + p.b;
    return before + target;
}
