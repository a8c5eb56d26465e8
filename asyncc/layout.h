/* layout.h - where the values of a frame are stored, given when each is needed.
 *
 * frame.c finds the values that a frame must hold (the variables in the frame and,
 * for each await, the callee's frame), the suspension points at which each is
 * needed, and which pairs may never share storage; layout.c arranges them into
 * members and anonymous unions (ir.h, Layout) and measures the result and the
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
    Member member;
    long size, align;
    uint64_t *points; /* the suspension points where it is needed (bit 0: before the
                         first poll, bit i + 1: await i) */
    uint64_t *clash;  /* the slots whose storage must not overlap its own */
} Slot;

typedef struct Slots {
    int n;
    Slot *items;
    int npoints; /* 1 + the function's awaits */
} Slots;

/* Arranges the slots: values that are never needed together share storage. */
Layout *layout_build(const Slots *s);

/* Can members a and b of l share bytes (they are in different alternatives of a
 * union)? Awaits holding their callees' frames in one member are one member. */
bool layout_overlap(const Layout *l, const Member *a, const Member *b);

/* The frame's size: the state, then the layout. */
long layout_frame_size(const Layout *l);

/* The least frame size any arrangement could have: at each suspension point, the
 * state and the values needed there, packed without padding but at the end. */
long layout_bound(const Slots *s);

#endif
