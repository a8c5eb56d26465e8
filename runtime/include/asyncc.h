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
 */
#ifndef ASYNCC_H
#define ASYNCC_H

#include <stddef.h>
#include <stdint.h>

#define ASYNCC_VERSION "0.1.0"

/* A spawned task. ac_spawn returns it as the task's join handle. */
typedef struct ac_task ac_task;

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

/* Yield to the scheduler once: the task goes to the back of the run queue. */
async void ac_yield(void);
/* Suspend the task for at least `ms` milliseconds. */
async void ac_sleep_ms(uint64_t ms);
/* Wait for task `t` to finish; copy its result to `out` (NULL discards it) and
 * release the handle. `out` must point to the type the spawned function returns. */
async void ac_join(ac_task *t, void *out);
/* Let task `t` run on without anyone joining it; releases the handle. */
void ac_detach(ac_task *t);
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
 * print differently here than when transformed. */
#define ac_spawn(call)                                                                             \
    __extension__({                                                                                \
        __typeof__(call) ac_value_ = (call);                                                       \
        ac_sync_spawn_(&ac_value_, sizeof ac_value_);                                              \
    })

static inline void ac_yield(void) {}

/* Sleeps for ms milliseconds (runtime/src/sequential.c: sleeping needs <time.h>,
 * which this header leaves to the program). */
void ac_sequential_sleep_ms(uint64_t ms);
static inline void ac_sleep_ms(uint64_t ms) {
    ac_sequential_sleep_ms(ms);
}

static inline void ac_join(ac_task *t, void *out) {
    if (t && out)
        __builtin_memcpy(out, t->value, t->size);
    __builtin_free(t);
}

static inline void ac_detach(ac_task *t) {
    __builtin_free(t);
}

/* A future holds the finished call's result, as a spawned task does. */
typedef struct ac_future {
    ac_task *done;
} ac_future;

#define ac_future_of(call) ((ac_future){ac_spawn(call)})
static inline int ac_future_valid(ac_future fu) {
    return fu.done != NULL;
}
static inline void ac_future_await(ac_future fu, void *out) {
    if (!fu.done)
        __builtin_abort(); /* as the runtime does: an empty future cannot be awaited */
    ac_join(fu.done, out);
}
static inline ac_task *ac_future_spawn(ac_future fu) {
    return fu.done;
}
static inline int ac_future_block_on(ac_future fu, void *out) {
    if (!fu.done)
        return -1;
    ac_join(fu.done, out);
    return 0;
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
