/* mt.c - the multi-thread runtime (ac_mt.h): N worker threads that run tasks and
 * steal work from each other. SCHEDULER.md, next to this file, explains the design and
 * its measurements; this comment is the map.
 *
 * Workers. Each worker is a thread with its own aci_loop (pool, backend, remote-wake
 * queue; loop.c) and, here, its own run queue: a LIFO slot for the task woken last, and
 * a bounded ring of LOCAL_CAP tasks that only the owner pushes to (at the tail) and that
 * the owner and thieves take from (at the head, by compare-and-swap). What a full ring
 * cannot take waits behind it in the worker's overflow, a list only the owner touches,
 * which refills the ring whenever the ring runs dry: a worker keeps the tasks it queued,
 * however many. The runtime's global queue (a mutex and a list) takes the wakes from
 * threads that are no worker of the runtime. A worker takes the next task from, in
 * order: the global queue every global_queue_interval polls (so that it is not
 * starved), the LIFO slot (at most LIFO_POLLS_MAX times in a row, so that two tasks
 * waking each other cannot starve the queue), its ring, its overflow, the global queue,
 * and last half of another worker's ring (stealing). With nothing found it parks.
 *
 * Tasks. A task of this runtime is flagged TASK_MT and keeps its scheduling state in the
 * header's atomic `state` (MT_* below); `flags` is never written after the spawn (the
 * spawner may pin the task before its handle leaves it), so any thread may read it. A wake is one
 * fetch_or: only the wake that finds the task idle (neither notified, running nor complete) queues
 * it. The poller clears NOTIFIED and sets RUNNING when it starts, and on AC_PENDING clears RUNNING:
 * if a wake came meanwhile (NOTIFIED again) the poller queues the task itself, behind the others (a
 * yield). So a task is queued at most once, polled by one worker at a time, and no wake is lost.
 *
 * Join. The joiner stores itself in `waiter` and sets JOIN_WAKER; the finisher sets
 * COMPLETE and, if JOIN_WAKER was set, wakes the waiter and then clears JOIN_WAKER. A
 * joiner or a detach (a dropped join) that sees COMPLETE with JOIN_WAKER still set waits
 * until the finisher is done with the header (a few instructions), then takes the result
 * or frees it. A handle detached before the task finished leaves the freeing to the
 * finisher. runtime/model/ checks this protocol and the wakes above with spin.
 *
 * Abort. aci_task_abort sets CANCEL and wakes the task like any waker; the worker that
 * next takes it drops its frame instead of polling it and completes it CANCELLED (no
 * result: a join says -ECANCELED). A task that completed first keeps its result.
 *
 * Pinned tasks (ac_spawn_local). Flagged TASK_PINNED and polled only by their owner
 * (the worker whose pool made them): they live in the owner's FIFO, never in the ring,
 * LIFO slot or global queue, and a wake on another thread puts them in the owner's
 * inbox and kicks it. The owner takes from the FIFO every other turn while it has any.
 *
 * Handles. A join or detach marks the task DETACHED before its block goes back, so that
 * a handle used again is refused even while the block waits on its owner's remote-free
 * stack; the block's generation (task.c) tells it from the block's next task.
 *
 * Memory. A task's block comes from the pool of the worker that made it (the id of that
 * worker is in flags). A block freed on another worker goes to its owner's remote-free
 * stack (lock-free), which the owner takes back into its pool every event_interval
 * polls. The tasks spawned from outside (ac_runtime_spawn, ac_runtime_block_on) are
 * malloc'd (TASK_HEAP) and kept in the runtime's table by id, which their handles carry.
 *
 * Parking and timers. An idle worker sleeps in its loop's backend (epoll) until its
 * eventfd is kicked. The runtime's idle set, like the global queue, is under the
 * runtime's lock: an injection that finds an idle worker kicks one. A worker that parks
 * while another is busy sleeps in watches instead, which the busy one's pushes do not
 * kick: it comes when that one has a backlog or is stuck in a poll (SCHEDULER.md,
 * "When a busy worker calls an idle one"), so that tasks passing messages stay on one
 * core. Timers of this runtime's tasks live in one wheel under timer_lock (timer.c locks
 * it through aci_mt_timers_lock): busy workers fire the due ones every event_interval
 * polls, and the first worker to park with timers armed becomes the driver, sleeping
 * until the earliest deadline; arming an earlier timer kicks the driver.
 *
 * Shutdown. Workers stop after their current poll and meet at a barrier; worker 0
 * drops every unfinished task and frees every block while the others wait (the drops
 * may touch any worker's pool and loop, and run with a worker's context, as tasks do);
 * then each worker releases its own loop and exits.
 */
#define _GNU_SOURCE 1 /* pthread_setname_np, sched_getaffinity */

#include "mt.h"

#include "ac_blocking.h" /* after internal.h: their runtime faces */
#include "ac_mt.h"
#include "pool.h"
#include "reactor.h"
#include "spinlock.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define LOCAL_CAP 256u
#define LOCAL_MASK (LOCAL_CAP - 1)
#define LIFO_POLLS_MAX 3u
#define POP_BATCH 8u /* tasks the owner takes off its ring per compare-and-swap */
#define EVENT_INTERVAL_DEFAULT 61u
#define GLOBAL_INTERVAL_DEFAULT 31u
#define INTERVAL_MAX 1000000u
#define NS_PER_MS UINT64_C(1000000)
/* Calling an idle worker (notify_unwatched, backlog_check, worker_sleep): a ring not run
 * dry for HELP_DELAY_NS is a backlog; a worker asleep while another is busy wakes every
 * WATCH_NS to see whether one is stuck in a poll with tasks queued. */
#define HELP_DELAY_NS UINT64_C(100000)
#define WATCH_NS UINT64_C(1000000)
#define OUTSIDE_BUCKETS 64u /* the table of tasks spawned from outside (a power of 2) */

/* A task's state (ac_task.state): the MT_* bits of mt.h and, above them, when the task
 * was last polled, in ms modulo 2^24 (4.6 hours), at its worker's clock (busy_start),
 * for the task dump. Written with the transitions a poll makes anyway (state_change),
 * never by a wake. */
#define MT_FLAGS 0xffu
#define MT_STAMP_SHIFT 8
#define MT_STAMP_MASK (UINT32_MAX >> MT_STAMP_SHIFT)

/* A ring slot: a task, with HELD set when the task was requeued by its own poll (a
 * yield): its state still says RUNNING, which the worker holding the slot owns, so
 * neither the requeue nor the next poll touches the atomic state. */
typedef uintptr_t entry;
#define HELD ((uintptr_t)1)

static ac_task *entry_task(entry e) {
    return (ac_task *)(e & ~HELD);
}

/* Clear `clear` and set `set` in t's state, and stamp it with this thread's clock (the
 * dump's "polled ms ago"): one compare-and-swap, which is also what a fetch_and or
 * fetch_xor whose result is used compiles to. Returns the state before. */
static uint32_t state_change(ac_task *t, uint32_t clear, uint32_t set, memory_order order) {
    uint32_t stamp = aci_loop_this.now_ms << MT_STAMP_SHIFT;
    uint32_t s = atomic_load_explicit(&t->state, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(
        &t->state, &s, (s & MT_FLAGS & ~clear) | set | stamp, order, memory_order_relaxed)) {
    }
    return s;
}

/* A counter written by one thread and read by any (metrics): a plain increment. */
typedef _Atomic uint64_t counter;

