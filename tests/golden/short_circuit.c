/* && and || with an await on the right: it runs only when the left side does not
 * decide. As a value (a temporary, or the variable itself when it is declared or
 * assigned here), in a condition, and with the value unused. */
#include <asyncc.h>

async int check(int v) {
    await(ac_yield());
    return v > 2;
}

async int decide(int a, int b) {
    int both = a && await(check(b));
    int either;
    either = a || await(check(b)) || await(check(a + b));
    if (b > 0 && await(check(a)))
        both += 10;
    (void)(a || await(check(0)));
    return both + either;
}
