/* test_timers.c - ac_sleep_ms, the timer heap, cancellation and timer fairness. */
#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define NS_PER_MS UINT64_C(1000000)

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

static void call_stamp(void *ns, ac_task *self) {
    (void)self;
    *(uint64_t *)ns = test_now_ns();
}

static void call_expect_armed(void *count, ac_task *self) {
    (void)self;
    assert_int_equal(aci_timers_armed(), *(size_t *)count);
}

/* ---- sleeping ---------------------------------------------------------------------------- */

static void test_sleepers_finish_in_deadline_order(void **state) {
    (void)state;
    /* 60 ms apart: each deadline counts from its task's first poll. */
    static const uint64_t ms[3] = {150, 30, 90};
    ac_task *t[3] = {sleeper_spawn("S150", ms[0]), sleeper_spawn("S30", ms[1]),
                     sleeper_spawn("S90", ms[2])};
    uint64_t elapsed[3] = {0, 0, 0};
    step root[] = {S_JOIN(&t[0], &elapsed[0]), S_JOIN(&t[1], &elapsed[1]),
                   S_JOIN(&t[2], &elapsed[2]), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "S30 S90 S150");
    for (int i = 0; i < 3; i++)
        assert_true(elapsed[i] >= ms[i] * NS_PER_MS);
    assert_int_equal(aci_timers_armed(), 0);
}

static void test_equal_sleeps_fire_in_arming_order(void **state) {
    (void)state;
    static const char *names[] = {"A", "B", "C", "D", "E"};
    ac_task *t[5];
    step root[6];
    for (int i = 0; i < 5; i++) {
        t[i] = sleeper_spawn(names[i], 15);
        root[i] = (step)S_JOIN(&t[i], NULL);
    }
    root[5] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "A B C D E");
}

/* Twenty sleepers spawned in a scrambled order of durations finish sorted. */
static void test_many_sleepers_fire_sorted(void **state) {
    (void)state;
    enum { N = 20 };
    static char names[N][8];
    ac_task *t[N];
    uint64_t elapsed[N];
    uint64_t ms[N];
    step root[N + 1];
    for (int i = 0; i < N; i++) {
        int rank = (i * 7) % N; /* 7 is coprime with 20: a permutation */
        /* 10 ms apart: each deadline counts from the task's first poll, and under
         * valgrind on a loaded machine polling all twenty can take milliseconds. */
        ms[i] = 10 * (uint64_t)rank;
        snprintf(names[i], sizeof names[i], "T%02d", rank);
        t[i] = sleeper_spawn(names[i], ms[i]);
        root[i] = (step)S_JOIN(&t[i], &elapsed[i]);
    }
    root[N] = (step)S_END(0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    char want[N * 4 + 1] = "";
    for (int rank = 0; rank < N; rank++)
        snprintf(want + strlen(want), sizeof want - strlen(want), rank ? " T%02d" : "T%02d", rank);
    assert_string_equal(trace_get(), want);
    for (int i = 0; i < N; i++)
        assert_true(elapsed[i] >= ms[i] * NS_PER_MS);
}

/* ac_sleep_ms(0) suspends once and lets the queued tasks run first. */
static void test_sleep_zero_suspends_once(void **state) {
    (void)state;
    ac_task *y = yielder_spawn("Y", 1);
    task_stats rs = {0};
    step root[] = {S_SLEEP(0), S_CALL(call_trace, "R"), S_JOIN(&y, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, &rs), NULL), 0);
    assert_string_equal(trace_get(), "Y0 Y. R");
    assert_int_equal(rs.polls, 2);
}