static void counter_add(counter *c, uint64_t n) {
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static uint64_t counter_get(counter *c) {
    return atomic_load_explicit(c, memory_order_relaxed);
}

struct aci_worker {
    /* The ring: the owner writes slots and tail; head moves by compare-and-swap. */
    _Atomic uint32_t head;
    _Atomic uint32_t tail;
    _Atomic entry ring[LOCAL_CAP];
    ac_runtime *rt;
    aci_loop *loop; /* the worker thread's loop, from its start to its end */
    unsigned index; /* in rt->workers */
    uint32_t id;    /* in the process's registry of workers */
    pthread_t thread;
    int started;   /* the thread was created */
    int kick_fd;   /* its loop's eventfd, open from its start to its end */
    ac_task *lifo; /* owner only, like what follows */
    unsigned lifo_polls;
    entry batch[POP_BATCH]; /* taken off the ring, to run next */
    unsigned batch_i, batch_n;
    /* The overflow: what a full ring cannot take, queued after it (FIFO), each task's
     * next holding the entry of the one after it (HELD kept). Only the owner touches it
     * (thieves take from the ring, which the owner refills from it): the tasks a worker
     * queued stay on it, in its cache, however many there are. */
    entry ovf_head;
    ac_task *ovf_tail;
    _Atomic uint32_t ovf_len;                   /* read by the metrics */
    unsigned global_countdown, event_countdown; /* polls to the next look (no division) */
    uint32_t rng;
    /* Kicks reach a worker asleep in the reactor through the reactor's eventfd: the
     * kicker sets `kicked` then reads `in_reactor`, the worker sets `in_reactor` then
     * reads `kicked` (both sequentially consistent), so one of them sees the other. */
    _Atomic int in_reactor, kicked;
    int idle;               /* in rt's idle set (under rt->lock) */
    int searching;          /* kicked out of the idle set and has not found work yet (rt->lock) */
    uint64_t busy_since;    /* when the worker last woke or counted its busy time */
    uint64_t backlog_since; /* ring seen non-empty at a look since; 0: ran dry since */
    _Atomic uint64_t watch_mark; /* its poll count when a watching worker last looked */
    counter polls, steals, steal_ops, parks, created, finished, busy_ns;
    /* Pinned tasks (ac_spawn_local): made by this worker and polled by it alone, so
     * never in the ring, the LIFO slot or the global queue, where others take from. */
    ac_task *pin_head, *pin_tail; /* queued, linked through next (owner only) */
    unsigned pin_turn;            /* pinned and other tasks take turns */
    int pin_lock;                 /* spinlock.h: the inbox */
    ac_task *in_head, *in_tail;   /* pinned tasks other threads woke (under pin_lock) */
    _Atomic int pin_inbox;        /* the inbox is not empty: a look without the lock */
};

/* A task spawned with ac_runtime_spawn (or run by ac_runtime_block_on): malloc'd, the
 * task's block right after this record, and found by its id in the runtime's table,
 * never through a pointer that a handle keeps: a handle joined or detached finds no
 * entry (-EBADF) instead of freed memory. Under rt->lock, like the table. */
typedef struct outside {
    struct outside *next; /* in its bucket */
    uint64_t id;
    enum { HANDLE_HELD, HANDLE_JOINING, HANDLE_DETACHED } handle;
} outside;

struct ac_runtime {
    pthread_mutex_t lock; /* the global queue, the idle set, block_on and shutdown waits */
    pthread_cond_t cond;  /* roots finished, workers parked, workers started */
    ac_task *inject_head, *inject_tail;
    _Atomic size_t inject_len; /* written under lock, read anywhere */
    unsigned *idle_set;        /* worker indices, idle_n of them (under lock) */
    unsigned idle_n;
    _Atomic unsigned idle_count;       /* idle_n, for a look without the lock */
    _Atomic unsigned searching;        /* workers kicked and still looking */
    _Atomic unsigned unwatched;        /* idle workers asleep without a watch */
    _Atomic int stopping;              /* workers: stop after the current poll */
    _Atomic int pausing;               /* a dump is asked for: workers pause at their next look */
    unsigned paused, stopped;          /* workers pausing, out of their run loop (under lock) */
    _Atomic int closing;               /* worker 0 is dropping everything: wakes queue nothing */
    int blocking;                      /* threads in ac_runtime_block_on or _join (under lock) */
    outside *outside[OUTSIDE_BUCKETS]; /* tasks spawned from outside, by id (under lock) */
    uint64_t outside_ids;              /* the last id given (under lock) */
    size_t outside_alive;              /* of those tasks, the unfinished (under lock) */
    int shutdown_waiting;              /* a shutdown waits for tasks to finish (under lock) */
    unsigned ready, go;                /* start-up (under lock) */
    int start_error;                   /* the first worker's error at start-up (under lock) */
    size_t dropped;                    /* tasks dropped at shutdown (worker 0) */
    pthread_mutex_t timer_lock;        /* timers, driver, driver_deadline */
    aci_timers timers;
    aci_worker *driver; /* the parked worker sleeping until the next deadline */
    uint64_t driver_deadline;
    pthread_barrier_t stop_barrier;
    aci_reactor *reactor; /* the descriptors and signals of every worker's tasks */
    unsigned n;
    unsigned event_interval, global_interval;
    void (*on_start)(void *), (*on_stop)(void *);
    void *hook_arg;
    char name[16];
    aci_worker workers[];
};

/* ---- the registry: worker ids, so that a task's 16-bit owner finds its worker ------------- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static aci_worker *registry[AC_RUNTIME_MAX_WORKERS];

/* Ids for rt's workers; -EINVAL when too few are free. */
static int registry_take(ac_runtime *rt) {
    pthread_mutex_lock(&registry_lock);
    unsigned found = 0;
    for (uint32_t id = 0; id < AC_RUNTIME_MAX_WORKERS && found < rt->n; id++)
        if (!registry[id])
            rt->workers[found++].id = id;
    if (found == rt->n)
        for (unsigned i = 0; i < rt->n; i++)
            registry[rt->workers[i].id] = &rt->workers[i];
    pthread_mutex_unlock(&registry_lock);
    return found == rt->n ? 0 : -EINVAL;
}

static void registry_give_back(ac_runtime *rt) {
    pthread_mutex_lock(&registry_lock);
    for (unsigned i = 0; i < rt->n; i++)
        registry[rt->workers[i].id] = NULL;
    pthread_mutex_unlock(&registry_lock);
}

static aci_worker *owner_of(const ac_task *t) {
    return registry[t->flags >> ACI_TASK_OWNER_SHIFT];
}

static ac_runtime *runtime_of(const ac_task *t) {
    return owner_of(t)->rt;
}

/* This thread's worker if it is one of rt's, else NULL. */
static aci_worker *worker_here(const ac_runtime *rt) {
    aci_worker *w = aci_loop_this.worker;
    return w && w->rt == rt ? w : NULL;
}

/* ---- the global queue and the idle set (under rt->lock) ------------------------------------ */

/* Wake w if it sleeps in its backend or in the reactor (or make its next sleep return
 * at once). Takes no lock: kicks come from under the locks of queues and loops (a drain
 * of remote wakes, a timer firing), and w's eventfd and the reactor live as long as the
 * runtime's workers run. */
static void worker_kick(aci_worker *w) {
    atomic_store(&w->kicked, 1);
    if (atomic_load(&w->in_reactor))
        aci_reactor_kick(w->rt->reactor);
    else
        (void)eventfd_write(w->kick_fd, 1); /* fails only when the count would overflow */
}

void aci_mt_kick(aci_worker *w) {
    worker_kick(w);
}

/* Take an idle worker out of the set to look for work, unless one is looking already. */
static aci_worker *idle_pop_locked(ac_runtime *rt) {
    if (rt->idle_n == 0 || atomic_load_explicit(&rt->searching, memory_order_relaxed) > 0)
        return NULL;
    aci_worker *w = &rt->workers[rt->idle_set[--rt->idle_n]];
    atomic_store_explicit(&rt->idle_count, rt->idle_n, memory_order_relaxed);
    w->idle = 0;
    w->searching = 1;
    atomic_fetch_add_explicit(&rt->searching, 1, memory_order_relaxed);
    return w;
}

static void idle_remove_locked(ac_runtime *rt, aci_worker *w) {
    for (unsigned i = 0; i < rt->idle_n; i++)
        if (rt->idle_set[i] == w->index) {
            rt->idle_set[i] = rt->idle_set[--rt->idle_n];
            break;
        }
    atomic_store_explicit(&rt->idle_count, rt->idle_n, memory_order_relaxed);
    w->idle = 0;
}

static void searching_end_locked(ac_runtime *rt, aci_worker *w) {
    if (!w->searching)
        return;
    w->searching = 0;
    atomic_fetch_sub_explicit(&rt->searching, 1, memory_order_relaxed);
}

static __attribute__((noinline)) void notify_idle_slow(ac_runtime *rt) {
    pthread_mutex_lock(&rt->lock);
    aci_worker *w = idle_pop_locked(rt);
    pthread_mutex_unlock(&rt->lock);
    if (w)
        worker_kick(w);
}

/* Kick an idle worker to come and look for work, if there is one and none is looking. */
static inline void notify_idle(ac_runtime *rt) {
    if (atomic_load_explicit(&rt->idle_count, memory_order_relaxed) > 0 &&
        atomic_load_explicit(&rt->searching, memory_order_relaxed) == 0)
        notify_idle_slow(rt);
}

/* A busy worker queued a task: notify_idle, but only if an idle worker sleeps without a
 * watch. A watching one comes by itself if this worker gets stuck in a poll, and a
 * backlog calls one at a look (worker_maintain): until then, tasks that pass messages
 * stay on one core instead of contending for their channels from two. */
static inline void notify_unwatched(ac_runtime *rt) {
    if (atomic_load_explicit(&rt->unwatched, memory_order_relaxed) > 0 &&
        atomic_load_explicit(&rt->searching, memory_order_relaxed) == 0)
        notify_idle_slow(rt);
}

/* Append first..last (linked through next, last->next NULL) to the list head..tail. */
static void list_append(ac_task **head, ac_task **tail, ac_task *first, ac_task *last) {
    if (*head)
        (*tail)->next = first;
    else
        *head = first;
    *tail = last;
}

/* Append the n tasks first..last (linked through next) to the global queue. */
static void inject(ac_runtime *rt, ac_task *first, ac_task *last, size_t n) {
    last->next = NULL;
    pthread_mutex_lock(&rt->lock);
    list_append(&rt->inject_head, &rt->inject_tail, first, last);
    atomic_store_explicit(&rt->inject_len, rt->inject_len + n, memory_order_relaxed);
    aci_worker *w = idle_pop_locked(rt);
    pthread_mutex_unlock(&rt->lock);
    if (w)
        worker_kick(w);
}

/* ---- the local ring ------------------------------------------------------------------------ */

static uint32_t ring_len(aci_worker *w) {
    uint32_t head = atomic_load_explicit(&w->head, memory_order_acquire);
    return atomic_load_explicit(&w->tail, memory_order_acquire) - head;
}

/* Queue e behind the ring: the ring is full, or the overflow already holds tasks that
 * were queued before e. */
static __attribute__((noinline)) void overflow_push(aci_worker *w, entry e) {
    ac_task *t = entry_task(e);
    t->next = NULL;
    if (w->ovf_head)
        w->ovf_tail->next = (ac_task *)e;
    else
        w->ovf_head = e;
    w->ovf_tail = t;
    uint32_t len = atomic_load_explicit(&w->ovf_len, memory_order_relaxed);
    atomic_store_explicit(&w->ovf_len, len + 1, memory_order_relaxed);
}

static inline void ring_push(aci_worker *w, entry e) {
    uint32_t tail = atomic_load_explicit(&w->tail, memory_order_relaxed);
    uint32_t head = atomic_load_explicit(&w->head, memory_order_acquire);
    if (tail - head < LOCAL_CAP && !w->ovf_head) {
        atomic_store_explicit(&w->ring[tail & LOCAL_MASK], e, memory_order_relaxed);
        atomic_store_explicit(&w->tail, tail + 1, memory_order_release);
        return;
    }
    overflow_push(w, e);
}

/* The next entry of the ring, taking up to POP_BATCH at once; 0 when it is empty. */
static entry ring_pop(aci_worker *w) {
    if (w->batch_i < w->batch_n)
        return w->batch[w->batch_i++];
    uint32_t head = atomic_load_explicit(&w->head, memory_order_acquire);
    for (;;) {
        uint32_t n = atomic_load_explicit(&w->tail, memory_order_relaxed) - head;
        if (n == 0) {
            w->backlog_since = 0; /* no backlog: the ring ran dry */
            return 0;
        }
        n = n < POP_BATCH ? n : POP_BATCH;
        for (uint32_t i = 0; i < n; i++)
            w->batch[i] =
                atomic_load_explicit(&w->ring[(head + i) & LOCAL_MASK], memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&w->head, &head, head + n, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            w->batch_i = 1;
            w->batch_n = n;
            return w->batch[0];
        }
    }
}

/* The ring is empty (the owner found it so, and only the owner adds to it): move the
 * overflow's oldest tasks into it, as many as it holds, and return the first of them
 * to run. Thieves may take the others from now on, so an idle worker is told. */
static __attribute__((noinline)) entry overflow_refill(aci_worker *w) {
    entry first = w->ovf_head;
    entry e = (entry)entry_task(first)->next;
    uint32_t tail = atomic_load_explicit(&w->tail, memory_order_relaxed);
    uint32_t n = 1;
    for (; e && n < LOCAL_CAP; n++) {
        atomic_store_explicit(&w->ring[tail++ & LOCAL_MASK], e, memory_order_relaxed);
        e = (entry)entry_task(e)->next;
    }
    atomic_store_explicit(&w->tail, tail, memory_order_release);
    w->ovf_head = e;
    uint32_t len = atomic_load_explicit(&w->ovf_len, memory_order_relaxed);
    atomic_store_explicit(&w->ovf_len, len - n, memory_order_relaxed);
    if (n > 1)
        notify_idle(w->rt);
    return first;
}

/* Move half (rounded up) of v's ring into w's, which is empty; return one of them to
 * run, or NULL when v had none. The copy is made before head moves and counts only if
 * the compare-and-swap wins: slots before tail are never rewritten until head passes. */
static entry ring_steal(aci_worker *w, aci_worker *v) {
    uint32_t head = atomic_load_explicit(&v->head, memory_order_acquire);
    uint32_t mine = atomic_load_explicit(&w->tail, memory_order_relaxed);
    for (;;) {
        uint32_t n = atomic_load_explicit(&v->tail, memory_order_acquire) - head;
        if (n == 0)
            return 0;
        if (n > LOCAL_CAP) { /* head went stale while tail moved on: look again */
            head = atomic_load_explicit(&v->head, memory_order_acquire);
            continue;
        }
        n -= n / 2;
        for (uint32_t i = 0; i < n; i++) {
            entry x = atomic_load_explicit(&v->ring[(head + i) & LOCAL_MASK], memory_order_relaxed);
            atomic_store_explicit(&w->ring[(mine + i) & LOCAL_MASK], x, memory_order_relaxed);
        }
        if (atomic_compare_exchange_weak_explicit(&v->head, &head, head + n, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            counter_add(&w->steals, n);
            counter_add(&w->steal_ops, 1);
            if (n > 1)
                atomic_store_explicit(&w->tail, mine + n - 1, memory_order_release);
            return atomic_load_explicit(&w->ring[(mine + n - 1) & LOCAL_MASK],
                                        memory_order_relaxed);
        }
    }
}

/* ---- scheduling ------------------------------------------------------------------------------ */

/* A woken task goes to the LIFO slot of the worker that woke it (the task it woke is
 * likely to want what it just wrote); the slot's previous task goes to the ring. */
static void schedule_local(aci_worker *w, ac_task *t) {
    ac_task *prev = w->lifo;
    w->lifo = t;
    if (prev) {
        ring_push(w, (entry)prev);
        notify_unwatched(w->rt);
    }
}

/* ---- pinned tasks: a FIFO of the owner's, and an inbox for the wakes of others ----------- */

static void pin_push(aci_worker *w, ac_task *t) {
    t->next = NULL;
    list_append(&w->pin_head, &w->pin_tail, t, t);
}

static ac_task *pin_pop(aci_worker *w) {
    ac_task *t = w->pin_head;
    if (t)
        w->pin_head = t->next;
    return t;
}

/* A pinned task woken on another thread: into its worker's inbox, and the worker kicked
 * (the eventfd keeps the kick, so a worker about to park cannot miss it). */
static void pin_send(aci_worker *owner, ac_task *t) {
    t->next = NULL;
    aci_spin_lock(&owner->pin_lock);
    list_append(&owner->in_head, &owner->in_tail, t, t);
    atomic_store_explicit(&owner->pin_inbox, 1, memory_order_relaxed);
    aci_spin_unlock(&owner->pin_lock);
    worker_kick(owner);
}

/* Move the inbox to the end of the FIFO: at each look, before parking, and when the
 * worker's other queues are empty. */
static void pin_receive(aci_worker *w) {
    if (!atomic_load_explicit(&w->pin_inbox, memory_order_relaxed))
        return;
    aci_spin_lock(&w->pin_lock);
    ac_task *head = w->in_head, *tail = w->in_tail;
    w->in_head = w->in_tail = NULL;
    atomic_store_explicit(&w->pin_inbox, 0, memory_order_relaxed);
    aci_spin_unlock(&w->pin_lock);
    if (head)
        list_append(&w->pin_head, &w->pin_tail, head, tail);
}

void aci_mt_pin(ac_task *t) {
    aci_worker *w = aci_loop_this.worker;
    /* Before the handle leaves this thread: only a stale handle's check (task.c) may
     * read flags meanwhile. */
    aci_task_set_flags(t, t->flags | TASK_PINNED);
    if (w->lifo == t) { /* where its spawn put it */
        w->lifo = NULL;
        pin_push(w, t);
    }
}

/* t went from idle to notified: queue it where it will be found. */
static void schedule(ac_task *t) {
    ac_runtime *rt = runtime_of(t);
    if (atomic_load_explicit(&rt->closing, memory_order_relaxed))
        return; /* worker 0 is dropping everything; it will find t */
    aci_worker *w = worker_here(rt);
    if (t->flags & TASK_PINNED) {
        aci_worker *owner = owner_of(t);
        if (owner == w)
            pin_push(w, t);
        else
            pin_send(owner, t);
    } else if (w) {
        schedule_local(w, t);
    } else {
        inject(rt, t, t, 1);
    }
}

void aci_mt_wake(ac_task *t) {
    /* A task never spawned is known to its creator alone: spawning it needs no RMW. */
    if (atomic_load_explicit(&t->state, memory_order_relaxed) == 0) {
        atomic_store_explicit(&t->state, MT_NOTIFIED | MT_SPAWNED, memory_order_relaxed);
        schedule(t);
        return;
    }
    uint32_t prev =
        atomic_fetch_or_explicit(&t->state, MT_NOTIFIED | MT_SPAWNED, memory_order_acq_rel);
    if (!(prev & (MT_NOTIFIED | MT_RUNNING | MT_COMPLETE)))
        schedule(t);
}

/* Up to max tasks from the global queue (its share for each worker): the first to run,
 * the rest to the ring, which must have room for them. */
static ac_task *global_take(aci_worker *w, size_t max) {
    ac_runtime *rt = w->rt;
    if (atomic_load_explicit(&rt->inject_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&rt->lock);
    size_t len = rt->inject_len;
    size_t n = len / rt->n + 1;
    n = n < len ? n : len;
    n = n < max ? n : max;
    ac_task *first = rt->inject_head;
    ac_task *last = first;
    for (size_t i = 1; i < n; i++)
        last = last->next;
    if (n > 0) {
        rt->inject_head = last->next;
        atomic_store_explicit(&rt->inject_len, len - n, memory_order_relaxed);
    }
    pthread_mutex_unlock(&rt->lock);
    if (n == 0)
        return NULL;
    for (ac_task *t = first->next; n > 1; n--) {
        ac_task *next = t->next;
        ring_push(w, (entry)t);
        t = next;
    }
    return first;
}

static entry steal_any(aci_worker *w) {
    ac_runtime *rt = w->rt;
    w->rng = w->rng * 1103515245u + 12345u;
    unsigned start = (w->rng >> 16) % rt->n;
    for (unsigned k = 0; k < rt->n; k++) {
        aci_worker *v = &rt->workers[(start + k) % rt->n];
        if (v == w)
            continue;
        entry e = ring_steal(w, v);
        if (e)
            return e;
    }
    return 0;
}

static ac_task *lifo_take(aci_worker *w) {
    ac_task *t = w->lifo;
    if (!t)
        return NULL;
    w->lifo = NULL;
    if (w->lifo_polls < LIFO_POLLS_MAX) {
        w->lifo_polls++;
        return t;
    }
    ring_push(w, (entry)t); /* its turn comes after the queue's */
    return NULL;
}

static entry worker_next(aci_worker *w) {
    entry e = 0;
    if (--w->global_countdown == 0) {
        w->global_countdown = w->rt->global_interval;
        e = (entry)global_take(w, 1); /* one, so that the ring need not make room */
    }
    if (!e && w->pin_head && (w->pin_turn ^= 1)) /* a yielding pinned task cannot starve the ring */
        e = (entry)pin_pop(w);
    if (!e)
        e = (entry)lifo_take(w);
    if (!e) {
        w->lifo_polls = 0;
        e = ring_pop(w);
    }
    if (!e && w->ovf_head)
        e = overflow_refill(w);
    if (!e) {
        pin_receive(w);
        e = (entry)pin_pop(w);
    }
    if (!e)
        e = (entry)global_take(w, LOCAL_CAP / 2); /* the ring is empty */
    if (!e)
        e = steal_any(w);
    return e;
}

/* ---- polling, finishing, joining ----------------------------------------------------------- */

void aci_mt_free(ac_task *t) {
    aci_worker *owner = owner_of(t);
    if (owner == aci_loop_this.worker ||
        atomic_load_explicit(&owner->rt->closing, memory_order_relaxed))
        aci_pool_free(&owner->loop->pool, t, aci_task_block_size(t->vt));
    else
        aci_pool_free_remote(&owner->loop->pool, t);
}

void aci_mt_created(void) {
    counter_add(&aci_loop_this.worker->created, 1);
}

/* ---- tasks from outside: ac_runtime_spawn, _join, _detach, _block_on ---------------------- */

static ac_task *outside_task(outside *o) {
    return (ac_task *)((char *)o + aci_align_up(sizeof *o));
}

static outside *task_outside(ac_task *t) {
    return (outside *)((char *)t - aci_align_up(sizeof(outside)));
}

/* Where the entry of id is (or would be) in rt's table. */
static outside **outside_slot_locked(ac_runtime *rt, uint64_t id) {
    outside **p = &rt->outside[id % OUTSIDE_BUCKETS];
    while (*p && (*p)->id != id)
        p = &(*p)->next;
    return p;
}

static void outside_unlink_locked(ac_runtime *rt, outside *o) {
    outside **p = outside_slot_locked(rt, o->id);
    *p = o->next;
}

/* A record and the task (owned by worker 0's id, in no pool) that runs fu; NULL if
 * memory is out. */
static outside *outside_new(ac_runtime *rt, ac_future fu) {
    outside *o = malloc(aci_align_up(sizeof *o) + aci_task_block_size(fu.vt));
    if (!o)
        return NULL;
    o->handle = HANDLE_HELD;
    ac_task *t = outside_task(o);
    t->vt = fu.vt;
    t->next = NULL;
    t->waiter = NULL;
    t->flags = TASK_MT | TASK_HEAP | (rt->workers[0].id << ACI_TASK_OWNER_SHIFT);
    atomic_init(&t->state, MT_NOTIFIED | MT_SPAWNED);
    *(void **)ac_task_frame(t) = fu.frame;
    return o;
}

/* mt_finish of such a task: under the lock, so that a join or detach sees COMPLETE and
 * the finisher's last touch of the record at once. */
static void outside_finish(ac_runtime *rt, ac_task *t) {
    outside *o = task_outside(t), *gone = NULL;
    pthread_mutex_lock(&rt->lock);
    state_change(t, MT_RUNNING, MT_COMPLETE, memory_order_release);
    rt->outside_alive--;
    if (o->handle == HANDLE_DETACHED) {
        outside_unlink_locked(rt, o);
        gone = o;
    }
    pthread_cond_broadcast(&rt->cond); /* joiners, and a shutdown waiting for the tasks */
    pthread_mutex_unlock(&rt->lock);
    free(gone);
}

int ac_runtime_spawn(ac_runtime *rt, ac_future fu, ac_runtime_handle *h) {
    *h = (ac_runtime_handle){rt, 0}; /* id 0 is nobody's: a join says -EBADF */
    if (!fu.frame)
        return -EINVAL;
    outside *o = outside_new(rt, fu);
    if (!o) {
        ac_future_drop(fu);
        return -ENOMEM;
    }
    pthread_mutex_lock(&rt->lock);
    o->id = ++rt->outside_ids;
    outside **bucket = &rt->outside[o->id % OUTSIDE_BUCKETS];
    o->next = *bucket;
    *bucket = o;
    rt->outside_alive++;
    pthread_mutex_unlock(&rt->lock);
    h->id = o->id;
    inject(rt, outside_task(o), outside_task(o), 1);
    return 0;
}

/* The record of a handle still held, or NULL. */
static outside *outside_held_locked(ac_runtime *rt, uint64_t id) {
    outside *o = *outside_slot_locked(rt, id);
    return o && o->handle == HANDLE_HELD ? o : NULL;
}

/* Under rt->lock: wait for o's task, unlink it, and copy its result to out. */
static void outside_wait_locked(ac_runtime *rt, outside *o, void *out) {
    ac_task *t = outside_task(o);
    o->handle = HANDLE_JOINING;
    rt->blocking++;
    while (!(atomic_load_explicit(&t->state, memory_order_acquire) & MT_COMPLETE))
        pthread_cond_wait(&rt->cond, &rt->lock);
    rt->blocking--;
    outside_unlink_locked(rt, o);
    if (out)
        memcpy(out, aci_task_result(t), t->vt->result_size);
}

int ac_runtime_join_sized(ac_runtime_handle h, void *out, size_t out_size) {
    ac_runtime *rt = h.rt;
    if (!rt)
        return -EBADF;
    if (worker_here(rt))
        return -EDEADLK;
    pthread_mutex_lock(&rt->lock);
    outside *o = outside_held_locked(rt, h.id);
    int rc = o ? 0 : -EBADF;
    size_t result_size = o ? outside_task(o)->vt->result_size : 0;
    if (o && out && out_size && result_size && out_size != result_size)
        rc = -EINVAL; /* as ac_join: the handle is kept */
    if (rc == 0)
        outside_wait_locked(rt, o, out);
    pthread_mutex_unlock(&rt->lock);
    if (rc == 0)
        free(o);
    return rc;
}

int ac_runtime_detach(ac_runtime_handle h) {
    ac_runtime *rt = h.rt;
    if (!rt)
        return -EBADF;
    pthread_mutex_lock(&rt->lock);
    outside *o = outside_held_locked(rt, h.id), *gone = NULL;
    if (o) {
        o->handle = HANDLE_DETACHED; /* the finisher frees it */
        if (atomic_load_explicit(&outside_task(o)->state, memory_order_relaxed) & MT_COMPLETE) {
            outside_unlink_locked(rt, o);
            gone = o;
        }
    }
    pthread_mutex_unlock(&rt->lock);
    free(gone);
    return o ? 0 : -EBADF;
}

int ac_runtime_block_on(ac_runtime *rt, ac_future fu, void *out) {
    if (!fu.frame)
        return -EINVAL;
    if (worker_here(rt)) {
        ac_future_drop(fu);
        return -EDEADLK;
    }
    /* Counted from before the spawn, so that a shutdown cannot free rt in between. */
    pthread_mutex_lock(&rt->lock);
    rt->blocking++;
    pthread_mutex_unlock(&rt->lock);
    ac_runtime_handle h;
    int rc = ac_runtime_spawn(rt, fu, &h);
    if (rc == 0)
        rc = ac_runtime_join_sized(h, out, 0);
    pthread_mutex_lock(&rt->lock);
    rt->blocking--;
    pthread_mutex_unlock(&rt->lock);
    return rc;
}

/* Calls f on the task of every record in rt's table; the sum of what it returns. */
static size_t outside_walk(ac_runtime *rt, int (*f)(ac_task *t, void *arg), void *arg) {
    size_t n = 0;
    for (unsigned b = 0; b < OUTSIDE_BUCKETS; b++)
        for (outside *o = rt->outside[b]; o; o = o->next)
            n += (size_t)f(outside_task(o), arg);
    return n;
}

/* At shutdown, after every drop: the handles die with the runtime. */
static void outside_free_all(ac_runtime *rt) {
    for (unsigned b = 0; b < OUTSIDE_BUCKETS; b++)
        while (rt->outside[b]) {
            outside *o = rt->outside[b];
            rt->outside[b] = o->next;
            free(o);
        }
    rt->outside_alive = 0;
}

static void mt_finish(aci_worker *w, ac_task *t) {
    if (t->flags & TASK_HEAP) {
        outside_finish(w->rt, t);
        return;
    }
    counter_add(&w->finished, 1);
    uint32_t prev = state_change(t, MT_RUNNING, MT_COMPLETE, memory_order_acq_rel);
    if (prev & MT_JOIN_WAKER) {
        ac_wake(t->waiter);
        atomic_fetch_and_explicit(&t->state, ~(uint32_t)MT_JOIN_WAKER, memory_order_release);
    } else if (prev & MT_DETACHED) {
        aci_mt_free(t); /* t may be gone once COMPLETE is seen: no other touch */
    }
}

/* An aborted task's poll: drop its frame and complete it without a result. */
static void worker_cancel(aci_worker *w, ac_task *t) {
    t->vt->drop(ac_task_frame(t));
    atomic_fetch_or_explicit(&t->state, MT_CANCELLED, memory_order_relaxed);
    mt_finish(w, t);
}

/* A yield keeps the state word untouched (HELD): restamp it only when the clock moved,
 * at most once per millisecond of yields. */
static void stamp_if_moved(ac_task *t) {
    uint32_t s = atomic_load_explicit(&t->state, memory_order_relaxed);
    if (s >> MT_STAMP_SHIFT != (aci_loop_this.now_ms & MT_STAMP_MASK))
        state_change(t, 0, 0, memory_order_relaxed);
}

static void worker_poll(aci_worker *w, entry e) {
    ac_task *t = entry_task(e);
    counter_add(&w->polls, 1);
    uint32_t s = e & HELD ? atomic_load_explicit(&t->state, memory_order_acquire)
                          : atomic_fetch_xor_explicit(&t->state, MT_NOTIFIED | MT_RUNNING,
                                                      memory_order_acquire);
    if (s & MT_CANCEL) {
        worker_cancel(w, t);
        return;
    }
    ac_cx cx = {t, 0};
    aci_loop_this.mt_polling = t;
    aci_loop_this.mt_self_woken = 0;
    aci_coop_reset();
    ac_poll r = aci_task_poll(t, &cx);
    aci_loop_this.mt_polling = NULL;
    if (r == AC_READY) {
        mt_finish(w, t);
        return;
    }
    int pinned = (t->flags & TASK_PINNED) != 0;
    int self_woken = aci_loop_this.mt_self_woken | cx.yielded;
    if (self_woken && !pinned) { /* a yield: behind the queue, still RUNNING */
        stamp_if_moved(t);
        ring_push(w, (entry)t | HELD);
        notify_unwatched(w->rt);
        return;
    }
    /* A pinned task's yield is queued as a wake is: its FIFO holds no HELD entries. */
    uint32_t prev = state_change(t, MT_RUNNING, self_woken ? MT_NOTIFIED : 0, memory_order_acq_rel);
    if (!self_woken && !(prev & MT_NOTIFIED))
        return;
    if (pinned) { /* woken by itself or by another during its poll */
        pin_push(w, t);
    } else {
        ring_push(w, (entry)t);
        notify_unwatched(w->rt);
    }
}

/* The finisher is waking the joiner: wait until it is done with the header. */
static void wait_join_waker(ac_task *t) {
    while (atomic_load_explicit(&t->state, memory_order_acquire) & MT_JOIN_WAKER)
        sched_yield();
}

void aci_mt_abort(ac_task *t) {
    atomic_fetch_or_explicit(&t->state, MT_CANCEL, memory_order_release);
    aci_task_wake(t); /* a complete task is not queued again */
}

/* t is complete and nobody else touches its header: give it up. Marked detached first,
 * so that a handle used again sees it was given up while the block waits to go back
 * to its worker's pool (aci_pool_free_remote); while closing, worker 0 frees it. */
static void complete_give_up(ac_task *t) {
    atomic_fetch_or_explicit(&t->state, MT_DETACHED, memory_order_release);
    if (!atomic_load_explicit(&runtime_of(t)->closing, memory_order_relaxed))
        aci_mt_free(t);
}

void aci_mt_detach(ac_task *t) {
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & MT_COMPLETE) {
            if (s & MT_JOIN_WAKER)
                wait_join_waker(t);
            complete_give_up(t);
            return;
        }
        uint32_t next = (s | MT_DETACHED) & ~(uint32_t)MT_JOIN_WAKER;
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, next, memory_order_acq_rel,
                                                  memory_order_acquire))
            return; /* the finisher frees it */
    }
}

