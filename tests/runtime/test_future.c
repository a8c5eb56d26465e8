/* test_future.c - heap frames and type-erased futures: ac_frame_*, ac_future_spawn,
 * ac_future_block_on, ac_future_drop and the ac_future_await leaf. The futures run a
 * hand-written machine through slot functions shaped like the ones asyncc writes
 * (grammar/abi.md, section 9); memory errors and leaks are left to the sanitizers
 * and valgrind runs of this test. */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* Under AddressSanitizer an impossible malloc must return NULL, as it does elsewhere,
 * for the out-of-memory test to see ac_frame_new's own message. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "allocator_may_return_null=1";
}

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* ---- counter(yields, g, value): yields `yields` times, waits for gate g (if any),
 * returns value. Polls and unfinished drops go to stats. ------------------------------ */

enum counter_state { COUNTER_YIELDING, COUNTER_GATED, COUNTER_DONE };

typedef struct counter_frame {
    enum counter_state state;
    int yields; /* left to make */
    gate *g;
    int value;
    task_stats *stats;
    union {
        ac_yield_frame yield;
        gate_wait_frame gate;
    } await;
    int yielding; /* the yield frame is initialized */
} counter_frame;

static void counter_init(counter_frame *f, int yields, gate *g, int value, task_stats *stats) {
    f->state = COUNTER_YIELDING;
    f->yields = yields;
    f->g = g;
    f->value = value;
    f->stats = stats;
    f->yielding = 0;
}

