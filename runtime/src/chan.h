/* chan.h - what the four channel kinds share (chan.c): the lock, the reference count,
 * the ring of values and the waiting of a leaf. Internal.
 *
 * Every channel is one heap block starting with an aci_chan header. Its lock guards
 * everything in the block and the waiters parked on it (the lock rule of waitlist.h):
 * a channel is used from any thread, each end from the thread its task runs on.
 *
 * The lock is a spinlock (test-and-test-and-set): the sections it guards copy a value
 * and link a waiter, never call out, so a waiting thread spins for a few nanoseconds,
 * unless the holder was preempted (then it yields).
 *
 * Biased: a channel used by one thread only - its ends on tasks of one loop, the common
 * case - takes no lock at all. An atomic exchange costs 20 ns on some machines, more
 * than the rest of a send, so the owner (the loop that made the channel) marks itself
 * busy with plain stores and checks that the channel is still its own. The first
 * operation from another thread revokes the bias for good (aci_chan_share): it sets
 * `shared`, makes every thread of the process execute a memory barrier (membarrier(2)),
 * and waits for the owner to leave the operation it may be in. The barrier is what lets
 * the owner do without one: after it, either the owner's busy mark is visible to the
 * revoker, or the owner's next look at `shared` sees it set (the asymmetric Dekker
 * scheme of userspace RCU). Where membarrier(2) is missing, and under ThreadSanitizer
 * (which cannot see that barrier), every channel is shared from the start.
 *
 * refs counts the handles (senders + receivers) and the frames parked on the channel:
 * a parked frame keeps the block alive even when a careless program drops the handle
 * it awaits on, so its drop never touches freed memory. The block is freed by whoever
 * drops the last reference.
 */
#ifndef AC_RUNTIME_CHAN_H
#define AC_RUNTIME_CHAN_H

#include "waitlist.h"

#include "ac_chan.h" /* after ac_runtime.h (waitlist.h): the runtime's face */

#include "spinlock.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

/* ---- the header of every channel ------------------------------------------------------------ */

/* struct ac_chan is the opaque type by which leaf frames (ac_chan.h) point to any
 * channel. */
typedef struct ac_chan aci_chan;

/* The kinds. Only an mpsc has more to do when its handles go (chan_mpsc.c): a kind
 * byte instead of a table of functions keeps the header of every channel 48 bytes. */
typedef enum aci_chan_kind { ACI_ONESHOT, ACI_MPSC, ACI_BROADCAST, ACI_WATCH } aci_chan_kind;

struct ac_chan {
    int lock;               /* spinlock.h */
    bool full;              /* a oneshot's value was sent */
    atomic_uchar busy;      /* the owner is in an operation, unlocked (written by it alone) */
    atomic_uchar shared;    /* another thread came: every operation takes the lock */
    uint8_t kind;           /* aci_chan_kind */
    struct aci_loop *owner; /* the loop that operates unlocked while not shared */
    uint32_t refs;          /* handles + parked frames; the block is freed at 0 */
    uint32_t senders;       /* live sending handles: 0 means end of stream */
    uint32_t receivers;     /* live receiving handles: 0 means sends fail */
    uint32_t elem_size;
    ac_waitlist receiving; /* receives (changed waits) parked for a value */
};
_Static_assert(sizeof(struct ac_chan) == 48, "a oneshot of a word fits 112 bytes of malloc");

/* Revoke the owner's bias (see the top of the file); from a thread not the owner's. */
ACI_HIDDEN void aci_chan_share(aci_chan *ch);

/* Enter an operation on ch without the lock if this thread owns ch and ch is not shared;
 * returns whether it did, and then aci_chan_leave_biased ends the operation. */
static inline bool aci_chan_enter_biased(aci_chan *ch) {
    if (ch->owner != &aci_loop_this)
        return false;
    atomic_store_explicit(&ch->busy, 1, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst); /* membarrier orders it for others */
    if (!atomic_load_explicit(&ch->shared, memory_order_relaxed))
        return true;
    atomic_store_explicit(&ch->busy, 0, memory_order_relaxed);
    return false;
}

