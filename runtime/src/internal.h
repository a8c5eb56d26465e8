/* internal.h - what the runtime's source files share with each other and with the
 * runtime's unit tests (tests/runtime). Not installed, not part of the ABI.
 *
 * Names: `ac_` is the public API (ac_runtime.h, ac_io.h); everything the runtime's
 * files share is `aci_` and declared ACI_HIDDEN, so that it stays out of the symbol
 * table a shared build would export (tests/runtime/symbols.cmake checks this).
 */
#ifndef AC_RUNTIME_INTERNAL_H
#define AC_RUNTIME_INTERNAL_H

#include "ac_runtime.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>

#define ACI_HIDDEN __attribute__((visibility("hidden")))
/* The general path beside an inline fast one: kept out of line, so that the fast path
 * needs no stack frame of its own. */
#define ACI_NOINLINE __attribute__((noinline))
/* A function of a hot path that gcc's heuristics leave out of line (it takes a call
 * reached through an inlined function pointer for a cold one): inlined all the same. */
#define ACI_INLINE inline __attribute__((always_inline))

/* ---- the task header -------------------------------------------------------------------- */

/* See task.c for the block layout and pool.c for how blocks are kept. */
/* Max-aligned wherever it is (the root's waker lives in the loop), so that ac_wake can
 * take the generation bits off a handle (task.c). */
struct ac_task {
    alignas(max_align_t) const ac_vtable *vt; /* NULL marks a free block in the pool */
    ac_task *next;          /* run-queue link, or free-list link while the block is free */
    ac_task *waiter;        /* the task suspended in ac_join on this one */
    uint32_t flags;         /* TASK_* bits; for TASK_MT, never written after the spawn */
    _Atomic uint32_t state; /* a TASK_MT task's MT_* bits (mt.c); unused otherwise */
};

#define ACI_TASK_HEADER_SIZE 32
#define ACI_MAX_ALIGN alignof(max_align_t)

enum aci_task_flag {
    TASK_SPAWNED = 1u << 0,  /* queued at least once: its frame is initialized */
    TASK_QUEUED = 1u << 1,   /* in the run queue, or woken during its own poll */
    TASK_RUNNING = 1u << 2,  /* being polled right now */
    TASK_FINISHED = 1u << 3, /* poll returned AC_READY (or the task was dropped) */
    TASK_DETACHED = 1u << 4, /* no handle: free it when it finishes */
    TASK_ROOT = 1u << 5,     /* loop.root: its frame is polled by the caller of ac_root_wait */
    /* A task of a multi-thread runtime (mt.c): its state is the atomic `state`, and
     * `flags` holds only these constant bits and, from ACI_TASK_OWNER_SHIFT up, the id
     * of the worker whose pool its block comes from. */
    TASK_MT = 1u << 6,
    /* An MT task spawned from outside (ac_runtime_spawn, ac_runtime_block_on): its block
     * follows a malloc'd record of the runtime's table, not in a pool (mt.c). */
    TASK_HEAP = 1u << 7,
    /* An MT task polled only by the worker that made it (ac_spawn_local, mt.c): set by
     * that worker right after the spawn, before the handle leaves it. */
    TASK_PINNED = 1u << 8,
    TASK_CANCEL = 1u << 9,     /* aborted: its next poll drops it instead */
    TASK_CANCELLED = 1u << 10, /* finished by that drop: no result */
};
#define ACI_TASK_OWNER_SHIFT 16
/* flags bits 12-15: the generation of the block, 1 to 15, one more each time the block
 * gets a task; a join handle carries it in its low bits (task.c, "handles"). */
#define ACI_TASK_GEN_SHIFT 12
#define ACI_TASK_GEN_MASK ((uint32_t)(ACI_MAX_ALIGN - 1))
_Static_assert(ACI_MAX_ALIGN <= 16, "the generation takes the 4 bits below owner");

static inline uint32_t aci_flags_gen(uint32_t flags) {
    return (flags >> ACI_TASK_GEN_SHIFT) & ACI_TASK_GEN_MASK;
}

static inline uint32_t aci_task_gen(const ac_task *t) {
    return aci_flags_gen(t->flags);
}