static ac_poll counter_yield(counter_frame *f, ac_cx *cx) {
    while (f->yields > 0) {
        if (!f->yielding) {
            ac_yield_init(&f->await.yield);
            f->yielding = 1;
        }
        if (ac_yield_poll(&f->await.yield, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->yielding = 0;
        f->yields--;
    }
    return AC_READY;
}

static ac_poll counter_poll(counter_frame *f, ac_cx *cx, int *out) {
    f->stats->polls++;
    if (f->state == COUNTER_YIELDING) {
        if (counter_yield(f, cx) == AC_PENDING)
            return AC_PENDING;
        f->state = COUNTER_GATED;
        if (f->g)
            gate_wait_init(&f->await.gate, f->g);
    }
    if (f->state == COUNTER_GATED) {
        if (f->g && gate_wait_poll(&f->await.gate, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->state = COUNTER_DONE;
        *out = f->value;
    }
    return AC_READY;
}

static void counter_drop(counter_frame *f) {
    if (f->state == COUNTER_DONE)
        return;
    if (f->state == COUNTER_GATED && f->g)
        gate_wait_drop(&f->await.gate);
    f->stats->drops++;
    f->state = COUNTER_DONE;
}

/* What asyncc writes for ac_future_of(counter(...)). */
static ac_poll counter_poll_boxed(void *slot, ac_cx *cx, void *out) {
    counter_frame **frame = slot;
    int discarded;
    if (counter_poll(*frame, cx, out ? out : &discarded) == AC_PENDING)
        return AC_PENDING;
    ac_frame_free(*frame);
    *frame = NULL;
    return AC_READY;
}

static void counter_drop_boxed(void *slot) {
    counter_frame **frame = slot;
    if (*frame) {
        counter_drop(*frame);
        ac_frame_free(*frame);
        *frame = NULL;
    }
}

static const ac_vtable counter_future_vtable = {counter_poll_boxed, counter_drop_boxed,
                                                sizeof(void *), sizeof(int), NULL};

static ac_future counter_future(int yields, gate *g, int value, task_stats *stats) {
    ac_future future = {&counter_future_vtable, ac_frame_alloc(sizeof(counter_frame))};
    if (future.frame)
        counter_init(future.frame, yields, g, value, stats);
    return future;
}

/* ---- awaiter(fu, out): await(ac_future_await(fu, out)); returns 1 ------------------------ */

typedef struct awaiter_frame {
    int started;
    ac_future future;
    int *out;
    ac_future_await_frame await;
} awaiter_frame;

static void awaiter_init(awaiter_frame *f, ac_future fu, int *out) {
    f->started = 0;
    f->future = fu;
    f->out = out;
}

static ac_poll awaiter_poll(awaiter_frame *f, ac_cx *cx, int *out) {
    if (!f->started) {
        ac_future_await_init(&f->await, f->future, f->out);
        f->started = 1;
    }
    if (ac_future_await_poll(&f->await, cx, NULL) == AC_PENDING)
        return AC_PENDING;
    *out = 1;
    return AC_READY;
}

static void awaiter_drop(awaiter_frame *f) {
    if (f->started)
        ac_future_await_drop(&f->await);
}

DEFINE_VTABLE(awaiter, sizeof(int));

static ac_task *awaiter_new(ac_future fu, int *out) {
    ac_task *t = ac_task_new(&awaiter_vtable);
    assert_non_null(t);
    awaiter_init(ac_task_frame(t), fu, out);
    return t;
}

/* ---- frames -------------------------------------------------------------------------------- */

/* Heap frames suit any type, even when empty. */
static void test_frames_aligned(void **state) {
    (void)state;
    size_t sizes[] = {0, 1, sizeof(long double), 100, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        void *a = ac_frame_alloc(sizes[i]), *b = ac_frame_new(sizes[i], "test");
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal((uintptr_t)a % alignof(max_align_t), 0);
        assert_int_equal((uintptr_t)b % alignof(max_align_t), 0);
        memset(a, 0xab, sizes[i]);
        memset(b, 0xcd, sizes[i]);
        ac_frame_free(a);
        ac_frame_free(b);
    }
    ac_frame_free(NULL);
}

/* What a forked child wrote to stderr before it ended, and how it ended. */
typedef struct child_end {
    int status;
    char err[512];
} child_end;

static child_end child_run(void (*fn)(void)) {
    child_end end = {0, {0}};
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        fn();
        _exit(0); /* fn was meant to abort */
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], end.err + len, sizeof end.err - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    assert_int_equal(waitpid(pid, &end.status, 0), pid);
    return end;
}

static void assert_aborted_saying(const child_end *end, const char *message) {
    assert_true(WIFSIGNALED(end->status));
    assert_int_equal(WTERMSIG(end->status), SIGABRT);
    if (!strstr(end->err, message))
        fail_msg("stderr was \"%s\", expected it to contain \"%s\"", end->err, message);
}

static void frame_new_impossible(void) {
    ac_frame_new(SIZE_MAX / 2, "huge");
}

/* An await cannot report a failed allocation: ac_frame_new says what failed and aborts. */
static void test_frame_new_out_of_memory_aborts(void **state) {
    (void)state;
    char message[160];
    snprintf(message, sizeof message,
             "asyncc: out of memory: cannot allocate the %zu-byte frame of 'huge' to await it\n",
             SIZE_MAX / 2);
    child_end end = child_run(frame_new_impossible);
    assert_aborted_saying(&end, message);
}

static void poll_after_done(void) {
    ac_poll_finished("fetch");
}

/* A generated poll of a finished or dropped frame has no result to write: it reports
 * the caller's bug and aborts, never answering AC_READY with *out unwritten. */
static void test_poll_finished_aborts(void **state) {
    (void)state;
    child_end end = child_run(poll_after_done);
    assert_aborted_saying(&end, "asyncc: poll of 'fetch' after it finished or was dropped\n");
}

/* ---- futures ------------------------------------------------------------------------------- */

/* Awaited by a task: runs to its end inside it, result written, frame freed. */
static void test_future_awaited(void **state) {
    (void)state;
    task_stats st = {0};
    int got = 0, done = 0;
    assert_int_equal(ac_task_block_on(awaiter_new(counter_future(3, NULL, 42, &st), &got), &done),
                     0);
    assert_int_equal(done, 1);
    assert_int_equal(got, 42);
    assert_int_equal(st.polls, 4); /* three yields, then ready */
    assert_int_equal(st.drops, 0);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A NULL out discards the result. */
static void test_future_await_discards(void **state) {
    (void)state;
    task_stats st = {0};
    int done = 0;
    assert_int_equal(ac_task_block_on(awaiter_new(counter_future(1, NULL, 5, &st), NULL), &done),
                     0);
    assert_int_equal(done, 1);
    assert_int_equal(st.polls, 2);
}

/* A future ready on its first poll completes the await in that poll. */
static void test_future_ready_at_once(void **state) {
    (void)state;
    task_stats st = {0};
    int got = 0;
    ac_future fu = counter_future(0, NULL, 8, &st);
    assert_true(ac_future_valid(fu));
    assert_int_equal(ac_task_block_on(awaiter_new(fu, &got), NULL), 0);
    assert_int_equal(got, 8);
    assert_int_equal(st.polls, 1);
}

/* Spawned: a task of its own, joined like any other. */
static void test_future_spawned_and_joined(void **state) {
    (void)state;
    task_stats st = {0};
    int got = 0;
    ac_task *t = ac_future_spawn(counter_future(2, NULL, 7, &st));
    assert_non_null(t);
    step root[] = {S_JOIN(&t, &got), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(got, 7);
    assert_int_equal(st.polls, 3);
    assert_int_equal(aci_tasks_live(), 0);
}

static void test_future_block_on(void **state) {
    (void)state;
    task_stats st = {0};
    int got = 0;
    assert_int_equal(ac_future_block_on(counter_future(4, NULL, 9, &st), &got), 0);
    assert_int_equal(got, 9);
    assert_int_equal(st.polls, 5);
    assert_int_equal(aci_tasks_live(), 0);
}

/* Dropped without running: its drop runs once, nothing is polled. */
static void test_future_dropped_unpolled(void **state) {
    (void)state;
    task_stats st = {0};
    ac_future_drop(counter_future(2, NULL, 1, &st));
    assert_int_equal(st.polls, 0);
    assert_int_equal(st.drops, 1);
}

/* A task awaiting a future that waits forever is dropped at the end of the outermost
 * block_on: the future's drop reaches the gate. */
static void test_future_dropped_while_awaited(void **state) {
    (void)state;
    gate g = {0};
    task_stats st = {0};
    int got = -1;
    ac_task_spawn(awaiter_new(counter_future(1, &g, 3, &st), &got));
    step root[] = {S_YIELD(), S_YIELD(), S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(g.polls, 1);
    assert_int_equal(g.dropped, 1);
    assert_int_equal(st.drops, 1);
    assert_int_equal(got, -1);
    assert_int_equal(aci_tasks_live(), 0);
}

static void call_spawn_counter(void *stats, ac_task *self) {
    (void)self;
    assert_non_null(ac_future_spawn(counter_future(1, NULL, 2, stats)));
}

/* A future spawned as the root finishes is never polled: it is dropped and freed with
 * its task. */
static void test_spawned_future_dropped_at_end(void **state) {
    (void)state;
    task_stats st = {0};
    step root[] = {S_CALL(call_spawn_counter, &st), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(st.polls, 0);
    assert_int_equal(st.drops, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

/* An awaited future resumes when the event it waits for happens. */
static void test_future_await_woken_by_gate(void **state) {
    (void)state;
    gate g = {0};
    task_stats st = {0};
    int got = 0;
    ac_task *t = ac_task_spawn(awaiter_new(counter_future(0, &g, 11, &st), &got));
    step root[] = {S_YIELD(), S_CALL(call_open, &g), S_JOIN(&t, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(got, 11);
    assert_int_equal(g.polls, 2);
    assert_int_equal(g.dropped, 0);
    assert_int_equal(st.drops, 0);
}

/* An empty future (made when memory ran out) is refused without running anything. */
static void test_empty_future(void **state) {
    (void)state;
    ac_future empty = {&counter_future_vtable, NULL};
    assert_false(ac_future_valid(empty));
    assert_null(ac_future_spawn(empty));
    int untouched = 5;
    assert_int_equal(ac_future_block_on(empty, &untouched), -1);
    assert_int_equal(untouched, 5);
    ac_future_drop(empty);
    assert_int_equal(aci_tasks_live(), 0);
}

static void await_empty(void) {
    ac_future empty = {&counter_future_vtable, NULL};
    ac_future_await_frame f;
    ac_future_await_init(&f, empty, NULL);
}

static void test_await_of_empty_future_aborts(void **state) {
    (void)state;
    child_end end = child_run(await_empty);
    assert_aborted_saying(&end, "asyncc: ac_future_await of an empty future");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_frames_aligned, setup),
        cmocka_unit_test_setup(test_frame_new_out_of_memory_aborts, setup),
        cmocka_unit_test_setup(test_poll_finished_aborts, setup),
        cmocka_unit_test_setup(test_future_awaited, setup),
        cmocka_unit_test_setup(test_future_await_discards, setup),
        cmocka_unit_test_setup(test_future_ready_at_once, setup),
        cmocka_unit_test_setup(test_future_spawned_and_joined, setup),
        cmocka_unit_test_setup(test_future_block_on, setup),
        cmocka_unit_test_setup(test_future_dropped_unpolled, setup),
        cmocka_unit_test_setup(test_future_dropped_while_awaited, setup),
        cmocka_unit_test_setup(test_spawned_future_dropped_at_end, setup),
        cmocka_unit_test_setup(test_future_await_woken_by_gate, setup),
        cmocka_unit_test_setup(test_empty_future, setup),
        cmocka_unit_test_setup(test_await_of_empty_future_aborts, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
