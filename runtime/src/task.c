/* task.c - tasks: their blocks, lifetime, join handles, the run queue and the executor.
 *
 * A task is one block from the loop's pool (pool.c):
 *
 *     [ header: 32 bytes ][ frame: vt->frame_size, padded ][ result: vt->result_size ]
 *
 * or, for a result of at most ACI_RESULT_SHARED_MAX bytes (most), no room of its own:
 * the result goes where the frame was once the frame finishes (internal.h,
 * aci_task_poll), so the block is the header and the larger of the two.
 *
 * The header (struct ac_task, internal.h) holds
 *   vt      the future's vtable: poll, drop, frame and result sizes; NULL marks a free
 *           block in the pool;
 *   next    the run-queue link while the task is queued, the free-list link while the
 *           block is free;
 *   waiter  the task suspended in ac_join on this one, woken when this one finishes;
 *   flags   TASK_* state bits (internal.h), including whether the handle was given up;
 *   state   the loop's clock (ms) at the task's last poll, for ac_task_dump; the
 *           atomic state of a task of the multi-thread runtime (mt.c).
 * The frame and the result start at multiples of alignof(max_align_t) from the block
 * start, so any frame or result type fits.
 *
 * The executor runs this thread's loop (loop.c): a FIFO run queue (an intrusive
 * singly linked list through `next`) and, when the queue is empty or every
 * TIMER_CHECK_INTERVAL polls, the loop's driver, which fires timers and I/O.
 *
 * Roots: a block_on of generated code polls its future itself, from a frame it keeps
 * (ac_root_*). Its waker is a header the loop owns (loop.root, flagged TASK_ROOT),
 * queued and woken like any task; "polling" it in the run loop only hands control
 * back to the caller, which polls the frame and calls ac_root_wait again.
 * ac_task_block_on is the same loop run until a pooled task finishes.
 *
 * Handles: a finished task keeps its result until ac_join copies it out or ac_detach
 * gives it up; either frees the block. A task detached before it finishes is freed
 * when it finishes. A handle is the block's address with the block's generation
 * (flags, ACI_TASK_GEN_SHIFT) in the low bits that alignment leaves free: blocks are
 * reused at once, and a handle used again after it was given up must not name the
 * block's next task. A handle with no generation (the address of ac_task_new) is
 * taken as it is.
 *
 * Tasks made on a worker of the multi-thread runtime carry TASK_MT: ac_wake, ac_detach
 * and ac_join send them to mt.c, whose workers poll them; the rest of this file never
 * sees one. The test costs the current-thread paths one bit in a word they load anyway.
 */
#include "ac_local.h"
#include "mt.h"
#include "pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

_Static_assert(sizeof(struct ac_task) <= ACI_TASK_HEADER_SIZE, "the task header is 32 bytes");
_Static_assert(ACI_TASK_HEADER_SIZE % alignof(max_align_t) == 0, "frames must be max-aligned");

/* Polls between two looks at the timers and descriptors while the queue stays busy:
 * bounds how long a due timer or a ready descriptor waits without making every poll
 * pay for clock_gettime. */
#define TIMER_CHECK_INTERVAL 64u

/* ---- the block ---------------------------------------------------------------------------- */

/* The task a handle (or a task pointer: no generation bits) names. */
static ac_task *handle_strip(ac_task *h) {
    return (ac_task *)((uintptr_t)h & ~(uintptr_t)ACI_TASK_GEN_MASK);
}

void *ac_task_frame(ac_task *t) {
    return aci_task_frame(handle_strip(t));
}

/* Only for this loop's own tasks: a multi-thread task's block goes back through
 * aci_mt_free (ac_detach and ac_join_poll send such tasks to mt.c first). */
static ACI_INLINE void block_free(ac_task *t) {
    aci_pool_free(&aci_loop_this.pool, t, aci_task_block_size(t->vt));
}

size_t aci_tasks_live(void) {
    return aci_loop_this.pool.live;
}

/* ---- task lifetime ------------------------------------------------------------------------ */

