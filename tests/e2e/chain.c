/* chain.c - awaits nested five calls deep, each level suspending before and after the
 * level below it, run once alone and then as several tasks at once; plus goto and
 * labels around awaits. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

async int level1(int x) {
    int a = await(pending(x % 2, x));
    int b = await(pending((x + 1) % 3, a + 1));
    return a * 3 + b;
}

async int level2(int x) {
    await(pending(1, 0));
    int r = await(level1(x));
    int two = await(pending(0, 2));
    return r + two;
}

async int level3(int x) {
    int acc = 0;
    for (int i = 0; i < 2; i++) {
        int r = await(level2(x + i));
        acc = acc * 7 + r;
    }
    return acc;
}

async int level4(int x) {
    int r = await(level3(x));
    await(ac_yield());
    return r % 10007;
}

async int level5(int x) {
    int total = 0;
    int i = 0;
again:
    if (i < 3) {
        int r = await(level4(x * 10 + i));
        total += r;
        i++;
        goto again;
    }
    return total;
}

async int many(int n) {
    ac_task *t[6];
    for (int i = 0; i < n; i++)
        t[i] = ac_spawn(level5(i));
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int r = 0;
        await(ac_join(t[i], &r));
        sum += r;
    }
    return sum;
}

int main(void) {
    int alone = ac_block_on(level5(4));
    printf("level5(4) = %d\n", alone);
    int together = ac_block_on(many(6));
    printf("six chains = %d\n", together);
    return 0;
}
