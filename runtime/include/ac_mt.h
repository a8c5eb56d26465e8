/* ac_mt.h - the multi-thread runtime: tasks run on a pool of worker threads.
 *
 *     ac_runtime *rt;
 *     if (ac_runtime_new(NULL, &rt) != 0)         // one worker per CPU
 *         ...;
 *     int result;
 *     ac_runtime_block_on(rt, ac_future_of(serve(port)), &result);
 *     ac_runtime_shutdown(rt, 1000);              // let tasks finish for up to 1 s
 *
 * ac_block_on stays what it was: the current-thread executor, on the calling thread.
 * ac_runtime_block_on runs a future on the workers instead, and everything it spawns
 * (ac_spawn, ac_future_spawn) runs there too: a task may be polled on any worker, one
 * worker at a time, and moves between them as idle workers steal work. So the data a
 * task shares with others needs a lock or a channel, as with threads.
 *
 * What a task of this runtime can await: ac_yield, ac_join (with the same errors as on
 * the current-thread runtime), join sets (<ac_joinset.h>), ac_future_await, the timers
 * (ac_sleep_ms, ac_sleep_until, ac_interval_tick), the blocking pool (ac_blocking.h),
 * every waitlist-based primitive (channels, locks), woken from any thread, descriptors
 * and sockets (ac_io.h, ac_net.h) opened by a task of the runtime (ac_fd_open on a
 * worker registers them in the runtime's one reactor; a handle opened on a
 * current-thread loop is refused there with -EOPNOTSUPP, and the other way round), and
 * signals (ac_signal.h: block them before ac_runtime_new, so that every thread has
 * them blocked). Close the descriptors before ac_runtime_shutdown (or in a cleanup of
 * the task that holds them, which the shutdown's drop runs): a handle outlives its
 * registration only as a closed one.
 * A join handle belongs to the runtime's tasks: joining it from a task of the
 * current-thread executor stops the program with a message.
 *
 * A thread that is no worker starts work with ac_runtime_spawn and waits for it, when
 * it wants the result, with ac_runtime_join (ac_runtime_block_on is the two at once):
 *
 *     ac_runtime_handle h;
 *     if (ac_runtime_spawn(rt, ac_future_of(fetch(url)), &h) == 0) {
 *         ...                                      // fetch runs on the workers meanwhile
 *         int status;
 *         ac_runtime_join(h, &status);             // or ac_runtime_detach(h)
 *     }
 *
 * The builder is a struct whose zero value means every default: set the fields you
 * care about after ac_runtime_builder_init, or pass NULL to ac_runtime_new.
 *
 * Three faces, like <asyncc.h>: the declarations are plain C in each, and
 * ASYNCC_SEQUENTIAL's stand-ins run the future on the calling thread, the sequential
 * meaning.
 */
#ifndef AC_MT_H
#define AC_MT_H

#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <stddef.h>
#include <stdint.h>

/* Workers of all runtimes alive at once in the process (a task records its worker's
 * number in 16 bits). */
#define AC_RUNTIME_MAX_WORKERS 4096

typedef struct ac_runtime ac_runtime;

/* ac_spawn_local(f(x)): ac_spawn, but the task is pinned to the thread that spawns it
 * (tokio's spawn_local, smol's LocalExecutor), for state that must not cross threads:
 * a task of the multi-thread runtime spawned so is polled by the spawning worker alone,
 * never stolen, and a wake from any other thread (a channel send on another worker, a
 * timer fired elsewhere, a blocking job) is sent back to that worker. Join it, detach
 * it, put it in a join set or abort it as any task. On the current-thread executor, and
 * in the plain meaning, it is ac_spawn: every task there runs on one thread already.
 *
 * A spawn form, not a set object to run tasks in (tokio's LocalSet): each worker runs
 * its pinned tasks itself, taking turns with its other tasks, so there is nothing to
 * drive or await and no second scheduler; what it gives up is balance: a worker's
 * pinned tasks wait for it when it is busy, while idle workers steal only the others.
 * A shutdown drops the pinned tasks still alive on worker 0, like every other task,
 * while the other workers wait at a barrier: no two threads touch them at once. */
#if defined(ASYNCC_SEQUENTIAL)
#define ac_spawn_local(call) ac_spawn(call)
#else
#define ac_spawn_local(call) ac_task_pin(ac_spawn(call))
#endif

