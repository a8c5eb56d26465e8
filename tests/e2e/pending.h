/* pending.h - a hand-written async leaf for the end-to-end tests (grammar/abi.md, section 7).
 *
 *     async int pending(int times, int value);
 *
 * Awaiting pending(n, v) suspends the awaiting task n times, each time waking it
 * again at once, then yields v. The tests vary n so that every resume point of a
 * generated state machine is taken: 0 finishes on the first poll, 1 and more come
 * back through the dispatch switch. In plain C it simply returns v.
 */
#ifndef E2E_PENDING_H
#define E2E_PENDING_H

#include <asyncc.h>

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED)

/* Visible while asyncc parses too: a leaf whose frame type asyncc sees complete is
 * embedded in its callers' frames; any other is taken for a function defined in
 * another file, whose frame is boxed (grammar/abi.md, section 8). */
typedef struct pending_frame {
    int remaining; /* polls left that answer AC_PENDING */
    int value;
} pending_frame;

static inline void pending_init(pending_frame *self, int times, int value) {
    self->remaining = times;
    self->value = value;
}

static inline ac_poll pending_poll(pending_frame *self, ac_cx *cx, int *out) {
    if (self->remaining > 0) {
        self->remaining--;
        ac_wake(cx->task); /* ready again right away: the next poll makes progress */
        return AC_PENDING;
    }
    *out = self->value;
    return AC_READY;
}

/* Holds nothing: the wake-up already queued is harmless after a drop. */
static inline void pending_drop(pending_frame *self) {
    (void)self;
}

async int pending(int times, int value);

#else

static inline int pending(int times, int value) {
    (void)times;
    return value;
}

#endif
#endif
