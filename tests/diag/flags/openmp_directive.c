#include <asyncc.h>

async int sum(int n) {
    int s = 0;
    await(ac_yield());
#pragma omp parallel for reduction(+ : s)
    for (int i = 0; i < n; i++)
        s += i;
    return s;
}
