/* task.c - tasks, their memory, join handles and the current-thread executor.
 *
 * A task is one block:
 *
 *     [ header: 32 bytes ][ frame: vt->frame_size, padded ][ result: vt->result_size ]
 *
 * The header (struct ac_task) holds
 *   vt      the future's vtable: poll, drop, frame and result sizes; NULL marks a free
 *           block in the pool below;
 *   next    the run-queue link while the task is queued, the free-list link while the
 *           block is free;
 *   waiter  the task suspended in ac_join on this one, woken when this one finishes;
 *   flags   TASK_* state bits below, including whether the handle was given up.
 * The frame and the result start at multiples of alignof(max_align_t) from the block
 * start, so any frame or result type fits.
 *
 * Blocks come from a per-thread pool: size classes of MAX_ALIGN-byte steps, each
 * carving blocks out of its own chunks and recycling freed blocks through a free list.
 * Besides making spawn and free a few instructions, the pool is how the executor finds
 * every live task: a task parked on some event (a channel, a lock) is referenced by
 * nothing the runtime knows, yet the outermost block_on must drop and free it. It walks
 * the chunks. Blocks too big for a size class get a malloc block of their own, linked
 * in a list. The pool keeps its memory until the outermost block_on ends with no task
 * left alive; then it all goes back to malloc.
 *
 * The executor is per thread. It keeps a FIFO run queue (an intrusive singly linked
 * list through `next`), the pool, and the timer heap (timer.c).
 *
 * Roots: a block_on of generated code polls its future itself, from a frame it keeps
 * (ac_root_*). Its waker is a header the executor owns (exec.root, flagged
 * TASK_ROOT), queued and woken like any task; "polling" it in the run loop only
 * hands control back to the caller, which polls the frame and calls ac_root_wait
 * again. ac_task_block_on is the same loop run until a pooled task finishes.
 *
 * Handles: a finished task keeps its result until ac_join copies it out or ac_detach
 * gives it up; either frees the block. A task detached before it finishes is freed
 * when it finishes.
 */
#define _DEFAULT_SOURCE 1 /* madvise, for huge pages (see CHUNK_MAX_BYTES) */

#include "internal.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

/* Under AddressSanitizer, a freed block is poisoned past its vt and next words (which
 * the pool itself reads), so that using a task after it was freed is reported even
 * though the block never goes back to malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define AC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AC_ASAN 1
#endif
#endif
#ifdef AC_ASAN
#include <sanitizer/asan_interface.h>
#define BLOCK_KEPT_BYTES (2 * sizeof(void *))
#define block_poison(t, size)                                                                      \
    ASAN_POISON_MEMORY_REGION((char *)(t) + BLOCK_KEPT_BYTES, (size)-BLOCK_KEPT_BYTES)
#define block_unpoison(t, size) ASAN_UNPOISON_MEMORY_REGION((t), (size))
#else
#define block_poison(t, size) ((void)(t), (void)(size))
#define block_unpoison(t, size) ((void)(t), (void)(size))
#endif

struct ac_task {
    const ac_vtable *vt;
    ac_task *next;
    ac_task *waiter;
    uint32_t flags;
};

#define TASK_HEADER_SIZE 32
#define MAX_ALIGN alignof(max_align_t)

_Static_assert(sizeof(struct ac_task) <= TASK_HEADER_SIZE, "the task header is 32 bytes");
_Static_assert(TASK_HEADER_SIZE % alignof(max_align_t) == 0, "frames must be max-aligned");

enum task_flag {
    TASK_SPAWNED = 1u << 0,  /* queued at least once: its frame is initialized */
    TASK_QUEUED = 1u << 1,   /* in the run queue, or woken during its own poll */
    TASK_RUNNING = 1u << 2,  /* being polled right now */
    TASK_FINISHED = 1u << 3, /* poll returned AC_READY (or the task was dropped) */
    TASK_DETACHED = 1u << 4, /* no handle: free it when it finishes */
    TASK_ROOT = 1u << 5,     /* exec.root: its frame is polled by the caller of ac_root_wait */
};

/* Polls between two looks at the clock while the queue stays busy: bounds how long a
 * due timer waits without making every poll pay for clock_gettime. */
#define TIMER_CHECK_INTERVAL 64u

/* Blocks up to POOL_CLASSES * MAX_ALIGN bytes come from size-class chunks. A class's
 * chunks double in size from CHUNK_MIN_BYTES to CHUNK_MAX_BYTES, a huge page (2 MB on
 * x86-64): chunks that big are aligned to their size and marked for transparent huge
 * pages, so that a class holding a million tasks costs one page fault per 2 MB instead
 * of one per 4 KB (spawning a million tasks takes half the time). */
