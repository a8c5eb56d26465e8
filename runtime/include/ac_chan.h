/* ac_chan.h - channels between tasks, on one thread or across threads.
 *
 * Four kinds, each made with its two ends (handles) and an element size fixed at
 * creation; values are copied in and out:
 *
 *   oneshot     one value, once                            ac_oneshot_new
 *   mpsc        a FIFO from many senders to one receiver:  ac_mpsc_new
 *               bounded (a send waits while it is full: backpressure) or unbounded
 *   broadcast   every receiver sees every value; one that falls more than the
 *               capacity behind is told how many it missed ac_broadcast_new
 *   watch       the latest value, and a notification when it changes  ac_watch_new
 *
 * A typed layer declares the same API for one element type, with no casts or sizeof:
 *
 *     AC_MPSC_TYPED(ints, int);              // ints_tx, ints_rx, ints_new, ints_send...
 *
 *     async int producer(ints_tx tx) {
 *         for (int i = 0; i < 3; i++)
 *             await(ints_send(&tx, i));      // waits while the channel is full
 *         ints_tx_drop(&tx);                 // the last sender gone: end of stream
 *         return 0;
 *     }
 *     async int consumer(ints_rx rx) {
 *         int v, sum = 0;
 *         while (await(ints_recv(&rx, &v)) == AC_CHAN_OK)
 *             sum += v;                      // AC_CHAN_CLOSED ends the loop
 *         ints_rx_drop(&rx);
 *         return sum;
 *     }
 *     ...
 *     ints_tx tx;
 *     ints_rx rx;
 *     ints_new(&tx, &rx, 16);                // capacity 16
 *     ac_detach(ac_spawn(producer(tx)));
 *     int sum = await(consumer(rx));
 *
 * Results are values (enum ac_chan_status): AC_CHAN_OK (0) or a negative status, and
 * for a broadcast receive a positive count of missed values. Bad input (a handle that
 * was dropped or never made, a zero element size) is AC_CHAN_INVALID, never a crash.
 *
 * Handles. A channel lives as long as one of its handles or one task parked on it.
 * Every handle made (by _new, _clone or _subscribe) is given up exactly once, by its
 * _drop function or by the call documented to consume it (ac_oneshot_send, and
 * ac_oneshot_recv once it completes). A handle is a small struct: copy it to move it
 * to another task (the copy is the handle then, not a second one); _drop clears it, so
 * dropping twice or using a dropped handle is AC_CHAN_INVALID, not a crash. One handle
 * is used by one task at a time; clone it for another.
 *
 * Closing. Once every sender handle is dropped, receivers get the values still
 * buffered, then AC_CHAN_CLOSED (end of stream). Once every receiver handle is dropped,
 * sends return AC_CHAN_CLOSED and buffered values are discarded (they are bytes: a
 * value that owns memory must be received to be freed). Nothing sent successfully is
 * lost while a receiver remains, and nothing is received twice. Dropping a task (or an
 * awaiting frame) parked on a channel takes it off the channel: no wake goes to it, a
 * value meant for it stays in the channel for the next receiver, and a send it was
 * waiting to make is not made.
 *
 * Threads. Every channel works with its ends on different threads, each thread
 * running its own ac_block_on: the channel has a lock, and a task parked on a channel
 * is woken on its own thread's loop. A channel used by one thread only never takes its
 * lock (runtime/src/chan.h: it is biased to that thread until another comes). A loop
 * whose tasks are all parked waits for other threads only while some other thread is
 * inside an ac_block_on: a thread that sends from plain code, outside any block_on,
 * does not keep a lone loop from reporting a deadlock.
 *
 * Faces. Three faces, as <asyncc.h>: under ASYNCC_PARSE the awaitable calls are
 * declared async with their frames complete, so asyncc embeds them; the ABI face
 * (ASYNCC_LOWERED, or the runtime's own sources) declares their init/poll/drop;
 * ASYNCC_SEQUENTIAL gives each a plain-C meaning, where nothing ever waits:
 *   - a send never waits: a bounded channel that is full grows (its capacity bounds
 *     concurrency, which a sequential program does not have);
 *   - a receive returns what try_recv returns: AC_CHAN_EMPTY where it would wait (no
 *     other task can run to fill the channel meanwhile);
 *   - ac_watch_changed returns AC_CHAN_EMPTY where it would wait.
 * So a program whose producer is spawned before its consumer (in plain C ac_spawn runs
 * the producer to its end at once) prints the same in both readings.
 */
