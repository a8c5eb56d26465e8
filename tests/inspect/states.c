/* states.c - control flow of every kind around awaits, for asyncc --emit=dot and
 * --emit=json (tests/inspect). */
#include <stdio.h>

#include <asyncc.h>

async int step(int x) {
    await(ac_yield());
    return x + 1;
}

/* A loop around an await, a branch that does not matter, an early return. */
async int total(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        if (i % 2)
            printf("odd %d\n", i);
        sum += await(step(i));
    }
    if (sum > 100)
        return -1;
    return sum;
}

/* A switch whose cases await, a do loop, a goto back. */
async int modes(int mode) {
    int r = 0;
again:
    switch (mode) {
    case 0:
        r += await(step(r));
        break;
    case 1:
        do {
            r = await(step(r));
        } while (r < 5);
        break;
    default:
        mode = 0;
        goto again;
    }
    return await(step(r));
}

int main(void) {
    printf("%d %d %d\n", ac_block_on(total(4)), ac_block_on(modes(1)), ac_block_on(modes(7)));
    return 0;
}
