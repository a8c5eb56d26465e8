/* test_buf.c - the pool of I/O buffers (ac_buf.h): what it lends, what it refuses,
 * that it stops allocating once warm, its bound, and buffers crossing threads. */
#include "ac_buf.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

enum { SIZE = 1000 };

static ac_buf_pool *pool_make(size_t size, size_t max_kept) {
    ac_buf_pool *pool = NULL;
    assert_int_equal(ac_buf_pool_new(size, max_kept, &pool), 0);
    assert_non_null(pool);
    return pool;
}

static void test_new_refuses_bad_sizes(void **state) {
    (void)state;
    ac_buf_pool *pool = NULL;
    assert_int_equal(ac_buf_pool_new(0, 4, &pool), -EINVAL);
    assert_int_equal(ac_buf_pool_new((size_t)1 << 31, 4, &pool), -EINVAL);
    assert_null(pool);
}

/* Every byte of a buffer is the borrower's, and it is aligned for any type. */
static void test_buffers_are_whole_and_aligned(void **state) {
    (void)state;
    ac_buf_pool *pool = pool_make(SIZE, 8);
    unsigned char *a = ac_buf_get(pool), *b = ac_buf_get(pool);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal((uintptr_t)a % _Alignof(max_align_t), 0);
    memset(a, 0xaa, SIZE);
    memset(b, 0x55, SIZE);
    for (int i = 0; i < SIZE; i++)
        assert_int_equal(a[i], 0xaa);
    assert_int_equal(ac_buf_put(pool, a), 0);
    assert_ptr_equal(ac_buf_get(pool), a); /* the thread's cache: last in, first out */
    assert_int_equal(ac_buf_put(pool, a), 0);
    assert_int_equal(ac_buf_put(pool, b), 0);
    ac_buf_pool_free(pool);
}

/* NULL, a second put, and another pool's buffer are refused, and nothing is lost:
 * the refused buffer still goes back to its own pool. */
static void test_put_refuses_what_is_not_lent(void **state) {
    (void)state;
    ac_buf_pool *p = pool_make(SIZE, 8), *q = pool_make(SIZE, 8);
    void *a = ac_buf_get(p), *b = ac_buf_get(q);
    assert_int_equal(ac_buf_put(p, NULL), -EINVAL);
    assert_int_equal(ac_buf_put(p, b), -EINVAL);
    assert_int_equal(ac_buf_put(p, a), 0);
    assert_int_equal(ac_buf_put(p, a), -EINVAL);
    assert_int_equal(ac_buf_put(q, b), 0);
    ac_buf_stats s;
    ac_buf_pool_stats(p, &s);
    assert_int_equal(s.allocated, 1);
    assert_int_equal(s.freed, 0);
    ac_buf_pool_free(p);
    ac_buf_pool_free(q);
}

/* Once the pool has as many buffers as are used at once, nothing allocates. */
static void test_no_allocation_when_warm(void **state) {
    (void)state;
    enum { AT_ONCE = 3 * AC_BUF_CACHE, ROUNDS = 2000 };
    ac_buf_pool *pool = pool_make(SIZE, AT_ONCE);
    void *held[AT_ONCE];
    ac_buf_stats warm, now;
    for (int round = 0; round <= ROUNDS; round++) {
        int n = round == 0 ? AT_ONCE : 1 + round % AT_ONCE;
        for (int i = 0; i < n; i++)
            assert_non_null(held[i] = ac_buf_get(pool));
        for (int i = 0; i < n; i++)
            assert_int_equal(ac_buf_put(pool, held[i]), 0);
        if (round == 0)
            ac_buf_pool_stats(pool, &warm);
    }
    ac_buf_pool_stats(pool, &now);
    assert_int_equal(warm.allocated, AT_ONCE);
    assert_int_equal(now.allocated, warm.allocated);
    assert_int_equal(now.freed, 0);
    ac_buf_pool_free(pool);
}

/* 200 buffers given back with room for 4 in the shared stack: 4 there, at most a
 * cache's worth (at least half of one) in the thread's cache, the rest freed. */
static void test_bound_on_what_is_kept(void **state) {
    (void)state;
    enum { N = 200, KEPT = 4 };
    ac_buf_pool *pool = pool_make(SIZE, KEPT);
    void *held[N];
    for (int i = 0; i < N; i++)
        assert_non_null(held[i] = ac_buf_get(pool));
    for (int i = 0; i < N; i++)
        assert_int_equal(ac_buf_put(pool, held[i]), 0);
    ac_buf_stats s;
    ac_buf_pool_stats(pool, &s);
    assert_int_equal(s.allocated, N);
    assert_int_equal(s.shared, KEPT);
    assert_in_range(s.allocated - s.freed, KEPT + AC_BUF_CACHE / 2, KEPT + AC_BUF_CACHE);
    ac_buf_pool_free(pool);
}