#ifndef AC_CHAN_H
#define AC_CHAN_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <stddef.h>
#include <stdint.h>

/* What every channel call returns. */
enum ac_chan_status {
    AC_CHAN_OK = 0,       /* done: the value was sent, or received into *out */
    AC_CHAN_CLOSED = -1,  /* receive: end of stream, every sender is gone and nothing is
                             left; send: every receiver is gone, the value was not sent */
    AC_CHAN_EMPTY = -2,   /* try_recv (and a plain-C receive): nothing to receive now */
    AC_CHAN_FULL = -3,    /* try_send on a full bounded channel: no room now */
    AC_CHAN_NOMEM = -4,   /* memory exhausted: no channel made, or the value not sent */
    AC_CHAN_INVALID = -5, /* a dropped or never-made handle, a zero element size or
                             capacity, a second receive on a oneshot */
};

/* ac_mpsc_new's capacity for an unbounded channel: sends never wait, the buffer grows
 * (AC_CHAN_NOMEM when memory is exhausted). */
#define AC_MPSC_UNBOUNDED ((size_t)0)

/* Handles: the ends of a channel. Opaque but for the broadcast and watch receivers'
 * positions, which belong to the handle. */
typedef struct ac_oneshot_tx {
    struct ac_oneshot *ch;
} ac_oneshot_tx;
typedef struct ac_oneshot_rx {
    struct ac_oneshot *ch;
} ac_oneshot_rx;
typedef struct ac_mpsc_tx {
    struct ac_mpsc *ch;
} ac_mpsc_tx;
typedef struct ac_mpsc_rx {
    struct ac_mpsc *ch;
} ac_mpsc_rx;
typedef struct ac_broadcast_tx {
    struct ac_broadcast *ch;
} ac_broadcast_tx;
typedef struct ac_broadcast_rx {
    struct ac_broadcast *ch;
    uint64_t next; /* the position of the next value this receiver sees */
} ac_broadcast_rx;
typedef struct ac_watch_tx {
    struct ac_watch *ch;
} ac_watch_tx;
typedef struct ac_watch_rx {
    struct ac_watch *ch;
    uint64_t seen; /* the version this receiver saw last */
} ac_watch_rx;

/* The wrappers the typed layer (below) declares in the program's own file: a program
 * uses some of them, and clang would warn about the others. */
#define AC_CHAN_FN_ static inline __attribute__((unused))

/* ---- oneshot: one value, once ---------------------------------------------------------------- */

/* Make a oneshot for values of elem_size bytes: 0, AC_CHAN_INVALID (elem_size 0) or
 * AC_CHAN_NOMEM (then neither handle is made). */
int ac_oneshot_new(ac_oneshot_tx *tx, ac_oneshot_rx *rx, size_t elem_size);
/* Send *value and give tx up (whatever the result): 0, or AC_CHAN_CLOSED when the
 * receiver is gone. Never waits. */
int ac_oneshot_send(ac_oneshot_tx *tx, const void *value);
/* Give tx up without sending: the receiver gets AC_CHAN_CLOSED. */
void ac_oneshot_tx_drop(ac_oneshot_tx *tx);
/* 0 with the value in *out (rx given up), AC_CHAN_CLOSED when the sender went without
 * sending (rx given up), AC_CHAN_EMPTY when nothing was sent yet (rx kept). */
int ac_oneshot_try_recv(ac_oneshot_rx *rx, void *out);
/* Give rx up: a later send returns AC_CHAN_CLOSED. */
void ac_oneshot_rx_drop(ac_oneshot_rx *rx);
/* async int ac_oneshot_recv(ac_oneshot_rx *rx, void *out) (below): wait for the value:
 * 0 with it in *out, or AC_CHAN_CLOSED; either way rx is given up. */

/* ---- mpsc: many senders, one receiver, FIFO ---------------------------------------------------
 */

/* Make a channel buffering up to capacity values of elem_size bytes (AC_MPSC_UNBOUNDED:
 * no limit): 0, AC_CHAN_INVALID (elem_size 0) or AC_CHAN_NOMEM. */
