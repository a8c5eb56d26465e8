/* spawn_local.c - ac_spawn_local (<ac_mt.h>): tasks pinned to the worker that spawned
 * them, on 2 workers and on the current-thread executor, compared with plain C. Each
 * pinned task receives from a channel that an ordinary task fills (from whichever
 * worker runs it: a wake from another thread), yields and sleeps, and checks its thread
 * after every await; meanwhile the spawner holds its worker for 100 ms, so that the
 * other worker steals the 64 ordinary tasks (which yield and sleep) and the senders.
 * stdout has what must hold both ways (no pinned task ran on another thread than its
 * spawner's, the counts, the sums); stderr has what only the runtime shows (ordinary
 * tasks that ran on the other worker, wakes that came from another thread, steals),
 * which e2e.spawn_local.steals checks is not zero. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <asyncc.h>

#include <ac_chan.h>
#include <ac_mt.h>

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "two_workers.h"

enum { PINNED = 8, MESSAGES = 200, ORDINARY = 64, ROUNDS = 300 };

typedef struct msg {
    long value;
    unsigned long thread; /* the sender's */
} msg;
AC_MPSC_TYPED(msgs, msg);

static unsigned long thread_id(void) {
    return (unsigned long)pthread_self();
}

typedef struct tally {
    int moved; /* starts and resumes on another thread than the spawner's */
    int cross; /* messages sent from another thread */
} tally;

static async long pinned(msgs_rx rx, unsigned long home, tally *t) {
    t->moved += thread_id() != home;
    long sum = 0;
    msg m;
    for (int i = 0; i < MESSAGES && await(msgs_recv(&rx, &m)) == AC_CHAN_OK; i++) {
        t->moved += thread_id() != home;
        t->cross += m.thread != home;
        sum += m.value;
        await(ac_yield());
        t->moved += thread_id() != home;
        if (i % 50 == 0) {
            await(ac_sleep_ms(1));
            t->moved += thread_id() != home;
        }
    }
    msgs_rx_drop(&rx);
    return sum;
}

static async long sender(msgs_tx tx, long from) {
    long sent = 0;
    for (int i = 0; i < MESSAGES; i++) {
        msg m = {from + i, thread_id()};
        if (await(msgs_send(&tx, m)) == AC_CHAN_OK)
            sent++;
        if (i % 25 == 0)
            await(ac_sleep_ms(1)); /* resumed by the worker that fires the timer */
    }
    msgs_tx_drop(&tx);
    return sent;
}

/* Keep this thread busy for ms milliseconds without awaiting: on a worker, the other
 * worker must steal to run anything meanwhile, however loaded the machine. */
static void hold_thread(long ms) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

/* away: the rounds it ran on another thread than the spawner's. */
static async long ordinary(unsigned long spawner, int *away) {
    *away += thread_id() != spawner;
    for (int i = 0; i < ROUNDS; i++) {
        if (i % 30 == 0)
            await(ac_sleep_ms(1)); /* the worker that fires the timer runs it on */
        else
            await(ac_yield());
        *away += thread_id() != spawner;
    }
    return ROUNDS;
}

static async long join_all(ac_task **t, int n) {
    long sum = 0, v = 0;
    for (int i = 0; i < n; i++)
        if (await(ac_join(t[i], &v)) == 0)
            sum += v;
    return sum;
}

static async int fleet(const char *where) {
    ac_task *senders[PINNED], *pins[PINNED], *others[ORDINARY];
    msgs_tx tx[PINNED];
    msgs_rx rx[PINNED];
    tally tallies[PINNED] = {{0, 0}};
    int away[ORDINARY] = {0};
    unsigned long here = thread_id();
    for (int i = 0; i < PINNED; i++)
        if (msgs_new(&tx[i], &rx[i], MESSAGES) != AC_CHAN_OK)
            return 1;
    /* Senders first: in plain C each runs to its end at once, filling its channel. */
    for (int i = 0; i < PINNED; i++)
        senders[i] = ac_spawn(sender(tx[i], 1000L * i));
    for (int i = 0; i < ORDINARY; i++)
        others[i] = ac_spawn(ordinary(here, &away[i]));
    for (int i = 0; i < PINNED; i++)
        pins[i] = ac_spawn_local(pinned(rx[i], here, &tallies[i]));
    hold_thread(100); /* the pinned tasks wait for this worker; the others are stolen */
    long sum = await(join_all(pins, PINNED));
    long sent = await(join_all(senders, PINNED));
    long rounds = await(join_all(others, ORDINARY));
    int moved = 0, cross = 0, away_tasks = 0;
    for (int i = 0; i < PINNED; i++) {
        moved += tallies[i].moved;
        cross += tallies[i].cross;
    }
    for (int i = 0; i < ORDINARY; i++)
        away_tasks += away[i] > 0;
    printf("%s: %d pinned tasks got %ld of %ld messages, sum %ld, moved %d times; "
           "%d ordinary tasks, %ld rounds\n",
           where, PINNED, (long)PINNED * MESSAGES, sent, sum, moved, ORDINARY, rounds);
    fprintf(stderr,
            "%s: ordinary tasks run elsewhere %d, wakes of pinned tasks from another "
            "thread %d\n",
            where, away_tasks, cross);
    return 0;
}

int main(void) {
    if (ac_block_on(fleet("current thread")) != 0)
        return 1;
    ac_runtime *rt = two_workers();
    if (!rt)
        return 1;
    int rc = 1;
    if (ac_runtime_block_on(rt, ac_future_of(fleet("2 workers")), &rc) != 0)
        return 1;
#if !defined(ASYNCC_SEQUENTIAL)
    uint64_t steals = 0;
    for (unsigned i = 0; i < 2; i++) {
        ac_worker_metrics m;
        if (ac_runtime_worker_metrics(rt, i, &m) == 0)
            steals += m.steals;
    }
    fprintf(stderr, "steals %llu\n", (unsigned long long)steals);
#endif
    printf("shutdown %d\n", ac_runtime_shutdown(rt, 1000));
    return rc;
}