#define POOL_CLASSES 64
#define CHUNK_MIN_BYTES ((size_t)4096)
#define CHUNK_MAX_BYTES ((size_t)2 << 20)

/* A chunk of blocks of one size; blocks are handed out from the start (`used`). */
typedef struct pool_chunk {
    struct pool_chunk *next;
    size_t used;
    size_t bytes; /* the whole allocation, this header included */
    alignas(max_align_t) unsigned char data[];
} pool_chunk;

typedef struct pool_class {
    ac_task *free;      /* freed blocks, linked through next */
    pool_chunk *chunks; /* oldest first */
    pool_chunk *last;   /* the chunk blocks are carved from */
} pool_class;

/* The prefix of a block too big for a size class: the list of such blocks. */
typedef struct large_link {
    struct large_link *prev, *next;
    alignas(max_align_t) unsigned char task[];
} large_link;

typedef struct executor {
    ac_task *head;        /* run queue: pop at head, push at tail */
    ac_task *tail;        /* stale while head is NULL */
    size_t live;          /* blocks allocated and not freed */
    unsigned poll_budget; /* polls left before the next timer check */
    int running;          /* inside the outermost block_on */
    int closing;          /* the outermost block_on is dropping what is left */
    large_link *large;    /* blocks too big for a size class */
    ac_task root;         /* the waker of the root being blocked on, if any */
    pool_class classes[POOL_CLASSES];
} executor;

static _Thread_local executor exec;

/* ---- the block ---------------------------------------------------------------------------- */

static size_t align_up(size_t n) {
    return (n + MAX_ALIGN - 1) & ~(size_t)(MAX_ALIGN - 1);
}

static size_t block_size(const ac_vtable *vt) {
    return TASK_HEADER_SIZE + align_up(vt->frame_size) + align_up(vt->result_size);
}

void *ac_task_frame(ac_task *t) {
    return (char *)t + TASK_HEADER_SIZE;
}

static void *task_result(ac_task *t) {
    return (char *)t + TASK_HEADER_SIZE + align_up(t->vt->frame_size);
}

/* ---- the pool ----------------------------------------------------------------------------- */

/* A huge page for a chunk of CHUNK_MAX_BYTES. Before anything touches it: a page
 * faulted in already would make the kernel map the rest with small pages too. Only
 * advice: without huge pages the chunk works the same. */
static void *huge_alloc(void) {
    void *p = aligned_alloc(CHUNK_MAX_BYTES, CHUNK_MAX_BYTES);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, CHUNK_MAX_BYTES, MADV_HUGEPAGE);
#endif
    return p;
}

static pool_chunk *chunk_new(size_t bytes) {
    pool_chunk *c = bytes == CHUNK_MAX_BYTES ? huge_alloc() : malloc(bytes);
    if (c) {
        c->next = NULL;
        c->used = 0;
        c->bytes = bytes;
    }
    return c;
}

static int chunk_has_room(const pool_chunk *c, size_t size) {
    return c->bytes - offsetof(pool_chunk, data) - c->used >= size;
}

/* Carve a block from the class's newest chunk, adding a chunk twice the size of the
 * last (up to CHUNK_MAX_BYTES) when it is full. */
static ac_task *class_carve(pool_class *c, size_t size) {
    pool_chunk *last = c->last;
    if (!last || !chunk_has_room(last, size)) {
        size_t bytes = last ? 2 * last->bytes : CHUNK_MIN_BYTES;
        pool_chunk *fresh = chunk_new(bytes < CHUNK_MAX_BYTES ? bytes : CHUNK_MAX_BYTES);
        if (!fresh)
            return NULL;
        if (last)
            last->next = fresh;
        else
            c->chunks = fresh;
        c->last = last = fresh;
    }
    ac_task *t = (ac_task *)(last->data + last->used);
    last->used += size;
    return t;
}

static ac_task *large_alloc(size_t size) {
    large_link *l = malloc(sizeof *l + size);
    if (!l)
        return NULL;
    l->prev = NULL;
    l->next = exec.large;
    if (exec.large)
        exec.large->prev = l;
    exec.large = l;
    return (ac_task *)l->task;
}

static void large_free(ac_task *t) {
    large_link *l = (large_link *)((char *)t - offsetof(large_link, task));
    if (l->prev)
        l->prev->next = l->next;
    else
        exec.large = l->next;
    if (l->next)
        l->next->prev = l->prev;
    free(l);
}