int ac_mpsc_new(ac_mpsc_tx *tx, ac_mpsc_rx *rx, size_t elem_size, size_t capacity);
/* Another sender handle for the same channel, in *copy: 0 or AC_CHAN_INVALID. */
int ac_mpsc_tx_clone(const ac_mpsc_tx *tx, ac_mpsc_tx *copy);
void ac_mpsc_tx_drop(ac_mpsc_tx *tx);
void ac_mpsc_rx_drop(ac_mpsc_rx *rx);
/* Send without waiting: 0, AC_CHAN_FULL (bounded, no room), AC_CHAN_CLOSED or
 * AC_CHAN_NOMEM (unbounded). */
int ac_mpsc_try_send(ac_mpsc_tx *tx, const void *value);
/* Receive without waiting: 0 with the oldest value in *out, AC_CHAN_EMPTY (senders
 * remain), or AC_CHAN_CLOSED (none remain, nothing is left). */
int ac_mpsc_try_recv(ac_mpsc_rx *rx, void *out);
/* async int ac_mpsc_send(ac_mpsc_tx *tx, const void *value): send, waiting while a
 *     bounded channel is full (senders that wait are served in order): 0,
 *     AC_CHAN_CLOSED or AC_CHAN_NOMEM. *value is read until the send completes.
 * async int ac_mpsc_recv(ac_mpsc_rx *rx, void *out): the oldest value, waiting while
 *     the channel is empty: 0 with it in *out, or AC_CHAN_CLOSED (end of stream). */

/* ---- broadcast: every receiver sees every value ------------------------------------------------
 */

/* Make a channel keeping the last `capacity` values (rounded up to a power of two) for
 * its receivers: 0, AC_CHAN_INVALID (elem_size or capacity 0) or AC_CHAN_NOMEM. */
int ac_broadcast_new(ac_broadcast_tx *tx, ac_broadcast_rx *rx, size_t elem_size, size_t capacity);
int ac_broadcast_tx_clone(const ac_broadcast_tx *tx, ac_broadcast_tx *copy);
/* A new receiver that sees the values sent from now on: 0 or AC_CHAN_INVALID. */
int ac_broadcast_subscribe(const ac_broadcast_tx *tx, ac_broadcast_rx *rx);
/* A new receiver at rx's position: it sees what rx has still to see. */
int ac_broadcast_rx_clone(const ac_broadcast_rx *rx, ac_broadcast_rx *copy);
void ac_broadcast_tx_drop(ac_broadcast_tx *tx);
void ac_broadcast_rx_drop(ac_broadcast_rx *rx);
/* Send to every receiver; never waits: the oldest value is overwritten when the ring is
 * full. 0, or AC_CHAN_CLOSED when no receiver is left (the value is not kept). */
int ac_broadcast_send(ac_broadcast_tx *tx, const void *value);
/* Receive without waiting: 0 with the next value in *out; n > 0 when the receiver fell
 * behind and n values were overwritten before it saw them (nothing written to *out:
 * the next call returns the oldest value kept, as tokio's Lagged(n)); AC_CHAN_EMPTY;
 * or AC_CHAN_CLOSED (no sender left, and this receiver has seen everything). */
int ac_broadcast_try_recv(ac_broadcast_rx *rx, void *out);
/* async int ac_broadcast_recv(ac_broadcast_rx *rx, void *out): the same, waiting while
 *     there is nothing new (never AC_CHAN_EMPTY). */

/* ---- watch: the latest value ----------------------------------------------------------------- */

/* Make a channel holding *initial (elem_size bytes), which the receiver has seen: 0,
 * AC_CHAN_INVALID or AC_CHAN_NOMEM. */
int ac_watch_new(ac_watch_tx *tx, ac_watch_rx *rx, size_t elem_size, const void *initial);
/* Another receiver that has seen what rx has seen. */
int ac_watch_rx_clone(const ac_watch_rx *rx, ac_watch_rx *copy);
/* Give the sender up: receivers' ac_watch_changed returns AC_CHAN_CLOSED once they
 * have seen the last value. */
void ac_watch_tx_drop(ac_watch_tx *tx);
void ac_watch_rx_drop(ac_watch_rx *rx);
/* Replace the value and notify every receiver: 0, or AC_CHAN_CLOSED when no receiver
 * is left (the value is not stored). Never waits. */
