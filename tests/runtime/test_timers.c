/* test_timers.c - ac_sleep_ms, the timer heap, cancellation and timer fairness. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include "internal.h"
#include "machines.h"

#include "ac_time.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* ---- ac_sleep_until ------------------------------------------------------------------------ */

DEFINE_VTABLE(ac_sleep_until, 0);

static ac_task *until_spawn(uint64_t deadline_ns) {
    ac_task *t = ac_task_new(&ac_sleep_until_vtable);
    assert_non_null(t);
    ac_sleep_until_init(ac_task_frame(t), deadline_ns);
    return ac_task_spawn(t);
}

/* Two deadlines given out of order end in deadline order, neither early. */
static void test_sleep_until_deadlines(void **state) {
    (void)state;
    uint64_t start = ac_now_ns();
    ac_task *late = until_spawn(start + 90 * NS_PER_MS);
    ac_task *early = until_spawn(start + 30 * NS_PER_MS);
    uint64_t at_early = 0, at_late = 0;
    step root[] = {S_JOIN(&early, NULL), S_CALL(call_stamp, &at_early), S_JOIN(&late, NULL),
                   S_CALL(call_stamp, &at_late), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_true(at_early >= start + 30 * NS_PER_MS);
    assert_true(at_late >= start + 90 * NS_PER_MS);
    assert_int_equal(aci_timers_armed(), 0);
}

/* A deadline already past suspends once, behind the tasks queued before it, and does not
 * wait for the next millisecond tick. */
static void test_sleep_until_past_deadline(void **state) {
    (void)state;
    ac_task *y = yielder_spawn("Y", 1);
    ac_task *u = until_spawn(ac_now_ns() - 5 * NS_PER_MS);
    step root[] = {S_JOIN(&u, NULL), S_CALL(call_trace, "U"), S_JOIN(&y, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "Y0 Y. U");
}

/* ---- intervals ------------------------------------------------------------------------------ */

enum { TICKS = 6, STALL_BEFORE = 2 };

typedef struct ticker_log {
    uint64_t periods[TICKS]; /* what each tick returned */
    uint64_t stamps[TICKS];  /* when it completed */
} ticker_log;

/* Awaits TICKS ticks of iv into log, and blocks the thread for stall_ms before awaiting
 * tick STALL_BEFORE: the ticks it misses meanwhile must be skipped. */
typedef struct ticker_frame {
    ac_interval *iv;
    ac_interval_tick_frame tick;
    int active, done;
    uint64_t stall_ms;
    ticker_log *log;
} ticker_frame;

static void thread_stall(uint64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static ac_poll ticker_poll(ticker_frame *f, ac_cx *cx, void *out) {
    (void)out;
    while (f->done < TICKS) {
        if (!f->active) {
            if (f->done == STALL_BEFORE)
                thread_stall(f->stall_ms);
            ac_interval_tick_init(&f->tick, f->iv);
            f->active = 1;
        }
        if (ac_interval_tick_poll(&f->tick, cx, &f->log->periods[f->done]) == AC_PENDING)
            return AC_PENDING;
        f->active = 0;
        f->log->stamps[f->done++] = ac_now_ns();
    }
    return AC_READY;
}

static void ticker_drop(ticker_frame *f) {
    if (f->active)
        ac_interval_tick_drop(&f->tick);
}

DEFINE_VTABLE(ticker, 0);

/* Ticks stay on the grid first + k * period; the stall's missed ticks come back as one
 * tick counting them (skip), not as a burst of ticks (1 each) nor a shifted grid. */
static void test_interval_skips_missed_ticks(void **state) {
    (void)state;
    enum { PERIOD_MS = 40, STALL_MS = 170 };
    ac_interval iv;
    ac_interval_init(&iv, PERIOD_MS);
    uint64_t first = iv.next_ns, period = PERIOD_MS * NS_PER_MS;
    ticker_log log = {{0}, {0}};
    ac_task *t = ac_task_new(&ticker_vtable);
    assert_non_null(t);
    *(ticker_frame *)ac_task_frame(t) =
        (ticker_frame){.iv = &iv, .stall_ms = STALL_MS, .log = &log};
    assert_int_equal(ac_task_block_on(t, NULL), 0);
    uint64_t grid = first, total = 0;
    for (int k = 0; k < TICKS; k++) {
        assert_true(log.periods[k] >= 1);
        grid = first + total * period; /* the grid point this tick stood for */
        assert_true(log.stamps[k] >= grid);
        total += log.periods[k];
    }
    /* 170 ms of stall after tick 1 covers at least 4 grid points. */
    assert_true(log.periods[STALL_BEFORE] >= STALL_MS / PERIOD_MS);
    assert_int_equal(iv.next_ns, first + total * period);
    assert_int_equal(aci_timers_armed(), 0);
}

/* Dropping a pending tick disarms its timer. */
static void test_interval_tick_dropped(void **state) {
    (void)state;
    ac_interval iv;
    ac_interval_init(&iv, 10000);
    ticker_log log = {{0}, {0}};
    ac_task *t = ac_task_new(&ticker_vtable);
    assert_non_null(t);
    *(ticker_frame *)ac_task_frame(t) = (ticker_frame){.iv = &iv, .log = &log};
    ac_detach(ac_task_spawn(t));
    size_t one = 1;
    step root[] = {S_YIELD(), S_CALL(call_expect_armed, &one), S_END(0)};
    uint64_t start = test_now_ns();
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_true(test_now_ns() - start < 5000 * NS_PER_MS);
    assert_int_equal(aci_timers_armed(), 0);
    assert_int_equal(aci_tasks_live(), 0);
}

/* ---- the wheel, on a made-up clock ----------------------------------------------------------- */

enum { WHEEL_TIMERS = 400 };

typedef struct wheel_model {
    ac_timer timers[WHEEL_TIMERS];
    uint64_t deadline[WHEEL_TIMERS];
    int armed[WHEEL_TIMERS];
    int at_once[WHEEL_TIMERS]; /* due when armed: fires at the first look */
} wheel_model;

/* The earliest deadline the model says is armed, as the wheel reports it: the start of
 * its millisecond tick, or 0 for one due at once. */
static uint64_t model_next_deadline(const wheel_model *m) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < WHEEL_TIMERS; i++) {
        if (!m->armed[i])
            continue;
        uint64_t d = m->at_once[i] ? 0 : m->timers[i].tick * NS_PER_MS;
        best = d < best ? d : best;
    }
    return best;
}

static uint64_t rng_next(void);

static void model_arm_all(wheel_model *m, ac_task *self, uint64_t base) {
    for (int i = 0; i < WHEEL_TIMERS; i++) {
        m->deadline[i] = base - 2 * NS_PER_MS + rng_next() % (3000 * NS_PER_MS);
        aci_timer_arm(&m->timers[i], self, m->deadline[i], base);
        m->armed[i] = 1;
    }
    /* A tick the wheel has passed already (the real clock moved on since base) is due
     * at once as well: its deadline is behind the real clock. */
    uint64_t first_tick = aci_loop_this.timers.now_tick;
    for (int i = 0; i < WHEEL_TIMERS; i++)
        m->at_once[i] = m->deadline[i] <= base || m->timers[i].tick < first_tick;
}

/* Arms timers over three seconds (the wheel turns three times; most start in the
 * overflow heap), a few past, disarms some, then moves the clock a millisecond at a
 * time: at each step exactly the timers whose deadline has passed have fired. */
static void call_wheel_model(void *unused, ac_task *self) {
    (void)unused;
    static wheel_model m;
    memset(&m, 0, sizeof m);
    uint64_t base = aci_clock_now_ns();
    model_arm_all(&m, self, base);
    for (int i = 0; i < WHEEL_TIMERS; i += 3) {
        aci_timer_disarm(&m.timers[i]);
        m.armed[i] = 0;
    }
    for (uint64_t now = base; now < base + 3010 * NS_PER_MS; now += NS_PER_MS) {
        assert_int_equal(aci_timers_next_deadline(), model_next_deadline(&m));
        aci_timers_fire_until(now);
        for (int i = 0; i < WHEEL_TIMERS; i++) {
            int due = m.armed[i] && (m.at_once[i] || m.timers[i].tick <= now / NS_PER_MS);
            assert_int_equal(aci_timer_armed(&m.timers[i]), m.armed[i] && !due);
            if (due) {
                assert_true(m.deadline[i] <= now || m.at_once[i]);
                m.armed[i] = 0;
            }
        }
    }
    assert_int_equal(aci_timers_armed(), 0);
}

static void test_wheel_fires_each_timer_on_its_tick(void **state) {
    (void)state;
    step root[] = {S_CALL(call_wheel_model, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
}

/* A sleep longer than a turn of the wheel waits in the overflow heap, then in its slot,
 * and still ends in order with a short one. */
static void test_sleep_longer_than_a_wheel_turn(void **state) {
    (void)state;
    ac_task *t[2] = {sleeper_spawn("L", ACI_WHEEL_SLOTS + 100), sleeper_spawn("S", 20)};
    uint64_t elapsed[2] = {0, 0};
    step root[] = {S_JOIN(&t[0], &elapsed[0]), S_JOIN(&t[1], &elapsed[1]), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "S L");
    assert_true(elapsed[0] >= (ACI_WHEEL_SLOTS + 100) * NS_PER_MS);
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

/* ---- the overflow heap itself, against a model
 * ------------------------------------------------------ */

static int timer_before(const ac_timer *a, const ac_timer *b) {
    return a->tick < b->tick || (a->tick == b->tick && a->seq < b->seq);
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
    m->timers[i].tick = rng_next() % 16; /* a narrow range: many equal deadlines */
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
    for (int n = 0; n < 50000; n++) {
        model_step(&m);
        assert_int_equal(m.heap.count, m.armed_count);
        assert_heap_valid(&m.heap);
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
        timers[i].tick = i % 2 ? 100 : 50;
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
        cmocka_unit_test_setup(test_sleep_until_deadlines, setup),
        cmocka_unit_test_setup(test_sleep_until_past_deadline, setup),
        cmocka_unit_test_setup(test_interval_skips_missed_ticks, setup),
        cmocka_unit_test_setup(test_interval_tick_dropped, setup),
        cmocka_unit_test_setup(test_wheel_fires_each_timer_on_its_tick, setup),
        cmocka_unit_test_setup(test_sleep_longer_than_a_wheel_turn, setup),
        cmocka_unit_test_setup(test_heap_random_ops_match_model, setup),
        cmocka_unit_test_setup(test_heap_ties_leave_in_seq_order, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
