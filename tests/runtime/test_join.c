/* test_join.c - spawn, join handles, detach and block_on results. */
#include "handles.h"
#include "internal.h"
#include "machines.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

static void assert_record_is(const record *r, int id) {
    record want = record_expected(id);
    assert_int_equal(r->id, want.id);
    assert_true(r->x == want.x);
    assert_true(r->wide == want.wide);
    assert_string_equal(r->name, want.name);
}

/* Joining a task that has not finished suspends until it does, then copies the
 * struct result. */
static void test_join_before_completion(void **state) {
    (void)state;
    ac_task *t = record_spawn(11, 3);
    record got = {0};
    task_stats rs = {0};
    step root[] = {S_JOIN(&t, &got), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, &rs), NULL), 0);
    assert_record_is(&got, 11);
    assert_true(record_out_aligned());
    assert_int_equal(rs.polls, 2); /* suspended once in the join */
    assert_int_equal(aci_tasks_live(), 0);
}

/* Joining a finished task completes in the same poll. */
static void test_join_after_completion(void **state) {
    (void)state;
    ac_task *t = record_spawn(12, 0);
    record got = {0};
    task_stats rs = {0};
    step root[] = {S_YIELD(), S_JOIN(&t, &got), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, &rs), NULL), 0);
    assert_record_is(&got, 12);
    assert_int_equal(rs.polls, 2); /* the yield's poll; the join did not suspend */
}

/* A void task has no result: the join copies nothing, even given an out pointer. */
static void test_join_void_result(void **state) {
    (void)state;
    step body[] = {S_YIELD(), S_CALL(call_trace, "V"), S_END(99)};
    ac_task *v1 = ac_task_spawn(script_new_void(body, NULL));
    ac_task *v2 = ac_task_spawn(script_new_void(body, NULL));
    int untouched = 42;
    step root[] = {S_JOIN(&v1, NULL), S_JOIN(&v2, &untouched), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "V V");
    assert_int_equal(untouched, 42);
}

/* Joining NULL (a failed spawn) completes at once and leaves out alone. */
static void test_join_null_handle(void **state) {
    (void)state;
    ac_task *none = NULL;
    int untouched = 42;
    task_stats rs = {0};
    step root[] = {S_JOIN(&none, &untouched), S_END(5)};
    int result = 0;
    assert_int_equal(ac_task_block_on(script_new(root, &rs), &result), 0);
    assert_int_equal(result, 5);
    assert_int_equal(untouched, 42);
    assert_int_equal(rs.polls, 1);
}

static void test_join_many_int_results(void **state) {
    (void)state;
    enum { N = 50 };
    static step bodies[N][3];
    ac_task *handles[N];
    int results[N];
    step root[N + 1];
    for (int i = 0; i < N; i++) {
        step body[] = {S_YIELD(), S_YIELD(), S_END(i * i)};
        memcpy(bodies[i], body, sizeof body);
        handles[i] = script_spawn(bodies[i], NULL);
        results[i] = -1;
        root[i] = (step)S_JOIN(&handles[i], &results[i]);
    }
    root[N] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(results[i], i * i);
    assert_int_equal(aci_tasks_live(), 0);
}

/* block_on copies the result of the task it runs, or discards it given NULL. */
static void test_block_on_copies_result(void **state) {
    (void)state;
    record got = {0};
    assert_int_equal(ac_task_block_on(record_spawn(21, 2), &got), 0);
    assert_record_is(&got, 21);
    assert_int_equal(ac_task_block_on(record_spawn(22, 0), NULL), 0);
    step body[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new_void(body, NULL), NULL), 0);
    assert_int_equal(aci_tasks_live(), 0);
}

static void call_expect_live(void *count, ac_task *self) {
    (void)self;
    assert_int_equal(aci_tasks_live(), *(size_t *)count);
}

static void call_detach(void *handle_slot, ac_task *self) {
    (void)self;
    ac_task **slot = handle_slot;
    ac_detach(*slot);
    *slot = NULL;
}

/* A task detached while running runs to completion and is freed when it finishes. */
static void test_detach_before_completion(void **state) {
    (void)state;
    ac_task *d = yielder_spawn("D", 2);
    size_t two = 2, one = 1;
    step root[] = {S_CALL(call_expect_live, &two),
                   S_CALL(call_detach, &d),
                   S_YIELD(),
                   S_CALL(call_expect_live, &two),
                   S_YIELD(),
                   S_CALL(call_expect_live, &one),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "D0 D1 D.");
}

/* Detaching a finished task frees it at once; detaching NULL does nothing. */
static void test_detach_after_completion(void **state) {
    (void)state;
    ac_task *d = yielder_spawn("D", 0);
    ac_task *none = NULL;
    size_t two = 2, one = 1;
    step root[] = {S_YIELD(),
                   S_CALL(call_expect_live, &two),
                   S_CALL(call_detach, &d),
                   S_CALL(call_expect_live, &one),
                   S_CALL(call_detach, &none),
                   S_CALL(call_expect_live, &one),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "D.");
}

typedef struct join_then_drop {
    ac_task **handle;
    int out;
} join_then_drop;

/* Suspend a join on *handle from inside the running task, then drop the join frame,
 * as a generated select or a cancelled parent would. */