int ac_watch_send(ac_watch_tx *tx, const void *value);
/* Copy the latest value to *out and mark it seen: 0 or AC_CHAN_INVALID. */
int ac_watch_get(ac_watch_rx *rx, void *out);
/* Without waiting: 0 when a value rx has not seen was sent (it is marked seen: read it
 * with ac_watch_get), AC_CHAN_EMPTY if none, AC_CHAN_CLOSED if none and the sender is
 * gone. */
int ac_watch_try_changed(ac_watch_rx *rx);
/* async int ac_watch_changed(ac_watch_rx *rx): the same, waiting while there is no
 *     unseen value (never AC_CHAN_EMPTY). */

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face --------------------------------------------------------------- */

#include "ac_runtime.h"

/* The part of a leaf's frame by which it waits on a channel: its place in one of the
 * channel's lists, and the value it sends or the place it receives into. */
typedef struct ac_chan_wait {
    ac_waiter waiter;
    void *buf;
} ac_chan_wait;

/* A oneshot has a single receiver, so the channel itself holds its waiter and the
 * receive's frame is three pointers (a task parked on its own oneshot stays small). */
typedef struct ac_oneshot_recv_frame {
    struct ac_chan *ch; /* any channel's header, its low bit set while this receive holds
                           the channel's waiter; NULL once finished */
    ac_oneshot_rx *rx;
    void *out;
} ac_oneshot_recv_frame;

typedef struct ac_mpsc_send_frame {
    struct ac_chan *ch;
    ac_chan_wait wait; /* buf: the value */
} ac_mpsc_send_frame;

typedef struct ac_mpsc_recv_frame {
    struct ac_chan *ch;
    ac_chan_wait wait; /* buf: out */
} ac_mpsc_recv_frame;

typedef struct ac_broadcast_recv_frame {
    struct ac_chan *ch;
    ac_broadcast_rx *rx;
    ac_chan_wait wait; /* buf: out */
} ac_broadcast_recv_frame;

typedef struct ac_watch_changed_frame {
    struct ac_chan *ch;
    ac_watch_rx *rx;
    ac_chan_wait wait;
} ac_watch_changed_frame;

#if defined(ASYNCC_PARSE)
async int ac_oneshot_recv(ac_oneshot_rx *rx, void *out);
async int ac_mpsc_send(ac_mpsc_tx *tx, const void *value);
async int ac_mpsc_recv(ac_mpsc_rx *rx, void *out);
async int ac_broadcast_recv(ac_broadcast_rx *rx, void *out);
async int ac_watch_changed(ac_watch_rx *rx);
#else
/* The inits only store the arguments: inline, so a send or receive that completes at
 * once costs one call, its poll. */
static inline void ac_chan_wait_init_(ac_chan_wait *w, void *buf) {
    w->waiter.list = NULL; /* not parked */
    w->waiter.task = NULL; /* never parked */
    w->buf = buf;
}
static inline void ac_oneshot_recv_init(ac_oneshot_recv_frame *f, ac_oneshot_rx *rx, void *out) {
    f->ch = (struct ac_chan *)rx->ch; /* every channel starts with its struct ac_chan */
    f->rx = rx;
    f->out = out;
}
static inline void ac_mpsc_send_init(ac_mpsc_send_frame *f, ac_mpsc_tx *tx, const void *value) {
    f->ch = (struct ac_chan *)tx->ch;
    ac_chan_wait_init_(&f->wait, (void *)value);
}
static inline void ac_mpsc_recv_init(ac_mpsc_recv_frame *f, ac_mpsc_rx *rx, void *out) {
    f->ch = (struct ac_chan *)rx->ch;
    ac_chan_wait_init_(&f->wait, out);
}
static inline void ac_broadcast_recv_init(ac_broadcast_recv_frame *f, ac_broadcast_rx *rx,
                                          void *out) {
    f->ch = (struct ac_chan *)rx->ch;
    f->rx = rx;
    ac_chan_wait_init_(&f->wait, out);
}
static inline void ac_watch_changed_init(ac_watch_changed_frame *f, ac_watch_rx *rx) {
    f->ch = (struct ac_chan *)rx->ch;
    f->rx = rx;
    ac_chan_wait_init_(&f->wait, NULL);
}
ac_poll ac_oneshot_recv_poll(ac_oneshot_recv_frame *f, ac_cx *cx, int *out);
void ac_oneshot_recv_drop(ac_oneshot_recv_frame *f);
ac_poll ac_mpsc_send_poll(ac_mpsc_send_frame *f, ac_cx *cx, int *out);
void ac_mpsc_send_drop(ac_mpsc_send_frame *f);
ac_poll ac_mpsc_recv_poll(ac_mpsc_recv_frame *f, ac_cx *cx, int *out);
void ac_mpsc_recv_drop(ac_mpsc_recv_frame *f);
ac_poll ac_broadcast_recv_poll(ac_broadcast_recv_frame *f, ac_cx *cx, int *out);
void ac_broadcast_recv_drop(ac_broadcast_recv_frame *f);
ac_poll ac_watch_changed_poll(ac_watch_changed_frame *f, ac_cx *cx, int *out);
void ac_watch_changed_drop(ac_watch_changed_frame *f);
#endif