/* A task that ac_runtime_spawn started: a value, which may be copied, but joined or
 * detached once. {NULL, 0} is no task's. */
typedef struct ac_runtime_handle {
    ac_runtime *rt;
#if defined(ASYNCC_SEQUENTIAL)
    ac_task *done; /* the finished call's result */
#else
    uint64_t id; /* the runtime's number for the task; 0 for none */
#endif
} ac_runtime_handle;

typedef struct ac_runtime_builder {
    unsigned worker_threads; /* 0: one per CPU the process may run on */
    const char *thread_name; /* workers are named "<name>-<i>" (15 bytes kept); NULL: "ac-worker" */
    size_t thread_stack_size;           /* bytes; 0: the system's default */
    void (*on_thread_start)(void *arg); /* on each worker before its first poll; may be NULL */
    void (*on_thread_stop)(void *arg);  /* on each worker after its last poll; may be NULL */
    void *hook_arg;
    /* Polls between two looks at the timers and at the wakes other threads queued for
     * this worker (the blocking pool's); 0: 61. */
    unsigned event_interval;
    /* Polls between two times a worker takes from the global queue before its own, so
     * that tasks woken from outside are not starved by a busy local queue; 0: 31. */
    unsigned global_queue_interval;
} ac_runtime_builder;

/* Read while the runtime runs: counters are exact once the workers are idle, and a
 * snapshot of moving values otherwise. */
typedef struct ac_runtime_metrics {
    unsigned workers;
    uint64_t tasks_spawned;  /* tasks made on the workers */
    uint64_t tasks_finished; /* of those, finished */
    uint64_t tasks_alive;    /* spawned - finished: running, queued or parked */
    uint64_t tasks_outside;  /* of ac_runtime_spawn and _block_on: unfinished, not counted above */
    uint64_t global_queue_depth;
    uint64_t timers_armed;   /* sleeps, deadlines and intervals of the runtime's tasks */
    uint64_t fds_registered; /* descriptors and sockets open in the runtime's reactor */
    /* The blocking pool (<ac_blocking.h>), which every runtime of the process shares:
     * its threads running a job, and waiting for one. */
    unsigned blocking_threads_busy, blocking_threads_idle;
} ac_runtime_metrics;

typedef struct ac_worker_metrics {
    uint64_t polls;
    uint64_t steals;    /* tasks taken from other workers' queues */
    uint64_t steal_ops; /* successful steal operations (each takes half a queue) */
    uint64_t parks;     /* times the worker slept for want of work */
    /* Nanoseconds out of those sleeps: polling, and looking for work between polls. It
     * is counted every event_interval polls and when the worker parks, so it lags a
     * busy worker by at most that many polls and does not move while it sleeps. */
    uint64_t busy_ns;
    uint64_t local_queue_depth;
} ac_worker_metrics;

#if defined(ASYNCC_SEQUENTIAL)

struct ac_runtime {
    int unused;
};
static inline void ac_runtime_builder_init(ac_runtime_builder *b) {
    *b = (ac_runtime_builder){0, 0, 0, 0, 0, 0, 0, 0};
}
static inline int ac_runtime_new(const ac_runtime_builder *b, ac_runtime **out) {
    static ac_runtime the_one;
    (void)b;
    *out = &the_one;
    return 0;
}
static inline int ac_runtime_block_on(ac_runtime *rt, ac_future fu, void *out) {
    (void)rt;
    return ac_future_block_on(fu, out) == 0 ? 0 : -22; /* EINVAL: an empty future */
}
/* The call ran to its end in ac_future_of; the handle holds its result. */
static inline int ac_runtime_spawn(ac_runtime *rt, ac_future fu, ac_runtime_handle *h) {
    h->rt = rt;
    h->done = fu.done;
    return fu.done ? 0 : -22; /* EINVAL: an empty future */
}
/* As ac_join's plain face: a NULL handle is -EBADF, a result of another size than
 * *out -EINVAL (the handle kept); a second join is a use after free here. */
#define ac_runtime_join(h, out) ac_sequential_join((h).done, (out), AC_SIZEOF_TARGET(out))
static inline int ac_runtime_detach(ac_runtime_handle h) {
    return ac_detach(h.done);
}
static inline int ac_runtime_task_dump(ac_runtime *rt, int fd) {
    (void)rt;
    return ac_task_dump(fd); /* a plain program has no tasks to list */
}
static inline int ac_runtime_shutdown(ac_runtime *rt, uint64_t timeout_ms) {
    (void)rt, (void)timeout_ms;
    return 0;
}