/* Out of line, so that the current-thread path needs no stack frame. */
static ACI_NOINLINE ac_task *task_new_mt(ac_task *t) {
    /* After the generation: a stale handle's check that sees this state sees it. */
    atomic_store_explicit(&t->state, 0, memory_order_release);
    aci_mt_created();
    return t;
}

/* The header of block t for a new task of vt: the block's generation moves on. */
static ACI_INLINE ac_task *task_init(ac_task *t, const ac_vtable *vt) {
    uint32_t gen = aci_task_gen(t); /* the next of 1 to 15: 0 is no handle's */
    gen = gen < ACI_TASK_GEN_MASK ? gen + 1 : 1;
    aci_task_set_vt(t, vt);
    t->next = NULL;
    t->waiter = NULL;
    /* 0, or TASK_MT and the worker on a worker */
    aci_task_set_flags(t, aci_loop_this.task_flags | gen << ACI_TASK_GEN_SHIFT);
    return t->flags & TASK_MT ? task_new_mt(t) : t;
}

/* A task in a block never used before (a new chunk's, or a malloc'd one). */
static ACI_NOINLINE ac_task *task_new_fresh(const ac_vtable *vt, size_t size) {
    ac_task *t = aci_pool_fresh(&aci_loop_this.pool, size);
    return t ? task_init(t, vt) : NULL;
}

ac_task *ac_task_new(const ac_vtable *vt) {
    size_t size = aci_task_block_size(vt);
    ac_task *t = aci_pool_reuse(&aci_loop_this.pool, size);
    return t ? task_init(t, vt) : task_new_fresh(vt, size);
}

/* ---- handles ------------------------------------------------------------------------------ */

static uintptr_t handle_tag(const ac_task *h) {
    return (uintptr_t)h & ACI_TASK_GEN_MASK;
}

/* Whether h names the task in its block now, not one given up before (a given-up MT
 * task's block may be freed, or get a new task, by its owner on another thread while
 * this looks: internal.h, aci_task_set_vt). */
static ACI_INLINE int handle_current(ac_task *h, ac_task *t) {
    /* vt first: it is what a freed block keeps readable (pool.h). */
    if (!__atomic_load_n(&t->vt, __ATOMIC_RELAXED))
        return 0;
    uint32_t flags = __atomic_load_n(&t->flags, __ATOMIC_RELAXED);
    if (flags & TASK_MT) { /* a bit every task of the block has */
        /* The state, then the generation: a new task's state (written after its
         * generation, with release) comes with its generation, so a handle of the old
         * task does not pass for the new one (until the 4-bit generation wraps). */
        if (aci_mt_given_up(t))
            return 0;
        flags = __atomic_load_n(&t->flags, __ATOMIC_RELAXED);
    } else if (flags & TASK_DETACHED) {
        return 0;
    }
    return !handle_tag(h) || handle_tag(h) == aci_flags_gen(flags);
}

/* aci_handle_task, inline in the join's path */
static ACI_INLINE int handle_task(ac_task *h, ac_task **task) {
    ac_task *t = handle_strip(h);
    if (!t || !handle_current(h, t))
        return -EBADF;
    *task = t;
    return 0;
}

int aci_handle_task(ac_task *h, ac_task **task) {
    return handle_task(h, task);
}

/* Give up t's handle: free a finished task, mark a running one to be freed when it
 * finishes. */
static void task_detach(ac_task *t) {
    if (aci_task_is_mt(t)) {
        aci_mt_detach(t);
        return;
    }
    /* While closing, drops run during a walk of the blocks that must not free any:
     * the walk's own second pass frees it. */
    if ((t->flags & TASK_FINISHED) && !aci_loop_this.closing)
        block_free(t);
    else
        t->flags |= TASK_DETACHED;
}

int ac_detach(ac_task *h) {
    ac_task *t;
    int rc = aci_handle_task(h, &t);
    if (rc == 0)
        task_detach(t);
    return rc;
}

/* ---- the run queue ------------------------------------------------------------------------ */

static ac_task *queue_pop(void) {
    ac_task *t = aci_loop_this.head;
    if (t)
        aci_loop_this.head = t->next;
    return t;
}

