/* test_signal.c - signals as awaitable events: real signals sent with kill(getpid()). */
#define _POSIX_C_SOURCE 200809L /* kill */
#include "internal.h"
#include "machines.h"

#include "ac_signal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

DEFINE_VTABLE(ac_signal_wait, sizeof(int));

static ac_task *waiter_spawn(int signo) {
    ac_task *t = ac_task_new(&ac_signal_wait_vtable);
    assert_non_null(t);
    ac_signal_wait_init(ac_task_frame(t), signo);
    return ac_task_spawn(t);
}

static void call_kill(void *signo, ac_task *self) {
    (void)self;
    assert_int_equal(kill(getpid(), *(int *)signo), 0);
}

static void call_expect_io_waiters(void *count, ac_task *self) {
    (void)self;
    assert_int_equal(aci_loop_this.io_waiters, *(size_t *)count);
}

/* Every task waiting for the signal wakes with its number; one waiting for another
 * signal stays parked until that one comes. */
static void check_broadcast(int signo, int other) {
    ac_task *a = waiter_spawn(signo), *b = waiter_spawn(signo), *c = waiter_spawn(other);
    int ra = 0, rb = 0, rc = 0;
    size_t three = 3, one = 1;
    step root[] = {S_YIELD(),
                   S_CALL(call_expect_io_waiters, &three),
                   S_CALL(call_kill, &signo),
                   S_JOIN(&a, &ra),
                   S_JOIN(&b, &rb),
                   S_CALL(call_expect_io_waiters, &one),
                   S_CALL(call_kill, &other),
                   S_JOIN(&c, &rc),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(ra, signo);
    assert_int_equal(rb, signo);
    assert_int_equal(rc, other);
    assert_int_equal(aci_loop_this.io_waiters, 0);
}

static void test_sigterm_wakes_every_waiter(void **state) {
    (void)state;
    check_broadcast(SIGTERM, SIGINT);
}

static void test_sighup_and_sigusr1(void **state) {
    (void)state;
    check_broadcast(SIGHUP, SIGUSR1);
}

/* A delivery while nobody waits is kept for the next wait, which returns at once. */
static void test_delivery_kept_for_next_wait(void **state) {
    (void)state;
    int signo = SIGUSR2;
    ac_task *first = waiter_spawn(signo);
    int r1 = 0, r2 = 0;
    step root[] = {S_YIELD(),           S_CALL(call_kill, &signo),
                   S_JOIN(&first, &r1), S_CALL(call_kill, &signo),
                   S_YIELD(),           S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(r1, signo);
    /* No task waited for the second one: the next wait takes it without a kill. */
    ac_task *second = waiter_spawn(signo);
    assert_int_equal(ac_task_block_on(second, &r2), 0);
    assert_int_equal(r2, signo);
}

/* Refused numbers return -EINVAL at once, and leave nothing parked. */
static void test_refused_signals(void **state) {
    (void)state;
    static const int refused[] = {0, -3, AC_SIGNAL_MAX + 1, SIGKILL, SIGSTOP, SIGSEGV};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int r = 0;
        assert_int_equal(ac_task_block_on(waiter_spawn(refused[i]), &r), 0);
        assert_int_equal(r, -EINVAL);
    }
    assert_int_equal(aci_loop_this.io_waiters, 0);
}

/* A waiting task dropped at the end of block_on leaves the signal's list. */
static void test_dropped_wait_unparks(void **state) {
    (void)state;
    ac_detach(waiter_spawn(SIGWINCH));
    size_t one = 1;
    step root[] = {S_YIELD(), S_CALL(call_expect_io_waiters, &one), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(aci_loop_this.io_waiters, 0);
    assert_int_equal(aci_tasks_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sigterm_wakes_every_waiter, setup),
        cmocka_unit_test_setup(test_sighup_and_sigusr1, setup),
        cmocka_unit_test_setup(test_delivery_kept_for_next_wait, setup),
        cmocka_unit_test_setup(test_refused_signals, setup),
        cmocka_unit_test_setup(test_dropped_wait_unparks, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
