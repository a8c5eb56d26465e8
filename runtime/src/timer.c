/* timer.c - the timer heap, this thread's armed timers and the ac_sleep_ms leaf.
 *
 * A sleeping frame embeds its ac_timer; the heap only holds pointers to them, which
 * is safe because a frame does not move while it is suspended (grammar/abi.md, rule
 * 3) and its drop removes the timer. The heap belongs to this thread's loop. This file
 * never sleeps: the loop's driver (loop.c) asks for the nearest deadline, waits in its
 * backend, then has the due timers fired.
 */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S UINT64_C(1000000000)

/* ---- the heap ----------------------------------------------------------------------------- */

static int timer_before(const ac_timer *a, const ac_timer *b) {
    if (a->deadline_ns != b->deadline_ns)
        return a->deadline_ns < b->deadline_ns;
    return a->seq < b->seq;
}

static void heap_place(aci_timer_heap *h, size_t i, ac_timer *t) {
    h->items[i] = t;
    t->heap_index = i;
}

static void heap_sift_up(aci_timer_heap *h, size_t i) {
    ac_timer *t = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timer_before(t, h->items[parent]))
            break;
        heap_place(h, i, h->items[parent]);
        i = parent;
    }
    heap_place(h, i, t);
}

static void heap_sift_down(aci_timer_heap *h, size_t i) {
    ac_timer *t = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count && timer_before(h->items[child + 1], h->items[child]))
            child++;
        if (!timer_before(h->items[child], t))
            break;
        heap_place(h, i, h->items[child]);
        i = child;
    }
    heap_place(h, i, t);
}

static int heap_reserve_one(aci_timer_heap *h) {
    if (h->count < h->cap)
        return 0;
    size_t cap = h->cap ? 2 * h->cap : 64;
    ac_timer **items = realloc(h->items, cap * sizeof *items);
    if (!items)
        return -1;
    h->items = items;
    h->cap = cap;
    return 0;
}

int aci_timer_heap_push(aci_timer_heap *h, ac_timer *t) {
    if (heap_reserve_one(h) != 0)
        return -1;
    heap_place(h, h->count++, t);
    heap_sift_up(h, t->heap_index);
    return 0;
}

void aci_timer_heap_remove(aci_timer_heap *h, ac_timer *t) {
    size_t i = t->heap_index;
    ac_timer *last = h->items[--h->count];
    t->heap_index = SIZE_MAX;
    if (last == t)
        return;
    /* The last timer fills the hole; it may belong above or below it. */
    heap_place(h, i, last);
    if (i > 0 && timer_before(last, h->items[(i - 1) / 2]))
        heap_sift_up(h, i);
    else
        heap_sift_down(h, i);
}

ac_timer *aci_timer_heap_pop(aci_timer_heap *h) {
    ac_timer *t = h->items[0];
    aci_timer_heap_remove(h, t);
    return t;
}

void aci_timer_heap_release(aci_timer_heap *h) {
    free(h->items);
    h->items = NULL;
    h->count = 0;
    h->cap = 0;
}

/* ---- this thread's timers --------------------------------------------------------------- */

uint64_t aci_clock_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void aci_timers_fire_until(uint64_t now) {
    while (aci_loop_this.timers.count > 0 && aci_loop_this.timers.items[0]->deadline_ns <= now)
        ac_wake(aci_timer_heap_pop(&aci_loop_this.timers)->task);
}

uint64_t aci_timers_next_deadline(void) {
    return aci_loop_this.timers.count > 0 ? aci_loop_this.timers.items[0]->deadline_ns : UINT64_MAX;
}

void aci_timers_reset(void) {
    for (size_t i = 0; i < aci_loop_this.timers.count; i++)
        aci_loop_this.timers.items[i]->heap_index = SIZE_MAX;
    aci_timer_heap_release(&aci_loop_this.timers);
}

size_t aci_timers_armed(void) {
    return aci_loop_this.timers.count;
}

/* ---- leaf: ac_sleep_ms ---------------------------------------------------------------------
 *
 * The first poll arms the timer at now + ms and suspends; the poll after the timer
 * fired completes. So ac_sleep_ms(0) also suspends once: the task is parked until the
 * loop next fires due timers (when its queue runs empty, or within a few dozen
 * polls), which places it behind the tasks woken before it. */

static uint64_t deadline_after_ms(uint64_t ms) {
    uint64_t now = aci_clock_now_ns();
    if (ms > (UINT64_MAX - now) / NS_PER_MS)
        return UINT64_MAX; /* saturate: "forever" rather than a wrapped, past deadline */
    return now + ms * NS_PER_MS;
}

static void timer_arm(ac_timer *t, ac_task *task, uint64_t ms) {
    t->deadline_ns = deadline_after_ms(ms);
    t->seq = aci_loop_this.timer_seq++;
    t->task = task;
    if (aci_timer_heap_push(&aci_loop_this.timers, t) != 0) {
        /* A poll cannot report failure, and a sleep that never ends would hang. */
        fputs("asyncc runtime: out of memory arming a timer\n", stderr);
        abort();
    }
}

void ac_sleep_ms_init(ac_sleep_ms_frame *f, uint64_t ms) {
    f->ms = ms;
    f->timer.deadline_ns = 0;
    f->timer.seq = 0;
    f->timer.task = NULL;
    f->timer.heap_index = SIZE_MAX;
}

ac_poll ac_sleep_ms_poll(ac_sleep_ms_frame *f, ac_cx *cx, void *out) {
    (void)out;
    if (f->timer.task == NULL) {
        timer_arm(&f->timer, cx->task, f->ms);
        return AC_PENDING;
    }
    /* Still armed means a spurious poll: keep waiting. */
    return f->timer.heap_index == SIZE_MAX ? AC_READY : AC_PENDING;
}

void ac_sleep_ms_drop(ac_sleep_ms_frame *f) {
    if (f->timer.heap_index != SIZE_MAX)
        aci_timer_heap_remove(&aci_loop_this.timers, &f->timer);
}