static void join_take(ac_join_frame *f) {
    ac_task *t = f->task;
    if (atomic_load_explicit(&t->state, memory_order_relaxed) & MT_CANCELLED)
        f->error = -ECANCELED;
    else if (f->out)
        aci_copy_value(f->out, aci_task_result(t), t->vt->result_size);
    f->task = NULL;
    complete_give_up(t);
}

/* A second joiner of the same handle (another task is registered): refused. */
static ac_poll join_refuse(ac_join_frame *f) {
    f->task = NULL;
    f->error = -EBADF;
    return AC_READY;
}

ac_poll aci_mt_join_poll(ac_join_frame *f, ac_cx *cx) {
    ac_task *t = f->task;
    if (!aci_task_is_mt(cx->task)) {
        fputs("asyncc: ac_join of a task of the multi-thread runtime from outside its "
              "runtime: not supported\n",
              stderr);
        abort();
    }
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    if ((s & MT_JOIN_WAKER) && t->waiter != cx->task)
        return join_refuse(f);
    if (s & MT_COMPLETE) {
        /* The finisher is waking this task, and this poll may be that wake: returning
         * AC_PENDING would wait for a wake already spent (runtime/model/join.pml). */
        if (s & MT_JOIN_WAKER)
            wait_join_waker(t);
        join_take(f);
        return AC_READY;
    }
    if (s & MT_JOIN_WAKER)
        return AC_PENDING; /* registered by an earlier poll */
    t->waiter = cx->task;
    s = atomic_fetch_or_explicit(&t->state, MT_JOIN_WAKER, memory_order_acq_rel);
    if (!(s & MT_COMPLETE))
        return AC_PENDING;
    /* It finished before it saw the waker: nobody else touches the header now. */
    atomic_fetch_and_explicit(&t->state, ~(uint32_t)MT_JOIN_WAKER, memory_order_relaxed);
    join_take(f);
    return AC_READY;
}

