/* ac_time.h - the clock, sleeping until a deadline, and intervals.
 *
 *     uint64_t ac_now_ns(void)              CLOCK_MONOTONIC in nanoseconds
 *     async void ac_sleep_until(uint64_t deadline_ns)   suspend until the clock reads
 *                                           deadline_ns (a past deadline: suspend once)
 *
 *     ac_interval iv;
 *     ac_interval_init(&iv, 100);           ticks every 100 ms, the first 100 ms from now
 *     for (;;) {
 *         uint64_t periods = await(ac_interval_tick(&iv));
 *         ...                               periods > 1: ticks were skipped
 *     }
 *
 * Missed ticks are skipped (tokio's MissedTickBehavior::Skip): the ticks stay on the
 * grid start + k * period, and a tick awaited late completes at once, returning how
 * many periods passed since the previous tick (1 when none was missed); the next one
 * is the next grid point after now. So a slow consumer neither gets a burst of ticks
 * to catch up (Burst) nor shifts the schedule (Delay). A period of 0 is taken as 1 ms.
 *
 *     int rc = ac_timeout_at(deadline_ns, ac_on(&n, f(x)));   ac_timeout (<asyncc.h>) with
 *                                           a deadline: 0, or AC_TIMED_OUT
 *
 * Timers have millisecond resolution: a deadline is rounded up to the millisecond, so
 * a sleep never ends early and ends at most a millisecond late (plus the time the loop
 * takes to get back to it). Timers due in the same millisecond fire in arming order.
 *
 * It includes <asyncc.h> itself. Three faces, like <asyncc.h>: under ASYNCC_PARSE the
 * awaitable calls are declared async, with their frames complete so asyncc embeds
 * them; the ABI face (ASYNCC_LOWERED, or the runtime's own sources) declares the
 * leaves' init/poll/drop (grammar/abi.md, section 7); ASYNCC_SEQUENTIAL sleeps the
 * thread, the sequential meaning.
 */
#ifndef AC_TIME_H
#define AC_TIME_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <stdint.h>

typedef struct ac_interval {
    uint64_t period_ns;
    uint64_t next_ns; /* the next tick on the grid */
} ac_interval;

/* In every face: CLOCK_MONOTONIC, in ns (runtime/src/timer.c). */
uint64_t ac_now_ns(void);

void ac_interval_init(ac_interval *iv, uint64_t period_ms);

/* The tick arithmetic both faces share: 0 while iv's next tick is after now; else the
 * periods elapsed since the previous tick, with the next tick moved past now. */
static inline uint64_t ac_interval_settle_(ac_interval *iv, uint64_t now) {
    if (now < iv->next_ns)
        return 0;
    uint64_t periods = 1 + (now - iv->next_ns) / iv->period_ns;
    iv->next_ns += periods * iv->period_ns;
    return periods;
}

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face --------------------------------------------------------------- */

#include "ac_runtime.h"

typedef struct ac_sleep_until_frame {
    uint64_t deadline_ns;
    ac_timer timer;
} ac_sleep_until_frame;

typedef struct ac_interval_tick_frame {
    ac_interval *iv;
    ac_timer timer;
} ac_interval_tick_frame;

#if defined(ASYNCC_PARSE)
async void ac_sleep_until(uint64_t deadline_ns);
async uint64_t ac_interval_tick(ac_interval *iv);
#define ac_timeout_at(deadline_ns, branch)                                                         \
    (asyncc_await_marker_, asyncc_timeout_marker_, branch, ac_sleep_until(deadline_ns), 0)
#else
void ac_sleep_until_init(ac_sleep_until_frame *f, uint64_t deadline_ns);
ac_poll ac_sleep_until_poll(ac_sleep_until_frame *f, ac_cx *cx, void *out);
void ac_sleep_until_drop(ac_sleep_until_frame *f);
void ac_interval_tick_init(ac_interval_tick_frame *f, ac_interval *iv);
ac_poll ac_interval_tick_poll(ac_interval_tick_frame *f, ac_cx *cx, uint64_t *out);
void ac_interval_tick_drop(ac_interval_tick_frame *f);
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning, sleeping the thread ----------------------------- */

/* Sleeps until the clock reads deadline_ns (runtime/src/sequential.c). */
void ac_sequential_sleep_until(uint64_t deadline_ns);

static inline void ac_sleep_until(uint64_t deadline_ns) {
    ac_sequential_sleep_until(deadline_ns);
}

#define ac_timeout_at(deadline_ns, branch)                                                         \
    ((branch) ? 0 : (ac_sleep_until(deadline_ns), AC_TIMED_OUT))

static inline uint64_t ac_interval_tick(ac_interval *iv) {
    ac_sequential_sleep_until(iv->next_ns);
    return ac_interval_settle_(iv, ac_now_ns());
}

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif
#endif
