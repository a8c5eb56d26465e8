/* A select in an ordinary function: it awaits, so only async functions may use it. */
#include <asyncc.h>

async int value(int v) {
    return v;
}

int main(void) {
    int v = 0;
    return ac_select(ac_on(&v, value(1)), ac_on_done(ac_sleep_ms(10)));
}
