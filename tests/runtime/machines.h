/* machines.h - hand-written async functions for the runtime's unit tests.
 *
 * They follow the poll ABI (grammar/abi.md) the way generated code will: a frame, an
 * init, a poll resuming through a switch on the state, a drop that drops the pending
 * await. Besides a few fixed machines (yielder, sleeper, spinner, record) there is a
 * "script": a task that runs a list of steps - plain calls, and awaits of the leaves -
 * so that each test can write the exact sequence its scenario needs.
 */
#ifndef RUNTIME_TEST_MACHINES_H
#define RUNTIME_TEST_MACHINES_H

#include "ac_runtime.h"

#include "ac_chan.h" /* after ac_runtime.h: the runtime face */
#include "ac_io.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h> /* DEFINE_FUTURE */
#include <string.h>

/* The type-erased entry points and vtable a spawned function gets (abi.md section 5). */
#define DEFINE_VTABLE(name, result_size)                                                           \
    static ac_poll name##_poll_erased(void *frame, ac_cx *cx, void *out) {                         \
        return name##_poll(frame, cx, out);                                                        \
    }                                                                                              \
    static void name##_drop_erased(void *frame) {                                                  \
        name##_drop(frame);                                                                        \
    }                                                                                              \
    static const ac_vtable name##_vtable = {name##_poll_erased, name##_drop_erased,                \
                                            sizeof(name##_frame), (result_size), NULL}

/* A future of a machine `name` (name_frame, name_poll writing a T, name_drop) whose frame
 * is malloc'd: what ac_future_of makes of an async call (ac_runtime.h). */
#define DEFINE_FUTURE(name, T)                                                                     \
    static ac_poll name##_slot_poll(void *slot, ac_cx *cx, void *out) {                            \
        name##_frame *f = *(name##_frame **)slot;                                                  \
        T r;                                                                                       \
        if (name##_poll(f, cx, &r) == AC_PENDING)                                                  \
            return AC_PENDING;                                                                     \
        if (out)                                                                                   \
            memcpy(out, &r, sizeof r);                                                             \
        free(f);                                                                                   \
        *(void **)slot = NULL;                                                                     \
        return AC_READY;                                                                           \
    }                                                                                              \
    static void name##_slot_drop(void *slot) {                                                     \
        name##_drop(*(name##_frame **)slot);                                                       \
        free(*(void **)slot);                                                                      \
        *(void **)slot = NULL;                                                                     \
    }                                                                                              \
    static const ac_vtable name##_future_vt = {name##_slot_poll, name##_slot_drop, sizeof(void *), \
                                               sizeof(T), NULL}

/* ---- trace: what ran, in order, as "A0 B0 A1 ..." -------------------------------------- */

void trace_reset(void);
void trace_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *trace_get(void);

/* ---- gate: an event a task can wait for (a one-shot leaf) ------------------------------- */

typedef struct gate {
    ac_task *waiter; /* the task parked on the gate */
    int open;
    int polls;   /* polls of gate_wait frames on this gate */
    int dropped; /* gate_wait frames dropped while waiting */
} gate;

/* Open the gate and wake its waiter. */
void gate_open(gate *g);

typedef struct gate_wait_frame {
    gate *g;
} gate_wait_frame;

void gate_wait_init(gate_wait_frame *f, gate *g);
ac_poll gate_wait_poll(gate_wait_frame *f, ac_cx *cx, void *out);
void gate_wait_drop(gate_wait_frame *f);

/* ---- tokens: a counter that tasks on any thread take from, parking while it is 0 -------- */

typedef struct tokens {
    pthread_mutex_t lock;
    unsigned count;
    ac_waitlist waiting;
} tokens;

void tokens_init(tokens *t);
/* Add one token and wake the first waiter, which takes it when it is polled. */
void tokens_give(tokens *t);

/* take(t): await a token (a leaf on a waitlist, woken from any thread). */
typedef struct take_frame {
    tokens *t;
    ac_waiter waiter;
} take_frame;

void take_init(take_frame *f, tokens *t);
ac_poll take_poll(take_frame *f, ac_cx *cx, void *out);
void take_drop(take_frame *f);

/* ---- counters a task can report into ----------------------------------------------------- */

typedef struct task_stats {
    int polls;
    int drops; /* drops while unfinished */
} task_stats;

/* ---- leaf: any leaf future, described at run time ----------------------------------------- */

/* The leaf's init/poll/drop with the types erased, for STEP_LEAF and section_spawn.
 * init gets the step's arg; the frame must fit in LEAF_FRAME_BYTES. */
#define LEAF_FRAME_BYTES 128
typedef struct leaf {
    void (*init)(void *frame, void *arg);
    ac_poll (*poll)(void *frame, ac_cx *cx, void *out);
    void (*drop)(void *frame);
} leaf;

