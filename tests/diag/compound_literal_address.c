#include <asyncc.h>

async int sum(const int *v, int n) {
    await(ac_yield());
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

async int total(void) {
    return await(sum((int[]){1, 2, 3}, 3));
}

async int by_value(void) {
    struct pair { int a, b; };
    int x = ((struct pair){4, 5}).b; /* a value copy: fine */
    await(ac_yield());
    return x;
}