/* ---- timers ------------------------------------------------------------------------------- */

aci_timers *aci_mt_timers_lock(const ac_task *t) {
    ac_runtime *rt = runtime_of(t);
    pthread_mutex_lock(&rt->timer_lock);
    return &rt->timers;
}

void aci_mt_timers_unlock(const ac_task *t, uint64_t armed_ns) {
    ac_runtime *rt = runtime_of(t);
    aci_worker *kick = NULL;
    /* Without a driver, the worker arming the timer fires it: it either parks (and
     * drives) or looks at the timers every event_interval polls. */
    if (rt->driver && armed_ns < rt->driver_deadline) {
        kick = rt->driver;
        rt->driver_deadline = armed_ns;
    }
    pthread_mutex_unlock(&rt->timer_lock);
    if (kick)
        worker_kick(kick);
}

static void timers_fire(ac_runtime *rt) {
    if (rt->timers.armed > 0)
        aci_timers_fire_in(&rt->timers, aci_clock_now_ns());
}

/* A parking worker becomes the timer driver if there is none and a timer is armed:
 * returns how long it may sleep. */
static uint64_t driver_begin(aci_worker *w) {
    ac_runtime *rt = w->rt;
    uint64_t timeout = UINT64_MAX;
    pthread_mutex_lock(&rt->timer_lock);
    uint64_t deadline = aci_timers_next_deadline_in(&rt->timers);
    if (!rt->driver && deadline != UINT64_MAX) {
        rt->driver = w;
        rt->driver_deadline = deadline;
        uint64_t now = aci_clock_now_ns();
        timeout = deadline > now ? deadline - now : 0;
    }
    pthread_mutex_unlock(&rt->timer_lock);
    return timeout;
}

