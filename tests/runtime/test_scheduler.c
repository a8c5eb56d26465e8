/* test_scheduler.c - run-queue order, fairness of yields, wake semantics. */
#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* Tasks run in the order they were queued; the root, queued last, joins them. */
static void test_queue_is_fifo(void **state) {
    (void)state;
    ac_task *a = yielder_spawn("A", 0);
    ac_task *b = yielder_spawn("B", 0);
    ac_task *c = yielder_spawn("C", 0);
    int ra = -1, rb = -1, rc = -1;
    step root[] = {S_CALL(call_trace, "R"), S_JOIN(&a, &ra), S_JOIN(&b, &rb), S_JOIN(&c, &rc),
                   S_END(7)};
    int result = 0;
    assert_int_equal(ac_task_block_on(script_new(root, NULL), &result), 0);
    assert_int_equal(result, 7);
    assert_string_equal(trace_get(), "A. B. C. R");
    assert_int_equal(ra, 0);
    assert_int_equal(rb, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(aci_tasks_live(), 0);
}

typedef struct spawn_two {
    ac_task **a, **b;
} spawn_two;

static void call_spawn_two_yielders(void *arg, ac_task *self) {
    (void)self;
    spawn_two *s = arg;
    *s->a = yielder_spawn("A", 2);
    *s->b = yielder_spawn("B", 2);
}

/* A yield puts the task behind every task already queued: round robin. */
static void test_yields_round_robin(void **state) {
    (void)state;
    ac_task *a = NULL, *b = NULL;
    spawn_two spawn = {&a, &b};
    int ra = 0, rb = 0;
    step root[] = {S_CALL(call_spawn_two_yielders, &spawn),
                   S_CALL(call_trace, "R0"),
                   S_YIELD(),
                   S_CALL(call_trace, "R1"),
                   S_YIELD(),
                   S_CALL(call_trace, "R2"),
                   S_JOIN(&a, &ra),
                   S_JOIN(&b, &rb),
                   S_CALL(call_trace, "R3"),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "R0 A0 B0 R1 A1 B1 R2 A. B. R3");
    assert_int_equal(ra, 2);
    assert_int_equal(rb, 2);
}

static void test_yields_interleave_three_tasks(void **state) {
    (void)state;
    ac_task *t[3] = {yielder_spawn("A", 3), yielder_spawn("B", 3), yielder_spawn("C", 3)};
    int r[3] = {0, 0, 0};
    step root[] = {S_JOIN(&t[0], &r[0]), S_JOIN(&t[1], &r[1]), S_JOIN(&t[2], &r[2]), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "A0 B0 C0 A1 B1 C1 A2 B2 C2 A. B. C.");
    assert_int_equal(r[0] + r[1] + r[2], 9);
}

static void call_wake_twice(void *handle_slot, ac_task *self) {
    call_wake(handle_slot, self);
    call_wake(handle_slot, self);
}

/* Two wakes of a parked task before it runs queue it once: one extra poll. */
static void test_double_wake_queues_once(void **state) {
    (void)state;
    gate g = {0};
    task_stats ws = {0};
    step waiter[] = {S_GATE(&g), S_END(1)};
    ac_task *w = script_spawn(waiter, &ws);
    step driver[] = {S_CALL(call_wake_twice, &w), S_YIELD(), S_YIELD(), S_CALL(call_open, &g),
                     S_END(2)};
    ac_task *d = script_spawn(driver, NULL);
    int rw = 0, rd = 0;
    step root[] = {S_JOIN(&w, &rw), S_JOIN(&d, &rd), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    /* first poll, the poll after the two wakes, the poll after the gate opened */
    assert_int_equal(ws.polls, 3);
    assert_int_equal(g.polls, 3);
    assert_int_equal(rw, 1);
    assert_int_equal(rd, 2);
}

/* A task waking itself during its poll is polled again after that poll returns
 * PENDING - once, however many wakes - and behind the tasks already queued. */
static void test_wake_during_own_poll_repolls(void **state) {
    (void)state;
    gate g = {0};
    task_stats ss = {0};
    step self_waker[] = {S_CALL(call_trace, "S"),      S_CALL(call_wake_self, NULL),
                         S_CALL(call_wake_self, NULL), S_GATE(&g),
                         S_CALL(call_trace, "S!"),     S_END(1)};
    ac_task *s = script_spawn(self_waker, &ss);
    step other[] = {S_CALL(call_trace, "O0"), S_YIELD(), S_CALL(call_trace, "O1"),
                    S_CALL(call_open, &g), S_END(2)};
    ac_task *o = script_spawn(other, NULL);
    step root[] = {S_JOIN(&s, NULL), S_JOIN(&o, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "S O0 O1 S!");
    assert_int_equal(ss.polls, 3);
    assert_int_equal(g.polls, 3);
}

/* Waking itself during the poll that finishes it does not poll a finished task. */
static void test_wake_during_final_poll_is_ignored(void **state) {
    (void)state;
    task_stats fs = {0};
    step finisher[] = {S_CALL(call_wake_self, NULL), S_END(9)};
    ac_task *f = script_spawn(finisher, &fs);
    int rf = 0;
    step root[] = {S_YIELD(), S_YIELD(), S_JOIN(&f, &rf), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(fs.polls, 1);
    assert_int_equal(rf, 9);
}

/* Waking a finished (not yet joined) task does nothing. */
static void test_wake_finished_task_is_ignored(void **state) {
    (void)state;
    task_stats fs = {0};
    step finisher[] = {S_END(3)};
    ac_task *f = script_spawn(finisher, &fs);
    int rf = 0;
    task_stats rs = {0};
    step root[] = {S_YIELD(), S_CALL(call_wake, &f), S_YIELD(), S_JOIN(&f, &rf), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, &rs), NULL), 0);
    assert_int_equal(fs.polls, 1);
    assert_int_equal(rf, 3);
    assert_int_equal(rs.polls, 3);
}

/* ac_wake on a queued task keeps its place in the queue. */
static void test_wake_queued_task_keeps_place(void **state) {
    (void)state;
    ac_task *a = yielder_spawn("A", 1);
    ac_task *b = yielder_spawn("B", 1);
    step root[] = {S_CALL(call_wake, &a), S_CALL(call_trace, "R"), S_JOIN(&a, NULL),
                   S_JOIN(&b, NULL), S_END(0)};
    ac_task *r = script_new(root, NULL);
    /* a and b are queued before the root; waking a again must not move it behind b. */
    ac_wake(a);
    assert_int_equal(ac_task_block_on(r, NULL), 0);
    assert_string_equal(trace_get(), "A0 B0 R A. B.");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_queue_is_fifo, setup),
        cmocka_unit_test_setup(test_yields_round_robin, setup),
        cmocka_unit_test_setup(test_yields_interleave_three_tasks, setup),
        cmocka_unit_test_setup(test_double_wake_queues_once, setup),
        cmocka_unit_test_setup(test_wake_during_own_poll_repolls, setup),
        cmocka_unit_test_setup(test_wake_during_final_poll_is_ignored, setup),
        cmocka_unit_test_setup(test_wake_finished_task_is_ignored, setup),
        cmocka_unit_test_setup(test_wake_queued_task_keeps_place, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
