/* members.h - threads that each run their own ac_block_on, started together: the
 * harness of the tests with tasks on several threads (test_chan_threads.c,
 * test_actor_threads.c). */
#ifndef RUNTIME_TEST_MEMBERS_H
#define RUNTIME_TEST_MEMBERS_H

#include "ac_runtime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* A thread that makes `tasks` tasks with make(arg, i) and joins them in order (or runs
 * body instead), inside a block_on that starts polling once every member of the group
 * entered its own: a loop alone in the process would rightly call a parked task a
 * deadlock. */
typedef struct member member;
struct member {
    ac_task *(*make)(void *arg, size_t index); /* index: first + the task's number */
    void (*body)(member *m, ac_root *root);
    void *arg;
    size_t first;
    size_t tasks;
    atomic_int *started;
    int members;
    int failed; /* a deadlock was reported */
    pthread_t thread;
};

/* Run the members, each on its own thread, to their ends; the test fails if one could
 * not start or reported a deadlock. */
void run_members(member *m, int count);

#endif
