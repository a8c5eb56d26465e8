/* asyncc.h - the annotations of asyncc's language, and the runtime behind them.
 *
 * You write ordinary C plus two annotations:
 *
 *     async int fetch(int id) {                 // an async function
 *         int status = await(request(id));      // suspend until request() is done
 *         ...
 *     }
 *     int main(void) { return ac_block_on(fetch(7)); }
 *
 * This header has three faces, chosen by the preprocessor:
 *
 *   ASYNCC_PARSE       defined by the asyncc tool while it reads your file: `async`
 *                      and `await` become markers that asyncc finds in the syntax tree.
 *   ASYNCC_LOWERED     defined at the top of every file asyncc writes: the runtime
 *                      ABI that the generated state machines call (ac_runtime.h).
 *   ASYNCC_SEQUENTIAL  defined by you (-DASYNCC_SEQUENTIAL), for tests and teaching:
 *                      plain C. `await(e)` is `e`, async functions are ordinary
 *                      functions and each runtime leaf is an immediate or blocking
 *                      stand-in. This sequential program is the reference meaning of
 *                      your source: the transformed program must behave the same.
 *                      ac_sleep_ms's stand-in is in the runtime library.
 *
 * Compiled with none of them, the file was not run through asyncc: that is an
 * error, not the sequential program, which would silently lose all concurrency.
 *
 * Each face includes only what it needs itself (stddef.h, stdint.h), so a program
 * sees the standard library's names only where it includes their headers, and may
 * define its own (a static strcmp, say).
 *
 * Leaves: ac_yield, ac_sleep_ms, ac_join and ac_future_await are async functions
 * written by hand in C (see grammar/abi.md). Awaiting them is how a task suspends.
 *
 * Futures: `ac_future fu = ac_future_of(f(x));` starts a call without naming its
 * function's type, so that code chosen at run time (a table of handlers, a callback)
 * can hand it to someone who awaits it (await(ac_future_await(fu, &result))), spawns
 * it (ac_future_spawn), blocks on it (ac_future_block_on) or drops it
 * (ac_future_drop); each consumes fu. Its frame is on the heap: when memory is
 * exhausted ac_future_of yields an empty future (ac_future_valid(fu) is 0).
 *
 * Composing awaits: select, join and timeout. Each takes *branches*, every one an
 * async call written like an await's, with where its result goes:
 *
 *     ac_on(&v, f(x))             v = the result, when the call finishes
 *     ac_on_if(&v, f(x), v >= 0)  the same; the branch is *ok* only if the condition,
 *                                 read after the result is stored, holds
 *     ac_on_done(f(x))            the result is discarded (any call, void ones too)
 *
 *     int ac_select(b0, b1, ...)          run the branches together; the first ok branch
 *     int ac_select_biased(b0, b1, ...)   to finish wins, and the others are dropped at
 *                                         whatever point they reached. The value is the
 *                                         winner's index (0 for b0), or AC_NONE when
 *                                         every branch finished without being ok (one
 *                                         that is not ok is disabled: its channel is
 *                                         closed). ac_select starts polling at a random
 *                                         branch each time (fair), ac_select_biased at b0.
 *     void ac_join_all(b0, b1, ...)       run them together until all have finished.
 *     int ac_try_join(b0, b1, ...)        the same, but stop at the first branch that is
 *                                         not ok (the error), drop the rest and give its
 *                                         index; AC_NONE when all were ok.
 *     int ac_timeout(ms, b)               b, bounded: 0 when it finished ok in time,
 *                                         AC_TIMED_OUT (b dropped) when ms passed first
 *                                         (ac_timeout_at takes a deadline: <ac_time.h>).
 *
 *     switch (ac_select(ac_on_if(&n, ac_fd_read(&in, buf, sizeof buf), n > 0),
 *                       ac_on_done(ac_sleep_ms(100)))) {
 *     case 0: ...             n bytes arrived
 *     case 1: ...             100 ms passed first
 *     case AC_NONE: ...       the read saw end of stream or an error: the `else`
 *     }
 *
 * They suspend like an await, so they appear in async functions only, and every
 * branch's frame lives in the caller's frame (no allocation). The branches'
 * destinations and arguments are evaluated first, left to right; a condition when its
 * branch has finished. At most 16 branches (AC_SELECT_MAX).
 *
 * Their sequential meaning (plain C) runs the branches one after the other in source
 * order: a select takes the first ok branch (the later ones never run), a try-join
 * stops at the first branch that is not ok, a timeout's call always finishes (its
 * timer runs only when the branch is not ok). A concurrent program prints the same
 * when the branch that wins under asyncc is the first ok one in source order.
 */