/* A handle used after it was given up (task.c, aci_handle_task) reads vt, flags and
 * state of a block that its owner may be freeing or giving to a new task on another
 * thread at the same moment: those writes and that check are relaxed atomics (plain
 * moves), so that the check is a race the language defines, not undefined behaviour. */
static inline void aci_task_set_vt(ac_task *t, const ac_vtable *vt) {
    __atomic_store_n(&t->vt, vt, __ATOMIC_RELAXED);
}

static inline void aci_task_set_flags(ac_task *t, uint32_t flags) {
    __atomic_store_n(&t->flags, flags, __ATOMIC_RELAXED);
}

static inline size_t aci_align_up(size_t n) {
    return (n + ACI_MAX_ALIGN - 1) & ~(size_t)(ACI_MAX_ALIGN - 1);
}

/* Copy a value (a result, a channel's element): the common sizes inline, not a call. */
static inline void aci_copy_value(void *dst, const void *src, size_t size) {
    if (size == sizeof(uint64_t))
        memcpy(dst, src, sizeof(uint64_t));
    else if (size == sizeof(uint32_t))
        memcpy(dst, src, sizeof(uint32_t));
    else
        memcpy(dst, src, size);
}

/* A result of at most this many bytes takes no room of its own in the block: it shares
 * the frame's, which is dead once the poll that writes the result returns AC_READY (the
 * poll writes it to a buffer on the stack, copied in afterwards: aci_task_poll). */
#define ACI_RESULT_SHARED_MAX 64

static inline int aci_result_shares_frame(const ac_vtable *vt) {
    return vt->result_size <= ACI_RESULT_SHARED_MAX;
}

static inline size_t aci_task_block_size(const ac_vtable *vt) {
    size_t frame = vt->frame_size, result = vt->result_size;
    /* Rounding up keeps order: the larger, rounded, is the larger of the two rounded. */
    if (aci_result_shares_frame(vt))
        return ACI_TASK_HEADER_SIZE + aci_align_up(frame > result ? frame : result);
    return ACI_TASK_HEADER_SIZE + aci_align_up(frame) + aci_align_up(result);
}

static inline void *aci_task_frame(ac_task *t) {
    return (char *)t + ACI_TASK_HEADER_SIZE;
}

/* Where a finished task's result is. */
static inline void *aci_task_result(ac_task *t) {
    if (aci_result_shares_frame(t->vt))
        return aci_task_frame(t);
    return (char *)aci_task_frame(t) + aci_align_up(t->vt->frame_size);
}

/* Poll t's frame for cx; once it returns AC_READY, the result is at aci_task_result(t)
 * and the frame is gone. */
static inline ac_poll aci_task_poll(ac_task *t, ac_cx *cx) {
    const ac_vtable *vt = t->vt;
    if (vt->result_size == 0)
        return vt->poll(aci_task_frame(t), cx, NULL);
    if (!aci_result_shares_frame(vt))
        return vt->poll(aci_task_frame(t), cx, aci_task_result(t));
    alignas(max_align_t) unsigned char result[ACI_RESULT_SHARED_MAX];
    ac_poll r = vt->poll(aci_task_frame(t), cx, result);
    if (r == AC_READY)
        aci_copy_value(aci_task_result(t), result, vt->result_size);
    return r;
}

/* ---- the block pool (pool.c) -------------------------------------------------------------- */

#define ACI_POOL_CLASSES 64

typedef struct aci_pool_chunk aci_pool_chunk;
typedef struct aci_large_link aci_large_link;

typedef struct aci_pool_class {
    aci_pool_chunk *chunks; /* oldest first */
    aci_pool_chunk *last;   /* the chunk blocks are carved from */
} aci_pool_class;

typedef struct aci_pool {
    /* Per class, the freed blocks, linked through next: apart from the chunks, so that
     * a spawn finds its list with one scaled index. */
    ac_task *free[ACI_POOL_CLASSES];
    size_t live;           /* blocks allocated and not freed */
    aci_large_link *large; /* blocks too big for a size class */
    aci_pool_class classes[ACI_POOL_CLASSES];
    /* Blocks other threads freed (multi-thread tasks), linked through next, for the
     * owner to take back (aci_pool_drain_remote). */
    ac_task *_Atomic remote_free;
} aci_pool;

/* ---- the timers: a millisecond wheel with an overflow heap (timer.c) ---------------------- */

