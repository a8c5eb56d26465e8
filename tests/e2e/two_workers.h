/* two_workers.h - the multi-thread runtime on 2 workers, for the end-to-end tests that
 * run the same work on the current-thread executor and then on the workers (in plain C,
 * <ac_mt.h>'s stand-ins run it on the calling thread). */
#ifndef E2E_TWO_WORKERS_H
#define E2E_TWO_WORKERS_H

#include <ac_mt.h>

/* A runtime of 2 workers, or NULL when it cannot be made. */
static inline ac_runtime *two_workers(void) {
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = 2;
    ac_runtime *rt;
    return ac_runtime_new(&b, &rt) == 0 ? rt : NULL;
}

#endif
