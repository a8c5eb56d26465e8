/* internal.h - what the runtime's source files share with each other and with the
 * runtime's unit tests (tests/runtime). Not installed, not part of the ABI. */
#ifndef AC_RUNTIME_INTERNAL_H
#define AC_RUNTIME_INTERNAL_H

#include "ac_runtime.h"

/* ---- the timer heap: a binary min-heap of armed timers -------------------------------- */

/* Ordered by (deadline_ns, seq), so timers with equal deadlines leave in arming order.
 * Each timer records its own position (heap_index) so it can be removed in O(log n). */
typedef struct ac_timer_heap {
    ac_timer **items;
    size_t count;
    size_t cap;
} ac_timer_heap;

/* Insert t; returns -1 (t left unarmed) when memory is exhausted. */
int ac_timer_heap_push(ac_timer_heap *h, ac_timer *t);
/* Remove an armed timer; its heap_index becomes SIZE_MAX. */
void ac_timer_heap_remove(ac_timer_heap *h, ac_timer *t);
/* Remove and return the earliest timer; the heap must not be empty. */
ac_timer *ac_timer_heap_pop(ac_timer_heap *h);
/* Free the storage; the heap becomes empty. */
void ac_timer_heap_release(ac_timer_heap *h);

/* ---- this thread's timers, as the executor sees them ----------------------------------- */

uint64_t ac_clock_now_ns(void); /* CLOCK_MONOTONIC */
/* Wake the tasks of every timer whose deadline has passed, if any timer is armed. */
void ac_timers_fire_due(void);
/* Nothing is runnable: sleep until the earliest deadline, then fire what is due.
 * Returns -1 when no timer is armed (sleeping would be forever). */
int ac_timers_wait(void);
/* Forget every armed timer and free the heap (end of the outermost block_on). */
void ac_timers_reset(void);
size_t ac_timers_armed(void);

/* ---- tasks ------------------------------------------------------------------------------ */

/* Tasks allocated on this thread and not yet freed. */
size_t ac_tasks_live(void);

#endif