static inline void aci_chan_leave_biased(aci_chan *ch) {
    atomic_store_explicit(&ch->busy, 0, memory_order_release);
}

/* Enter an operation on ch: unlocked on the owner's thread while it is not shared (the
 * return is true then), else under the lock; aci_chan_exit ends it. */
static inline bool aci_chan_enter(aci_chan *ch) {
    if (aci_chan_enter_biased(ch))
        return true;
    if (ch->owner != &aci_loop_this && !atomic_load_explicit(&ch->shared, memory_order_acquire))
        aci_chan_share(ch);
    aci_spin_lock(&ch->lock);
    return false;
}

static inline void aci_chan_exit(aci_chan *ch, bool biased) {
    if (biased)
        aci_chan_leave_biased(ch);
    else
        aci_spin_unlock(&ch->lock);
}

/* aci_chan_enter, for operations that do not keep its return: aci_chan_unlock finds out
 * again. */
static inline void aci_chan_lock(aci_chan *ch) {
    (void)aci_chan_enter(ch);
}

static inline void aci_chan_unlock(aci_chan *ch) {
    if (ch->owner == &aci_loop_this && atomic_load_explicit(&ch->busy, memory_order_relaxed)) {
        aci_chan_leave_biased(ch);
        return;
    }
    aci_spin_unlock(&ch->lock);
}

/* Allocate a zeroed channel block of `size` bytes whose header counts one sender and
 * one receiver; NULL when memory is exhausted or elem_size is too large. */
ACI_HIDDEN void *aci_chan_alloc(size_t size, size_t elem_size, aci_chan_kind kind);
/* Release and free the block (its last reference is gone). */
ACI_HIDDEN void aci_chan_free(aci_chan *ch);
/* Under the lock: drop one reference; returns whether it was the last, in which case
 * the caller frees the block once it has unlocked. */
static inline bool aci_chan_unref(aci_chan *ch) {
    return --ch->refs == 0;
}
/* Unlock, then free the block if `last` (from aci_chan_unref). */
static inline void aci_chan_unlock_release(aci_chan *ch, bool last) {
    aci_chan_unlock(ch);
    if (last)
        aci_chan_free(ch);
}

/* The two ends, for the handle calls below. */
typedef enum aci_chan_end { ACI_SENDER, ACI_RECEIVER } aci_chan_end;

/* One handle more on ch's end (clone, subscribe): AC_CHAN_OK, or AC_CHAN_INVALID when
 * ch is NULL (the handle cloned was dropped). */
ACI_HIDDEN int aci_chan_add_handle(aci_chan *ch, aci_chan_end end);
/* One handle of ch's end gone (NULL: nothing). The last sender wakes the parked
 * receives, which find the end of stream; the last receiver calls receivers_gone. */
ACI_HIDDEN void aci_chan_drop_handle(aci_chan *ch, aci_chan_end end);

/* Copy one value: elements are small, and the common sizes inline. */
static inline void aci_chan_copy(void *dst, const void *src, size_t size) {
    aci_copy_value(dst, src, size);
}

/* Under the lock: copy a sent value to dst if a receiver remains to see it: AC_CHAN_OK,
 * or AC_CHAN_CLOSED. */
static inline int aci_chan_put(aci_chan *ch, void *dst, const void *value) {
    if (ch->receivers == 0)
        return AC_CHAN_CLOSED;
    aci_chan_copy(dst, value, ch->elem_size);
    return AC_CHAN_OK;
}

/* ---- a ring of values ------------------------------------------------------------------------ */

/* A FIFO of fixed-size values in a power-of-two array (a mask instead of a division). */
typedef struct aci_ring {
    unsigned char *buf;
    size_t mask; /* slots - 1 */
    size_t head; /* index of the oldest value */
    size_t len;
} aci_ring;

/* An array of at least `slots` slots (rounded up to a power of two); -1 when memory
 * is exhausted. */
ACI_HIDDEN int aci_ring_init(aci_ring *r, size_t slots, size_t elem);
ACI_HIDDEN void aci_ring_release(aci_ring *r);
/* Double the array; -1 when memory is exhausted (the ring is unchanged). */
ACI_HIDDEN int aci_ring_grow(aci_ring *r, size_t elem);

