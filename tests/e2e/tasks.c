/* tasks.c - the runtime's leaves: ac_yield, ac_sleep_ms, and ac_spawn + ac_join of
 * several tasks with results, spawned both from async code and from main. Tasks
 * interleave differently in the two builds, so only results are printed, never
 * what happens inside a task. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

struct range {
    int lo, hi;
};

/* Sums squares in [lo, hi), yielding after every element. */
async long sum_squares(struct range r) {
    long s = 0;
    for (int i = r.lo; i < r.hi; i++) {
        await(ac_yield());
        s += (long)i * i;
    }
    return s;
}

async int sleepy(int id, int ms) {
    await(ac_sleep_ms((uint64_t)ms));
    int v = await(pending(id % 2, id * 11));
    await(ac_yield());
    return v;
}

/* Joins a task spawned by someone else: first into a long, which the run-time check
 * refuses (-EINVAL, the handle kept), then into the int it returns. */
async int collect(ac_task *t) {
    long wide = 0;
    int refused = await(ac_join(t, &wide));
    int v = 0;
    int rc = await(ac_join(t, &v));
    printf("join into a long: %d, into an int: %d\n", refused, rc);
    return v + 1000;
}

async long run(void) {
    ac_task *tasks[4];
    for (int i = 0; i < 4; i++) {
        struct range r = {i * 10, i * 10 + 10};
        tasks[i] = ac_spawn(sum_squares(r));
    }
    ac_task *sleepers[3];
    for (int i = 0; i < 3; i++)
        sleepers[i] = ac_spawn(sleepy(i + 1, 3 - i));
    long total = 0;
    for (int i = 3; i >= 0; i--) {
        long part = 0;
        await(ac_join(tasks[i], &part));
        total += part;
    }
    printf("sum of squares below 40: %ld\n", total);
    int naps = 0;
    for (int i = 0; i < 3; i++) {
        int v = 0; /* plain C: gcc -O2 cannot see that ac_join writes it */
        await(ac_join(sleepers[i], &v));
        naps += v;
    }
    printf("sleepers: %d\n", naps);
    await(ac_sleep_ms(2));
    return total + naps;
}

int main(void) {
    long total = ac_block_on(run());
    /* Spawned outside any task: it first runs in the next ac_block_on. */
    ac_task *early = ac_spawn(sleepy(5, 1));
    int late = ac_block_on(collect(early));
    printf("total %ld, collected %d\n", total, late);
    return 0;
}