static void driver_end(aci_worker *w) {
    ac_runtime *rt = w->rt;
    pthread_mutex_lock(&rt->timer_lock);
    if (rt->driver == w) {
        rt->driver = NULL;
        timers_fire(rt);
    }
    pthread_mutex_unlock(&rt->timer_lock);
}

/* ---- the worker ----------------------------------------------------------------------------- */

/* Busy from now on. */
static void busy_start(aci_worker *w, uint64_t now) {
    w->busy_since = now;
    aci_loop_this.now_ms = (uint32_t)(now / NS_PER_MS);
}

/* ---- the reactor: one worker waits in it, busy ones look now and then -------------------- */

aci_reactor *aci_mt_reactor(void) {
    return aci_loop_this.worker->rt->reactor;
}

void aci_mt_reactor_wanted(void) {
    notify_idle(aci_loop_this.worker->rt);
}

/* Without waiting: wake the tasks of what is ready, unless another worker is in the
 * reactor already. Nobody was: an idle worker (which parked while another looked) is
 * kicked to come and wait there, so that readiness does not wait for a busy worker. */
static void reactor_look(aci_worker *w) {
    aci_reactor *r = w->rt->reactor;
    if (aci_reactor_registered(r) == 0 || !aci_reactor_try_enter(r))
        return;
    aci_reactor_wait(r, 0);
    aci_reactor_leave(r);
    notify_idle(w->rt);
}

