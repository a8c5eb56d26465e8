/* awaits inside larger expressions: an operand, a call argument, a condition, and
 * the right side of && and ?:, which run only when C would evaluate them. */
#include <asyncc.h>

int add(int a, int b);

async int value(int v) {
    await(ac_yield());
    return v;
}

async int mix(int flag) {
    int a = 1 + await(value(2));
    int b = add(await(value(3)), a);
    if (await(value(flag)) > 0)
        b++;
    int c = flag && await(value(4));
    int d = flag ? await(value(5)) : 6;
    return a + b + c + d;
}