/* The overflow heap: a binary min-heap ordered by (tick, seq), so timers with equal
 * ticks leave in arming order. Each timer records its own position (heap_index) so it
 * can be removed in O(log n). */
typedef struct aci_timer_heap {
    ac_timer **items;
    size_t count;
    size_t cap;
} aci_timer_heap;

/* Insert t; returns -1 (t left out) when memory is exhausted. */
ACI_HIDDEN int aci_timer_heap_push(aci_timer_heap *h, ac_timer *t);
/* Remove a timer the heap holds. */
ACI_HIDDEN void aci_timer_heap_remove(aci_timer_heap *h, ac_timer *t);
/* Remove and return the earliest timer; the heap must not be empty. */
ACI_HIDDEN ac_timer *aci_timer_heap_pop(aci_timer_heap *h);
/* Free the storage; the heap becomes empty. */
ACI_HIDDEN void aci_timer_heap_release(aci_timer_heap *h);

/* A FIFO of timers linked through prev/next: a wheel slot, or the timers due at once. */
typedef struct aci_timer_list {
    ac_timer *head, *tail;
} aci_timer_list;

#define ACI_WHEEL_SLOTS 1024 /* one per millisecond: a turn is about a second */

/* Slot s holds the timers whose tick is the one tick in [now_tick, now_tick + SLOTS)
 * congruent to s; `busy` has bit s set while slot s is not empty. Allocated on first use. */
typedef struct aci_timer_wheel {
    aci_timer_list slots[ACI_WHEEL_SLOTS];
    uint64_t busy[ACI_WHEEL_SLOTS / 64];
} aci_timer_wheel;

/* Everything the loop keeps about its timers. */
typedef struct aci_timers {
    aci_timer_wheel *wheel;  /* NULL until the first timer is armed */
    uint64_t now_tick;       /* the first tick not fired yet */
    aci_timer_heap overflow; /* ticks at or beyond now_tick + ACI_WHEEL_SLOTS */
    aci_timer_list due;      /* deadlines already past when armed */
    size_t armed;
    uint64_t seq;
} aci_timers;

/* ---- the loop: one per thread (loop.c) ---------------------------------------------------- */

typedef struct aci_backend aci_backend;
typedef struct aci_signals aci_signals; /* signal.c */
typedef struct aci_worker aci_worker;   /* mt.c */

/* Cross-thread wakes: ac_remote_wake queues its remote here under `lock`, a thread
 * waking a waiter parked on this loop moves the waiter to the inbox, and either writes
 * the eventfd when the queue was empty, so a loop asleep in the backend wakes up. */
typedef struct aci_remote_queue {
    pthread_mutex_t lock;
    ac_remote *head;   /* doubly linked through prev/next, under lock */
    ac_waitlist inbox; /* waiters woken by other threads, under lock */
    int eventfd;       /* -1 until the first remote is armed or waiter parked */
} aci_remote_queue;

/* Everything one thread's executor owns: the run queue, the task pool, the timers, the
 * readiness backend and the cross-thread wake queue. */
typedef struct aci_loop {
    ac_task *head;        /* run queue: pop at head, push at tail */
    ac_task *tail;        /* stale while head is NULL */
    unsigned poll_budget; /* polls left before the next look at timers and I/O */
    unsigned coop_used;   /* leaves polled in the current task's poll (aci_coop_take) */
    int running;          /* inside the outermost block_on */
    int closing;          /* the outermost block_on is dropping what is left */
    ac_task root;         /* the waker of the root being blocked on, if any */
    aci_timers timers;
    aci_backend *backend;          /* NULL until something needs to sleep or watch an fd */
    size_t fds_registered;         /* ac_fd handles open on this loop */
    size_t io_waiters;             /* tasks parked on an ac_fd */
    size_t remotes_armed;          /* ac_remote handles another thread may wake */
    size_t waiters_parked;         /* on lists other threads wake (waitlist.h), until delivered */
    struct aci_loop *next_running; /* in the list of loops inside a block_on (loop.c) */
    aci_remote_queue remote;
    aci_signals *signals; /* NULL until a task first waits for a signal */
    aci_worker *worker;   /* the multi-thread runtime's worker running this loop, or NULL */
    ac_task *mt_polling;  /* the task that worker is polling, or NULL (mt.c) */
    int mt_self_woken;    /* mt_polling woke itself during that poll: a yield (mt.c) */
    uint32_t task_flags;  /* the flags of the tasks made on this thread (0, or TASK_MT...) */
    uint64_t random;      /* the PRNG's state (ac_random_below); 0 until first used */
    uint32_t now_ms;      /* the clock when the driver last ran, for ac_task_dump */
    aci_pool pool;
} aci_loop;

