/* mt.h - what the multi-thread runtime (mt.c) offers the rest of the runtime:
 * the paths task.c, timer.c and waitlist.c take for a task flagged TASK_MT. Internal. */
#ifndef AC_RUNTIME_MT_H
#define AC_RUNTIME_MT_H

#include "internal.h"

/* ac_wake of an MT task, from any thread but the one polling it (aci_task_wake):
 * schedules it exactly once however many wake it at the same time; a wake during its
 * poll makes it polled again afterwards. */
ACI_HIDDEN void aci_mt_wake(ac_task *t);
/* aci_task_abort of an MT task. */
ACI_HIDDEN void aci_mt_abort(ac_task *t);
/* ac_detach of an MT task's handle. */
ACI_HIDDEN void aci_mt_detach(ac_task *t);
/* ac_join_poll on the handle of an MT task (f->task): AC_READY once the result is
 * copied and the task freed, or the join refused (f->error). */
ACI_HIDDEN ac_poll aci_mt_join_poll(ac_join_frame *f, ac_cx *cx);
/* Give an MT task's block back to the pool it came from. */
ACI_HIDDEN void aci_mt_free(ac_task *t);
/* Pin t, just spawned on this worker, to it (ac_task_pin). */
ACI_HIDDEN void aci_mt_pin(ac_task *t);
/* Count a task made on this worker (ac_task_new). */
ACI_HIDDEN void aci_mt_created(void);

/* The timers of t's runtime, locked; unlock after arming a timer at armed_ns (which may
 * need a parked worker woken earlier) or after any other use (UINT64_MAX). */
ACI_HIDDEN aci_timers *aci_mt_timers_lock(const ac_task *t);
ACI_HIDDEN void aci_mt_timers_unlock(const ac_task *t, uint64_t armed_ns);

/* Wake worker w wherever it sleeps: its own backend or the runtime's reactor (loop.c,
 * for the wakes other threads queue on w's loop). */
ACI_HIDDEN void aci_mt_kick(aci_worker *w);
/* On a worker: its runtime's reactor (reactor.h), where the descriptors and signals of
 * the runtime's tasks are watched. */
ACI_HIDDEN struct aci_reactor *aci_mt_reactor(void);
/* On a worker: the first descriptor was registered; have an idle worker wait for it. */
ACI_HIDDEN void aci_mt_reactor_wanted(void);

/* ac_task_dump on a worker: the dump of its runtime (ac_runtime_task_dump). */
ACI_HIDDEN int aci_mt_dump_here(int fd);

/* A task's state (ac_task.state), the low bits; mt.c keeps a poll stamp above them. */
enum aci_mt_state {
    MT_NOTIFIED = 1u << 0,   /* woken since its poll started: queued, or to be requeued */
    MT_RUNNING = 1u << 1,    /* being polled */
    MT_COMPLETE = 1u << 2,   /* its poll returned AC_READY, or it was dropped */
    MT_JOIN_WAKER = 1u << 3, /* `waiter` is set: the finisher wakes it */
    MT_DETACHED = 1u << 4,   /* no handle: the finisher frees the block */
    MT_SPAWNED = 1u << 5,    /* woken once: its frame is initialized */
    MT_CANCEL = 1u << 6,     /* aborted: its next poll drops it instead */
    MT_CANCELLED = 1u << 7,  /* completed by that drop: no result */
};

/* Whether the handle of MT task t was given up (joined or detached): inline, as every
 * join checks it. */
static inline int aci_mt_given_up(ac_task *t) {
    return (atomic_load_explicit(&t->state, memory_order_acquire) & MT_DETACHED) != 0;
}

/* Whether t belongs to a multi-thread runtime. */
static inline int aci_task_is_mt(const ac_task *t) {
    return (t->flags & TASK_MT) != 0;
}

/* ac_wake of a task of this loop (not TASK_MT, not a handle), with no call. A task
 * woken during its own poll is queued when that poll returns AC_PENDING (task.c). */
static inline void aci_task_wake_local(ac_task *t) {
    uint32_t flags = t->flags;
    if (flags & (TASK_QUEUED | TASK_FINISHED))
        return;
    t->flags = flags | TASK_QUEUED | TASK_SPAWNED;
    if (!(flags & TASK_RUNNING))
        aci_run_queue_push(t);
}

/* ac_wake of a task (not a handle): inline, as the waitlists and the descriptors wake
 * through it, and so is a yield's on a worker: the task being polled there woke itself,
 * which its worker notes to requeue it after the poll (mt.c, worker_poll). */
static inline void aci_task_wake(ac_task *t) {
    if (!aci_task_is_mt(t))
        aci_task_wake_local(t);
    else if (t == aci_loop_this.mt_polling)
        aci_loop_this.mt_self_woken = 1;
    else
        aci_mt_wake(t);
}

#endif