static size_t class_index(size_t size) {
    return size / MAX_ALIGN - 1;
}

static ac_task *block_alloc(size_t size) {
    size_t i = class_index(size);
    ac_task *t;
    if (i >= POOL_CLASSES) {
        t = large_alloc(size);
    } else if (exec.classes[i].free) {
        t = exec.classes[i].free;
        exec.classes[i].free = t->next;
        block_unpoison(t, size);
    } else {
        t = class_carve(&exec.classes[i], size);
    }
    exec.live += t != NULL;
    return t;
}

static void block_free(ac_task *t) {
    size_t size = block_size(t->vt);
    size_t i = class_index(size);
    exec.live--;
    if (i >= POOL_CLASSES) {
        large_free(t);
        return;
    }
    t->vt = NULL;
    t->next = exec.classes[i].free;
    exec.classes[i].free = t;
    block_poison(t, size);
}

/* Call fn on every allocated block. Blocks fn frees are not visited again; blocks fn
 * allocates may or may not be visited. Returns how many calls returned nonzero. */
static size_t pool_walk(int (*fn)(ac_task *t)) {
    size_t hits = 0;
    for (size_t i = 0; i < POOL_CLASSES; i++) {
        size_t size = (i + 1) * MAX_ALIGN;
        for (pool_chunk *c = exec.classes[i].chunks; c; c = c->next)
            for (size_t off = 0; off < c->used; off += size) {
                ac_task *t = (ac_task *)(c->data + off);
                if (t->vt)
                    hits += fn(t) != 0;
            }
    }
    for (large_link *l = exec.large, *next; l; l = next) {
        next = l->next;
        hits += fn((ac_task *)l->task) != 0;
    }
    return hits;
}