/* Initial-exec: in position-independent code the default model reaches a thread-local
 * through a call to __tls_get_addr (rewritten by the linker, but a call while compiling),
 * which gives every function touching the loop a stack frame and keeps gcc from
 * shrink-wrapping the paths that park or wake with no call. The cost: a shared build of
 * the runtime is for programs linked with it, not for dlopen (README, Known limits). */
ACI_HIDDEN extern _Thread_local aci_loop aci_loop_this __attribute__((tls_model("initial-exec")));

/* Queue t (not queued) at the tail of this loop's run queue. */
static inline void aci_run_queue_push(ac_task *t) {
    t->next = NULL;
    if (aci_loop_this.head)
        aci_loop_this.tail->next = t;
    else
        aci_loop_this.head = t;
    aci_loop_this.tail = t;
}

/* ---- the cooperative budget -------------------------------------------------------------- */

/* A task whose leaves are always ready (a channel never empty or never full, a lock never
 * taken, a descriptor always readable) would never return from its poll, starving the
 * tasks, timers and descriptors of its thread. So one poll of a task may poll
 * ACI_COOP_BUDGET leaves (tokio's figure); the next returns AC_PENDING, unchanged, as a
 * yield (ac_cx's `yielded`): the task goes behind the others. The executors reset
 * the count when they poll a task (and a root); the channels, sync primitives,
 * descriptors, sockets, joins and join sets take from it. */
#define ACI_COOP_BUDGET 128u

static inline void aci_coop_reset(void) {
    aci_loop_this.coop_used = 0;
}

/* At the start of a leaf's poll: 1 to go on, or 0 (a yield) to return AC_PENDING
 * without touching anything. ACI_BENCH_NO_COOP_BUDGET is for bench/ alone, which builds
 * a runtime without the check to measure what it costs (bench/CMakeLists.txt). */
#ifdef ACI_BENCH_NO_COOP_BUDGET
static inline int aci_coop_take(ac_cx *cx) {
    (void)cx;
    return 1;
}
#else
static inline int aci_coop_take(ac_cx *cx) {
    if (__builtin_expect(++aci_loop_this.coop_used <= ACI_COOP_BUDGET, 1))
        return 1;
    cx->yielded = 1;
    return 0;
}
#endif

/* Nothing is runnable (block = 1), or a busy queue pauses for a look (block = 0): wait in
 * the backend until the nearest timer's deadline (not at all when block is 0), wake
 * the tasks whose descriptors or remotes fired, then fire the due timers. Returns -1,
 * waiting for nothing, when block is 1 and nothing could ever wake a task: no timer
 * armed, no task parked on a descriptor, no remote armed (a deadlock). */
ACI_HIDDEN int aci_loop_drive(int block);
/* The outermost block_on starts and ends: the loop joins and leaves the process's list
 * of running loops, which tells whether another thread could still wake a parked task. */
ACI_HIDDEN void aci_loop_enter(void);
ACI_HIDDEN void aci_loop_leave(void);
/* From any thread: queue w (woken, unlinked) to loop's inbox, to be woken there. */
ACI_HIDDEN void aci_loop_post(aci_loop *loop, ac_waiter *w);
/* On w's own thread: take w back out of this loop's inbox (a drop). */
ACI_HIDDEN void aci_loop_unpost(ac_waiter *w);
/* The backend, opened on first use; NULL (errno-style code in *err) if it cannot be. */
ACI_HIDDEN aci_backend *aci_loop_backend(int *err);
/* End of the outermost block_on: forget the timers; close the backend if no descriptor
 * still needs it. */
ACI_HIDDEN void aci_loop_reset(void);
/* For a worker of the multi-thread runtime (mt.c): open the eventfd that others kick
 * (0 or a negative errno; remote.eventfd then); sleep in the backend until kicked (a
 * write to that eventfd) or timeout_ns passed,
 * delivering remote wakes; deliver remote wakes already queued, without a system call
 * when there are none; close the eventfd and the backend at the worker's end. */
