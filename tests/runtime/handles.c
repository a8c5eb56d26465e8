/* handles.c - machines that misuse join handles (handles.h). */
#include "handles.h"
#include "machines.h" /* DEFINE_VTABLE */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

/* ---- value(v, yields) ------------------------------------------------------------------------ */

typedef struct value_frame {
    int v;
    yields ys;
} value_frame;

static ac_poll value_poll(value_frame *f, ac_cx *cx, int *out) {
    if (yields_poll(&f->ys, cx, NULL, NULL) == AC_PENDING)
        return AC_PENDING;
    *out = f->v;
    return AC_READY;
}

static void value_drop(value_frame *f) {
    (void)f;
}

DEFINE_VTABLE(value, sizeof(int));

ac_task *value_spawn(int v, int yields) {
    ac_task *t = ac_task_new(&value_vtable);
    if (!t)
        abort();
    value_frame *f = ac_task_frame(t);
    f->v = v;
    yields_init(&f->ys, yields);
    return ac_task_spawn(t);
}

/* ---- joiner(h, wide, got) -------------------------------------------------------------------- */

void joiner_init(joiner_frame *f, ac_task *h, int wide, int *got) {
    *f = (joiner_frame){h, wide, 0, got, 0, {0}};
}

ac_poll joiner_poll(joiner_frame *f, ac_cx *cx, int *out) {
    if (!f->started && f->wide)
        ac_join_init(&f->j, f->h, &f->wide_got); /* sizeof(long): not the task's int */
    else if (!f->started)
        ac_join_init(&f->j, f->h, f->got);
    f->started = 1;
    return ac_join_poll(&f->j, cx, out);
}

void joiner_drop(joiner_frame *f) {
    if (f->started)
        ac_join_drop(&f->j);
}

DEFINE_VTABLE(joiner, sizeof(int));

ac_task *joiner_spawn(ac_task *h, int *got) {
    ac_task *t = ac_task_new(&joiner_vtable);
    if (!t)
        abort();
    joiner_init(ac_task_frame(t), h, 0, got);
    return ac_task_spawn(t);
}

/* ---- misuse -----------------------------------------------------------------------------------
 */

const int misuse_expected[MISUSE_STEPS] = {-EINVAL, 0, -EBADF, -EBADF, -EBADF, 0, -EBADF, -EBADF};

static uintptr_t block_of(const ac_task *h) {
    return (uintptr_t)h & ~(uintptr_t)15;
}

/* Set up the join of the next step (f->step, counted from 0); the codes of steps 0-3 are
 * their joins', step 4 detaches and joins (code 7). */
static void misuse_next(misuse_frame *f) {
    int *codes = f->r->codes;
    switch (f->step++) {
    case 0: /* a joined into a long: -EINVAL, a kept */
        f->a = value_spawn(7, 2);
        joiner_init(&f->j, f->a, 1, &f->got);
        break;
    case 1: /* a joined properly: 0 */
    case 2: /* a joined again: -EBADF */
        joiner_init(&f->j, f->a, 0, &f->got);
        break;
    case 3: /* a joined again after b took its block: -EBADF, b untouched */
        f->b = value_spawn(8, 1);
        f->r->same_block = block_of(f->a) == block_of(f->b);
        joiner_init(&f->j, f->a, 0, &f->got);
        break;
    default: /* a detached after its join, b twice, b joined after its detach */
        codes[4] = ac_detach(f->a);
        codes[5] = ac_detach(f->b);
        codes[6] = ac_detach(f->b);
        joiner_init(&f->j, f->b, 0, &f->got);
        break;
    }
}

void misuse_init(misuse_frame *f, misuse_report *r) {
    *f = (misuse_frame){r, 0, 0, NULL, NULL, {0}};
}

ac_poll misuse_poll(misuse_frame *f, ac_cx *cx, int *out) {
    static const int code_of_step[] = {0, 1, 2, 3, 7};
    if (f->step == 0)
        misuse_next(f);
    for (;;) {
        if (joiner_poll(&f->j, cx, &f->r->codes[code_of_step[f->step - 1]]) == AC_PENDING)
            return AC_PENDING;
        if (f->step == 5)
            break;
        misuse_next(f);
    }
    f->step++;
    *out = f->got;
    return AC_READY;
}

void misuse_drop(misuse_frame *f) {
    if (f->step > 0 && f->step <= 5)
        joiner_drop(&f->j);
}