#ifndef ASYNCC_H
#define ASYNCC_H

#include <stddef.h>
#include <stdint.h>

#define ASYNCC_VERSION "0.1.0"

/* A spawned task. ac_spawn returns it as the task's join handle. */
typedef struct ac_task ac_task;

/* The value of a select whose branches all finished without being ok, and of a
 * try-join whose branches were all ok. */
#define AC_NONE (-1)
/* The value of ac_timeout when the time ran out. */
#define AC_TIMED_OUT 1

/* sizeof *p for a pointer p to a complete type; 0 for a `void *` or a literal 0, whose
 * target has no size to check. ac_join passes it so that the runtime can check that
 * the result fits. */
#define AC_SIZEOF_TARGET(p)                                                                        \
    _Generic((p), void *: (size_t)0, const void *: (size_t)0, int: (size_t)0,                     \
             default: sizeof *_Generic((p), void *: (char *)0, const void *: (char *)0,            \
                                       int: (char *)0, default: (p)))

#if defined(ASYNCC_PARSE)
/* ---- what asyncc sees while it parses -------------------------------------------- */

/* The runtime's types, so that asyncc sees which frame types are complete: an await
 * embeds a frame it can see (a leaf's, like ac_yield_frame) and boxes any other. */
#include "ac_runtime.h"

#define async __attribute__((annotate("asyncc_async")))

/* Markers: asyncc recognises `(marker, (call))` in the syntax tree. They are never
 * defined; no program that still contains them links. */
extern int asyncc_await_marker_;
extern int asyncc_spawn_marker_;
extern int asyncc_block_on_marker_;
extern int asyncc_future_marker_;
#define await(call) (asyncc_await_marker_, (call))
#define ac_spawn(call) (asyncc_spawn_marker_, (call), (ac_task *)0)
#define ac_block_on(call) (asyncc_block_on_marker_, (call))
#define ac_future_of(call) (asyncc_future_marker_, (call), (ac_future){0, 0})

/* select, join and timeout are awaits too: the await marker first (whatever looks for an
 * await below an expression finds them), then the form's own marker, the branches and
 * the value. A branch is `(marker, *(dest) = (call), cond)` or `(marker, (call), 1)`:
 * clang checks that the result can be stored through dest. */
extern int asyncc_select_marker_;
extern int asyncc_select_biased_marker_;
extern int asyncc_join_all_marker_;
extern int asyncc_try_join_marker_;
extern int asyncc_timeout_marker_;
extern int asyncc_on_marker_;
#define ac_select(...) (asyncc_await_marker_, asyncc_select_marker_, __VA_ARGS__, AC_NONE)
#define ac_select_biased(...)                                                                      \
    (asyncc_await_marker_, asyncc_select_biased_marker_, __VA_ARGS__, AC_NONE)
#define ac_join_all(...) (asyncc_await_marker_, asyncc_join_all_marker_, __VA_ARGS__, (void)0)
#define ac_try_join(...) (asyncc_await_marker_, asyncc_try_join_marker_, __VA_ARGS__, AC_NONE)
#define ac_timeout(ms, branch)                                                                     \
    (asyncc_await_marker_, asyncc_timeout_marker_, branch, ac_sleep_ms(ms), 0)
#define ac_on(dest, call) (asyncc_on_marker_, *(dest) = (call), 1)
#define ac_on_if(dest, call, cond) (asyncc_on_marker_, *(dest) = (call), (cond))
#define ac_on_done(call) (asyncc_on_marker_, (call), 1)

/* Yield to the scheduler once: the task goes to the back of the run queue. */
async void ac_yield(void);
/* Suspend the task for at least `ms` milliseconds. */
async void ac_sleep_ms(uint64_t ms);
/* Wait for task `t` to finish; copy its result to `out` (NULL discards it) and
 * release the handle. `out` must point to the type the spawned function returns.
 * 0, or -EINVAL (result size differs from *out's: nothing copied, handle kept) or
 * -EBADF (t already joined or detached): see ac_join_frame in <ac_runtime.h>. */