ACI_HIDDEN int aci_loop_open_kick(void);
ACI_HIDDEN void aci_loop_park(uint64_t timeout_ns);
ACI_HIDDEN void aci_loop_poll_remote(void);
ACI_HIDDEN void aci_loop_close_kick(void);

/* ---- this loop's timers (timer.c) --------------------------------------------------------- */

ACI_HIDDEN uint64_t aci_clock_now_ns(void); /* CLOCK_MONOTONIC */
/* Arm t (not armed) to wake task at deadline_ns or within the millisecond after it;
 * now_ns is the clock's present reading (a deadline already past fires at the next look).
 * Aborts with a message when memory is exhausted: a poll cannot report the failure, and
 * a sleep that never ends would hang. */
ACI_HIDDEN void aci_timer_arm(ac_timer *t, ac_task *task, uint64_t deadline_ns, uint64_t now_ns);
/* Take t out of the loop if it is armed (a drop); no-op otherwise. */
ACI_HIDDEN void aci_timer_disarm(ac_timer *t);
/* Whether t is armed (locks a multi-thread task's timers to look). */
ACI_HIDDEN int aci_timer_armed(const ac_timer *t);
/* Wake the tasks of every timer whose deadline is at or before now. */
ACI_HIDDEN void aci_timers_fire_until(uint64_t now);
/* The earliest deadline, or UINT64_MAX when no timer is armed. */
ACI_HIDDEN uint64_t aci_timers_next_deadline(void);
/* Forget every armed timer and free the heap (end of the outermost block_on). */
ACI_HIDDEN void aci_timers_reset(void);
ACI_HIDDEN size_t aci_timers_armed(void);
/* The same three on given timers: a multi-thread runtime's, which the caller locked. */
ACI_HIDDEN void aci_timers_fire_in(aci_timers *tm, uint64_t now);
ACI_HIDDEN uint64_t aci_timers_next_deadline_in(aci_timers *tm);
ACI_HIDDEN void aci_timers_reset_in(aci_timers *tm);

/* ---- tasks -------------------------------------------------------------------------------- */

/* The task of handle h (ac_task_spawn), in *task: 0, or -EBADF when h is NULL or was
 * given up (joined, detached) - as far as that can be told (ac_join_frame). */
ACI_HIDDEN int aci_handle_task(ac_task *h, ac_task **task);
/* Abort t (a task, not a handle), from any thread that may wake it: unless it has
 * finished, its next poll drops its frame instead of polling it, and a join then says
 * -ECANCELED. A finished task keeps its result. */
ACI_HIDDEN void aci_task_abort(ac_task *t);
/* ---- the task dump (dump.c) --------------------------------------------------------------- */

/* A dump being written: ac_task_dump, or the multi-thread runtime's (mt.c). */
typedef struct aci_dump {
    int fd;
    uint32_t now_ms; /* the clock when it began */
    int listed;
    int error; /* the first write error, as a negative errno */
} aci_dump;

typedef enum aci_dump_status {
    ACI_DUMP_AT_AWAIT, /* suspended (or queued) at the await its frame's state names */
    ACI_DUMP_RUNNING,  /* being polled: the task that asked for the dump */
    ACI_DUMP_FINISHED, /* finished, its result not yet joined */
} aci_dump_status;

/* Write the header for `live` tasks: 0, or -errno. */
ACI_HIDDEN int aci_dump_begin(aci_dump *d, int fd, size_t live);
/* One line for task t (spawned, so its frame is initialized). */
ACI_HIDDEN void aci_dump_task(aci_dump *d, ac_task *t, aci_dump_status status,
                              uint32_t polled_ms_ago);
/* The number of tasks listed, or the first write error. */
ACI_HIDDEN int aci_dump_end(const aci_dump *d);

/* ac_join_poll without taking from the cooperative budget: a join set polls its members'
 * joins in one poll, taking one unit for them all (joinset.c). */
ACI_HIDDEN ac_poll aci_join_poll_member(ac_join_frame *f, ac_cx *cx, int *out);

/* Tasks allocated on this thread and not yet freed. */
ACI_HIDDEN size_t aci_tasks_live(void);

#endif