/* The typed leaves (AC_CHAN_TYPED_*, below) in this face: a frame and, for the ABI,
 * its init/poll/drop forwarding to the untyped leaf's. A send's frame keeps the value,
 * so `await(ints_send(&tx, i + 1))` may send a temporary. */
#if defined(ASYNCC_PARSE)
#define AC_CHAN_SEND_LEAF_(fn, H, T, base)                                                         \
    typedef struct fn##_frame {                                                                    \
        base##_frame base;                                                                         \
        T value;                                                                                   \
    } fn##_frame;                                                                                  \
    async int fn(H *h, T value);
#define AC_CHAN_RECV_LEAF_(fn, H, T, base)                                                         \
    typedef base##_frame fn##_frame;                                                               \
    async int fn(H *h, T *out);
#define AC_CHAN_WAIT_LEAF_(fn, H, base)                                                            \
    typedef base##_frame fn##_frame;                                                               \
    async int fn(H *h);
#else
#define AC_CHAN_SEND_LEAF_(fn, H, T, base)                                                         \
    typedef struct fn##_frame {                                                                    \
        base##_frame base;                                                                         \
        T value;                                                                                   \
    } fn##_frame;                                                                                  \
    AC_CHAN_FN_ void fn##_init(fn##_frame *f, H *h, T value) {                                     \
        f->value = value;                                                                          \
        base##_init(&f->base, &h->raw, &f->value);                                                 \
    }                                                                                              \
    AC_CHAN_FN_ ac_poll fn##_poll(fn##_frame *f, ac_cx *cx, int *out) {                            \
        return base##_poll(&f->base, cx, out);                                                     \
    }                                                                                              \
    AC_CHAN_FN_ void fn##_drop(fn##_frame *f) {                                                    \
        base##_drop(&f->base);                                                                     \
    }
#define AC_CHAN_RECV_LEAF_(fn, H, T, base)                                                         \
    typedef base##_frame fn##_frame;                                                               \
    AC_CHAN_FN_ void fn##_init(fn##_frame *f, H *h, T *out) {                                      \
        base##_init(f, &h->raw, out);                                                              \
    }                                                                                              \
    AC_CHAN_FN_ ac_poll fn##_poll(fn##_frame *f, ac_cx *cx, int *out) {                            \
        return base##_poll(f, cx, out);                                                            \
    }                                                                                              \
    AC_CHAN_FN_ void fn##_drop(fn##_frame *f) {                                                    \
        base##_drop(f);                                                                            \
    }
#define AC_CHAN_WAIT_LEAF_(fn, H, base)                                                            \
    typedef base##_frame fn##_frame;                                                               \
    AC_CHAN_FN_ void fn##_init(fn##_frame *f, H *h) {                                              \
        base##_init(f, &h->raw);                                                                   \
    }                                                                                              \
    AC_CHAN_FN_ ac_poll fn##_poll(fn##_frame *f, ac_cx *cx, int *out) {                            \
        return base##_poll(f, cx, out);                                                            \
    }                                                                                              \
    AC_CHAN_FN_ void fn##_drop(fn##_frame *f) {                                                    \
        base##_drop(f);                                                                            \
    }
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning, where nothing waits ---------------------------------- */

/* A send that never fails for want of room: a full bounded channel grows. */
int ac_mpsc_send_sequential_(ac_mpsc_tx *tx, const void *value);

