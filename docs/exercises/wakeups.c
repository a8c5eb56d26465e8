/* wakeups.c - exercise 2 of docs/exercises.md: sleeps and joins. */
#include <stdio.h>

#include <asyncc.h>

async int nap(int ms) {
    await(ac_sleep_ms((uint64_t)ms * 20));
    printf("woke after %d\n", ms);
    return ms;
}

async int run(void) {
    ac_task *t[3];
    int ms[3] = {3, 1, 2};
    for (int i = 0; i < 3; i++)
        t[i] = ac_spawn(nap(ms[i]));
    int order = 0;
    for (int i = 0; i < 3; i++) {
        int r = 0;
        await(ac_join(t[i], &r));
        printf("joined %d\n", r);
        order = order * 10 + r;
    }
    return order;
}

int main(void) {
    return ac_block_on(run()) == 312 ? 0 : 1;
}