/* Give every chunk back to malloc; only when no block is allocated. */
static void pool_release(void) {
    for (size_t i = 0; i < POOL_CLASSES; i++) {
        for (pool_chunk *c = exec.classes[i].chunks, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        exec.classes[i] = (pool_class){NULL, NULL, NULL};
    }
}

size_t ac_tasks_live(void) {
    return exec.live;
}

/* ---- task lifetime ------------------------------------------------------------------------ */

ac_task *ac_task_new(const ac_vtable *vt) {
    ac_task *t = block_alloc(block_size(vt));
    if (!t)
        return NULL;
    t->vt = vt;
    t->next = NULL;
    t->waiter = NULL;
    t->flags = 0;
    return t;
}

void ac_detach(ac_task *t) {
    if (!t)
        return;
    /* While closing, drops run during a walk of the blocks that must not free any:
     * the walk's own second pass frees it. */
    if ((t->flags & TASK_FINISHED) && !exec.closing)
        block_free(t);
    else
        t->flags |= TASK_DETACHED;
}

/* ---- the run queue ------------------------------------------------------------------------ */

static void queue_push(ac_task *t) {
    t->next = NULL;
    if (exec.head)
        exec.tail->next = t;
    else
        exec.head = t;
    exec.tail = t;
}

static ac_task *queue_pop(void) {
    ac_task *t = exec.head;
    if (t)
        exec.head = t->next;
    return t;
}

void ac_wake(ac_task *t) {
    uint32_t flags = t->flags;
    if (flags & (TASK_QUEUED | TASK_FINISHED))
        return;
    t->flags = flags | TASK_QUEUED | TASK_SPAWNED;
    /* A task woken during its own poll is queued when that poll returns PENDING. */
    if (!(flags & TASK_RUNNING))
        queue_push(t);
}

ac_task *ac_task_spawn(ac_task *t) {
    if (t)
        ac_wake(t);
    return t;
}

/* ---- polling ------------------------------------------------------------------------------ */

static void task_finish(ac_task *t) {
    ac_task *waiter = t->waiter;
    t->waiter = NULL;
    if (t->flags & TASK_DETACHED)
        block_free(t);
    else
        t->flags = TASK_SPAWNED | TASK_FINISHED;
    if (waiter)
        ac_wake(waiter);
}

/* After a poll returned AC_PENDING: queue t again if it was woken during the poll. */
static void task_suspend(ac_task *t) {
    uint32_t flags = t->flags & ~(uint32_t)TASK_RUNNING;
    t->flags = flags;
    if (flags & TASK_QUEUED)
        queue_push(t);
}

/* The root is left marked running: its poll happens once ac_root_wait returns. */
static void task_poll(ac_task *t) {
    t->flags = (t->flags & ~(uint32_t)TASK_QUEUED) | TASK_RUNNING;
    if (t->flags & TASK_ROOT)
        return;
    ac_cx cx = {t};
    void *out = t->vt->result_size ? task_result(t) : NULL;
    if (t->vt->poll(ac_task_frame(t), &cx, out) == AC_READY)
        task_finish(t);
    else
        task_suspend(t);
}

static void timers_check_periodically(void) {
    if (--exec.poll_budget > 0)
        return;
    exec.poll_budget = TIMER_CHECK_INTERVAL;
    ac_timers_fire_due();
}

/* Run queued tasks and due timers until target has one of the flags `until` (0), or
 * nothing can ever run again (-1). */
static int executor_run(const ac_task *target, uint32_t until) {
    while (!(target->flags & until)) {
        ac_task *t = queue_pop();
        if (t) {
            task_poll(t);
            timers_check_periodically();
        } else if (ac_timers_wait() != 0) {
            return -1;
        }
    }
    return 0;
}

static int task_drop_if_unfinished(ac_task *t) {
    if ((t->flags & (TASK_SPAWNED | TASK_FINISHED)) != TASK_SPAWNED)
        return 0;
    t->flags |= TASK_FINISHED;
    t->vt->drop(ac_task_frame(t));
    return 1;
}

static int task_free_if_spawned(ac_task *t) {
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
    exec.closing = 1;
    while (pool_walk(task_drop_if_unfinished) > 0) {
    }
    exec.closing = 0;
    ac_timers_reset();
    pool_walk(task_free_if_spawned);
    if (exec.live == 0)
        pool_release();
    exec.head = NULL;
}

/* Start the outermost block_on (0), or refuse one inside a poll (-1): the executor
 * is in the middle of a poll. */
static int executor_enter(void) {
    if (exec.running)
        return -1;
    exec.running = 1;
    exec.poll_budget = TIMER_CHECK_INTERVAL;
    return 0;
}

static void executor_leave(void) {
    executor_drop_all();
    exec.running = 0;
}

/* A refused block_on consumes the handle all the same: a task that was never queued
 * is parked (never run, dropped by the outermost block_on), a spawned one runs on
 * detached. */
static void block_on_refuse(ac_task *t) {
    t->flags |= TASK_SPAWNED;
    ac_detach(t);
}

int ac_task_block_on(ac_task *t, void *out) {
    if (!t)
        return -1;
    if (executor_enter() != 0) {
        block_on_refuse(t);
        return -1;
    }
    ac_wake(t); /* a spawned handle is still queued: nothing runs outside block_on */
    int rc = executor_run(t, TASK_FINISHED);
    if (rc == 0) {
        if (out)
            memcpy(out, task_result(t), t->vt->result_size);
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
    r->cx.task = NULL;
    r->name = name;
    if (executor_enter() != 0) {
        root_complain(r, "", "inside a poll, where it cannot run: not run, result zero");
        return -1;
    }
    /* Running from the start: its owner polls it first. */
    exec.root = (ac_task){NULL, NULL, NULL, TASK_ROOT | TASK_SPAWNED | TASK_RUNNING};
    r->cx.task = &exec.root;
    return 0;
}

int ac_root_wait(ac_root *r) {
    task_suspend(r->cx.task);
    if (executor_run(r->cx.task, TASK_RUNNING) == 0)
        return 0;
    const char *problem = "no task is runnable and no timer is armed: dropped, result zero";
    root_complain(r, "deadlock: ", problem);
    return -1;
}

void ac_root_leave(ac_root *r) {
    (void)r;
    executor_leave();
}

/* ---- leaf: ac_join ------------------------------------------------------------------------ */

void ac_join_init(ac_join_frame *f, ac_task *t, void *out) {
    f->task = t;
    f->out = out;
}

ac_poll ac_join_poll(ac_join_frame *f, ac_cx *cx, void *unused) {
    (void)unused;
    ac_task *t = f->task;
    if (!t)
        return AC_READY;
    if (!(t->flags & TASK_FINISHED)) {
        t->waiter = cx->task;
        return AC_PENDING;
    }
    if (f->out)
        memcpy(f->out, task_result(t), t->vt->result_size);
    f->task = NULL;
    block_free(t);
    return AC_READY;
}

/* The frame owns the handle until the join completes: dropping it earlier gives the
 * handle up, so the task runs on detached. */
void ac_join_drop(ac_join_frame *f) {
    ac_task *t = f->task;
    if (!t)
        return;
    f->task = NULL;
    t->waiter = NULL;
    ac_detach(t);
}