/* The leaf descriptor `name##_leaf` of a leaf whose init takes (frame, T *target); a
 * file that defines some it does not use stays quiet. */
#define DEFINE_LEAF(name, target_type)                                                             \
    static void name##_init_erased(void *frame, void *arg) {                                       \
        name##_init(frame, (target_type *)arg);                                                    \
    }                                                                                              \
    static ac_poll name##_poll_leaf(void *frame, ac_cx *cx, void *out) {                           \
        return name##_poll(frame, cx, out);                                                        \
    }                                                                                              \
    static void name##_drop_leaf(void *frame) {                                                    \
        name##_drop(frame);                                                                        \
    }                                                                                              \
    __attribute__((unused)) static const leaf name##_leaf = {name##_init_erased, name##_poll_leaf, \
                                                             name##_drop_leaf}

/* ---- script: a task running a list of steps ---------------------------------------------- */

typedef enum step_kind {
    STEP_END,      /* finish with `value` */
    STEP_CALL,     /* call(arg, the task running the script), in the same poll */
    STEP_YIELD,    /* await ac_yield() */
    STEP_SLEEP,    /* await ac_sleep_ms(ms) */
    STEP_JOIN,     /* await ac_join(*handle, out) */
    STEP_GATE,     /* await gate_wait(g) */
    STEP_READ,     /* *result = await ac_fd_read(fd, buf, n) */
    STEP_WRITE,    /* *result = await ac_fd_write(fd, buf, n) */
    STEP_READABLE, /* *result = await ac_fd_readable(fd) */
    STEP_WRITABLE, /* *result = await ac_fd_writable(fd) */
    STEP_SEND,     /* *result = await ac_mpsc_send(chan, buf) */
    STEP_RECV,     /* *result = await ac_mpsc_recv(chan, buf) */
    STEP_ONESHOT,  /* *result = await ac_oneshot_recv(chan, buf) */
    STEP_BCAST,    /* *result = await ac_broadcast_recv(chan, buf) */
    STEP_CHANGED,  /* *result = await ac_watch_changed(chan) */
    STEP_LEAF,     /* await the leaf: init(frame, arg), its result to out */
} step_kind;

typedef struct step {
    step_kind kind;
    void (*call)(void *arg, ac_task *self);
    void *arg;
    uint64_t ms;
    ac_task **handle;
    void *out;
    gate *g;
    int value;
    ac_fd *fd;
    void *buf;
    size_t n;
    ssize_t *result;
    void *chan; /* a channel handle */
    const leaf *leaf;
} step;

#define S_CALL(fn, a)                                                                              \
    { .kind = STEP_CALL, .call = (fn), .arg = (a) }
#define S_YIELD()                                                                                  \
    { .kind = STEP_YIELD }
#define S_SLEEP(n)                                                                                 \
    { .kind = STEP_SLEEP, .ms = (n) }
#define S_JOIN(h, o)                                                                               \
    { .kind = STEP_JOIN, .handle = (h), .out = (o) }
#define S_GATE(gt)                                                                                 \
    { .kind = STEP_GATE, .g = (gt) }
#define S_READ(h, b, len, r)                                                                       \
    { .kind = STEP_READ, .fd = (h), .buf = (b), .n = (len), .result = (r) }
#define S_WRITE(h, b, len, r)                                                                      \
    { .kind = STEP_WRITE, .fd = (h), .buf = (b), .n = (len), .result = (r) }
#define S_READABLE(h, r)                                                                           \
    { .kind = STEP_READABLE, .fd = (h), .result = (r) }
#define S_WRITABLE(h, r)                                                                           \
    { .kind = STEP_WRITABLE, .fd = (h), .result = (r) }
#define S_SEND(tx, value, r)                                                                       \
    { .kind = STEP_SEND, .chan = (tx), .buf = (value), .result = (r) }
#define S_RECV(rx, out, r)                                                                         \
    { .kind = STEP_RECV, .chan = (rx), .buf = (out), .result = (r) }
#define S_ONESHOT(rx, out, r)                                                                      \
    { .kind = STEP_ONESHOT, .chan = (rx), .buf = (out), .result = (r) }
#define S_BCAST(rx, out, r)                                                                        \
    { .kind = STEP_BCAST, .chan = (rx), .buf = (out), .result = (r) }
#define S_CHANGED(rx, r)                                                                           \
    { .kind = STEP_CHANGED, .chan = (rx), .result = (r) }
#define S_LEAF(l, a, o)                                                                            \
    { .kind = STEP_LEAF, .leaf = (l), .arg = (a), .out = (o) }
#define S_END(v)                                                                                   \
    { .kind = STEP_END, .value = (v) }

/* A script task returning int (STEP_END's value), or nothing (void: result size 0).
 * The steps must outlive the task; stats may be NULL. */