void ac_wake(ac_task *h) {
    aci_task_wake(handle_strip(h));
}

/* The handle of t: its address with its generation. */
static ac_task *handle_of(ac_task *t, uintptr_t gen) {
    return (ac_task *)((uintptr_t)t | gen);
}

/* Out of line, so that the current-thread path needs no stack frame. */
static ACI_NOINLINE ac_task *task_spawn_mt(ac_task *t) {
    uintptr_t gen = aci_task_gen(t); /* read first: the task may finish at once */
    aci_mt_wake(t);
    return handle_of(t, gen);
}

ac_task *ac_task_spawn(ac_task *t) {
    if (!t)
        return NULL;
    if (aci_task_is_mt(t))
        return task_spawn_mt(t);
    aci_task_wake_local(t);
    return handle_of(t, aci_task_gen(t));
}

ac_task *ac_task_pin(ac_task *h) {
    ac_task *t = handle_strip(h);
    if (t && aci_task_is_mt(t))
        aci_mt_pin(t);
    return h;
}

void aci_task_abort(ac_task *t) {
    if (aci_task_is_mt(t)) {
        aci_mt_abort(t);
    } else if (!(t->flags & TASK_FINISHED)) {
        t->flags |= TASK_CANCEL;
        ac_wake(t);
    }
}

/* ---- polling ------------------------------------------------------------------------------ */

static void task_finish(ac_task *t) {
    ac_task *waiter = t->waiter;
    t->waiter = NULL;
    if (t->flags & TASK_DETACHED)
        block_free(t);
    else
        t->flags = (t->flags & (ACI_TASK_GEN_MASK << ACI_TASK_GEN_SHIFT | TASK_CANCELLED)) |
                   TASK_SPAWNED | TASK_FINISHED;
    if (waiter)
        aci_task_wake(waiter);
}

/* After a poll returned AC_PENDING: queue t again if it was woken or yielded during the
 * poll. */
static void task_suspend(ac_task *t, int yielded) {
    uint32_t flags = (t->flags & ~(uint32_t)TASK_RUNNING) | (yielded ? TASK_QUEUED : 0);
    t->flags = flags;
    if (flags & TASK_QUEUED)
        aci_run_queue_push(t);
}

/* `state` is free in a task of this loop: when it was last polled (ac_task_dump). */
static void task_stamp(ac_task *t) {
    atomic_store_explicit(&t->state, aci_loop_this.now_ms, memory_order_relaxed);
}

/* The turn of the root or of an aborted task, out of the way of the others'. The root is
 * left marked running: its poll happens once ac_root_wait returns. */
static ACI_NOINLINE void task_poll_special(ac_task *t, uint32_t flags) {
    if (flags & TASK_ROOT)
        return;
    task_stamp(t);
    t->vt->drop(aci_task_frame(t));
    t->flags |= TASK_CANCELLED;
    task_finish(t);
}

static void task_poll(ac_task *t) {
    uint32_t flags = (t->flags & ~(uint32_t)TASK_QUEUED) | TASK_RUNNING;
    t->flags = flags;
    if (flags & (TASK_ROOT | TASK_CANCEL)) {
        task_poll_special(t, flags);
        return;
    }
    task_stamp(t);
    ac_cx cx = {t, 0};
    aci_coop_reset();
    if (aci_task_poll(t, &cx) == AC_READY)
        task_finish(t);
    else
        task_suspend(t, cx.yielded);
}

/* So that a busy queue cannot starve them, timers and descriptors get a look every
 * TIMER_CHECK_INTERVAL polls. */
static void loop_check_periodically(void) {
    if (--aci_loop_this.poll_budget > 0)
        return;
    aci_loop_this.poll_budget = TIMER_CHECK_INTERVAL;
    (void)aci_loop_drive(0);
}

/* Run queued tasks, due timers and ready descriptors until target has one of the flags `until` (0),
 * or nothing can ever run again (-1). The task-local bindings of the code blocking
 * (ac_block_on inside a binding's scope) are set aside meanwhile: a task starts with
 * none (ac_local.h). */