/* Sleep in the reactor up to timeout_ns, if descriptors are registered and no other
 * worker is there: 1 if this worker did. */
static int reactor_park(aci_worker *w, uint64_t timeout_ns) {
    aci_reactor *r = w->rt->reactor;
    if (aci_reactor_registered(r) == 0 || !aci_reactor_try_enter(r))
        return 0;
    atomic_store(&w->in_reactor, 1);
    if (atomic_load(&w->kicked))
        timeout_ns = 0; /* kicked before it could see in_reactor */
    aci_reactor_wait(r, timeout_ns);
    atomic_store(&w->in_reactor, 0);
    aci_reactor_leave(r);
    aci_loop_poll_remote(); /* wakes queued for this worker kicked it in the reactor */
    return 1;
}

/* ---- the task dump: the workers pause between two polls while it is written ------------ */

/* Wait, touching no task and no pool, until the dump asked for is written. */
static void worker_pause(aci_worker *w) {
    ac_runtime *rt = w->rt;
    pthread_mutex_lock(&rt->lock);
    rt->paused++;
    pthread_cond_broadcast(&rt->cond);
    while (atomic_load_explicit(&rt->pausing, memory_order_relaxed))
        pthread_cond_wait(&rt->cond, &rt->lock);
    rt->paused--;
    pthread_mutex_unlock(&rt->lock);
}

/* At every look (event_interval polls) and before parking: no cost on the poll path. */
static void pause_if_asked(aci_worker *w) {
    if (atomic_load_explicit(&w->rt->pausing, memory_order_relaxed))
        worker_pause(w);
}

/* Pause every worker but self (the caller's, in the poll that asks for the dump, if it
 * is one) and return with rt->lock held. A dump already asked for by another is let
 * through first, self pausing for it. */
static void workers_pause_locked(ac_runtime *rt, aci_worker *self) {
    pthread_mutex_lock(&rt->lock);
    while (atomic_load_explicit(&rt->pausing, memory_order_relaxed)) {
        pthread_mutex_unlock(&rt->lock);
        if (self)
            worker_pause(self);
        pthread_mutex_lock(&rt->lock);
        if (!self && atomic_load_explicit(&rt->pausing, memory_order_relaxed))
            pthread_cond_wait(&rt->cond, &rt->lock);
    }
    atomic_store_explicit(&rt->pausing, 1, memory_order_relaxed);
    pthread_mutex_unlock(&rt->lock);
    for (unsigned i = 0; i < rt->n; i++) /* parked ones wake up to pause */
        if (&rt->workers[i] != self)
            worker_kick(&rt->workers[i]);
    pthread_mutex_lock(&rt->lock);
    while (rt->paused + rt->stopped + (self != NULL) < rt->n)
        pthread_cond_wait(&rt->cond, &rt->lock);
}

/* Whether t is in a poll: only the dumper's own task can be (the paused workers poll
 * nothing), on the dumper's thread. */
static int task_running(const ac_task *t) {
    return t == aci_loop_this.mt_polling;
}

/* Spawned, and not a block given back (complete and detached: freed, or waiting on its
 * owner's remote-free stack). */
static int task_listed(ac_task *t, void *unused) {
    (void)unused;
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    return (s & MT_SPAWNED) && (s & (MT_COMPLETE | MT_DETACHED)) != (MT_COMPLETE | MT_DETACHED);
}

static int task_print(ac_task *t, void *arg) {
    aci_dump *d = arg;
    if (!task_listed(t, NULL))
        return 0;
    uint32_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    uint32_t ago = (d->now_ms - (s >> MT_STAMP_SHIFT)) & MT_STAMP_MASK;
    if (s & MT_COMPLETE)
        aci_dump_task(d, t, ACI_DUMP_FINISHED, ago);
    else if (task_running(t)) /* stamped when a poll ends: this one has not */
        aci_dump_task(d, t, ACI_DUMP_RUNNING, 0);
    else
        aci_dump_task(d, t, ACI_DUMP_AT_AWAIT, ago);
    return 1;
}

/* Every task of rt: the pools of its workers and the table of tasks from outside. */
static size_t runtime_walk(ac_runtime *rt, int (*f)(ac_task *t, void *arg), void *arg) {
    size_t n = outside_walk(rt, f, arg);
    for (unsigned i = 0; i < rt->n; i++)
        n += aci_pool_walk(&rt->workers[i].loop->pool, f, arg);
    return n;
}

