/* actor_machines.h - hand-written machines for the actor tests (test_actor.c,
 * test_actor_threads.c), following the poll ABI: a counter actor's handler made into a
 * future (an ac_actor_start), the supervisor as a task, and an asker task. */
#ifndef RUNTIME_TEST_ACTOR_MACHINES_H
#define RUNTIME_TEST_ACTOR_MACHINES_H

#include "ac_runtime.h"

#include "ac_actor.h" /* after ac_runtime.h: the runtime face */

/* Requests and replies are longs. */
AC_ACTOR_TYPED(counter, long, long);

/* The counter's handler: its state is a sum, 0 in each incarnation. A request r >= 0
 * adds r and is answered with the sum; r < 0 makes the incarnation fail with status -r,
 * unanswered; once every ref is gone it returns 0. */
typedef struct counter_stats {
    int incarnations; /* started */
    int dropped;      /* dropped before their end */
    int fail_start;   /* when set, start makes no incarnation (an empty future) */
} counter_stats;

/* An ac_actor_start for the counter; arg is a counter_stats. */
ac_future counter_start(ac_actor_inbox *inbox, void *arg);

/* ac_actor_supervise as an int task, not yet spawned. */
ac_task *supervisor_new(ac_actor_inbox inbox, ac_actor_start start, ac_supervisor *sup);

/* What an asker saw. */
typedef struct asked {
    int ok, no_reply, stopped, other;
    long last;       /* the last reply */
    int not_growing; /* replies not above the one before (the sum only grows) */
} asked;

/* A task making n asks of `amount` in turn, recording into *a; it drops ref at its end
 * (or when dropped). */
ac_task *asker_new(counter_ref ref, long amount, int n, asked *a);

#endif
