/* test_root.c - roots (ac_root_*): blocking on a frame the caller owns and polls, as
 * generated code does for ac_block_on. */
#define _POSIX_C_SOURCE 200809L /* dup, dup2, fileno: to read what goes to stderr */

#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#define NS_PER_MS UINT64_C(1000000)

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* ---- stderr capture: the messages of a failed block_on ---------------------------------- */

typedef struct capture {
    FILE *file;
    int saved_fd;
    char text[512];
} capture;

static void capture_begin(capture *c) {
    fflush(stderr);
    c->file = tmpfile();
    assert_non_null(c->file);
    c->saved_fd = dup(STDERR_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(fileno(c->file), STDERR_FILENO) >= 0);
}

/* Restores stderr; returns what was written to it meanwhile. */
static const char *capture_end(capture *c) {
    fflush(stderr);
    assert_true(dup2(c->saved_fd, STDERR_FILENO) >= 0);
    close(c->saved_fd);
    rewind(c->file);
    size_t n = fread(c->text, 1, sizeof c->text - 1, c->file);
    c->text[n] = '\0';
    fclose(c->file);
    return c->text;
}

static void assert_stats(const task_stats *s, int polls, int drops) {
    assert_int_equal(s->polls, polls);
    assert_int_equal(s->drops, drops);
}

/* ---- running a root ------------------------------------------------------------------------ */

/* A root ready at its first poll: polled once, nothing printed, nothing left behind. */
static void test_root_ready_at_once(void **state) {
    (void)state;
    task_stats rs = {0};
    step root[] = {S_CALL(call_trace, "R"), S_END(5)};
    int v = 0;
    capture c;
    capture_begin(&c);
    int rc = script_block_on_root(root, &rs, "ready", &v);
    assert_string_equal(capture_end(&c), "");
    assert_int_equal(rc, 0);
    assert_int_equal(v, 5);
    assert_stats(&rs, 1, 0);
    assert_string_equal(trace_get(), "R");
    assert_int_equal(aci_tasks_live(), 0);
}

/* A root parked on an event that another task fires: wait runs that task, returns
 * when the root is woken, and the root is polled exactly once more. */
static void test_root_woken_by_other_task(void **state) {
    (void)state;
    gate g = {0};
    task_stats rs = {0};
    step opener[] = {S_CALL(call_trace, "O0"), S_YIELD(),
                     S_CALL(call_trace, "O1"), S_CALL(call_open, &g),
                     S_CALL(call_trace, "O2"), S_END(0)};
    ac_task *o = script_spawn(opener, NULL);
    step root[] = {S_CALL(call_trace, "R0"), S_GATE(&g), S_CALL(call_trace, "R1"), S_JOIN(&o, NULL),
                   S_END(7)};
    int v = 0;
    assert_int_equal(script_block_on_root(root, &rs, "woken", &v), 0);
    assert_int_equal(v, 7);
    assert_string_equal(trace_get(), "R0 O0 O1 O2 R1");
    assert_stats(&rs, 2, 0);
    assert_int_equal(g.polls, 2);
    assert_int_equal(aci_tasks_live(), 0);
}

