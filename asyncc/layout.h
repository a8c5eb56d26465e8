/* layout.h - where the values of a frame are stored, given when each is needed.
 *
 * frame.c finds the values that a frame must hold (the variables in the frame and,
 * for each await, the callee's frame), the suspension points at which each is
 * needed, and which pairs may never share storage; layout.c arranges them into
 * members and anonymous unions, or by offsets (ir.h, Layout), and measures the result and the
 * least size that any arrangement could have.
 */
#ifndef ASYNCC_LAYOUT_H
#define ASYNCC_LAYOUT_H

#include <stdint.h>

#include "ir.h"

/* The size of the state enum that starts every frame. */
#define LAYOUT_STATE_SIZE 4L

/* A value that needs frame storage. */
typedef struct Slot {
    Field field;
    long size, align;
    uint64_t *points; /* the suspension points where it is needed (bit 0: before the
                         first poll, bit i + 1: await i) */
    uint64_t *clash;  /* the slots whose storage must not overlap its own */
    uint64_t *busy;   /* where between the suspension points its storage is in use:
                         bit 2i at the start of node i of frame.c's flow graph, 2i + 1
                         at its end (NULL: nowhere) */
} Slot;

typedef struct Slots {
    int n;
    Slot *items;
    int npoints; /* 1 + the function's awaits */
    int nbusy;   /* bits of Slot.busy */
} Slots;

/* n rounded up to a multiple of align. */
long layout_round_up(long n, long align);

/* Places a field of field_size bytes at the end of a struct of *size bytes and
 * alignment *align, as the C compiler does (the struct's size is not rounded up). */
void layout_struct_add(long *size, long *align, long field_size, long field_align);

/* Arranges the slots: values that are never needed together share storage.
 * *shared is false when the arrangement failed its own check (every slot once,
 * clashing slots apart: a bug of layout.c): then every slot has storage of its own. */
Layout *layout_build(const Slots *s, bool *shared);

/* Do members a and b of l share bytes (their byte ranges meet)? Awaits holding
 * their callees' frames in one member are one member. */
bool layout_overlap(const Layout *l, const Field *a, const Field *b);

/* The frame's size: the state, then the layout. */
long layout_frame_size(const Layout *l);

/* The least frame size any arrangement could have: at each suspension point, the
 * state (state_size bytes, first; 0: it is one of the slots) and the values needed
 * there, packed without padding but at the end, where the frame's size rounds up to
 * its alignment (the largest of all its values'); the largest of these. One
 * computation for every report of the bound (--frame-report, --emit=json|html). */
long layout_bound(const Slots *s, long state_size);

/* The least frame size any arrangement could have, counting also the places between
 * the suspension points where values are in use together (at least the bound). */
long layout_floor(const Slots *s, long state_size);

#endif
