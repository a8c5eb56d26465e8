/* handles.h - machines that misuse join handles (tests/runtime/handles.c), for the
 * current-thread (test_join.c) and the multi-thread runtime (test_mt.c): every misuse
 * must come back as an error value, never as corrupted memory. */
#ifndef TEST_HANDLES_H
#define TEST_HANDLES_H

#include "ac_runtime.h"

/* A task that yields `yields` times and returns v (an int). */
ac_task *value_spawn(int v, int yields);

/* joiner(h, wide, got): await ac_join(h, got), or into a long when wide; its value is the
 * join's (0 or a negative errno). */
typedef struct joiner_frame {
    ac_task *h;
    int wide, started;
    int *got;
    long wide_got;
    ac_join_frame j;
} joiner_frame;

void joiner_init(joiner_frame *f, ac_task *h, int wide, int *got);
ac_poll joiner_poll(joiner_frame *f, ac_cx *cx, int *out);
void joiner_drop(joiner_frame *f);
/* The same as a task of its own. */
ac_task *joiner_spawn(ac_task *h, int *got);

/* misuse(r): one task that joins a handle into the wrong type, twice, after a new spawn
 * (which takes the block of the joined task on the current-thread runtime), detaches
 * twice and joins after a detach. r->codes gets each step's value; the result is the
 * value joined (7). */
enum { MISUSE_STEPS = 8 };
typedef struct misuse_report {
    int codes[MISUSE_STEPS];
    int same_block; /* the spawn after the join got the joined task's block */
} misuse_report;

typedef struct misuse_frame {
    misuse_report *r;
    int step, got;
    ac_task *a, *b;
    joiner_frame j;
} misuse_frame;

void misuse_init(misuse_frame *f, misuse_report *r);
ac_poll misuse_poll(misuse_frame *f, ac_cx *cx, int *out);
void misuse_drop(misuse_frame *f);
/* The codes misuse must report. */
extern const int misuse_expected[MISUSE_STEPS];

#endif