static inline int ac_oneshot_recv(ac_oneshot_rx *rx, void *out) {
    return ac_oneshot_try_recv(rx, out);
}
static inline int ac_mpsc_send(ac_mpsc_tx *tx, const void *value) {
    return ac_mpsc_send_sequential_(tx, value);
}
static inline int ac_mpsc_recv(ac_mpsc_rx *rx, void *out) {
    return ac_mpsc_try_recv(rx, out);
}
static inline int ac_broadcast_recv(ac_broadcast_rx *rx, void *out) {
    return ac_broadcast_try_recv(rx, out);
}
static inline int ac_watch_changed(ac_watch_rx *rx) {
    return ac_watch_try_changed(rx);
}

#define AC_CHAN_SEND_LEAF_(fn, H, T, base)                                                         \
    AC_CHAN_FN_ int fn(H *h, T value) {                                                            \
        return base(&h->raw, &value);                                                              \
    }
#define AC_CHAN_RECV_LEAF_(fn, H, T, base)                                                         \
    AC_CHAN_FN_ int fn(H *h, T *out) {                                                             \
        return base(&h->raw, out);                                                                 \
    }
#define AC_CHAN_WAIT_LEAF_(fn, H, base)                                                            \
    AC_CHAN_FN_ int fn(H *h) {                                                                     \
        return base(&h->raw);                                                                      \
    }

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif

/* ---- the typed layer --------------------------------------------------------------------------
 */

/* AC_xxx_TYPED(name, T) declares, at file scope, the kind's API for elements of type T
 * under the prefix `name`: handle types name_tx and name_rx (distinct per name, so a
 * handle of one element type cannot be passed for another) and static inline wrappers
 * taking T values and T pointers. Each wrapper means what the untyped call does:
 *
 * AC_ONESHOT_TYPED(name, T):   name_new(&tx, &rx)   name_send(&tx, v)   name_tx_drop(&tx)
 *     name_try_recv(&rx, &v)   name_rx_drop(&rx)   async: name_recv(&rx, &v)
 * AC_MPSC_TYPED(name, T):      name_new(&tx, &rx, capacity)   name_tx_clone(&tx, &copy)
 *     name_tx_drop(&tx)   name_rx_drop(&rx)   name_try_send(&tx, v)   name_try_recv(&rx, &v)
 *     async: name_send(&tx, v)   name_recv(&rx, &v)
 * AC_BROADCAST_TYPED(name, T): name_new(&tx, &rx, capacity)   name_tx_clone(&tx, &copy)
 *     name_subscribe(&tx, &rx)   name_rx_clone(&rx, &copy)   name_tx_drop   name_rx_drop
 *     name_send(&tx, v)   name_try_recv(&rx, &v)   async: name_recv(&rx, &v)
 * AC_WATCH_TYPED(name, T):     name_new(&tx, &rx, initial)   name_rx_clone(&rx, &copy)
 *     name_tx_drop   name_rx_drop   name_send(&tx, v)   name_get(&rx, &v)
 *     name_try_changed(&rx)   async: name_changed(&rx)
 */

/* The handle types and the calls every kind has. */
#define AC_CHAN_TYPED_HANDLES_(name, kind)                                                         \
    typedef struct name##_tx {                                                                     \
        ac_##kind##_tx raw;                                                                        \
    } name##_tx;                                                                                   \
    typedef struct name##_rx {                                                                     \
        ac_##kind##_rx raw;                                                                        \
    } name##_rx;                                                                                   \
    AC_CHAN_FN_ void name##_tx_drop(name##_tx *tx) {                                               \
        ac_##kind##_tx_drop(&tx->raw);                                                             \
    }                                                                                              \
    AC_CHAN_FN_ void name##_rx_drop(name##_rx *rx) {                                               \
        ac_##kind##_rx_drop(&rx->raw);                                                             \
    }

#define AC_CHAN_TYPED_CLONE_(name, kind, end)                                                      \
    AC_CHAN_FN_ int name##_##end##_clone(const name##_##end *h, name##_##end *copy) {              \
        return ac_##kind##_##end##_clone(&h->raw, &copy->raw);                                     \
    }

/* name_fn(&tx, v) and name_fn(&rx, &v): the untyped ac_kind_fn with a T value or T * out. */
#define AC_CHAN_TYPED_PUT_(name, kind, fn, T)                                                      \
    AC_CHAN_FN_ int name##_##fn(name##_tx *tx, T value) {                                          \
        return ac_##kind##_##fn(&tx->raw, &value);                                                 \
    }