/* The root is queued like any task: its yields go behind the tasks already queued. */
static void test_root_yields_round_robin(void **state) {
    (void)state;
    ac_task *a = yielder_spawn("A", 2);
    ac_task *b = yielder_spawn("B", 2);
    int ra = 0, rb = 0;
    step root[] = {S_CALL(call_trace, "R0"),
                   S_YIELD(),
                   S_CALL(call_trace, "R1"),
                   S_YIELD(),
                   S_CALL(call_trace, "R2"),
                   S_JOIN(&a, &ra),
                   S_JOIN(&b, &rb),
                   S_CALL(call_trace, "R3"),
                   S_END(0)};
    int v = -1;
    assert_int_equal(script_block_on_root(root, NULL, "yields", &v), 0);
    assert_int_equal(v, 0);
    assert_string_equal(trace_get(), "R0 A0 B0 R1 A1 B1 R2 A. B. R3");
    assert_int_equal(ra + rb, 4);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A root waking itself during its poll is polled again once, behind the queued tasks. */
static void test_root_wake_during_own_poll_repolls(void **state) {
    (void)state;
    gate g = {0};
    task_stats rs = {0};
    step other[] = {S_CALL(call_trace, "O0"), S_YIELD(), S_CALL(call_trace, "O1"),
                    S_CALL(call_open, &g), S_END(2)};
    script_spawn(other, NULL);
    step root[] = {S_CALL(call_wake_self, NULL), S_CALL(call_wake_self, NULL), S_GATE(&g),
                   S_CALL(call_trace, "R!"), S_END(1)};
    int v = 0;
    assert_int_equal(script_block_on_root(root, &rs, "self", &v), 0);
    assert_int_equal(v, 1);
    assert_string_equal(trace_get(), "O0 O1 R!");
    assert_stats(&rs, 3, 0);
    assert_int_equal(g.polls, 3);
}

/* A sleeping root: wait sleeps until its timer is due, firing earlier timers of other
 * tasks first. */
static void test_root_sleeps_on_timer(void **state) {
    (void)state;
    task_stats rs = {0};
    ac_task *s = sleeper_spawn("S", 10);
    uint64_t slept_ns = 0;
    /* 300 against 10 ms: S arms its timer at its first poll, after the root's, and
     * under valgrind on a loaded machine that can come many milliseconds later. */
    step root[] = {S_SLEEP(300), S_CALL(call_trace, "R"), S_JOIN(&s, &slept_ns), S_END(3)};
    int v = 0;
    uint64_t start = test_now_ns();
    assert_int_equal(script_block_on_root(root, &rs, "sleeps", &v), 0);
    uint64_t elapsed = test_now_ns() - start;
    assert_int_equal(v, 3);
    assert_string_equal(trace_get(), "S R");
    assert_true(slept_ns >= 10 * NS_PER_MS);
    assert_true(elapsed >= 300 * NS_PER_MS);
    assert_true(elapsed < 5000 * NS_PER_MS);
    assert_stats(&rs, 2, 0);
    assert_int_equal(aci_timers_armed(), 0);
    assert_int_equal(aci_tasks_live(), 0);
}

/* Leaving drops every task still alive and forgets every timer, as the outermost
 * ac_task_block_on does. */
static void test_root_leave_drops_leftovers(void **state) {
    (void)state;
    gate g = {0};
    task_stats ps = {0}, pg = {0};
    step sleeps[] = {S_SLEEP(10000), S_END(0)};
    step parks[] = {S_GATE(&g), S_END(0)};
    script_spawn(sleeps, &ps);
    ac_detach(script_spawn(parks, &pg));
    step root[] = {S_YIELD(), S_END(4)};
    int v = 0;
    uint64_t start = test_now_ns();
    assert_int_equal(script_block_on_root(root, NULL, "leftovers", &v), 0);
    assert_true(test_now_ns() - start < 5000 * NS_PER_MS);
    assert_int_equal(v, 4);
    assert_stats(&ps, 1, 1);
    assert_stats(&pg, 1, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(aci_timers_armed(), 0);
    assert_int_equal(aci_tasks_live(), 0);
}

/* ---- failures ------------------------------------------------------------------------------ */

/* Nothing runnable and no timer while the root waits: wait says so on stderr and
 * returns -1; the caller drops the frame, and leaving drops the other tasks. The
 * executor works again afterwards. */
static void test_root_deadlock(void **state) {
    (void)state;
    gate g = {0}, g2 = {0};
    task_stats rs = {0}, ws = {0};
    step other[] = {S_GATE(&g2), S_END(0)};
    script_spawn(other, &ws);
    step root[] = {S_YIELD(), S_GATE(&g), S_END(0)};
    int untouched = 42;
    capture c;
    capture_begin(&c);
    int rc = script_block_on_root(root, &rs, "stuck", &untouched);
    assert_string_equal(capture_end(&c),
                        "asyncc: deadlock: ac_block_on(stuck): no task is runnable and no timer "
                        "is armed: dropped, result zero\n");
    assert_int_equal(rc, -1);
    assert_int_equal(untouched, 42);
    assert_stats(&rs, 2, 1);
    assert_stats(&ws, 1, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(g2.dropped, 1);
    assert_int_equal(aci_tasks_live(), 0);

    step again[] = {S_YIELD(), S_END(4)};
    int v = 0;
    assert_int_equal(script_block_on_root(again, NULL, "again", &v), 0);
    assert_int_equal(v, 4);
}

/* A root that deadlocks while joining a task: dropping the root's frame gives the
 * handle up before leaving drops and frees the task (ASan and valgrind check the
 * order). No name, no message. */
static void test_root_deadlock_in_join_is_silent_without_name(void **state) {
    (void)state;
    gate g = {0};
    task_stats ws = {0};
    step parked[] = {S_GATE(&g), S_END(0)};
    ac_task *w = script_spawn(parked, &ws);
    step root[] = {S_JOIN(&w, NULL), S_END(0)};
    int untouched = 42;
    capture c;
    capture_begin(&c);
    int rc = script_block_on_root(root, NULL, NULL, &untouched);
    assert_string_equal(capture_end(&c), "");
    assert_int_equal(rc, -1);
    assert_int_equal(untouched, 42);
    assert_stats(&ws, 1, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

typedef struct nested_root {
    const step *steps;
    task_stats *stats;
    const char *name;
    int rc;
    int out;
} nested_root;

static void call_block_on_root(void *arg, ac_task *self) {
    (void)self;
    nested_root *n = arg;
    n->rc = script_block_on_root(n->steps, n->stats, n->name, &n->out);
}

static void assert_refused(const nested_root *n, const task_stats *inner, const char *message,
                           const char *expected) {
    assert_int_equal(n->rc, -1);
    assert_int_equal(n->out, 42);
    assert_stats(inner, 0, 0);
    assert_string_equal(message, expected);
}

/* Entering a root inside a poll - of a task, or of another root - is refused with a
 * message: nothing of it runs, and the outer block_on goes on undisturbed. */
static void test_nested_root_refused(void **state) {
    (void)state;
    task_stats inner = {0};
    step inner_body[] = {S_CALL(call_trace, "inner"), S_END(1)};
    nested_root n = {inner_body, &inner, "inner", 0, 42};
    step outer[] = {S_CALL(call_block_on_root, &n), S_YIELD(), S_CALL(call_trace, "R"), S_END(0)};
    capture c;

    capture_begin(&c);
    assert_int_equal(ac_task_block_on(script_new(outer, NULL), NULL), 0);
    assert_refused(&n, &inner, capture_end(&c),
                   "asyncc: ac_block_on(inner): inside a poll, where it cannot run: not run, "
                   "result zero\n");
    assert_string_equal(trace_get(), "R");

    trace_reset();
    n.rc = 0;
    int v = 0;
    capture_begin(&c);
    assert_int_equal(script_block_on_root(outer, NULL, "outer", &v), 0);
    assert_refused(&n, &inner, capture_end(&c),
                   "asyncc: ac_block_on(inner): inside a poll, where it cannot run: not run, "
                   "result zero\n");
    assert_string_equal(trace_get(), "R");
    assert_int_equal(aci_tasks_live(), 0);
}

typedef struct nested_task {
    const step *steps;
    task_stats *stats;
    int rc;
} nested_task;

static void call_task_block_on(void *arg, ac_task *self) {
    (void)self;
    nested_task *n = arg;
    n->rc = ac_task_block_on(script_new(n->steps, n->stats), NULL);
}

/* ac_task_block_on inside a root's poll is refused as inside a task's: its task never
 * runs and leaving the root drops it. */
static void test_task_block_on_inside_root_refused(void **state) {
    (void)state;
    task_stats inner = {0};
    step inner_body[] = {S_CALL(call_trace, "inner"), S_END(1)};
    nested_task n = {inner_body, &inner, 0};
    step root[] = {S_CALL(call_task_block_on, &n), S_YIELD(), S_CALL(call_trace, "R"), S_END(0)};
    int v = -1;
    assert_int_equal(script_block_on_root(root, NULL, "root", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(n.rc, -1);
    assert_stats(&inner, 0, 1);
    assert_string_equal(trace_get(), "R");
    assert_int_equal(aci_tasks_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_root_ready_at_once, setup),
        cmocka_unit_test_setup(test_root_woken_by_other_task, setup),
        cmocka_unit_test_setup(test_root_yields_round_robin, setup),
        cmocka_unit_test_setup(test_root_wake_during_own_poll_repolls, setup),
        cmocka_unit_test_setup(test_root_sleeps_on_timer, setup),
        cmocka_unit_test_setup(test_root_leave_drops_leftovers, setup),
        cmocka_unit_test_setup(test_root_deadlock, setup),
        cmocka_unit_test_setup(test_root_deadlock_in_join_is_silent_without_name, setup),
        cmocka_unit_test_setup(test_nested_root_refused, setup),
        cmocka_unit_test_setup(test_task_block_on_inside_root_refused, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