/* ---- threads ------------------------------------------------------------------------ */

enum { THREADS = 4, PASSES = 20000, SLOTS = 8 };

/* A hand-off between threads: one buffer at a time, with its owner's stamp. */
typedef struct mailbox {
    pthread_mutex_t lock;
    unsigned char *buf;
    unsigned stamp;
} mailbox;

typedef struct worker_arg {
    ac_buf_pool *pool;
    mailbox *in, *out; /* take from in, pass to out */
    unsigned id;
    unsigned long checked;
} worker_arg;

static void stamp_fill(unsigned char *buf, unsigned stamp) {
    memset(buf, (int)(stamp & 0xff), SIZE);
}

static int stamp_holds(const unsigned char *buf, unsigned stamp) {
    for (int i = 0; i < SIZE; i++)
        if (buf[i] != (unsigned char)(stamp & 0xff))
            return 0;
    return 1;
}

/* Gets buffers, stamps them, keeps a few, passes some to the next thread and gives
 * back those the previous thread passed: buffers go back on other threads than the
 * ones that got them, and a stamp broken would mean two borrowers at once. */
static void *worker(void *p) {
    worker_arg *a = p;
    unsigned char *slot[SLOTS] = {0};
    unsigned stamps[SLOTS] = {0};
    for (unsigned i = 0; i < PASSES; i++) {
        unsigned k = (i * 7 + a->id) % SLOTS;
        if (slot[k]) {
            if (!stamp_holds(slot[k], stamps[k]) || ac_buf_put(a->pool, slot[k]) != 0)
                return NULL;
            a->checked++;
        }
        slot[k] = ac_buf_get(a->pool);
        stamps[k] = a->id * 1000003u + i;
        stamp_fill(slot[k], stamps[k]);
        pthread_mutex_lock(&a->out->lock);
        if (!a->out->buf) {
            a->out->buf = slot[k];
            a->out->stamp = stamps[k];
            slot[k] = NULL;
        }
        pthread_mutex_unlock(&a->out->lock);
        pthread_mutex_lock(&a->in->lock);
        unsigned char *got = a->in->buf;
        unsigned stamp = a->in->stamp;
        a->in->buf = NULL;
        pthread_mutex_unlock(&a->in->lock);
        if (got) {
            if (!stamp_holds(got, stamp) || ac_buf_put(a->pool, got) != 0)
                return NULL;
            a->checked++;
        }
    }
    for (unsigned k = 0; k < SLOTS; k++)
        if (slot[k] && ac_buf_put(a->pool, slot[k]) != 0)
            return NULL;
    return a;
}

static void test_threads_share_one_pool(void **state) {
    (void)state;
    enum { KEPT = 16 };
    ac_buf_pool *pool = pool_make(SIZE, KEPT);
    mailbox boxes[THREADS];
    worker_arg args[THREADS];
    pthread_t threads[THREADS];
    for (unsigned i = 0; i < THREADS; i++)
        boxes[i] = (mailbox){.lock = PTHREAD_MUTEX_INITIALIZER};
    for (unsigned i = 0; i < THREADS; i++) {
        args[i] = (worker_arg){pool, &boxes[i], &boxes[(i + 1) % THREADS], i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
    }
    unsigned long checked = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        void *r;
        assert_int_equal(pthread_join(threads[i], &r), 0);
        assert_ptr_equal(r, &args[i]);
        checked += args[i].checked;
    }
    for (unsigned i = 0; i < THREADS; i++) { /* passed on, never taken */
        if (boxes[i].buf) {
            assert_true(stamp_holds(boxes[i].buf, boxes[i].stamp));
            assert_int_equal(ac_buf_put(pool, boxes[i].buf), 0);
            checked++;
        }
    }
    assert_true(checked >= (unsigned long)THREADS * (PASSES - SLOTS));
    /* Every thread exited: its cache went back, the shared stack kept at most KEPT,
     * and all that is not freed is there or in this thread's cache. */
    ac_buf_stats s;
    ac_buf_pool_stats(pool, &s);
    assert_in_range(s.shared, 1, KEPT);
    assert_in_range(s.allocated - s.freed, s.shared, s.shared + AC_BUF_CACHE);
    ac_buf_pool_free(pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_refuses_bad_sizes),
        cmocka_unit_test(test_buffers_are_whole_and_aligned),
        cmocka_unit_test(test_put_refuses_what_is_not_lent),
        cmocka_unit_test(test_no_allocation_when_warm),
        cmocka_unit_test(test_bound_on_what_is_kept),
        cmocka_unit_test(test_threads_share_one_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
