/* A1 actor ask: one client asks a counter actor N times in a row, each ask waiting for
 * its reply: a send into the mailbox (capacity 16), the actor's receive and reply
 * through the ask's oneshot, the asker woken with the new total. The actor runs under a
 * supervisor (ac_actor.h), as an application's would. check = the last reply, the sum
 * 1 + 2 + ... + N. One op = one ask round trip (request and reply). No anchor measures
 * this yet: tokio's and actix's equivalents are an mpsc send plus a oneshot reply.
 *
 * usage: a1_actor_ask [n]   (default 1,000,000) */
#include <asyncc.h>

#include <ac_actor.h>

#include "bench.h"

AC_ACTOR_TYPED(counter, uint64_t, uint64_t);

/* The actor: adds each request to its total and replies with the total. */
static async int count(ac_actor_inbox *inbox) {
    uint64_t total = 0, amount;
    while (await(counter_recv(inbox, &amount)) == AC_ACTOR_OK) {
        total += amount;
        counter_reply(inbox, total);
    }
    return 0;
}

static ac_future start_count(ac_actor_inbox *inbox, void *arg) {
    (void)arg;
    return ac_future_of(count(inbox));
}

static async uint64_t run(uint64_t n, uint64_t *elapsed_ns) {
    counter_ref ref;
    ac_actor_inbox inbox;
    if (counter_new(&ref, &inbox, 16) != AC_ACTOR_OK)
        return 0;
    ac_supervisor sup = {0};
    ac_task *keeper = ac_spawn(ac_actor_supervise(inbox, start_count, &sup));
    uint64_t t0 = bench_now_ns();
    uint64_t total = 0;
    for (uint64_t i = 1; i <= n; i++)
        if (await(counter_ask(&ref, i, &total)) != AC_ACTOR_OK)
            break;
    *elapsed_ns = bench_now_ns() - t0;
    counter_ref_drop(&ref); /* the last ref: the actor stops */
    await(ac_join(keeper, NULL));
    return total;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg_n(argc, argv, 1000000);
    uint64_t elapsed_ns = 0;
    uint64_t total = ac_block_on(run(n, &elapsed_ns));
    return bench_report("A1", n, elapsed_ns, total, n * (n + 1) / 2);
}
