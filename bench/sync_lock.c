/* sync_lock.c - the lock inside <ac_sync.h>'s primitives (a spinlock in an int,
 * runtime/src/sync.c) against a pthread mutex doing the same work: why the spinlock.
 *
 *   uncontended  one thread: ac_semaphore_available (lock, read, unlock) against
 *                pthread_mutex_lock, read, unlock
 *   contended    two threads at once, each n times: ac_semaphore_release(1) then
 *                ac_semaphore_try_acquire(1) (two lock/unlock pairs) against two
 *                mutex-guarded updates of a counter
 *
 * One line per measurement: workload=<name> impl=<spin|pthread> n=<ops> ns_per_op=...
 * with n lock/unlock pairs per thread. Plain C: it calls the runtime's face directly. */
#define ASYNCC_LOWERED 1
#include <asyncc.h>

#include <ac_sync.h>

#include "bench.h"

#include <pthread.h>

typedef struct shared {
    ac_semaphore sem;
    pthread_mutex_t mutex;
    size_t count;
    uint64_t n;
} shared;

static void report(const char *workload, const char *impl, uint64_t n, uint64_t ns) {
    printf("workload=%s impl=%s n=%" PRIu64 " ns_per_op=%.2f\n", workload, impl, n,
           (double)ns / (double)n);
}

static uint64_t uncontended_spin(shared *s) {
    uint64_t sum = 0, start = bench_now_ns();
    for (uint64_t i = 0; i < s->n; i++)
        sum += ac_semaphore_available(&s->sem);
    uint64_t ns = bench_now_ns() - start;
    return bench_opaque_u64(sum) == UINT64_MAX ? 0 : ns;
}

static uint64_t uncontended_pthread(shared *s) {
    uint64_t sum = 0, start = bench_now_ns();
    for (uint64_t i = 0; i < s->n; i++) {
        pthread_mutex_lock(&s->mutex);
        sum += s->count;
        pthread_mutex_unlock(&s->mutex);
    }
    uint64_t ns = bench_now_ns() - start;
    return bench_opaque_u64(sum) == UINT64_MAX ? 0 : ns;
}

static void *contend_spin(void *arg) {
    shared *s = arg;
    for (uint64_t i = 0; i < s->n / 2; i++) {
        (void)ac_semaphore_release(&s->sem, 1);
        (void)ac_semaphore_try_acquire(&s->sem, 1);
    }
    return NULL;
}

static void *contend_pthread(void *arg) {
    shared *s = arg;
    for (uint64_t i = 0; i < s->n / 2; i++) {
        pthread_mutex_lock(&s->mutex);
        s->count++;
        pthread_mutex_unlock(&s->mutex);
        pthread_mutex_lock(&s->mutex);
        s->count--;
        pthread_mutex_unlock(&s->mutex);
    }
    return NULL;
}

/* Two threads running fn at once: the wall time. */
static uint64_t contended(shared *s, void *(*fn)(void *)) {
    pthread_t other;
    uint64_t start = bench_now_ns();
    if (pthread_create(&other, NULL, fn, s) != 0)
        return 0;
    fn(s);
    pthread_join(other, NULL);
    return bench_now_ns() - start;
}

int main(int argc, char **argv) {
    shared s = {.n = bench_arg_n(argc, argv, 10000000), .count = 0};
    ac_semaphore_init(&s.sem, 1);
    pthread_mutex_init(&s.mutex, NULL);
    /* Contended first: glibc's mutex takes a cheaper path while the process has a
     * single thread, which the runtime's locks never need to be fast for. */
    report("contended", "spin", s.n, contended(&s, contend_spin));
    report("contended", "pthread", s.n, contended(&s, contend_pthread));
    report("uncontended", "spin", s.n, uncontended_spin(&s));
    report("uncontended", "pthread", s.n, uncontended_pthread(&s));
    /* Each round gave back what it took: both end where they started. */
    return ac_semaphore_available(&s.sem) == 1 && s.count == 0 ? 0 : 1;
}