static int executor_run(const ac_task *target, uint32_t until) {
    ac_local_binding *blocker_locals = ac_local_hide();
    int rc = 0;
    while (!(target->flags & until)) {
        ac_task *t = queue_pop();
        if (t) {
            task_poll(t);
            loop_check_periodically();
        } else if (aci_loop_drive(1) != 0) {
            rc = -1;
            break;
        }
    }
    ac_local_restore(blocker_locals);
    return rc;
}

static int task_drop_if_unfinished(ac_task *t, void *unused) {
    (void)unused;
    if ((t->flags & (TASK_SPAWNED | TASK_FINISHED)) != TASK_SPAWNED)
        return 0;
    t->flags |= TASK_FINISHED;
    t->vt->drop(aci_task_frame(t));
    return 1;
}

static int task_free_if_spawned(ac_task *t, void *unused) {
    (void)unused;
    if (!(t->flags & TASK_SPAWNED))
        return 0;
    block_free(t);
    return 1;
}

/* Drop every unfinished task, then free every task that was ever queued. A drop may
 * touch other tasks' headers (a join frame detaching its task, a channel waking a
 * receiver), so blocks are freed only once every drop has run; and as a drop may
 * spawn, dropping repeats until a walk finds nothing left to drop. Tasks never queued
 * (ac_task_new without spawn) stay, as their frames may not be initialized. */
static void executor_drop_all(void) {
    aci_loop_this.closing = 1;
    while (aci_pool_walk(&aci_loop_this.pool, task_drop_if_unfinished, NULL) > 0) {
    }
    aci_loop_this.closing = 0;
    aci_loop_reset();
    aci_pool_walk(&aci_loop_this.pool, task_free_if_spawned, NULL);
    if (aci_loop_this.pool.live == 0)
        aci_pool_release(&aci_loop_this.pool);
    aci_loop_this.head = NULL;
}

/* Start the outermost block_on (0), or refuse one inside a poll (-1): the executor
 * is in the middle of a poll. */
static int executor_enter(void) {
    if (aci_loop_this.running)
        return -1;
    aci_loop_this.running = 1;
    aci_loop_this.poll_budget = TIMER_CHECK_INTERVAL;
    aci_loop_enter();
    return 0;
}

static void executor_leave(void) {
    executor_drop_all();
    aci_loop_leave();
    aci_loop_this.running = 0;
}

/* A refused block_on consumes the handle all the same: a task that was never queued
 * is parked (never run, dropped by the outermost block_on), a spawned one runs on
 * detached. */
static void block_on_refuse(ac_task *t) {
    t->flags |= TASK_SPAWNED;
    task_detach(t);
}

int ac_task_block_on(ac_task *h, void *out) {
    ac_task *t;
    if (aci_handle_task(h, &t) != 0)
        return -1;
    if (executor_enter() != 0) {
        block_on_refuse(t);
        return -1;
    }
    ac_wake(t); /* a spawned handle is still queued: nothing runs outside block_on */
    int rc = executor_run(t, TASK_FINISHED);
    if (rc == 0) {
        if (out)
            memcpy(out, aci_task_result(t), t->vt->result_size);
        block_free(t);
    }
    executor_leave();
    return rc;
}

/* ---- roots -------------------------------------------------------------------------------- */

/* A generated block_on has no other way to say why its result is zero. */
static void root_complain(const ac_root *r, const char *kind, const char *problem) {
    if (r->name)
        fprintf(stderr, "asyncc: %sac_block_on(%s): %s\n", kind, r->name, problem);
}

int ac_root_enter(ac_root *r, const char *name) {
    r->cx = (ac_cx){NULL, 0};
    r->name = name;
    if (executor_enter() != 0) {
        root_complain(r, "", "inside a poll, where it cannot run: not run, result zero");
        return -1;
    }
    /* Running from the start: its owner polls it first. */
    aci_loop_this.root = (ac_task){.flags = TASK_ROOT | TASK_SPAWNED | TASK_RUNNING};
    r->cx.task = &aci_loop_this.root;
    aci_coop_reset();
    return 0;
}

