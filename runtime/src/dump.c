/* dump.c - ac_task_dump: the tasks alive on this thread's loop, one line each.
 *
 * The loop's pool holds every task block, so a walk of it finds every task, parked
 * or queued, that nothing else points to. What a task is doing comes from its vtable's
 * ac_fn_info, which asyncc writes for each async function: the frame's first member is
 * its state, and the info maps each state to the line of its await. When the task was
 * last polled is the header's `state` word, which task.c stamps with the loop's clock.
 */
#define _GNU_SOURCE 1 /* dprintf */

#include "internal.h"
#include "pool.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_NS 1000000u

typedef struct dump {
    int fd;
    uint32_t now_ms;
    int listed;
    int error; /* the first write error, as a negative errno */
} dump;

/* The state a task's frame is in, through the pointer of a future's frame. */
static uint32_t frame_state(ac_task *t, const ac_fn_info *info) {
    void *frame = aci_task_frame(t);
    if (info->boxed)
        frame = *(void **)frame;
    uint32_t state = info->nstates; /* a finished future let its frame go */
    if (frame)
        memcpy(&state, frame, sizeof state);
    return state;
}

/* "fetch  fetch.c:20  awaiting read_body", or what can be said without the info. */
static void where_print(dump *d, ac_task *t) {
    const ac_fn_info *info = t->vt->info;
    if (t->flags & TASK_FINISHED) {
        dprintf(d->fd, "  %s  finished, not joined", info ? info->name : "(no async function)");
        return;
    }
    if (!info) {
        dprintf(d->fd, "  (no async function: a leaf or a hand-written future)");
        return;
    }
    if (t->flags & TASK_RUNNING) {
        dprintf(d->fd, "  %s  %s  running", info->name, info->file);
        return;
    }
    uint32_t state = frame_state(t, info);
    if (state == 0 || state + 1 >= info->nstates) {
        dprintf(d->fd, "  %s  %s:%u  %s", info->name, info->file,
                state < info->nstates ? info->states[state].line : 0u,
                state == 0 ? "not started" : "ending");
        return;
    }
    const ac_fn_state *s = &info->states[state];
    dprintf(d->fd, "  %s  %s:%u  awaiting %s", info->name, info->file, s->line, s->awaiting);
}

static int task_print(ac_task *t, void *arg) {
    dump *d = arg;
    if (!(t->flags & TASK_SPAWNED))
        return 0; /* made, never spawned: its frame may not be initialized */
    dprintf(d->fd, "  task %p", (void *)t);
    where_print(d, t);
    uint32_t polled = atomic_load_explicit(&t->state, memory_order_relaxed);
    if (dprintf(d->fd, "  polled %u ms ago\n", d->now_ms - polled) < 0 && d->error == 0)
        d->error = -errno;
    d->listed++;
    return 1;
}

static int task_counts(ac_task *t, void *unused) {
    (void)unused;
    return (t->flags & TASK_SPAWNED) != 0;
}

int ac_task_dump(int fd) {
    if (aci_loop_this.worker)
        return -EOPNOTSUPP;
    size_t live = aci_pool_walk(&aci_loop_this.pool, task_counts, NULL);
    if (dprintf(fd, "asyncc: %zu task%s\n", live, live == 1 ? "" : "s") < 0)
        return -errno;
    dump d = {fd, (uint32_t)(aci_clock_now_ns() / MS_PER_NS), 0, 0};
    aci_pool_walk(&aci_loop_this.pool, task_print, &d);
    return d.error ? d.error : d.listed;
}
