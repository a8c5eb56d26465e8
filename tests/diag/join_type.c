/* ac_join of a handle from an ac_spawn in the same function, into another type than the
 * spawned function returns. Handles asyncc cannot follow are left to the run-time check. */
#include <asyncc.h>

async int work(int id) {
    await(ac_yield());
    return id;
}

async long mismatch(void) {
    ac_task *t = ac_spawn(work(1));
    long wide = 0;
    await(ac_join(t, &wide));
    return wide;
}

async int not_checked(ac_task *given) {
    long wide = 0;
    await(ac_join(given, &wide)); /* a parameter: from anywhere */
    ac_task *t = ac_spawn(work(2));
    if (t == NULL)
        return -1;
    int v = 0;
    await(ac_join(t, &v)); /* the right type */
    ac_task *u = ac_spawn(work(3));
    ac_task **where = &u; /* its address taken: anything may be stored there */
    await(ac_join(u, &wide));
    (void)where;
    return v + (int)wide;
}

int main(void) {
    return (int)ac_block_on(mismatch()) + ac_block_on(not_checked(NULL));
}