int ac_root_wait(ac_root *r) {
    ac_task *root = r->cx.task;
    root->flags |= r->cx.yielded ? TASK_QUEUED : 0; /* yielded: woken by itself */
    r->cx.yielded = 0;
    if ((root->flags & TASK_QUEUED) && !aci_loop_this.head) {
        /* A yield with nothing else queued: what the run below would do, without
         * queueing the root only to take it out again. */
        root->flags &= ~(uint32_t)TASK_QUEUED;
        loop_check_periodically();
        aci_coop_reset();
        return 0;
    }
    task_suspend(root, 0);
    if (executor_run(r->cx.task, TASK_RUNNING) == 0) {
        aci_coop_reset(); /* the caller polls the root next */
        return 0;
    }
    const char *problem = "no task is runnable and no timer is armed: dropped, result zero";
    root_complain(r, "deadlock: ", problem);
    return -1;
}

void ac_root_leave(ac_root *r) {
    (void)r;
    executor_leave();
}

/* ---- leaf: ac_join ------------------------------------------------------------------------ */

void ac_join_init_sized(ac_join_frame *f, ac_task *h, void *out, size_t out_size) {
    f->task = NULL;
    f->out = out;
    f->out_size = out_size;
    f->error = handle_task(h, &f->task);
    size_t result_size = f->error == 0 ? f->task->vt->result_size : 0;
    if (out_size != result_size && out && out_size && result_size) {
        f->task = NULL; /* the handle stays the caller's */
        f->error = -EINVAL;
    }
}

/* t is finished: copy its result out and free it. */
static ACI_INLINE void join_take(ac_join_frame *f, ac_task *t) {
    if (t->flags & TASK_CANCELLED)
        f->error = -ECANCELED;
    else if (f->out)
        aci_copy_value(f->out, aci_task_result(t), t->vt->result_size);
    f->task = NULL;
    block_free(t);
}

/* A current-thread task: one joiner at a time (a second is refused: -EBADF). */
static ACI_INLINE ac_poll join_poll_local(ac_join_frame *f, ac_cx *cx) {
    ac_task *t = f->task;
    if (t->waiter && t->waiter != cx->task) {
        f->task = NULL;
        f->error = -EBADF;
        return AC_READY;
    }
    if (!(t->flags & TASK_FINISHED)) {
        t->waiter = cx->task;
        return AC_PENDING;
    }
    join_take(f, t);
    return AC_READY;
}

static ac_poll join_done(const ac_join_frame *f, int *out) {
    if (out)
        *out = f->error;
    return AC_READY;
}

/* Out of line, so that the current-thread path needs no stack frame. */
static ACI_NOINLINE ac_poll join_poll_mt(ac_join_frame *f, ac_cx *cx, int *out) {
    return aci_mt_join_poll(f, cx) == AC_PENDING ? AC_PENDING : join_done(f, out);
}

/* aci_join_poll_member, inline in ac_join_poll */
static ACI_INLINE ac_poll join_poll(ac_join_frame *f, ac_cx *cx, int *out) {
    ac_task *t = f->task;
    if (t && aci_task_is_mt(t))
        return join_poll_mt(f, cx, out);
    if (t && join_poll_local(f, cx) == AC_PENDING)
        return AC_PENDING;
    return join_done(f, out);
}

ac_poll ac_join_poll(ac_join_frame *f, ac_cx *cx, int *out) {
    if (!aci_coop_take(cx))
        return AC_PENDING;
    return join_poll(f, cx, out);
}

ac_poll aci_join_poll_member(ac_join_frame *f, ac_cx *cx, int *out) {
    return join_poll(f, cx, out);
}

/* The frame owns the handle until the join completes: dropping it earlier gives the
 * handle up, so the task runs on detached. */
void ac_join_drop(ac_join_frame *f) {
    ac_task *t = f->task;
    if (!t)
        return;
    f->task = NULL;
    if (!aci_task_is_mt(t)) /* an MT detach takes the waiter back itself */
        t->waiter = NULL;
    task_detach(t);
}
