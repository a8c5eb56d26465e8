/* test_sync_plain.c - <ac_sync.h>'s sequential meaning (ASYNCC_SEQUENTIAL): free locks
 * and permits are taken, and a wait that could never end returns -EDEADLK with a
 * message instead of hanging. */
#define _POSIX_C_SOURCE 200809L /* dup, fileno */
#define ASYNCC_SEQUENTIAL 1

#include <asyncc.h>

#include <ac_sync.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char said[512];

/* Run fn(arg) with stderr captured into `said`; fn's result. */
static int capture(int (*fn)(void *), void *arg) {
    fflush(stderr);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    int rc = fn(arg);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    rewind(tmp);
    size_t n = fread(said, 1, sizeof said - 1, tmp);
    said[n] = '\0';
    fclose(tmp);
    return rc;
}

static void expect_deadlock(int (*fn)(void *), void *arg, const char *call) {
    assert_int_equal(capture(fn, arg), -EDEADLK);
    char expected[256];
    snprintf(expected, sizeof expected,
             "asyncc: %s would wait forever: nothing else runs in the sequential program "
             "(-EDEADLK)\n",
             call);
    assert_string_equal(said, expected);
}

static int lock(void *m) {
    return ac_mutex_lock(m);
}

static void test_mutex(void **state) {
    (void)state;
    ac_mutex m;
    ac_mutex_init(&m);
    assert_int_equal(ac_mutex_unlock(&m), -EPERM);
    assert_int_equal(ac_mutex_lock(&m), 0);
    assert_int_equal(ac_mutex_try_lock(&m), -EBUSY);
    expect_deadlock(lock, &m, "ac_mutex_lock");
    assert_int_equal(ac_mutex_unlock(&m), 0);
    assert_int_equal(ac_mutex_try_lock(&m), 0);
}

typedef struct acquire_arg {
    ac_semaphore *s;
    size_t n;
} acquire_arg;

static int acquire(void *arg) {
    acquire_arg *a = arg;
    return ac_semaphore_acquire(a->s, a->n);
}

static void test_semaphore(void **state) {
    (void)state;
    ac_semaphore s;
    assert_int_equal(ac_semaphore_init(&s, AC_SEMAPHORE_MAX_PERMITS + 1), -EINVAL);
    assert_int_equal(ac_semaphore_init(&s, 3), 0);
    assert_int_equal(ac_semaphore_acquire(&s, 2), 0);
    assert_int_equal(ac_semaphore_try_acquire(&s, 2), -EAGAIN);
    assert_int_equal(ac_semaphore_acquire(&s, 0), -EINVAL);
    acquire_arg two = {&s, 2};
    expect_deadlock(acquire, &two, "ac_semaphore_acquire");
    assert_int_equal(ac_semaphore_available(&s), 1); /* the failed wait took nothing */
    assert_int_equal(ac_semaphore_release(&s, 2), 0);
    assert_int_equal(ac_semaphore_release(&s, AC_SEMAPHORE_MAX_PERMITS), -EOVERFLOW);
    ac_semaphore_close(&s);
    assert_int_equal(ac_semaphore_acquire(&s, 1), -ECANCELED);
    assert_int_equal(ac_semaphore_available(&s), 3);
}

static int read_lock(void *l) {
    return ac_rwlock_read_lock(l);
}

static int write_lock(void *l) {
    return ac_rwlock_write_lock(l);
}

static void test_rwlock(void **state) {
    (void)state;
    ac_rwlock l;
    ac_rwlock_init(&l);
    assert_int_equal(ac_rwlock_read_lock(&l), 0);
    assert_int_equal(ac_rwlock_read_lock(&l), 0);
    expect_deadlock(write_lock, &l, "ac_rwlock_write_lock");
    assert_int_equal(ac_rwlock_read_unlock(&l), 0);
    assert_int_equal(ac_rwlock_read_unlock(&l), 0);
    assert_int_equal(ac_rwlock_read_unlock(&l), -EPERM);
    assert_int_equal(ac_rwlock_write_lock(&l), 0);
    assert_int_equal(ac_rwlock_try_read_lock(&l), -EBUSY);
    expect_deadlock(read_lock, &l, "ac_rwlock_read_lock");
    assert_int_equal(ac_rwlock_write_unlock(&l), 0);
    assert_int_equal(ac_rwlock_write_unlock(&l), -EPERM);
}

static int notified(void *n) {
    return ac_notified(n);
}

static void test_notify(void **state) {
    (void)state;
    ac_notify n;
    ac_notify_init(&n);
    ac_notify_one(&n);
    ac_notify_one(&n);
    assert_int_equal(ac_notified(&n), 0);
    expect_deadlock(notified, &n, "ac_notified"); /* one permit, not two */
    ac_notify_all(&n);
    expect_deadlock(notified, &n, "ac_notified"); /* notify_all stores nothing */
}

static int barrier_wait(void *b) {
    return ac_barrier_wait(b);
}

static void test_barrier(void **state) {
    (void)state;
    ac_barrier b;
    assert_int_equal(ac_barrier_init(&b, 0), -EINVAL);
    assert_int_equal(ac_barrier_init(&b, 1), 0);
    assert_int_equal(ac_barrier_wait(&b), AC_BARRIER_LEADER);
    assert_int_equal(ac_barrier_wait(&b), AC_BARRIER_LEADER);
    assert_int_equal(ac_barrier_init(&b, 2), 0);
    expect_deadlock(barrier_wait, &b, "ac_barrier_wait");
    assert_int_equal(b.arrived, 0); /* the failed wait is not an arrival */
}

static int cancelled(void *t) {
    return ac_cancelled(t);
}

static void test_cancel_token(void **state) {
    (void)state;
    ac_cancel_token root, a, a1, b;
    ac_cancel_token_init(&root);
    ac_cancel_token_init_child(&a, &root);
    ac_cancel_token_init_child(&a1, &a);
    ac_cancel_token_init_child(&b, &root);
    expect_deadlock(cancelled, &a1, "ac_cancelled");
    ac_cancel_token_cancel(&a);
    assert_int_equal(ac_cancelled(&a1), 0);
    assert_false(ac_cancel_token_is_cancelled(&root));
    assert_false(ac_cancel_token_is_cancelled(&b));
    ac_cancel_token_destroy(&b);
    ac_cancel_token_cancel(&root);
    assert_false(ac_cancel_token_is_cancelled(&b));
    assert_int_equal(ac_cancelled(&root), 0);
    ac_cancel_token_destroy(&a1);
    ac_cancel_token_destroy(&a);
    ac_cancel_token_destroy(&root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutex),   cmocka_unit_test(test_semaphore),
        cmocka_unit_test(test_rwlock),  cmocka_unit_test(test_notify),
        cmocka_unit_test(test_barrier), cmocka_unit_test(test_cancel_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
