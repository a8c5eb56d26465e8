/* test_lifecycle.c - task layout, the end of the outermost block_on, deadlock,
 * nested block_on. */
#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#define NS_PER_MS UINT64_C(1000000)

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* The frame follows a 32-byte header and is aligned for any type. */
static void test_task_layout(void **state) {
    (void)state;
    step body[] = {S_END(1)};
    ac_task *t = script_new(body, NULL);
    assert_non_null(t);
    char *frame = ac_task_frame(t);
    assert_int_equal(frame - (char *)t, 32);
    assert_int_equal((uintptr_t)frame % alignof(max_align_t), 0);
    int v = 0;
    assert_int_equal(ac_task_block_on(t, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A hand-written future whose frame is a counter and whose result is `words` words,
 * each the frame's address xor its index: the poll writes the result first and then
 * the frame (as generated code may), so a result put where the frame is before the
 * poll returned would come out wrong. */
typedef struct words_frame {
    uintptr_t polls;
    uintptr_t pad[5]; /* a 48-byte frame, like W7's */
} words_frame;

static ac_poll words_poll(void *frame, ac_cx *cx, void *out, size_t words) {
    (void)cx;
    words_frame *f = frame;
    uintptr_t *result = out;
    for (size_t i = 0; i < words; i++)
        result[i] = (uintptr_t)f ^ i;
    f->polls = UINTPTR_MAX; /* after the result */
    return AC_READY;
}
static ac_poll words1_poll(void *frame, ac_cx *cx, void *out) {
    return words_poll(frame, cx, out, 1);
}
static ac_poll words8_poll(void *frame, ac_cx *cx, void *out) {
    return words_poll(frame, cx, out, 8);
}
static ac_poll words9_poll(void *frame, ac_cx *cx, void *out) {
    return words_poll(frame, cx, out, 9);
}
static void words_drop(void *frame) {
    (void)frame;
}

/* Spawn a words future and check its block size and its result, joined. */
static void assert_words_task(const ac_vtable *vt, size_t words, size_t block_size) {
    assert_int_equal(aci_task_block_size(vt), block_size);
    ac_task *t = ac_task_new(vt);
    assert_non_null(t);
    uintptr_t frame = (uintptr_t)ac_task_frame(t);
    uintptr_t result[9] = {0};
    assert_int_equal(ac_task_block_on(t, result), 0);
    for (size_t i = 0; i < words; i++)
        assert_int_equal(result[i], frame ^ i);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A result of up to ACI_RESULT_SHARED_MAX bytes takes the finished frame's room, and
 * comes out whole even though the poll wrote the frame after it; a larger one has room
 * of its own after the frame. */
static void test_small_results_share_the_frame(void **state) {
    (void)state;
    const ac_vtable one = {words1_poll, words_drop, sizeof(words_frame), sizeof(uintptr_t), NULL};
    const ac_vtable eight = {words8_poll, words_drop, sizeof(words_frame), 8 * sizeof(uintptr_t),
                             NULL};
    const ac_vtable nine = {words9_poll, words_drop, sizeof(words_frame), 9 * sizeof(uintptr_t),
                            NULL};
    assert_words_task(&one, 1, 32 + 48);
    assert_words_task(&eight, 8, 32 + 64); /* larger than the frame: the result's size */
    assert_words_task(&nine, 9, 32 + 48 + 80);
}

static void assert_stats(const task_stats *s, int polls, int drops) {
    assert_int_equal(s->polls, polls);
    assert_int_equal(s->drops, drops);
}

typedef struct spawn_request {
    const step *steps;
    task_stats *stats;
} spawn_request;

static void call_spawn(void *request, ac_task *self) {
    (void)self;
    spawn_request *r = request;
    script_spawn(r->steps, r->stats);
}

/* Every task alive when the outermost block_on ends is dropped once (if unfinished)
 * and freed: parked, detached, sleeping, queued but never polled, finished but never
 * joined, and tasks whose frames hold join handles on other tasks. */
static void test_outermost_block_on_drops_leftovers(void **state) {
    (void)state;
    gate g1 = {0}, g2 = {0}, g3 = {0};
    task_stats p1 = {0}, p2 = {0}, ps = {0}, pf = {0}, pq = {0}, pj = {0}, ph = {0}, pa = {0},
               pb = {0};
    step on_g1[] = {S_GATE(&g1), S_END(0)};
    step on_g2[] = {S_GATE(&g2), S_END(0)};
    step on_g3[] = {S_GATE(&g3), S_END(0)};
    step sleeps[] = {S_SLEEP(10000), S_END(0)};
    step finishes[] = {S_END(1)};
    step never_polled[] = {S_CALL(call_trace, "Q"), S_END(0)};
    script_spawn(on_g1, &p1);
    ac_detach(script_spawn(on_g2, &p2));
    script_spawn(sleeps, &ps);
    script_spawn(finishes, &pf);
    ac_task *h = NULL;
    step joins_h[] = {S_JOIN(&h, NULL), S_END(0)};
    script_spawn(joins_h, &pj);
    h = script_spawn(on_g3, &ph);
    /* a joins b; b finishes and wakes a, but the root ends before a is polled again.
     * b is allocated before a, so dropping a (which detaches b) must not free b while
     * the registry is being walked: that would move the last task (q) into b's slot,
     * already passed, and q would never be dropped. */
    ac_task *b = script_new(finishes, &pb);
    step joins_b[] = {S_JOIN(&b, NULL), S_END(0)};
    script_spawn(joins_b, &pa);
    ac_task_spawn(b);
    spawn_request q = {never_polled, &pq};
    step root[] = {S_CALL(call_spawn, &q), S_END(0)};

    uint64_t start = test_now_ns();
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_true(test_now_ns() - start < 5000 * NS_PER_MS);

    assert_stats(&p1, 1, 1);
    assert_stats(&p2, 1, 1);
    assert_stats(&ps, 1, 1);
    assert_stats(&pf, 1, 0);
    assert_stats(&pq, 0, 1);
    assert_stats(&pj, 1, 1);
    assert_stats(&ph, 1, 1);
    assert_stats(&pa, 1, 1);
    assert_stats(&pb, 1, 0);
    assert_int_equal(g1.dropped + g2.dropped + g3.dropped, 3);
    assert_string_equal(trace_get(), "");
    assert_int_equal(aci_tasks_live(), 0);
    assert_int_equal(aci_timers_armed(), 0);
}

/* Tasks too big for the runtime's size classes run, join and free like the others. */
static void test_large_tasks_run_and_join(void **state) {
    (void)state;
    step bodies[3][3] = {{S_YIELD(), S_CALL(call_trace, "L0"), S_END(10)},
                         {S_YIELD(), S_CALL(call_trace, "L1"), S_END(11)},
                         {S_YIELD(), S_CALL(call_trace, "L2"), S_END(12)}};
    ac_task *t[3];
    int r[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        t[i] = ac_task_spawn(script_new_large(bodies[i], NULL));
        assert_non_null(t[i]);
    }
    step root[] = {S_JOIN(&t[0], &r[0]), S_JOIN(&t[1], &r[1]), S_JOIN(&t[2], &r[2]), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new_large(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "L0 L1 L2");
    assert_int_equal(r[0] + r[1] + r[2], 33);
    assert_int_equal(aci_tasks_live(), 0);
}

/* The same for leftovers: a large task parked, and one whose join frame holds a
 * finished large task allocated before it (dropping the first releases the second
 * while the blocks are being walked). */
static void test_large_leftovers_dropped(void **state) {
    (void)state;
    gate g = {0};
    task_stats pa = {0}, pb = {0}, pp = {0};
    step finishes[] = {S_END(1)};
    ac_task *b = script_new_large(finishes, &pb);
    step joins_b[] = {S_JOIN(&b, NULL), S_END(0)};
    ac_task_spawn(script_new_large(joins_b, &pa));
    ac_task_spawn(b);
    step parked[] = {S_GATE(&g), S_END(0)};
    ac_task_spawn(script_new_large(parked, &pp));
    step root[] = {S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_stats(&pa, 1, 1);
    assert_stats(&pb, 1, 0);
    assert_stats(&pp, 1, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

/* Enough tasks alive at once to fill every chunk size of their class up to the
 * largest (the huge-page chunks of 2 MB) several times over: all run, all are freed. */
static void test_many_tasks_fill_largest_chunks(void **state) {
    (void)state;
    enum { MANY = 60000 }; /* 128-byte blocks on x86-64: 7.7 MB, three 2 MB chunks */
    task_stats each = {0};
    step body[] = {S_END(1)};
    for (int i = 0; i < MANY; i++) {
        ac_task *t = script_spawn(body, &each);
        assert_non_null(t);
        ac_detach(t);
    }
    assert_int_equal(aci_tasks_live(), MANY);
    step root[] = {S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(each.polls, MANY);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A task whose drop spawns a task (as a cancelled connection might spawn its
 * cleanup): parks on a gate; its drop spawns a script. The frame is padded so that
 * its blocks are walked after the scripts' size class. */
typedef struct spawner_frame {
    gate_wait_frame wait;
    int waiting;
    const step *spawn_steps;
    task_stats *spawn_stats;
    char pad[512];
} spawner_frame;

static ac_poll spawner_poll(spawner_frame *self, ac_cx *cx, int *out) {
    self->waiting = gate_wait_poll(&self->wait, cx, NULL) == AC_PENDING;
    if (self->waiting)
        return AC_PENDING;
    *out = 0;
    return AC_READY;
}

static void spawner_drop(spawner_frame *self) {
    if (!self->waiting)
        return;
    gate_wait_drop(&self->wait);
    script_spawn(self->spawn_steps, self->spawn_stats);
}

DEFINE_VTABLE(spawner, sizeof(int));

/* Tasks spawned by drops at the end of block_on are dropped too, even when their
 * block is a recycled one the walk of the blocks had already passed. */
static void test_tasks_spawned_by_drops_are_dropped(void **state) {
    (void)state;
    gate g = {0};
    task_stats pq = {0};
    step cleanup[] = {S_CALL(call_trace, "cleanup"), S_END(0)};
    ac_task *s = ac_task_new(&spawner_vtable);
    assert_non_null(s);
    spawner_frame *f = ac_task_frame(s);
    gate_wait_init(&f->wait, &g);
    f->waiting = 0;
    f->spawn_steps = cleanup;
    f->spawn_stats = &pq;
    ac_task_spawn(s);
    step quick[] = {S_END(5)};
    ac_task *x = script_spawn(quick, NULL);
    int rx = 0;
    step root[] = {S_JOIN(&x, &rx), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(rx, 5);
    assert_int_equal(g.dropped, 1);
    assert_stats(&pq, 0, 1);
    assert_string_equal(trace_get(), "");
    assert_int_equal(aci_tasks_live(), 0);
}

/* A task made with ac_task_new but never queued is not the executor's yet: it
 * survives another block_on and can be run later. */
static void test_unqueued_task_survives_block_on(void **state) {
    (void)state;
    step later_body[] = {S_END(3)};
    ac_task *later = script_new(later_body, NULL);
    step now_body[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(now_body, NULL), NULL), 0);
    assert_int_equal(aci_tasks_live(), 1);
    int v = 0;
    assert_int_equal(ac_task_block_on(later, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(aci_tasks_live(), 0);
}

/* Nothing runnable and no timer while the root is unfinished: -1, after dropping
 * everything. The executor is usable again afterwards. */
static void test_deadlock_returns_minus_one(void **state) {
    (void)state;
    gate g = {0}, g2 = {0};
    task_stats rs = {0}, ws = {0};
    step other[] = {S_GATE(&g2), S_END(0)};
    script_spawn(other, &ws);
    step root[] = {S_YIELD(), S_GATE(&g), S_END(0)};
    int untouched = 42;
    assert_int_equal(ac_task_block_on(script_new(root, &rs), &untouched), -1);
    assert_int_equal(untouched, 42);
    assert_stats(&rs, 2, 1);
    assert_stats(&ws, 1, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(g2.dropped, 1);
    assert_int_equal(aci_tasks_live(), 0);

    step again[] = {S_YIELD(), S_END(4)};
    int v = 0;
    assert_int_equal(ac_task_block_on(script_new(again, NULL), &v), 0);
    assert_int_equal(v, 4);
}

/* A task joining itself can never finish: a deadlock too. */
static void test_self_join_deadlocks(void **state) {
    (void)state;
    ac_task *self_handle = NULL;
    step body[] = {S_JOIN(&self_handle, NULL), S_END(0)};
    task_stats s = {0};
    self_handle = script_new(body, &s);
    ac_task *other = yielder_spawn("Y", 1);
    (void)other;
    assert_int_equal(ac_task_block_on(self_handle, NULL), -1);
    assert_stats(&s, 1, 1);
    assert_string_equal(trace_get(), "Y0 Y.");
    assert_int_equal(aci_tasks_live(), 0);
}

typedef struct nested {
    const step *steps;
    task_stats *stats;
    ac_task **handle; /* block on this spawned task instead, if set */
    int rc;
    int out;
} nested;

static void call_nested_block_on(void *arg, ac_task *self) {
    (void)self;
    nested *n = arg;
    ac_task *t = n->handle ? *n->handle : script_new(n->steps, n->stats);
    n->rc = ac_task_block_on(t, &n->out);
}

/* block_on inside a poll is refused without running anything; the task it was given
 * is never run and is dropped by the outermost block_on. */
static void test_nested_block_on_refused(void **state) {
    (void)state;
    task_stats inner = {0};
    step inner_body[] = {S_CALL(call_trace, "inner"), S_END(1)};
    nested n = {inner_body, &inner, NULL, 0, 42};
    step root[] = {S_CALL(call_nested_block_on, &n), S_YIELD(), S_CALL(call_trace, "R"), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(n.rc, -1);
    assert_int_equal(n.out, 42);
    assert_string_equal(trace_get(), "R");
    assert_stats(&inner, 0, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

static void call_expect_live(void *count, ac_task *self) {
    (void)self;
    assert_int_equal(aci_tasks_live(), *(size_t *)count);
}

/* Given a spawned task, a refused block_on gives the handle up: the task runs on
 * detached and is freed when it finishes. */
static void test_nested_block_on_detaches_spawned_task(void **state) {
    (void)state;
    ac_task *h = yielder_spawn("H", 1);
    nested n = {NULL, NULL, &h, 0, 42};
    size_t one = 1;
    step root[] = {S_CALL(call_nested_block_on, &n), S_YIELD(), S_CALL(call_expect_live, &one),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(n.rc, -1);
    assert_int_equal(n.out, 42);
    assert_string_equal(trace_get(), "H0 H.");
}

static void test_null_handles(void **state) {
    (void)state;
    int untouched = 42;
    assert_int_equal(ac_task_block_on(NULL, &untouched), -1);
    assert_int_equal(untouched, 42);
    ac_detach(NULL);
    assert_null(ac_task_spawn(NULL));
    assert_int_equal(aci_tasks_live(), 0);
}

/* block_on accepts a handle returned by ac_task_spawn. */
static void test_block_on_spawned_handle(void **state) {
    (void)state;
    ac_task *first = yielder_spawn("A", 1);
    ac_task *h = yielder_spawn("B", 2);
    int v = 0;
    assert_int_equal(ac_task_block_on(h, &v), 0);
    assert_int_equal(v, 2);
    (void)first;
    assert_string_equal(trace_get(), "A0 B0 A. B1 B.");
    assert_int_equal(aci_tasks_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_task_layout, setup),
        cmocka_unit_test_setup(test_small_results_share_the_frame, setup),
        cmocka_unit_test_setup(test_outermost_block_on_drops_leftovers, setup),
        cmocka_unit_test_setup(test_large_tasks_run_and_join, setup),
        cmocka_unit_test_setup(test_large_leftovers_dropped, setup),
        cmocka_unit_test_setup(test_many_tasks_fill_largest_chunks, setup),
        cmocka_unit_test_setup(test_tasks_spawned_by_drops_are_dropped, setup),
        cmocka_unit_test_setup(test_unqueued_task_survives_block_on, setup),
        cmocka_unit_test_setup(test_deadlock_returns_minus_one, setup),
        cmocka_unit_test_setup(test_self_join_deadlocks, setup),
        cmocka_unit_test_setup(test_nested_block_on_refused, setup),
        cmocka_unit_test_setup(test_nested_block_on_detaches_spawned_task, setup),
        cmocka_unit_test_setup(test_null_handles, setup),
        cmocka_unit_test_setup(test_block_on_spawned_handle, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