ac_task *script_new(const step *steps, task_stats *stats);
ac_task *script_new_void(const step *steps, task_stats *stats);
ac_task *script_spawn(const step *steps, task_stats *stats);
/* An int script whose frame is padded past SCRIPT_LARGE_BYTES: too big for the
 * runtime's size classes, so its block takes the large-block path. */
#define SCRIPT_LARGE_BYTES 4096
ac_task *script_new_large(const step *steps, task_stats *stats);
/* Blocks on an int script whose frame is a local, the way generated code blocks on a
 * call (abi.md section 5): ac_root_enter(name), then poll and ac_root_wait until it
 * finishes, dropping the frame on a deadlock. Returns 0 with the script's value in
 * *out, or -1 (out untouched) when enter or wait failed. */
int script_block_on_root(const step *steps, task_stats *stats, const char *name, int *out);

/* Ready-made calls for S_CALL. */
void call_trace(void *text, ac_task *self);       /* trace_add("%s", text) */
void call_wake(void *handle_slot, ac_task *self); /* ac_wake(*(ac_task **)handle_slot) */
void call_wake_self(void *unused, ac_task *self); /* ac_wake(self), during self's poll */
void call_open(void *g, ac_task *self);           /* gate_open(g) */

/* ---- fixed machines ------------------------------------------------------------------------ */

/* int yielder(name, n): n times { trace "<name><i>"; await ac_yield(); } trace "<name>.";
 * return n. */
ac_task *yielder_spawn(const char *name, int n);

/* uint64_t sleeper(name, ms): await ac_sleep_ms(ms); trace name; return the elapsed ns
 * measured around the await. */
ac_task *sleeper_spawn(const char *name, uint64_t ms);

/* int spinner(flag, limit): await ac_yield() until *flag is set or limit yields were
 * made; return the number of yields. */
ac_task *spinner_spawn(const int *flag, int limit);

/* struct record record(id, yields): yield `yields` times, then return a record
 * describing id. The poll checks that the result area is aligned for the record. */
typedef struct record {
    int id;
    double x;
    long double wide; /* the strictest alignment the result area must honour */
    char name[24];
} record;

record record_expected(int id);
ac_task *record_spawn(int id, int yields);
/* Whether every record poll so far got a suitably aligned out pointer. */
int record_out_aligned(void);

/* int section(s): s->rounds times { rc = await s->acquire (init with s->arg; a
 * negative rc stops the section, which returns it); s->enter(s->ctx, rc); await
 * ac_yield() s->yields times; s->leave(s->ctx); } return 0. For stress tests of locks:
 * enter and leave check and release what the leaf took. s must outlive the task. */
typedef struct section {
    const leaf *acquire;
    void *arg;
    void (*enter)(void *ctx, int rc);
    void (*leave)(void *ctx);
    void *ctx;
    int rounds, yields;
} section;

ac_task *section_spawn(const section *s);

/* ---- mpsc producer and consumer ----------------------------------------------------------- */

/* A message is (producer id << 32) | its sequence number. */
#define MSG(id, seq) (((uint64_t)(id) << 32) | (uint32_t)(seq))
#define CONSUMED_MAX_PRODUCERS 64

/* What a consumer saw: checked after it ends. */
typedef struct consumed {
    uint64_t count, sum;
    uint32_t next[CONSUMED_MAX_PRODUCERS]; /* each producer's next sequence number */
    int out_of_order;                      /* messages that broke a producer's order */
    int end;                               /* the receive result that ended it */
} consumed;

/* Record one received message into c. */
void consumed_add(consumed *c, uint64_t v);
/* int producer(tx, id, n): await ac_mpsc_send of MSG(id, 0..n-1) (values 8 bytes), then
 * drop tx; returns 0, or the first failing send's result. Its drop drops tx. */
ac_task *producer_new(ac_mpsc_tx tx, uint32_t id, uint32_t n);
/* void consumer(rx, c): await ac_mpsc_recv until it fails, recording into c; then drop
 * rx. Its drop drops rx. */
ac_task *consumer_new(ac_mpsc_rx rx, consumed *c);
/* The sum of MSG(id, 0..n-1) over ids 0..producers-1. */
uint64_t messages_sum(uint32_t producers, uint32_t n);

/* Monotonic time for elapsed-time checks. */
uint64_t test_now_ns(void);

/* ---- helpers of the multi-thread runtime's tests ------------------------------------------ */

typedef struct ac_runtime ac_runtime; /* ac_mt.h */
/* A runtime of n workers; NULL (with a message) if it cannot be made. */
ac_runtime *runtime_of_workers(unsigned n);

/* n yields awaited one after another, for machines that yield a number of times. */
typedef struct yields {
    int left, awaiting;
    ac_yield_frame y;
} yields;

void yields_init(yields *ys, int n);
/* AC_READY once the n yields were awaited; each(arg) runs before each one (each may be
 * NULL). */
ac_poll yields_poll(yields *ys, ac_cx *cx, void (*each)(void *arg), void *arg);

#endif