#else

/* All defaults. */
void ac_runtime_builder_init(ac_runtime_builder *b);

/* Start a runtime configured by b (NULL: the defaults) in *out. Returns 0, or a
 * negative errno: -EINVAL for more than AC_RUNTIME_MAX_WORKERS workers (all runtimes
 * counted) or an interval above 1,000,000; -ENOMEM; -EAGAIN and the like when a thread,
 * an eventfd or an epoll instance cannot be made. */
int ac_runtime_new(const ac_runtime_builder *b, ac_runtime **out);

/* Run fu on rt's workers and block the calling thread until it finishes; copy its
 * result to out (NULL discards it). Consumes fu. Returns 0, or a negative errno with
 * nothing run (fu dropped): -EINVAL for an empty future, -ENOMEM, and -EDEADLK when
 * called on one of rt's workers, whose blocking would stall the runtime. Any number of
 * threads may block on one runtime at once. A future that never finishes blocks for
 * ever: with other threads able to wake it, a runtime cannot tell a deadlock. */
int ac_runtime_block_on(ac_runtime *rt, ac_future fu, void *out);

/* Run fu on rt's workers and return at once, with a handle to it in *h, from any
 * thread (a worker too). Consumes fu. Returns 0, or a negative errno with nothing run
 * (fu dropped, *h no task's): -EINVAL for an empty future, -ENOMEM. The handle is
 * joined or detached once; a task neither joined nor detached is waited for and dropped
 * by ac_runtime_shutdown, after which its handle must not be used. */
int ac_runtime_spawn(ac_runtime *rt, ac_future fu, ac_runtime_handle *h);

/* Block the calling thread until the task of h finishes and copy its result to out
 * (NULL discards it), then give the handle up. Returns 0, or a negative errno with
 * nothing copied, as ac_join says it:
 *   -EINVAL   the task's result is not the size of *out (the handle is kept);
 *   -EBADF    h is no task's: {NULL, 0}, a failed spawn's, or one already joined,
 *             detached, or being joined by another thread;
 *   -EDEADLK  called on one of the runtime's workers (the handle is kept): a task
 *             awaits ac_join of a handle of ac_spawn instead.
 * The size of *out is taken where the join is written, hence the macro. */
int ac_runtime_join_sized(ac_runtime_handle h, void *out, size_t out_size);
#define ac_runtime_join(h, out) ac_runtime_join_sized((h), (out), AC_SIZEOF_TARGET(out))

/* Let the task of h run on without anyone joining it: it is freed when it finishes.
 * Returns 0, or -EBADF as ac_runtime_join would. */
int ac_runtime_detach(ac_runtime_handle h);

/* Give the tasks still alive up to timeout_ms to finish, then stop the workers, drop
 * every task left (their drops run on a worker), and free the runtime. Returns how many
 * unfinished tasks were dropped, or -EBUSY (nothing done) while a thread is inside
 * ac_runtime_block_on or ac_runtime_join on rt, or when called on one of rt's
 * workers. The tasks of ac_runtime_spawn count as alive until they finish. */
int ac_runtime_shutdown(ac_runtime *rt, uint64_t timeout_ms);

/* Write to fd one line per task of rt, as ac_task_dump does for a current-thread loop
 * (ac_runtime.h), which calls this on a worker: the tasks on every worker, parked,
 * queued or finished and not joined, and those of ac_runtime_spawn and _block_on.
 * Safe while the workers run: it asks them to pause between two polls (at their next
 * look at timers and I/O, at most event_interval polls away, or before they park),
 * writes the dump and lets them go on, so a task that never returns from a poll delays
 * it, and the write must not wait for a task of rt (a pipe that only rt's tasks read
 * must have room for the dump). From a task, the task is listed as running. Returns the
 * number of tasks listed, or -errno of a write. Not while ac_runtime_shutdown runs. */
int ac_runtime_task_dump(ac_runtime *rt, int fd);

void ac_runtime_metrics_get(ac_runtime *rt, ac_runtime_metrics *m);
/* Worker i's counters; -EINVAL if there is no worker i. */
int ac_runtime_worker_metrics(ac_runtime *rt, unsigned i, ac_worker_metrics *m);

#endif

#endif