#define AC_CHAN_TYPED_GET_(name, kind, fn, T)                                                      \
    AC_CHAN_FN_ int name##_##fn(name##_rx *rx, T *out) {                                           \
        return ac_##kind##_##fn(&rx->raw, out);                                                    \
    }

/* name_new(&tx, &rx, capacity) */
#define AC_CHAN_TYPED_NEW_(name, kind, T)                                                          \
    AC_CHAN_FN_ int name##_new(name##_tx *tx, name##_rx *rx, size_t capacity) {                    \
        return ac_##kind##_new(&tx->raw, &rx->raw, sizeof(T), capacity);                           \
    }

#define AC_ONESHOT_TYPED(name, T)                                                                  \
    AC_CHAN_TYPED_HANDLES_(name, oneshot)                                                          \
    AC_CHAN_FN_ int name##_new(name##_tx *tx, name##_rx *rx) {                                     \
        return ac_oneshot_new(&tx->raw, &rx->raw, sizeof(T));                                      \
    }                                                                                              \
    AC_CHAN_TYPED_PUT_(name, oneshot, send, T)                                                     \
    AC_CHAN_TYPED_GET_(name, oneshot, try_recv, T)                                                 \
    AC_CHAN_RECV_LEAF_(name##_recv, name##_rx, T, ac_oneshot_recv)                                 \
    typedef int name##_typed_

#define AC_MPSC_TYPED(name, T)                                                                     \
    AC_CHAN_TYPED_HANDLES_(name, mpsc)                                                             \
    AC_CHAN_TYPED_CLONE_(name, mpsc, tx)                                                           \
    AC_CHAN_TYPED_NEW_(name, mpsc, T)                                                              \
    AC_CHAN_TYPED_PUT_(name, mpsc, try_send, T)                                                    \
    AC_CHAN_TYPED_GET_(name, mpsc, try_recv, T)                                                    \
    AC_CHAN_SEND_LEAF_(name##_send, name##_tx, T, ac_mpsc_send)                                    \
    AC_CHAN_RECV_LEAF_(name##_recv, name##_rx, T, ac_mpsc_recv)                                    \
    typedef int name##_typed_

#define AC_BROADCAST_TYPED(name, T)                                                                \
    AC_CHAN_TYPED_HANDLES_(name, broadcast)                                                        \
    AC_CHAN_TYPED_CLONE_(name, broadcast, tx)                                                      \
    AC_CHAN_TYPED_CLONE_(name, broadcast, rx)                                                      \
    AC_CHAN_TYPED_NEW_(name, broadcast, T)                                                         \
    AC_CHAN_FN_ int name##_subscribe(const name##_tx *tx, name##_rx *rx) {                         \
        return ac_broadcast_subscribe(&tx->raw, &rx->raw);                                         \
    }                                                                                              \
    AC_CHAN_TYPED_PUT_(name, broadcast, send, T)                                                   \
    AC_CHAN_TYPED_GET_(name, broadcast, try_recv, T)                                               \
    AC_CHAN_RECV_LEAF_(name##_recv, name##_rx, T, ac_broadcast_recv)                               \
    typedef int name##_typed_

#define AC_WATCH_TYPED(name, T)                                                                    \
    AC_CHAN_TYPED_HANDLES_(name, watch)                                                            \
    AC_CHAN_TYPED_CLONE_(name, watch, rx)                                                          \
    AC_CHAN_FN_ int name##_new(name##_tx *tx, name##_rx *rx, T initial) {                          \
        return ac_watch_new(&tx->raw, &rx->raw, sizeof(T), &initial);                              \
    }                                                                                              \
    AC_CHAN_TYPED_PUT_(name, watch, send, T)                                                       \
    AC_CHAN_TYPED_GET_(name, watch, get, T)                                                        \
    AC_CHAN_FN_ int name##_try_changed(name##_rx *rx) {                                            \
        return ac_watch_try_changed(&rx->raw);                                                     \
    }                                                                                              \
    AC_CHAN_WAIT_LEAF_(name##_changed, name##_rx, ac_watch_changed)                                \
    typedef int name##_typed_

#endif