async int ac_join(ac_task *t, void *out);
/* Let task `t` run on without anyone joining it; releases the handle. 0, or -EBADF
 * when t was already joined or detached. */
int ac_detach(ac_task *t);
/* Run the future `fu` (see the top of this file) to its end; copy its result to `out`
 * (NULL discards it). Consumes fu. */
async void ac_future_await(ac_future fu, void *out);

#elif defined(ASYNCC_LOWERED)
/* ---- what the generated state machines call -------------------------------------- */

#define async
#include "ac_runtime.h"

/* Links the runtime's gdb.c, and with it the debugger script gdb auto-loads (README,
 * "Debugging"), into every program built from asyncc's output. */
extern const struct ac_gdb_info ac_gdb_info;
__attribute__((used)) static const void *const ac_gdb_info_ref = &ac_gdb_info;

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential reference meaning ------------------------------------ */
/* The library functions used here are the compilers' builtins, which need no
 * declaration: the program's own names stay its own. */

#define async
#define await(call) (call)
#define ac_block_on(call) (call)

/* A branch runs its call at once and is ok, or not (ac_on_if's condition). */
#define ac_on(dest, call) (*(dest) = (call), 1)
#define ac_on_if(dest, call, cond) (*(dest) = (call), (cond))
#define ac_on_done(call) ((void)(call), 1)
/* The branches in source order: a select's first ok one, a try-join's first that is not
 * ok, every one for a join. AC_SEQ_(step, end, b0, b1, ...) is
 * step(0, b0, step(1, b1, ... end)). */
#define ac_select(...) AC_SEQ_(AC_SEQ_FIRST_OK_, AC_NONE, __VA_ARGS__)
#define ac_select_biased(...) AC_SEQ_(AC_SEQ_FIRST_OK_, AC_NONE, __VA_ARGS__)
#define ac_try_join(...) AC_SEQ_(AC_SEQ_FIRST_FAILED_, AC_NONE, __VA_ARGS__)
#define ac_join_all(...) AC_SEQ_(AC_SEQ_EACH_, (void)0, __VA_ARGS__)
#define ac_timeout(ms, branch) ((branch) ? 0 : (ac_sleep_ms(ms), AC_TIMED_OUT))

#define AC_SEQ_FIRST_OK_(k, b, rest) ((b) ? (k) : rest)
#define AC_SEQ_FIRST_FAILED_(k, b, rest) ((b) ? rest : (k))
#define AC_SEQ_EACH_(k, b, rest) ((void)(b), rest)
#define AC_SEQ_(step, end, ...)                                                                    \
    AC_SEQ_CAT_(AC_SEQ_, AC_SEQ_COUNT_(__VA_ARGS__))(step, end, 0, __VA_ARGS__)
#define AC_SEQ_CAT_(a, b) AC_SEQ_CAT2_(a, b)
#define AC_SEQ_CAT2_(a, b) a##b
#define AC_SEQ_COUNT_(...)                                                                         \
    AC_SEQ_NTH_(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define AC_SEQ_NTH_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, n, ...) n
/* clang-format off */
#define AC_SEQ_1(s, e, k, b) s(k, b, e)
#define AC_SEQ_2(s, e, k, b, ...) s(k, b, AC_SEQ_1(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_3(s, e, k, b, ...) s(k, b, AC_SEQ_2(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_4(s, e, k, b, ...) s(k, b, AC_SEQ_3(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_5(s, e, k, b, ...) s(k, b, AC_SEQ_4(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_6(s, e, k, b, ...) s(k, b, AC_SEQ_5(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_7(s, e, k, b, ...) s(k, b, AC_SEQ_6(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_8(s, e, k, b, ...) s(k, b, AC_SEQ_7(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_9(s, e, k, b, ...) s(k, b, AC_SEQ_8(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_10(s, e, k, b, ...) s(k, b, AC_SEQ_9(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_11(s, e, k, b, ...) s(k, b, AC_SEQ_10(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_12(s, e, k, b, ...) s(k, b, AC_SEQ_11(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_13(s, e, k, b, ...) s(k, b, AC_SEQ_12(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_14(s, e, k, b, ...) s(k, b, AC_SEQ_13(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_15(s, e, k, b, ...) s(k, b, AC_SEQ_14(s, e, (k) + 1, __VA_ARGS__))
#define AC_SEQ_16(s, e, k, b, ...) s(k, b, AC_SEQ_15(s, e, (k) + 1, __VA_ARGS__))
/* clang-format on */