static inline size_t aci_ring_slots(const aci_ring *r) {
    return r->mask + 1;
}

static inline void *aci_ring_at(const aci_ring *r, size_t i, size_t elem) {
    return r->buf + ((r->head + i) & r->mask) * elem;
}

/* The ring must have a free slot. */
static inline void aci_ring_push(aci_ring *r, const void *value, size_t elem) {
    aci_chan_copy(aci_ring_at(r, r->len, elem), value, elem);
    r->len++;
}

/* The ring must not be empty. */
static inline void aci_ring_pop(aci_ring *r, void *out, size_t elem) {
    aci_chan_copy(out, aci_ring_at(r, 0, elem), elem);
    r->head = (r->head + 1) & r->mask;
    r->len--;
}

/* ---- waiting in a leaf ----------------------------------------------------------------------- */

/* A leaf frame's ac_chan_wait (ac_chan.h) goes through three phases: idle (never
 * parked: task NULL), parked (in one of the channel's lists, or its wake in flight),
 * woken (task set, no longer parked: the reason says why). Parking takes a reference
 * on the channel, which the end of the wait gives back. All under the channel's lock. */

static inline bool aci_chan_wait_idle(const ac_chan_wait *w) {
    return w->waiter.task == NULL;
}

static inline ac_chan_wait *aci_chan_wait_of(ac_waiter *w) {
    return (ac_chan_wait *)((char *)w - offsetof(ac_chan_wait, waiter));
}

/* Park w (idle or woken) on l for cx's task; the channel gains a reference. */
static inline void aci_chan_park(aci_chan *ch, ac_waitlist *l, ac_waiter *w, ac_cx *cx) {
    if (w->task == NULL)
        ch->refs++;
    aci_waitlist_push(l, w, cx->task);
}
/* From any thread: unlink w (parked) and wake its task with reason (AC_CHAN_OK or a
 * negative status); the wake reaches the task on its own loop. */
static inline void aci_chan_wake(ac_chan_wait *w, int reason) {
    aci_waiter_wake(&w->waiter, reason);
}
/* Wake the first waiter of l, if any; returns it (NULL: l was empty). */
static inline ac_chan_wait *aci_chan_wake_first(ac_waitlist *l, int reason) {
    ac_waiter *first = l->head;
    if (!first)
        return NULL;
    ac_chan_wait *w = aci_chan_wait_of(first);
    aci_chan_wake(w, reason);
    return w;
}
/* Wake every waiter of l with reason. */
static inline void aci_chan_wake_all(ac_waitlist *l, int reason) {
    (void)aci_waitlist_wake_all(l, reason);
}
/* The end of a wait that parked (the frame finished or is dropped), on the task's own
 * thread: unlink w if it is still parked, or take back its wake if that is still on the
 * way, and give the channel's reference back; returns whether it was the last (see
 * aci_chan_unref). Inline: mostly the wait was woken, and there is nothing to take back. */
static inline bool aci_chan_unpark(aci_chan *ch, ac_waiter *w) {
    if (aci_waiter_parked(w))
        aci_waiter_cancel(w);
    w->task = NULL;
    return aci_chan_unref(ch);
}

/* ---- the poll and drop of a leaf ------------------------------------------------------------- */

/* A leaf finished with r: nothing is parked, so dropping the frame does nothing. */
static inline ac_poll aci_chan_finish(aci_chan **slot, int *out, int r) {
    *slot = NULL;
    *out = r;
    return AC_READY;
}

/* A kind's attempt, under the lock, for the leaf `frame` waiting through w (idle, or
 * woken with a reason): a result, or AC_CHAN_EMPTY / AC_CHAN_FULL to wait, with *park
 * set to the list to park on. */
typedef int aci_chan_try_fn(aci_chan *ch, void *frame, ac_chan_wait *w, ac_waitlist **park);

/* The poll of a leaf waiting through w on ch, entered (aci_chan_enter says how, in
 * `biased`): a spurious poll stays pending; otherwise try, then park or finish.
 * Finishing gives back the reference a park took and clears *slot, so that dropping the
 * finished frame does nothing. Inline, so that each kind's poll calls its try directly. */
