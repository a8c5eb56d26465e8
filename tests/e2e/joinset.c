/* joinset.c - <ac_joinset.h>: tasks spawned into a set and taken as they finish, on the
 * current-thread runtime and on the multi-thread one; the counts, the sum and a checksum
 * that does not depend on the order in which tasks finish, compared with plain C. */
#include <asyncc.h>

#include <ac_joinset.h>
#include <ac_mt.h>

#include <stdio.h>

#include "two_workers.h"

static async long square_later(int i) {
    for (int k = 0; k < i % 5; k++)
        await(ac_yield());
    return (long)i * i;
}

static async long gather(int n) {
    ac_joinset set;
    ac_joinset_init(&set);
    for (int i = 0; i < n; i++)
        if (ac_joinset_spawn(&set, ac_spawn(square_later(i))) != 0)
            return -1;
    printf("held: %zu\n", ac_joinset_len(&set));
    int wrong = 0;
    int refused = await(ac_joinset_next(&set, &wrong)); /* an int for long results */
    long sum = 0, xor = 0, v = 0;
    int taken = 0, rc;
    while ((rc = await(ac_joinset_next(&set, &v))) == 1) {
        sum += v;
        xor ^= v * 2654435761L;
        taken++;
    }
    printf("refused %d, taken %d, last %d, left %zu\n", refused, taken, rc, ac_joinset_len(&set));
    printf("sum %ld, checksum %ld\n", sum, xor);
    ac_joinset_drop(&set);
    return sum;
}

/* The set dropped while it still holds tasks: what it holds is aborted. */
static async int leave_early(int n) {
    ac_joinset set;
    ac_joinset_init(&set);
    for (int i = 0; i < n; i++)
        ac_joinset_spawn(&set, ac_spawn(square_later(i)));
    long first = 0;
    int rc = await(ac_joinset_next(&set, &first));
    ac_joinset_drop(&set);
    printf("left early: %d, %zu held after the drop\n", rc, ac_joinset_len(&set));
    await(ac_joinset_shutdown(&set)); /* an empty set: at once */
    return rc;
}

int main(void) {
    long current = ac_block_on(gather(100));
    int early = ac_block_on(leave_early(10));
    ac_runtime *rt = two_workers();
    if (!rt)
        return 1;
    long multi = 0;
    if (ac_runtime_block_on(rt, ac_future_of(gather(1000)), &multi) != 0)
        return 1;
    printf("current-thread %ld, multi-thread %ld, early %d, shutdown %d\n", current, multi, early,
           ac_runtime_shutdown(rt, 1000));
    return 0;
}
