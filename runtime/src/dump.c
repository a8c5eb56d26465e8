/* dump.c - ac_task_dump: the tasks alive on this thread's loop, one line each; the
 * lines of the multi-thread runtime's dump too (mt.c walks its tasks).
 *
 * The loop's pool holds every task block, so a walk of it finds every task, parked
 * or queued, that nothing else points to. What a task is doing comes from its vtable's
 * ac_fn_info, which asyncc writes for each async function: the frame's first member is
 * its state, and the info maps each state to the line of its await. When the task was
 * last polled is the header's `state` word, which task.c stamps with the loop's clock.
 */
#define _GNU_SOURCE 1 /* dprintf */

#include "internal.h"
#include "mt.h"
#include "pool.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MS_PER_NS 1000000u

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
static void where_print(aci_dump *d, ac_task *t, aci_dump_status status) {
    const ac_fn_info *info = t->vt->info;
    if (status == ACI_DUMP_FINISHED) {
        dprintf(d->fd, "  %s  finished, not joined", info ? info->name : "(no async function)");
        return;
    }
    if (!info) {
        dprintf(d->fd, "  (no async function: a leaf or a hand-written future)");
        return;
    }
    if (status == ACI_DUMP_RUNNING) {
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

int aci_dump_begin(aci_dump *d, int fd, size_t live) {
    *d = (aci_dump){fd, (uint32_t)(aci_clock_now_ns() / MS_PER_NS), 0, 0};
    return dprintf(fd, "asyncc: %zu task%s\n", live, live == 1 ? "" : "s") < 0 ? -errno : 0;
}

void aci_dump_task(aci_dump *d, ac_task *t, aci_dump_status status, uint32_t polled_ms_ago) {
    dprintf(d->fd, "  task %p", (void *)t);
    where_print(d, t, status);
    if (dprintf(d->fd, "  polled %u ms ago\n", polled_ms_ago) < 0 && d->error == 0)
        d->error = -errno;
    d->listed++;
}

int aci_dump_end(const aci_dump *d) {
    return d->error ? d->error : d->listed;
}

/* ---- this thread's loop -------------------------------------------------------------------- */

static int task_print(ac_task *t, void *arg) {
    aci_dump *d = arg;
    if (!(t->flags & TASK_SPAWNED))
        return 0; /* made, never spawned: its frame may not be initialized */
    aci_dump_status status = t->flags & TASK_FINISHED  ? ACI_DUMP_FINISHED
                             : t->flags & TASK_RUNNING ? ACI_DUMP_RUNNING
                                                       : ACI_DUMP_AT_AWAIT;
    uint32_t polled = atomic_load_explicit(&t->state, memory_order_relaxed);
    aci_dump_task(d, t, status, d->now_ms - polled);
    return 1;
}

static int task_counts(ac_task *t, void *unused) {
    (void)unused;
    return (t->flags & TASK_SPAWNED) != 0;
}

int ac_task_dump(int fd) {
    if (aci_loop_this.worker)
        return aci_mt_dump_here(fd);
    aci_dump d;
    int rc = aci_dump_begin(&d, fd, aci_pool_walk(&aci_loop_this.pool, task_counts, NULL));
    if (rc != 0)
        return rc;
    aci_pool_walk(&aci_loop_this.pool, task_print, &d);
    return aci_dump_end(&d);
}
