/* ac_joinset.h - a set of spawned tasks, awaited as they finish (structured concurrency).
 *
 *     ac_joinset set;
 *     ac_joinset_init(&set);
 *     for (int i = 0; i < n; i++)
 *         ac_joinset_spawn(&set, ac_spawn(fetch(i)));     // the set takes the handle
 *     int v, rc;
 *     while ((rc = await(ac_joinset_next(&set, &v))) != 0)
 *         if (rc == 1) total += v;                        // in the order they finish
 *     ac_joinset_drop(&set);                              // aborts what it still holds
 *
 * Every task of a set returns the same type (the first one spawned decides its size).
 * A set that a next empties frees its memory: one drained to 0 needs no drop.
 * The set is awaited from one task at a time: the task that first awaits
 * ac_joinset_next or ac_joinset_shutdown is the one the tasks wake. It works on the
 * current-thread runtime and on the multi-thread one (<ac_mt.h>): there its tasks run
 * on any worker. Each next looks at every task still held, so a set suits up to a few
 * thousand tasks.
 *
 * Aborting a task that has not finished drops its frame at its next turn on the
 * executor, as a cancelled await is dropped; a task that finished keeps its result.
 *
 * Three faces, like <asyncc.h>. The sequential one (ASYNCC_SEQUENTIAL) is plain C: a
 * spawn has run its call to the end already, next gives the results in spawn order,
 * and an abort finds every task finished (it changes nothing).
 */
#ifndef AC_JOINSET_H
#define AC_JOINSET_H

#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <stddef.h>

#if defined(ASYNCC_SEQUENTIAL)

typedef struct ac_joinset {
    ac_task **tasks;
    size_t len, cap, head; /* tasks[head..len) are held */
} ac_joinset;

static inline void ac_joinset_init(ac_joinset *s) {
    *s = (ac_joinset){0, 0, 0, 0};
}
static inline int ac_joinset_spawn(ac_joinset *s, ac_task *h) {
    if (!h)
        return -9; /* -EBADF */
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        ac_task **grown = (ac_task **)__builtin_realloc(s->tasks, cap * sizeof *grown);
        if (!grown) {
            ac_detach(h);
            return -12; /* -ENOMEM */
        }
        s->tasks = grown;
        s->cap = cap;
    }
    s->tasks[s->len++] = h;
    return 0;
}
static inline size_t ac_joinset_len(const ac_joinset *s) {
    return s->len - s->head;
}
static inline int ac_joinset_next_sized_(ac_joinset *s, void *out, size_t out_size) {
    if (s->head == s->len)
        return 0;
    int rc = ac_sequential_join(s->tasks[s->head], out, out_size);
    if (rc != 0)
        return rc;
    if (++s->head == s->len) { /* empty: its memory goes, as the runtime's does */
        __builtin_free(s->tasks);
        *s = (ac_joinset){0, 0, 0, 0};
    }
    return 1;
}
#define ac_joinset_next(s, out) ac_joinset_next_sized_((s), (out), AC_SIZEOF_TARGET(out))
static inline int ac_joinset_abort(ac_joinset *s, ac_task *h) {
    for (size_t i = s->head; i < s->len; i++)
        if (s->tasks[i] == h)
            return 0;
    return -2; /* -ENOENT */
}
static inline void ac_joinset_abort_all(ac_joinset *s) {
    (void)s;
}
static inline void ac_joinset_drop(ac_joinset *s) {
    for (size_t i = s->head; i < s->len; i++)
        ac_detach(s->tasks[i]);
    __builtin_free(s->tasks);
    ac_joinset_init(s);
}
static inline void ac_joinset_shutdown(ac_joinset *s) {
    ac_joinset_drop(s);
}

#else

/* One task of the set: its handle and the join that waits for it. */
typedef struct ac_joinset_member {
    ac_task *handle;
    ac_join_frame join;
} ac_joinset_member;

typedef struct ac_joinset {
    ac_joinset_member *members;
    size_t len, cap;
    size_t result_size; /* of every task; set by the first spawn */
    ac_task *awaiter;   /* the task the members wake; NULL until the first next */
} ac_joinset;

/* An empty set. Allocates nothing. */
void ac_joinset_init(ac_joinset *s);
/* Take the handle h (an ac_spawn's) into s. Returns 0, or a negative errno with h
 * consumed all the same (aborted and detached): -EBADF when h is no handle (NULL: the
 * spawn failed), -EINVAL when its result is not the size of the set's others, -ENOMEM. */
int ac_joinset_spawn(ac_joinset *s, ac_task *h);
/* Tasks held: spawned and not yet given by a next. */
size_t ac_joinset_len(const ac_joinset *s);
/* Abort the task of handle h (as given to ac_joinset_spawn), held by s: 0, or -ENOENT
 * when s does not hold it (a next gave it already). It stays in the set until a next
 * gives it (-ECANCELED, or its result if it had finished). */
int ac_joinset_abort(ac_joinset *s, ac_task *h);
/* Abort every task s holds. */
void ac_joinset_abort_all(ac_joinset *s);
/* Abort every task s holds and give their handles up (they end on their own), and free
 * s's memory: s is empty and can be used again. For a set that is not awaited. */
void ac_joinset_drop(ac_joinset *s);

/* await(ac_joinset_next(s, &result)): wait for the next task of s to finish and take it
 * out of s. 1 with its result in *out (NULL discards it); 0 at once when s is empty;
 * -ECANCELED for a task aborted before it finished (nothing copied); -EINVAL when out
 * is not the size of the set's results, -EBUSY when another task awaits s (nothing
 * taken in either case). */
typedef struct ac_joinset_next_frame {
    ac_joinset *set;
    void *out;
    size_t out_size;
} ac_joinset_next_frame;

void ac_joinset_next_init_sized(ac_joinset_next_frame *f, ac_joinset *s, void *out,
                                size_t out_size);
#define ac_joinset_next_init(f, s, out)                                                            \
    ac_joinset_next_init_sized((f), (s), (out), AC_SIZEOF_TARGET(out))
ac_poll ac_joinset_next_poll(ac_joinset_next_frame *f, ac_cx *cx, int *out);
void ac_joinset_next_drop(ac_joinset_next_frame *f);

/* await(ac_joinset_shutdown(s)): abort every task s holds and wait until all have
 * ended, their results discarded; then s is empty (its memory freed). */
typedef struct ac_joinset_shutdown_frame {
    ac_joinset_next_frame next;
    int started;
} ac_joinset_shutdown_frame;

void ac_joinset_shutdown_init(ac_joinset_shutdown_frame *f, ac_joinset *s);
ac_poll ac_joinset_shutdown_poll(ac_joinset_shutdown_frame *f, ac_cx *cx, void *out);
void ac_joinset_shutdown_drop(ac_joinset_shutdown_frame *f);

#if defined(ASYNCC_PARSE)
async int ac_joinset_next(ac_joinset *s, void *out);
async void ac_joinset_shutdown(ac_joinset *s);
#endif

#endif

#endif