static inline ac_poll aci_chan_poll_entered(aci_chan *ch, bool biased, aci_chan **slot,
                                            ac_chan_wait *w, ac_cx *cx, aci_chan_try_fn *try,
                                            void *frame, int *out) {
    if (aci_waiter_parked(&w->waiter)) { /* not woken yet: a spurious poll */
        aci_chan_exit(ch, biased);
        return AC_PENDING;
    }
    ac_waitlist *park = NULL;
    int r = try(ch, frame, w, &park);
    if (r == AC_CHAN_EMPTY || r == AC_CHAN_FULL) {
        aci_chan_park(ch, park, &w->waiter, cx);
        aci_chan_exit(ch, biased);
        return AC_PENDING;
    }
    bool last = !aci_chan_wait_idle(w) && aci_chan_unpark(ch, &w->waiter);
    aci_chan_exit(ch, biased);
    if (last)
        aci_chan_free(ch);
    return aci_chan_finish(slot, out, r);
}

/* The poll of a leaf whose channel pointer is *slot (NULL: AC_CHAN_INVALID). */
static inline ac_poll aci_chan_poll(aci_chan **slot, ac_chan_wait *w, ac_cx *cx,
                                    aci_chan_try_fn *try, void *frame, int *out) {
    aci_chan *ch = *slot;
    if (!ch) {
        *out = AC_CHAN_INVALID;
        return AC_READY;
    }
    if (!aci_coop_take(cx))
        return AC_PENDING;
    return aci_chan_poll_entered(ch, aci_chan_enter(ch), slot, w, cx, try, frame, out);
}

/* A leaf's poll, for aci_chan_poll_fast. */
typedef ac_poll aci_chan_poll_fn(void *frame, ac_cx *cx, int *out);

/* aci_chan_poll with its common case inline: on the owner's thread of an unshared
 * channel, the way of most messages through a busy channel, the poll goes without the
 * lock's bookkeeping. Any other poll is `general`'s: aci_chan_poll, kept out of line so
 * that the common case needs no stack frame for it. */
static inline ac_poll aci_chan_poll_fast(aci_chan **slot, ac_chan_wait *w, ac_cx *cx,
                                         aci_chan_try_fn *try, void *frame, int *out,
                                         aci_chan_poll_fn *general) {
    aci_chan *ch = *slot;
    if (!ch || !aci_chan_enter_biased(ch))
        return general(frame, cx, out);
    if (!aci_coop_take(cx)) {
        aci_chan_leave_biased(ch);
        return AC_PENDING;
    }
    return aci_chan_poll_entered(ch, true, slot, w, cx, try, frame, out);
}

/* The drop of such a leaf: take w off the channel if it parked. */
ACI_HIDDEN void aci_chan_drop(aci_chan *ch, ac_chan_wait *w);

/* ---- what chan.c calls of an mpsc (chan_mpsc.c) -----------------------------------------------
 */

/* Under the lock: the last receiver went. */
ACI_HIDDEN void aci_mpsc_receivers_gone(aci_chan *c);
/* Free the ring (the block's last reference is gone). */
ACI_HIDDEN void aci_mpsc_release(aci_chan *c);

/* ---- mpsc values that own something (actor.c) ------------------------------------------------ */

/* Called, under the channel's lock, for each value still buffered when the receiver goes:
 * the values of an actor's mailbox hold a reply handle, which must be given up. */
typedef void aci_mpsc_discard_fn(void *value);
/* Set rx's channel's discard function; right after ac_mpsc_new, before any send. */
ACI_HIDDEN void aci_mpsc_set_discard(ac_mpsc_rx *rx, aci_mpsc_discard_fn *discard);
/* ac_mpsc_send_drop, returning whether the value was sent all the same: a receive hands
 * the room it makes to the first parked sender, moving its value into the ring, before
 * that sender is polled again. False for a frame that finished or never parked. */
ACI_HIDDEN bool aci_mpsc_send_cancel(ac_mpsc_send_frame *f);
/* The sequential face's send (ac_chan.h), which the actors' plain meaning uses too. */
int ac_mpsc_send_sequential_(ac_mpsc_tx *tx, const void *value);

#endif
