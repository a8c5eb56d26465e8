/* tasks.c - several tasks suspended at once, for the gdb task listing (debug.tasks):
 * when main's root reaches its printf, two workers are asleep inside an await of
 * nap, a waiter is parked in ac_join on the first worker, and a spawned task has not
 * run yet. */
#include <stdio.h>

#include <asyncc.h>

async int nap(int ms) {
    await(ac_sleep_ms(ms));
    return ms;
}

async int worker(int id) {
    int total = id;
    total += await(nap(5 * id));
    return total;
}

async int waiter(ac_task *other) {
    int got = 0;
    await(ac_join(other, &got));
    return got + 100;
}

async int late(void) {
    return 7;
}

async int run(void) {
    ac_task *a = ac_spawn(worker(1));
    ac_task *b = ac_spawn(worker(2));
    ac_task *w = ac_spawn(waiter(a));
    await(ac_yield());
    ac_task *l = ac_spawn(late());
    printf("spawned\n");
    int rb = 0, rw = 0, rl = 0;
    await(ac_join(b, &rb));
    await(ac_join(w, &rw));
    await(ac_join(l, &rl));
    return rb + rw + rl;
}

int main(void) {
    printf("run: %d\n", ac_block_on(run()));
    return 0;
}