static void call_join_then_drop(void *arg, ac_task *self) {
    join_then_drop *j = arg;
    ac_join_frame f;
    ac_join_init(&f, *j->handle, &j->out);
    ac_cx cx = {.task = self};
    assert_int_equal(ac_join_poll(&f, &cx, NULL), AC_PENDING);
    ac_join_drop(&f);
    *j->handle = NULL;
}

static void call_spawn_detached(void *steps, ac_task *self) {
    (void)self;
    ac_detach(script_spawn(steps, NULL));
}

/* Dropping a waiting join unregisters the waiter and detaches the task: it finishes
 * later without waking the dropped waiter, and is freed. */
static void test_drop_waiting_join_detaches(void **state) {
    (void)state;
    gate g = {0}, g2 = {0};
    step child_body[] = {S_GATE(&g), S_CALL(call_trace, "C"), S_END(4)};
    ac_task *child = script_spawn(child_body, NULL);
    join_then_drop jd = {&child, -1};
    step opener[] = {S_CALL(call_open, &g),  S_YIELD(), S_YIELD(), S_CALL(call_trace, "O"),
                     S_CALL(call_open, &g2), S_END(0)};
    size_t one = 1;
    step root[] = {
        S_YIELD(),   S_CALL(call_join_then_drop, &jd), S_CALL(call_spawn_detached, opener),
        S_GATE(&g2), S_CALL(call_expect_live, &one),   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "C O");
    assert_int_equal(g2.polls, 2); /* the child's completion did not wake the root */
    assert_int_equal(jd.out, -1);
}

/* A join frame dropped before its first poll gives the handle up too. */
static void call_drop_unpolled_join(void *handle_slot, ac_task *self) {
    (void)self;
    ac_join_frame f;
    ac_join_init(&f, *(ac_task **)handle_slot, NULL);
    ac_join_drop(&f);
    *(ac_task **)handle_slot = NULL;
}

static void test_drop_unpolled_join_frees_finished_task(void **state) {
    (void)state;
    ac_task *d = yielder_spawn("D", 0);
    size_t one = 1;
    step root[] = {S_YIELD(), S_CALL(call_drop_unpolled_join, &d), S_CALL(call_expect_live, &one),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "D.");
}

/* ---- misuse: errors, not corrupted memory ----------------------------------------------- */

static void misuse_drop_erased(void *frame) {
    misuse_drop(frame);
}
static ac_poll misuse_poll_erased(void *frame, ac_cx *cx, void *out) {
    return misuse_poll(frame, cx, out);
}
static const ac_vtable misuse_vtable = {misuse_poll_erased, misuse_drop_erased,
                                        sizeof(misuse_frame), sizeof(int), NULL};

/* A join into the wrong type, a second join (also once the block serves a new task), a
 * detach after the join, a second detach and a join after a detach: each an error
 * value; the right join in between gets the result. */
static void test_join_misuse_is_an_error(void **state) {
    (void)state;
    misuse_report r = {{0}, 0};
    ac_task *t = ac_task_new(&misuse_vtable);
    misuse_init(ac_task_frame(t), &r);
    int got = 0;
    assert_int_equal(ac_task_block_on(t, &got), 0);
    for (int i = 0; i < MISUSE_STEPS; i++)
        assert_int_equal(r.codes[i], misuse_expected[i]);
    assert_int_equal(got, 7);
    assert_true(r.same_block); /* the stale handle's block was another task's */
    assert_int_equal(aci_tasks_live(), 0);
}

/* Two tasks join one handle: the second is refused, the first gets the result. */
static void test_second_joiner_refused(void **state) {
    (void)state;
    int g1 = 0, g2 = 42, r1 = 1, r2 = 1;
    ac_task *c = value_spawn(5, 3);
    ac_task *j1 = joiner_spawn(c, &g1);
    ac_task *j2 = joiner_spawn(c, &g2);
    step root[] = {S_JOIN(&j1, &r1), S_JOIN(&j2, &r2), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(r1, 0);
    assert_int_equal(g1, 5);
    assert_int_equal(r2, -EBADF);
    assert_int_equal(g2, 42);
    assert_int_equal(aci_tasks_live(), 0);
}

/* NULL is no handle; block_on of a handle already given up runs nothing. */
static void test_null_and_stale_handles(void **state) {
    (void)state;
    assert_int_equal(ac_detach(NULL), -EBADF);
    ac_task *h = value_spawn(1, 0);
    assert_int_equal(ac_detach(h), 0);
    assert_int_equal(ac_task_block_on(h, NULL), -1); /* detached: not a handle now */
    assert_int_equal(ac_task_block_on(value_spawn(2, 0), NULL), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_join_before_completion, setup),
        cmocka_unit_test_setup(test_join_after_completion, setup),
        cmocka_unit_test_setup(test_join_void_result, setup),
        cmocka_unit_test_setup(test_join_null_handle, setup),
        cmocka_unit_test_setup(test_join_many_int_results, setup),
        cmocka_unit_test_setup(test_block_on_copies_result, setup),
        cmocka_unit_test_setup(test_detach_before_completion, setup),
        cmocka_unit_test_setup(test_detach_after_completion, setup),
        cmocka_unit_test_setup(test_drop_waiting_join_detaches, setup),
        cmocka_unit_test_setup(test_drop_unpolled_join_frees_finished_task, setup),
        cmocka_unit_test_setup(test_join_misuse_is_an_error, setup),
        cmocka_unit_test_setup(test_second_joiner_refused, setup),
        cmocka_unit_test_setup(test_null_and_stale_handles, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
