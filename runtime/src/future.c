/* future.c - frames on the heap, type-erased futures and the ac_future_await leaf.
 *
 * Two things put a frame on the heap instead of inside its caller's frame:
 *   - an await of a function defined in another file: the caller's file sees only an
 *     incomplete NAME_frame and the exported NAME_frame_size (grammar/abi.md, section
 *     8), so the frame is allocated when the await starts and freed when it finishes
 *     or is dropped;
 *   - a type-erased future (ac_future), which owns its frame until it is consumed.
 * Frames come from malloc: max_align_t alignment suits every frame type.
 *
 * A future's vtable works on a slot - a `void *` holding the frame pointer - so that
 * the same vtable serves a task (whose frame is then just the slot) and the
 * ac_future_await leaf (whose frame embeds the future, slot included). The generated
 * slot functions free the frame when it finishes; this file never needs the frame's
 * type, only the slot.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- frames on the heap ------------------------------------------------------------------- */

void *ac_frame_alloc(size_t size) {
    return malloc(size ? size : 1); /* a frame is never empty; malloc(0) may be NULL */
}

void *ac_frame_new(size_t size, const char *name) {
    void *frame = ac_frame_alloc(size);
    if (!frame) {
        fprintf(stderr,
                "asyncc: out of memory: cannot allocate the %zu-byte frame of '%s' to "
                "await it\n",
                size, name ? name : "?");
        abort();
    }
    return frame;
}

void ac_frame_free(void *frame) {
    free(frame);
}

_Noreturn void ac_poll_finished(const char *name) {
    fprintf(stderr, "asyncc: poll of '%s' after it finished or was dropped\n", name);
    abort();
}

/* ---- futures ------------------------------------------------------------------------------ */

void ac_future_drop(ac_future fu) {
    if (fu.frame)
        fu.vt->drop(&fu.frame);
}

/* A task (not yet queued) whose frame is fu's slot; NULL, fu dropped, on failure. */
static ac_task *future_task(ac_future fu) {
    if (!fu.frame)
        return NULL;
    ac_task *t = ac_task_new(fu.vt);
    if (!t) {
        ac_future_drop(fu);
        return NULL;
    }
    *(void **)ac_task_frame(t) = fu.frame;
    return t;
}

ac_task *ac_future_spawn(ac_future fu) {
    return ac_task_spawn(future_task(fu));
}

int ac_future_block_on(ac_future fu, void *out) {
    return ac_task_block_on(future_task(fu), out); /* -1 for no task */
}

/* ---- leaf: ac_future_await ---------------------------------------------------------------- */

void ac_future_await_init(ac_future_await_frame *f, ac_future fu, void *out) {
    if (!fu.frame) {
        fputs("asyncc: ac_future_await of an empty future (memory ran out when it was made; "
              "test ac_future_valid before awaiting)\n",
              stderr);
        abort();
    }
    f->future = fu;
    f->out = out;
}

ac_poll ac_future_await_poll(ac_future_await_frame *f, ac_cx *cx, void *unused) {
    (void)unused;
    const ac_vtable *vt = f->future.vt;
    if (!vt)
        return AC_READY;
    if (vt->poll(&f->future.frame, cx, f->out) == AC_PENDING)
        return AC_PENDING;
    f->future.vt = NULL; /* the slot function freed the frame */
    return AC_READY;
}

void ac_future_await_drop(ac_future_await_frame *f) {
    const ac_vtable *vt = f->future.vt;
    f->future.vt = NULL;
    if (vt)
        vt->drop(&f->future.frame);
}