/* A sleeping task woken early is polled, stays asleep, and still sleeps its time. */
static void test_spurious_wake_keeps_sleeping(void **state) {
    (void)state;
    uint64_t before = 0, after = 0;
    task_stats ss = {0};
    step sleeper[] = {S_CALL(call_stamp, &before), S_SLEEP(20), S_CALL(call_stamp, &after),
                      S_END(0)};
    ac_task *s = script_spawn(sleeper, &ss);
    step waker[] = {S_CALL(call_wake, &s), S_END(0)};
    ac_task *w = script_spawn(waker, NULL);
    step root[] = {S_JOIN(&s, NULL), S_JOIN(&w, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(ss.polls, 3);
    assert_true(after - before >= 20 * NS_PER_MS);
}

/* ---- cancellation: a hand-written select of a sleep and a gate --------------------------- */

/* int sleep_or_gate(ms, g): 1 if the gate opened first, 0 if the sleep ended first.
 * The loser is dropped: for the sleep, that must take its timer out of the heap. */
enum sleep_or_gate_state { sleep_or_gate_START, sleep_or_gate_WAIT, sleep_or_gate_DONE };

typedef struct sleep_or_gate_frame {
    enum sleep_or_gate_state state;
    ac_sleep_ms_frame sleep;
    gate_wait_frame wait;
} sleep_or_gate_frame;

static ac_poll sleep_or_gate_poll(sleep_or_gate_frame *self, ac_cx *cx, int *out) {
    if (self->state == sleep_or_gate_DONE)
        return AC_READY;
    self->state = sleep_or_gate_WAIT;
    if (gate_wait_poll(&self->wait, cx, NULL) == AC_READY) {
        ac_sleep_ms_drop(&self->sleep);
        *out = 1;
    } else if (ac_sleep_ms_poll(&self->sleep, cx, NULL) == AC_READY) {
        gate_wait_drop(&self->wait);
        *out = 0;
    } else {
        return AC_PENDING;
    }
    self->state = sleep_or_gate_DONE;
    return AC_READY;
}

static void sleep_or_gate_drop(sleep_or_gate_frame *self) {
    if (self->state != sleep_or_gate_WAIT)
        return;
    ac_sleep_ms_drop(&self->sleep);
    gate_wait_drop(&self->wait);
}

DEFINE_VTABLE(sleep_or_gate, sizeof(int));

static ac_task *sleep_or_gate_spawn(uint64_t ms, gate *g) {
    ac_task *t = ac_task_new(&sleep_or_gate_vtable);
    assert_non_null(t);
    sleep_or_gate_frame *f = ac_task_frame(t);
    f->state = sleep_or_gate_START;
    ac_sleep_ms_init(&f->sleep, ms);
    gate_wait_init(&f->wait, g);
    return ac_task_spawn(t);
}

static void test_cancelled_sleep_removes_its_timer(void **state) {
    (void)state;
    gate g = {0};
    ac_task *x = sleep_or_gate_spawn(10000, &g);
    ac_task *s = sleeper_spawn("S", 200);
    int winner = -1;
    uint64_t slept = 0;
    size_t two = 2, one = 1;
    step root[] = {S_CALL(call_expect_armed, &two),
                   S_SLEEP(5),
                   S_CALL(call_open, &g),
                   S_JOIN(&x, &winner),
                   S_CALL(call_expect_armed, &one),
                   S_JOIN(&s, &slept),
                   S_END(0)};
    uint64_t start = test_now_ns();
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    uint64_t took = test_now_ns() - start;
    assert_int_equal(winner, 1);
    assert_true(slept >= 200 * NS_PER_MS);
    assert_true(took < 5000 * NS_PER_MS); /* never waited for the cancelled 10 s */
    assert_int_equal(aci_timers_armed(), 0);
}

static void test_sleep_winning_drops_the_gate_wait(void **state) {
    (void)state;
    gate g = {0};
    ac_task *x = sleep_or_gate_spawn(10, &g);
    int winner = -1;
    step root[] = {S_JOIN(&x, &winner), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(winner, 0);
    assert_int_equal(g.dropped, 1);
    assert_null(g.waiter);
}

/* A task sleeping when the outermost block_on ends is dropped: its timer goes, and
 * block_on does not wait for it. */
static void test_sleeping_task_dropped_at_exit(void **state) {
    (void)state;
    sleeper_spawn("never", 10000);
    step root[] = {S_YIELD(), S_END(0)};
    uint64_t start = test_now_ns();
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_true(test_now_ns() - start < 5000 * NS_PER_MS);
    assert_int_equal(aci_timers_armed(), 0);
    assert_int_equal(aci_tasks_live(), 0);
    assert_string_equal(trace_get(), "");
}

static void call_set_flag(void *flag, ac_task *self) {
    (void)self;
    *(int *)flag = 1;
}

/* A queue that never empties still lets due timers fire. */
static void test_timers_fire_under_busy_queue(void **state) {
    (void)state;
    enum { LIMIT = 20000000 };
    int flag = 0, spins = 0;
    ac_task *spinner = spinner_spawn(&flag, LIMIT);
    step body[] = {S_SLEEP(2), S_CALL(call_set_flag, &flag), S_END(0)};
    ac_task *sleeper = script_spawn(body, NULL);
    step root[] = {S_JOIN(&spinner, &spins), S_JOIN(&sleeper, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(flag, 1);
    assert_in_range(spins, 1, LIMIT - 1);
}

/* ---- the heap itself, against a model ------------------------------------------------------ */

static int timer_before(const ac_timer *a, const ac_timer *b) {
    return a->deadline_ns < b->deadline_ns || (a->deadline_ns == b->deadline_ns && a->seq < b->seq);
}

static void assert_heap_valid(const aci_timer_heap *h) {
    for (size_t i = 0; i < h->count; i++) {
        assert_int_equal(h->items[i]->heap_index, i);
        if (i > 0)
            assert_false(timer_before(h->items[i], h->items[(i - 1) / 2]));
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

enum { MODEL_TIMERS = 64 };

typedef struct heap_model {
    ac_timer timers[MODEL_TIMERS];
    int armed[MODEL_TIMERS];
    size_t armed_count;
    uint64_t seq;
    aci_timer_heap heap;
} heap_model;

/* The earliest armed timer by a linear scan, or -1. */
static int model_earliest(const heap_model *m) {
    int best = -1;
    for (int i = 0; i < MODEL_TIMERS; i++)
        if (m->armed[i] && (best < 0 || timer_before(&m->timers[i], &m->timers[best])))
            best = i;
    return best;
}

/* A random timer in the given armed state, or -1 if there is none. */
static int model_pick(const heap_model *m, int armed) {
    int start = (int)(rng_next() % MODEL_TIMERS);
    for (int k = 0; k < MODEL_TIMERS; k++) {
        int i = (start + k) % MODEL_TIMERS;
        if (m->armed[i] == armed)
            return i;
    }
    return -1;
}

static void model_arm(heap_model *m, int i) {
    m->timers[i].deadline_ns = rng_next() % 16; /* a narrow range: many equal deadlines */
    m->timers[i].seq = m->seq++;
    assert_int_equal(aci_timer_heap_push(&m->heap, &m->timers[i]), 0);
    m->armed[i] = 1;
    m->armed_count++;
}

static void model_remove(heap_model *m, int i) {
    aci_timer_heap_remove(&m->heap, &m->timers[i]);
    m->armed[i] = 0;
    m->armed_count--;
}

static void model_pop(heap_model *m) {
    int want = model_earliest(m);
    ac_timer *got = aci_timer_heap_pop(&m->heap);
    assert_ptr_equal(got, &m->timers[want]);
    m->armed[want] = 0;
    m->armed_count--;
}

static void model_step(heap_model *m) {
    uint64_t op = rng_next() % 3;
    if (op == 0 || m->armed_count == 0) {
        int i = model_pick(m, 0);
        if (i >= 0)
            model_arm(m, i);
    } else if (op == 1) {
        model_remove(m, model_pick(m, 1));
    } else {
        model_pop(m);
    }
}

static void test_heap_random_ops_match_model(void **state) {
    (void)state;
    static heap_model m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i < MODEL_TIMERS; i++)
        m.timers[i].heap_index = SIZE_MAX;
    for (int n = 0; n < 50000; n++) {
        model_step(&m);
        assert_int_equal(m.heap.count, m.armed_count);
        assert_heap_valid(&m.heap);
        for (int i = 0; i < MODEL_TIMERS; i++)
            if (!m.armed[i])
                assert_int_equal(m.timers[i].heap_index, SIZE_MAX);
    }
    while (m.armed_count > 0)
        model_pop(&m);
    aci_timer_heap_release(&m.heap);
}

/* Equal deadlines leave in arming (seq) order, whatever order they were pushed in. */
static void test_heap_ties_leave_in_seq_order(void **state) {
    (void)state;
    enum { N = 12 };
    ac_timer timers[N];
    aci_timer_heap h = {0};
    for (int k = 0; k < N; k++) {
        int i = (k * 5) % N; /* push in a scrambled order */
        timers[i].deadline_ns = i % 2 ? 100 : 50;
        timers[i].seq = (uint64_t)i;
        assert_int_equal(aci_timer_heap_push(&h, &timers[i]), 0);
    }
    int want[N];
    for (int k = 0; k < N / 2; k++) {
        want[k] = 2 * k;             /* deadline 50, in seq order */
        want[N / 2 + k] = 2 * k + 1; /* then deadline 100 */
    }
    for (int k = 0; k < N; k++)
        assert_ptr_equal(aci_timer_heap_pop(&h), &timers[want[k]]);
    assert_int_equal(h.count, 0);
    aci_timer_heap_release(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_sleepers_finish_in_deadline_order, setup),
        cmocka_unit_test_setup(test_equal_sleeps_fire_in_arming_order, setup),
        cmocka_unit_test_setup(test_many_sleepers_fire_sorted, setup),
        cmocka_unit_test_setup(test_sleep_zero_suspends_once, setup),
        cmocka_unit_test_setup(test_spurious_wake_keeps_sleeping, setup),
        cmocka_unit_test_setup(test_cancelled_sleep_removes_its_timer, setup),
        cmocka_unit_test_setup(test_sleep_winning_drops_the_gate_wait, setup),
        cmocka_unit_test_setup(test_sleeping_task_dropped_at_exit, setup),
        cmocka_unit_test_setup(test_timers_fire_under_busy_queue, setup),
        cmocka_unit_test_setup(test_heap_random_ops_match_model, setup),
        cmocka_unit_test_setup(test_heap_ties_leave_in_seq_order, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