/* A handle holds the finished call's result. A void call cannot be spawned in
 * plain C (its result has no type to hold); spawn a function returning a value. */
struct ac_task {
    size_t size;
    unsigned char value[];
};

static inline ac_task *ac_sync_spawn_(const void *value, size_t size) {
    ac_task *t = (ac_task *)__builtin_malloc(sizeof *t + size);
    if (t) {
        t->size = size;
        __builtin_memcpy(t->value, value, size);
    }
    return t;
}
/* Runs the call to completion right away: in plain C a task finishes before
 * ac_spawn returns, so programs whose output depends on how tasks interleave
 * print differently here than when transformed. A spawned call sees none of its
 * caller's task-local bindings (<ac_local.h>), as a task does not: they are set aside
 * while it runs. */
struct ac_local_binding *ac_local_hide(void);
void ac_local_restore(struct ac_local_binding *saved);
#define ac_spawn(call)                                                                             \
    __extension__({                                                                                \
        struct ac_local_binding *ac_locals_ = ac_local_hide();                                     \
        ac_task *ac_done_ = AC_SEQ_RUN_(call);                                                     \
        ac_local_restore(ac_locals_);                                                              \
        ac_done_;                                                                                  \
    })
/* The call run to its end, its result in a handle. */
#define AC_SEQ_RUN_(call)                                                                          \
    __extension__({                                                                                \
        __typeof__(call) ac_value_ = (call);                                                       \
        ac_sync_spawn_(&ac_value_, sizeof ac_value_);                                              \
    })

static inline void ac_yield(void) {}
/* A plain program has no tasks to list (ac_runtime.h: ac_task_dump). */
static inline int ac_task_dump(int fd) {
    (void)fd;
    return 0;
}

/* Sleeps for ms milliseconds (runtime/src/sequential.c: sleeping needs <time.h>,
 * which this header leaves to the program). */
void ac_sequential_sleep_ms(uint64_t ms);
static inline void ac_sleep_ms(uint64_t ms) {
    ac_sequential_sleep_ms(ms);
}

/* The runtime's checks, as far as plain C can make them: a NULL handle is -EBADF
 * and a result of another size than *out -EINVAL, the handle kept
 * (runtime/src/sequential.c: out of line, as gcc would take a join after a refused one
 * for a use after free). A second join of a handle is a use after free here; the
 * runtime reports it (-EBADF). */
int ac_sequential_join(ac_task *t, void *out, size_t out_size);
#define ac_join(t, out) ac_sequential_join((t), (out), AC_SIZEOF_TARGET(out))

static inline int ac_detach(ac_task *t) {
    if (!t)
        return -9;
    __builtin_free(t);
    return 0;
}

/* A future holds the finished call's result, as a spawned task does. It ran where
 * ac_future_of is written, inside the task-local bindings in force there (a future
 * awaited elsewhere sees those of the await when transformed: <ac_local.h>). */
typedef struct ac_future {
    ac_task *done;
} ac_future;

#define ac_future_of(call) ((ac_future){AC_SEQ_RUN_(call)})
static inline int ac_future_valid(ac_future fu) {
    return fu.done != NULL;
}
static inline void ac_future_await(ac_future fu, void *out) {
    if (!fu.done)
        __builtin_abort(); /* as the runtime does: an empty future cannot be awaited */
    (void)ac_sequential_join(fu.done, out, 0);
}
static inline ac_task *ac_future_spawn(ac_future fu) {
    return fu.done;
}
static inline int ac_future_block_on(ac_future fu, void *out) {
    if (!fu.done)
        return -1;
    return ac_sequential_join(fu.done, out, 0);
}
static inline void ac_future_drop(ac_future fu) {
    ac_detach(fu.done);
}

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif

#endif