int ac_runtime_task_dump(ac_runtime *rt, int fd) {
    workers_pause_locked(rt, worker_here(rt));
    aci_dump d;
    int rc = aci_dump_begin(&d, fd, runtime_walk(rt, task_listed, NULL));
    if (rc == 0) {
        runtime_walk(rt, task_print, &d);
        rc = aci_dump_end(&d);
    }
    atomic_store_explicit(&rt->pausing, 0, memory_order_relaxed);
    pthread_cond_broadcast(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
    return rc;
}

int aci_mt_dump_here(int fd) {
    return ac_runtime_task_dump(aci_loop_this.worker->rt, fd);
}

/* The time since busy_since was busy: count it, and move the clock the dump stamps polls
 * with. Called every event_interval polls and before each sleep, so that the busy time
 * read while the worker runs is at most that many polls behind. */
static void busy_count(aci_worker *w, uint64_t now) {
    counter_add(&w->busy_ns, now - w->busy_since);
    busy_start(w, now);
}

/* A ring that has not run dry for HELP_DELAY_NS is more than this worker keeps up with:
 * call an idle worker, watching or not, to take half of it. */
static void backlog_check(aci_worker *w, uint64_t now) {
    if (ring_len(w) == 0) {
        w->backlog_since = 0;
    } else if (w->backlog_since == 0) {
        w->backlog_since = now;
    } else if (now - w->backlog_since >= HELP_DELAY_NS) {
        w->backlog_since = now;
        notify_idle(w->rt);
    }
}

/* Every event_interval polls: due timers, ready descriptors, wakes queued by other
 * threads, blocks freed by other workers. */
static void worker_maintain(aci_worker *w) {
    ac_runtime *rt = w->rt;
    pause_if_asked(w);
    uint64_t now = aci_clock_now_ns();
    busy_count(w, now);
    backlog_check(w, now);
    if (pthread_mutex_trylock(&rt->timer_lock) == 0) {
        timers_fire(rt);
        pthread_mutex_unlock(&rt->timer_lock);
    }
    reactor_look(w);
    aci_loop_poll_remote();
    aci_pool_drain_remote(&aci_loop_this.pool);
    pin_receive(w);
}

/* Whether another worker's ring has tasks to steal (an overflow does not count: its
 * owner moves it to the ring, and kicks, when the ring runs dry). */
static int others_have_work(aci_worker *w) {
    for (unsigned i = 0; i < w->rt->n; i++)
        if (&w->rt->workers[i] != w && ring_len(&w->rt->workers[i]) > 0)
            return 1;
    return 0;
}

/* Sleep once, up to timeout_ns: in the reactor if no other worker waits there, else on
 * this worker's eventfd (which keeps the count of a kick made before the sleep). Returns
 * whether the worker was kicked, before or during the sleep; a kick it takes may be a
 * remote wake's (loop.c kicks once for a queue that was empty), delivered here. */
static int sleep_once(aci_worker *w, uint64_t timeout_ns) {
    int kicked = atomic_exchange(&w->kicked, 0);
    if (!kicked) {
        if (!reactor_park(w, timeout_ns))
            aci_loop_park(timeout_ns);
        kicked = atomic_exchange(&w->kicked, 0);
    }
    if (kicked)
        aci_loop_poll_remote();
    return kicked;
}

/* Sequentially consistent: see watch_begin and worker_park. */
static int others_busy(aci_worker *w) {
    return atomic_load(&w->rt->idle_count) < w->rt->n;
}

/* Whether another worker has tasks in its ring and has polled nothing since a watching
 * worker last looked: it is stuck in one poll. Marks every other's poll count for the
 * next look. */
static int others_stuck(aci_worker *w) {
    int stuck = 0;
    for (unsigned i = 0; i < w->rt->n; i++) {
        aci_worker *v = &w->rt->workers[i];
        uint64_t polls = counter_get(&v->polls);
        if (v != w &&
            atomic_exchange_explicit(&v->watch_mark, polls, memory_order_relaxed) == polls &&
            ring_len(v) > 0)
            stuck = 1;
    }
    return stuck;
}

/* Whether a watching worker should stop sleeping: it was taken out of the idle set (by a
 * kick), or has something to do (an event in the reactor or a remote wake may have queued
 * a task on it without a kick). */
static int watch_ends(aci_worker *w) {
    ac_runtime *rt = w->rt;
    pthread_mutex_lock(&rt->lock);
    int kicked = !w->idle;
    pthread_mutex_unlock(&rt->lock);
    return kicked || w->lifo || ring_len(w) > 0 || w->pin_head ||
           atomic_load_explicit(&w->pin_inbox, memory_order_relaxed) ||
           atomic_load_explicit(&rt->inject_len, memory_order_relaxed) > 0 ||
           atomic_load_explicit(&rt->stopping, memory_order_relaxed) ||
           atomic_load_explicit(&rt->pausing, memory_order_relaxed);
}

/* Whether to sleep t ns in watches: another worker is busy and t is longer than one.
 * Otherwise the worker counts as unwatched (notify_unwatched kicks it), and looks again
 * once counted: a worker that got busy meanwhile may have seen no unwatched one. */
static int watch_begin(aci_worker *w, uint64_t t) {
    if (t > WATCH_NS && others_busy(w))
        return 1;
    atomic_fetch_add(&w->rt->unwatched, 1);
    if (t <= WATCH_NS || !others_busy(w))
        return 0;
    atomic_fetch_sub(&w->rt->unwatched, 1);
    return 1;
}

/* Sleep until kicked, woken by an event, or timeout_ns. While another worker is busy,
 * sleep in watches of WATCH_NS: the pushes of busy workers kick only a worker asleep
 * without one (notify_unwatched), so a watching worker looks by itself, and stops
 * sleeping to steal when a worker is stuck in one poll with tasks queued behind it. */
static void worker_sleep(aci_worker *w, uint64_t timeout_ns) {
    uint64_t now = aci_clock_now_ns();
    uint64_t end = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
    if (others_busy(w))
        (void)others_stuck(w); /* the marks the first watch compares with */
    for (;;) {
        uint64_t t = end == UINT64_MAX ? UINT64_MAX : end > now ? end - now : 0;
        if (!watch_begin(w, t)) {
            (void)sleep_once(w, t);
            atomic_fetch_sub(&w->rt->unwatched, 1);
            return;
        }
        if (sleep_once(w, WATCH_NS))
            return;
        now = aci_clock_now_ns();
        if (now >= end || watch_ends(w) || others_stuck(w))
            return;
    }
}

/* Nothing to run: join the idle set and sleep until kicked, or until the next timer if
 * this worker drives them. */
static void worker_park(aci_worker *w) {
    ac_runtime *rt = w->rt;
    pause_if_asked(w);
    pthread_mutex_lock(&rt->lock);
    searching_end_locked(rt, w);
    if (atomic_load_explicit(&rt->inject_len, memory_order_relaxed) > 0 ||
        atomic_load_explicit(&rt->stopping, memory_order_relaxed) ||
        atomic_load_explicit(&w->pin_inbox, memory_order_relaxed)) {
        pthread_mutex_unlock(&rt->lock);
        return;
    }
    rt->idle_set[rt->idle_n++] = w->index;
    atomic_store_explicit(&rt->idle_count, rt->idle_n, memory_order_relaxed);
    w->idle = 1;
    if (rt->shutdown_waiting)
        pthread_cond_broadcast(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
    aci_pool_drain_remote(&aci_loop_this.pool);
    /* A push that looked at the idle set before this worker joined it kicked nobody. */
    if (!others_have_work(w)) {
        counter_add(&w->parks, 1);
        busy_count(w, aci_clock_now_ns());
        worker_sleep(w, driver_begin(w));
        busy_start(w, aci_clock_now_ns());
        driver_end(w);
    }
    /* Tasks its sleep queued here (the reactor's events, timers it fired) were pushed
     * while it counted as idle, when another worker going to sleep may have seen nobody
     * busy to watch: that one counted itself unwatched before looking (watch_begin), and
     * this worker looks at the count after leaving the idle set (and the search a kick
     * of its own pushes may have marked it with: it found its work). */
    pthread_mutex_lock(&rt->lock);
    if (w->idle)
        idle_remove_locked(rt, w);
    int queued = ring_len(w) > 0;
    if (queued)
        searching_end_locked(rt, w);
    pthread_mutex_unlock(&rt->lock);
    if (queued) {
        atomic_thread_fence(memory_order_seq_cst);
        notify_unwatched(rt);
    }
}

static void worker_run(aci_worker *w) {
    ac_runtime *rt = w->rt;
    while (!atomic_load_explicit(&rt->stopping, memory_order_acquire)) {
        entry e = worker_next(w);
        if (!e) {
            worker_park(w);
            continue;
        }
        if (w->searching) {
            pthread_mutex_lock(&rt->lock);
            searching_end_locked(rt, w);
            pthread_mutex_unlock(&rt->lock);
        }
        worker_poll(w, e);
        if (--w->event_countdown == 0) {
            w->event_countdown = rt->event_interval;
            worker_maintain(w);
        }
    }
}

/* ---- shutdown: worker 0 drops what is left while the others wait ----------------------------- */

static int drop_if_unfinished(ac_task *t, void *unused) {
    (void)unused;
    uint32_t s = atomic_load_explicit(&t->state, memory_order_relaxed);
    if ((s & (MT_SPAWNED | MT_COMPLETE)) != MT_SPAWNED)
        return 0;
    atomic_fetch_or_explicit(&t->state, MT_COMPLETE, memory_order_relaxed);
    t->vt->drop(ac_task_frame(t));
    return 1;
}

static int free_block(ac_task *t, void *unused) {
    (void)unused;
    aci_mt_free(t);
    return 1;
}

/* As the current-thread executor's end (task.c): drops may touch other tasks, so blocks
 * are freed once every drop has run, and drops repeat while they spawn. Blocks never
 * spawned are freed too: nothing outside the runtime can hold them. */
static void runtime_drop_all(ac_runtime *rt) {
    atomic_store_explicit(&rt->closing, 1, memory_order_relaxed);
    size_t dropped;
    do {
        dropped = 0;
        for (unsigned i = 0; i < rt->n; i++)
            if (rt->workers[i].loop)
                dropped += aci_pool_walk(&rt->workers[i].loop->pool, drop_if_unfinished, NULL);
        dropped += outside_walk(rt, drop_if_unfinished, NULL);
        rt->dropped += dropped;
    } while (dropped > 0);
    pthread_mutex_lock(&rt->timer_lock);
    aci_timers_reset_in(&rt->timers);
    pthread_mutex_unlock(&rt->timer_lock);
    for (unsigned i = 0; i < rt->n; i++) {
        aci_worker *w = &rt->workers[i];
        if (!w->loop)
            continue;
        aci_pool_drain_remote(&w->loop->pool);
        aci_pool_walk(&w->loop->pool, free_block, NULL);
        w->lifo = NULL;
        w->pin_head = w->in_head = NULL;
        atomic_store_explicit(&w->pin_inbox, 0, memory_order_relaxed);
        w->batch_n = 0;
        w->ovf_head = 0;
        atomic_store_explicit(&w->ovf_len, 0, memory_order_relaxed);
        atomic_store_explicit(&w->head, atomic_load(&w->tail), memory_order_relaxed);
    }
    outside_free_all(rt);
    rt->inject_head = rt->inject_tail = NULL;
    atomic_store_explicit(&rt->inject_len, 0, memory_order_relaxed);
}

/* ---- worker threads ------------------------------------------------------------------------- */

static int worker_enter(aci_worker *w) {
    ac_runtime *rt = w->rt;
    char name[32];
    snprintf(name, sizeof name, "%s-%u", rt->name, w->index);
    name[15] = '\0';                                /* the kernel keeps 15 bytes */
    (void)pthread_setname_np(pthread_self(), name); /* a name is only a help */
    aci_loop_this.worker = w;
    aci_loop_this.task_flags = TASK_MT | (w->id << ACI_TASK_OWNER_SHIFT);
    aci_loop_this.running = 1; /* a block_on inside a task is refused, as on any loop */
    w->loop = &aci_loop_this;
    w->rng = 2654435761u * (w->index + 1);
    w->global_countdown = 1; /* the global queue first: that is where the work comes in */
    w->event_countdown = rt->event_interval;
    aci_loop_enter();
    int rc = aci_loop_open_kick();
    w->kick_fd = aci_loop_this.remote.eventfd;
    return rc;
}

static void worker_leave(void) {
    aci_loop_leave();
    aci_pool_release(&aci_loop_this.pool);
    aci_loop_close_kick();
    aci_loop_this.worker = NULL;
    aci_loop_this.task_flags = 0;
    aci_loop_this.running = 0;
}

/* Report in, then wait for the go (or for the start-up to be called off). */
static void worker_start(aci_worker *w, int rc) {
    ac_runtime *rt = w->rt;
    pthread_mutex_lock(&rt->lock);
    rt->ready++;
    if (rc != 0 && rt->start_error == 0)
        rt->start_error = rc;
    pthread_cond_broadcast(&rt->cond);
    while (!rt->go)
        pthread_cond_wait(&rt->cond, &rt->lock);
    pthread_mutex_unlock(&rt->lock);
}

static void *worker_main(void *arg) {
    aci_worker *w = arg;
    ac_runtime *rt = w->rt;
    worker_start(w, worker_enter(w));
    if (rt->on_start)
        rt->on_start(rt->hook_arg);
    busy_start(w, aci_clock_now_ns()); /* not the wait for the other workers to start */
    worker_run(w);
    pthread_mutex_lock(&rt->lock);
    rt->stopped++; /* a dump asked for meanwhile need not wait for this worker */
    pthread_cond_broadcast(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
    pthread_barrier_wait(&rt->stop_barrier); /* every worker is out of its last poll */
    if (w->index == 0)
        runtime_drop_all(rt);
    pthread_barrier_wait(&rt->stop_barrier); /* nothing refers to another worker's pool */
    if (rt->on_stop)
        rt->on_stop(rt->hook_arg);
    worker_leave();
    return NULL;
}

/* ---- the runtime ------------------------------------------------------------------------------
 */

void ac_runtime_builder_init(ac_runtime_builder *b) {
    memset(b, 0, sizeof *b);
}

static unsigned cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static int builder_check(const ac_runtime_builder *b) {
    if (b->worker_threads > AC_RUNTIME_MAX_WORKERS || b->event_interval > INTERVAL_MAX ||
        b->global_queue_interval > INTERVAL_MAX)
        return -EINVAL;
    return 0;
}

static ac_runtime *runtime_alloc(const ac_runtime_builder *b) {
    unsigned n = b->worker_threads ? b->worker_threads : cpu_count();
    if (n > AC_RUNTIME_MAX_WORKERS)
        n = AC_RUNTIME_MAX_WORKERS;
    ac_runtime *rt = calloc(1, sizeof *rt + n * sizeof(aci_worker));
    unsigned *idle_set = calloc(n, sizeof *idle_set);
    if (!rt || !idle_set) {
        free(rt);
        free(idle_set);
        return NULL;
    }
    rt->n = n;
    rt->idle_set = idle_set;
    rt->event_interval = b->event_interval ? b->event_interval : EVENT_INTERVAL_DEFAULT;
    rt->global_interval =
        b->global_queue_interval ? b->global_queue_interval : GLOBAL_INTERVAL_DEFAULT;
    rt->on_start = b->on_thread_start;
    rt->on_stop = b->on_thread_stop;
    rt->hook_arg = b->hook_arg;
    snprintf(rt->name, sizeof rt->name, "%s", b->thread_name ? b->thread_name : "ac-worker");
    for (unsigned i = 0; i < n; i++) {
        rt->workers[i].rt = rt;
        rt->workers[i].index = i;
    }
    return rt;
}

static void runtime_init_sync(ac_runtime *rt) {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&rt->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&rt->lock, NULL);
    pthread_mutex_init(&rt->timer_lock, NULL);
}

static void runtime_free(ac_runtime *rt) {
    registry_give_back(rt);
    aci_reactor_close(rt->reactor);
    pthread_cond_destroy(&rt->cond);
    pthread_mutex_destroy(&rt->lock);
    pthread_mutex_destroy(&rt->timer_lock);
    free(rt->idle_set);
    free(rt);
}

/* Start every worker; returns 0, or the first error (the workers started are stopped). */
static int runtime_start(ac_runtime *rt, size_t stack_size) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int rc = stack_size ? -pthread_attr_setstacksize(&attr, stack_size) : 0;
    unsigned started = 0;
    for (; rc == 0 && started < rt->n; started++) {
        aci_worker *w = &rt->workers[started];
        rc = -pthread_create(&w->thread, &attr, worker_main, w);
        w->started = rc == 0;
        if (rc != 0)
            break;
    }
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&rt->lock);
    while (rt->ready < started)
        pthread_cond_wait(&rt->cond, &rt->lock);
    if (rc == 0)
        rc = rt->start_error;
    if (started > 0) /* the workers and the thread that stops them */
        pthread_barrier_init(&rt->stop_barrier, NULL, started + 1);
    atomic_store_explicit(&rt->stopping, rc != 0, memory_order_relaxed);
    rt->go = 1;
    pthread_cond_broadcast(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
    return rc;
}

/* Stop the workers after their current poll, have worker 0 drop what is left, and join
 * them. Every kick goes out before any worker can pass the first barrier, so it never
 * reaches a worker that is gone. */
static void runtime_stop(ac_runtime *rt) {
    pthread_mutex_lock(&rt->lock);
    atomic_store_explicit(&rt->stopping, 1, memory_order_release);
    pthread_mutex_unlock(&rt->lock);
    if (!rt->workers[0].started)
        return;
    for (unsigned i = 0; i < rt->n; i++)
        if (rt->workers[i].started)
            worker_kick(&rt->workers[i]);
    pthread_barrier_wait(&rt->stop_barrier); /* the workers stopped polling */
    pthread_barrier_wait(&rt->stop_barrier); /* worker 0 dropped everything */
    for (unsigned i = 0; i < rt->n; i++)
        if (rt->workers[i].started)
            pthread_join(rt->workers[i].thread, NULL);
    pthread_barrier_destroy(&rt->stop_barrier);
}

int ac_runtime_new(const ac_runtime_builder *b, ac_runtime **out) {
    ac_runtime_builder defaults;
    if (!b) {
        ac_runtime_builder_init(&defaults);
        b = &defaults;
    }
    int rc = builder_check(b);
    if (rc != 0)
        return rc;
    ac_runtime *rt = runtime_alloc(b);
    if (!rt)
        return -ENOMEM;
    if ((rc = aci_reactor_open(&rt->reactor)) != 0 || (rc = registry_take(rt)) != 0) {
        if (rt->reactor)
            aci_reactor_close(rt->reactor);
        free(rt->idle_set);
        free(rt);
        return rc;
    }
    runtime_init_sync(rt);
    if ((rc = runtime_start(rt, b->thread_stack_size)) != 0) {
        runtime_stop(rt);
        runtime_free(rt);
        return rc;
    }
    *out = rt;
    return 0;
}

/* Tasks made and finished on all workers. */
static void tasks_counted(ac_runtime *rt, uint64_t *created, uint64_t *finished) {
    *created = *finished = 0;
    for (unsigned i = 0; i < rt->n; i++) {
        *created += counter_get(&rt->workers[i].created);
        *finished += counter_get(&rt->workers[i].finished);
    }
}

static uint64_t tasks_alive(ac_runtime *rt) {
    uint64_t created, finished;
    tasks_counted(rt, &created, &finished);
    return created - finished;
}

/* Under rt->lock: until no task is alive or deadline_ns (CLOCK_MONOTONIC) passed. */
static void wait_tasks_locked(ac_runtime *rt, uint64_t deadline_ns) {
    struct timespec ts = {(time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u)};
    rt->shutdown_waiting = 1;
    while ((tasks_alive(rt) > 0 || rt->outside_alive > 0) && aci_clock_now_ns() < deadline_ns)
        if (pthread_cond_timedwait(&rt->cond, &rt->lock, &ts) == ETIMEDOUT)
            break;
    rt->shutdown_waiting = 0;
}

int ac_runtime_shutdown(ac_runtime *rt, uint64_t timeout_ms) {
    if (worker_here(rt))
        return -EBUSY;
    pthread_mutex_lock(&rt->lock);
    if (rt->blocking > 0) {
        pthread_mutex_unlock(&rt->lock);
        return -EBUSY;
    }
    uint64_t now = aci_clock_now_ns();
    uint64_t room = UINT64_MAX - now;
    wait_tasks_locked(rt,
                      timeout_ms >= room / NS_PER_MS ? UINT64_MAX : now + timeout_ms * NS_PER_MS);
    pthread_mutex_unlock(&rt->lock);
    runtime_stop(rt);
    int dropped = rt->dropped > INT32_MAX ? INT32_MAX : (int)rt->dropped;
    runtime_free(rt);
    return dropped;
}

/* ---- metrics ----------------------------------------------------------------------------------
 */

void ac_runtime_metrics_get(ac_runtime *rt, ac_runtime_metrics *m) {
    uint64_t created, finished;
    tasks_counted(rt, &created, &finished);
    m->workers = rt->n;
    m->tasks_spawned = created;
    m->tasks_finished = finished;
    m->tasks_alive = created - finished;
    m->global_queue_depth = atomic_load_explicit(&rt->inject_len, memory_order_relaxed);
    pthread_mutex_lock(&rt->lock);
    m->tasks_outside = rt->outside_alive;
    pthread_mutex_unlock(&rt->lock);
    pthread_mutex_lock(&rt->timer_lock);
    m->timers_armed = rt->timers.armed;
    pthread_mutex_unlock(&rt->timer_lock);
    /* The reactor counts the signalfd, once made, with the descriptors. */
    m->fds_registered =
        aci_reactor_registered(rt->reactor) - (aci_reactor_signals_made(rt->reactor) != NULL);
    ac_blocking_metrics bm;
    ac_blocking_metrics_get(&bm);
    m->blocking_threads_busy = bm.busy;
    m->blocking_threads_idle = bm.idle;
}

int ac_runtime_worker_metrics(ac_runtime *rt, unsigned i, ac_worker_metrics *m) {
    if (i >= rt->n)
        return -EINVAL;
    aci_worker *w = &rt->workers[i];
    m->polls = counter_get(&w->polls);
    m->steals = counter_get(&w->steals);
    m->steal_ops = counter_get(&w->steal_ops);
    m->parks = counter_get(&w->parks);
    m->busy_ns = counter_get(&w->busy_ns);
    m->local_queue_depth = ring_len(w) + atomic_load_explicit(&w->ovf_len, memory_order_relaxed);
    return 0;
}
