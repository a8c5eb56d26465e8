/* A condition in ac_join_all, which waits for every branch anyway. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

async void caller(void) {
    int a = 0, b = 0;
    ac_join_all(ac_on(&a, value(1)), ac_on_if(&b, value(2), b > 0));
}
