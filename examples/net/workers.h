/* workers.h - the executor an example server runs on: the current-thread loop (what
 * ac_block_on runs), or, with ASYNCC_WORKERS=N in the environment, the multi-thread
 * runtime's N workers (<ac_mt.h>), where every connection's task may run on any worker.
 * Include after <asyncc.h>. */
#ifndef EXAMPLES_WORKERS_H
#define EXAMPLES_WORKERS_H

#include <ac_mt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workers ASYNCC_WORKERS asks for; 0 (the current-thread loop) without it. */
static inline unsigned workers_wanted(void) {
    const char *env = getenv("ASYNCC_WORKERS");
    return env ? (unsigned)strtoul(env, NULL, 10) : 0;
}

/* A runtime of n workers, the other settings default: 0 or ac_runtime_new's error. */
static inline int workers_runtime_new(unsigned n, ac_runtime **rt) {
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = n;
    return ac_runtime_new(&b, rt);
}

/* Run fu (whose result is an int) to its end on the executor the environment names and
 * return its result; 1 after a message on stderr if the runtime cannot run it. */
static inline int workers_block_on(const char *name, ac_future fu) {
    unsigned workers = workers_wanted();
    int result = 1;
    if (workers == 0)
        return ac_future_block_on(fu, &result) == 0 ? result : 1;
    ac_runtime *rt;
    int rc = workers_runtime_new(workers, &rt);
    if (rc != 0)
        ac_future_drop(fu);
    else if ((rc = ac_runtime_block_on(rt, fu, &result)) == 0)
        ac_runtime_shutdown(rt, 0);
    if (rc != 0) {
        fprintf(stderr, "%s: the runtime of %u workers: %s\n", name, workers, strerror(-rc));
        return 1;
    }
    return result;
}

#endif
