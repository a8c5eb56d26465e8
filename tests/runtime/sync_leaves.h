/* sync_leaves.h - the waits of <ac_sync.h> as leaf descriptors (machines.h), for
 * S_LEAF steps and sections in the sync tests. */
#ifndef RUNTIME_TEST_SYNC_LEAVES_H
#define RUNTIME_TEST_SYNC_LEAVES_H

#include "machines.h"

#include "ac_sync.h"

DEFINE_LEAF(ac_mutex_lock, ac_mutex);
DEFINE_LEAF(ac_rwlock_read_lock, ac_rwlock);
DEFINE_LEAF(ac_rwlock_write_lock, ac_rwlock);
DEFINE_LEAF(ac_notified, ac_notify);
DEFINE_LEAF(ac_barrier_wait, ac_barrier);
DEFINE_LEAF(ac_cancelled, ac_cancel_token);

/* ac_semaphore_acquire as a leaf: its init takes the semaphore and n. */
typedef struct acquire_arg {
    ac_semaphore *s;
    size_t n;
} acquire_arg;

static void acquire_init(void *frame, void *arg) {
    acquire_arg *a = arg;
    ac_semaphore_acquire_init(frame, a->s, a->n);
}
static ac_poll acquire_poll(void *frame, ac_cx *cx, void *out) {
    return ac_semaphore_acquire_poll(frame, cx, out);
}
static void acquire_drop(void *frame) {
    ac_semaphore_acquire_drop(frame);
}
__attribute__((unused)) static const leaf acquire_leaf = {acquire_init, acquire_poll, acquire_drop};

#endif
