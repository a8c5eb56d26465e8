/* chan_mpsc.c - mpsc channels, bounded and unbounded (ac_chan.h has the API).
 *
 * A ring of values under the channel's lock, with two lists of parked leaves:
 *
 *   receivers  parked only while the ring is empty. A send wakes the first of them
 *              for each value it adds; the woken receive takes the oldest value when it
 *              is polled (or finds it taken by a try_recv, and parks again). A receive
 *              dropped after its wake passes the wake on, so a value never sits in the
 *              ring while a receiver sleeps.
 *   senders    parked only while a bounded ring is full, in arrival order. A receive
 *              that makes room moves the first parked sender's value into the ring
 *              itself and wakes it done (a handoff): senders are served strictly in
 *              order, none can take the room from a waiting one, and a woken sender
 *              has nothing left to do. So the ring is full whenever a sender is parked.
 *
 * An unbounded channel (capacity 0) grows its ring instead of parking senders; the
 * sequential face's send does the same for a bounded one (ac_mpsc_send_sequential_).
 *
 * The leaves' polls take the fast path of chan.h (aci_chan_poll_fast).
 */
#include "chan.h"

#include <stdlib.h>

struct ac_mpsc {
    aci_chan c;   /* c.receiving: the parked receives */
    size_t limit; /* the length from which a send must wait or grow the ring: a bounded
                     channel's capacity, an unbounded one's ring size */
    bool unbounded;
    aci_ring ring;
    ac_waitlist senders;
    aci_mpsc_discard_fn *discard; /* NULL: values are plain bytes */
};

/* The receiver is gone: parked sends fail, and what is buffered is discarded. */
void aci_mpsc_receivers_gone(aci_chan *c) {
    struct ac_mpsc *ch = (struct ac_mpsc *)c;
    aci_chan_wake_all(&ch->senders, AC_CHAN_CLOSED);
    aci_chan_wake_all(&c->receiving, AC_CHAN_CLOSED);
    for (size_t i = 0; ch->discard && i < ch->ring.len; i++)
        ch->discard(aci_ring_at(&ch->ring, i, c->elem_size));
    ch->ring.len = 0;
}

void aci_mpsc_release(aci_chan *c) {
    aci_ring_release(&((struct ac_mpsc *)c)->ring);
}

int ac_mpsc_new(ac_mpsc_tx *tx, ac_mpsc_rx *rx, size_t elem_size, size_t capacity) {
    tx->ch = NULL;
    rx->ch = NULL;
    if (elem_size == 0)
        return AC_CHAN_INVALID;
    struct ac_mpsc *ch = aci_chan_alloc(sizeof *ch, elem_size, ACI_MPSC);
    /* An unbounded ring starts small and doubles. */
    size_t slots = capacity == AC_MPSC_UNBOUNDED ? 16 : capacity;
    if (!ch || aci_ring_init(&ch->ring, slots, elem_size) != 0) {
        free(ch);
        return AC_CHAN_NOMEM;
    }
    ch->unbounded = capacity == AC_MPSC_UNBOUNDED;
    ch->limit = ch->unbounded ? aci_ring_slots(&ch->ring) : capacity;
    tx->ch = rx->ch = ch;
    return AC_CHAN_OK;
}

void aci_mpsc_set_discard(ac_mpsc_rx *rx, aci_mpsc_discard_fn *discard) {
    rx->ch->discard = discard;
}

int ac_mpsc_tx_clone(const ac_mpsc_tx *tx, ac_mpsc_tx *copy) {
    copy->ch = tx->ch;
    return aci_chan_add_handle((aci_chan *)tx->ch, ACI_SENDER);
}

void ac_mpsc_tx_drop(ac_mpsc_tx *tx) {
    aci_chan_drop_handle((aci_chan *)tx->ch, ACI_SENDER);
    tx->ch = NULL;
}

void ac_mpsc_rx_drop(ac_mpsc_rx *rx) {
    aci_chan_drop_handle((aci_chan *)rx->ch, ACI_RECEIVER);
    rx->ch = NULL;
}

/* ---- the operations, under the lock --------------------------------------------------------- */

/* Add a value: OK, FULL (a bounded ring), CLOSED or NOMEM (growing failed). Grows the
 * ring when it is full and may: when unbounded, and when `grow` is set (the sequential
 * send). */
static inline int mpsc_push(struct ac_mpsc *ch, const void *value, bool grow) {
    if (ch->c.receivers == 0)
        return AC_CHAN_CLOSED;
    size_t elem = ch->c.elem_size;
    if (ch->ring.len >= ch->limit) { /* one test on the way of a send that has room */
        if (!grow && !ch->unbounded)
            return AC_CHAN_FULL;
        if (ch->ring.len == aci_ring_slots(&ch->ring) && aci_ring_grow(&ch->ring, elem) != 0)
            return AC_CHAN_NOMEM;
        if (ch->unbounded)
            ch->limit = aci_ring_slots(&ch->ring);
    }
    aci_ring_push(&ch->ring, value, elem);
    if (ch->c.receiving.head)
        aci_chan_wake_first(&ch->c.receiving, AC_CHAN_OK);
    return AC_CHAN_OK;
}

/* Take the oldest value: OK, EMPTY or CLOSED. The room it makes goes to the first
 * parked sender (see the top of the file). */
static inline int mpsc_pop(struct ac_mpsc *ch, void *out) {
    if (ch->ring.len == 0)
        return ch->c.senders == 0 ? AC_CHAN_CLOSED : AC_CHAN_EMPTY;
    size_t elem = ch->c.elem_size;
    aci_ring_pop(&ch->ring, out, elem);
    ac_waiter *first = ch->senders.head;
    if (first) {
        ac_chan_wait *sender = aci_chan_wait_of(first);
        aci_ring_push(&ch->ring, sender->buf, elem);
        aci_chan_wake(sender, AC_CHAN_OK);
    }
    return AC_CHAN_OK;
}

/* ---- non-blocking calls ------------------------------------------------------------------------
 */

static int mpsc_try_send(ac_mpsc_tx *tx, const void *value, bool grow) {
    struct ac_mpsc *ch = tx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = mpsc_push(ch, value, grow);
    aci_chan_unlock(&ch->c);
    return r;
}

int ac_mpsc_try_send(ac_mpsc_tx *tx, const void *value) {
    return mpsc_try_send(tx, value, false);
}

int ac_mpsc_send_sequential_(ac_mpsc_tx *tx, const void *value) {
    return mpsc_try_send(tx, value, true);
}

int ac_mpsc_try_recv(ac_mpsc_rx *rx, void *out) {
    struct ac_mpsc *ch = rx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = mpsc_pop(ch, out);
    aci_chan_unlock(&ch->c);
    return r;
}

/* ---- leaf: ac_mpsc_send ------------------------------------------------------------------------
 */

/* Woken, a send is done: a receive moved the value in (OK), or the receiver went
 * (CLOSED). */
static inline int send_try(aci_chan *c, void *frame, ac_chan_wait *w, ac_waitlist **park) {
    (void)frame;
    struct ac_mpsc *ch = (struct ac_mpsc *)c;
    *park = &ch->senders;
    return aci_chan_wait_idle(w) ? mpsc_push(ch, w->buf, false) : w->waiter.reason;
}

static ACI_NOINLINE ac_poll send_poll_general(void *frame, ac_cx *cx, int *out) {
    ac_mpsc_send_frame *f = frame;
    return aci_chan_poll(&f->ch, &f->wait, cx, send_try, f, out);
}

ac_poll ac_mpsc_send_poll(ac_mpsc_send_frame *f, ac_cx *cx, int *out) {
    return aci_chan_poll_fast(&f->ch, &f->wait, cx, send_try, f, out, send_poll_general);
}

/* Parked senders are in ch->senders until a wake takes them out: a wake with OK is the
 * handoff (mpsc_pop), whose value is in the ring already. */
bool aci_mpsc_send_cancel(ac_mpsc_send_frame *f) {
    struct ac_mpsc *ch = (struct ac_mpsc *)f->ch;
    if (!ch || aci_chan_wait_idle(&f->wait))
        return false;
    aci_chan_lock(&ch->c);
    bool sent = f->wait.waiter.list != &ch->senders && f->wait.waiter.reason == AC_CHAN_OK;
    aci_chan_unlock_release(&ch->c, aci_chan_unpark(&ch->c, &f->wait.waiter));
    f->ch = NULL;
    return sent;
}

void ac_mpsc_send_drop(ac_mpsc_send_frame *f) {
    aci_chan_drop(f->ch, &f->wait);
}

/* ---- leaf: ac_mpsc_recv ------------------------------------------------------------------------
 */

/* Woken (or first poll): look again, unless the receiver handle went. */
static inline int recv_try(aci_chan *c, void *frame, ac_chan_wait *w, ac_waitlist **park) {
    (void)frame;
    struct ac_mpsc *ch = (struct ac_mpsc *)c;
    *park = &ch->c.receiving;
    if (!aci_chan_wait_idle(w) && w->waiter.reason == AC_CHAN_CLOSED)
        return AC_CHAN_CLOSED;
    return mpsc_pop(ch, w->buf);
}

static ACI_NOINLINE ac_poll recv_poll_general(void *frame, ac_cx *cx, int *out) {
    ac_mpsc_recv_frame *f = frame;
    return aci_chan_poll(&f->ch, &f->wait, cx, recv_try, f, out);
}

ac_poll ac_mpsc_recv_poll(ac_mpsc_recv_frame *f, ac_cx *cx, int *out) {
    return aci_chan_poll_fast(&f->ch, &f->wait, cx, recv_try, f, out, recv_poll_general);
}

void ac_mpsc_recv_drop(ac_mpsc_recv_frame *f) {
    struct ac_mpsc *ch = (struct ac_mpsc *)f->ch;
    if (!ch || aci_chan_wait_idle(&f->wait))
        return;
    aci_chan_lock(&ch->c);
    bool last = aci_chan_unpark(&ch->c, &f->wait.waiter);
    /* This receive may have been woken for a value it now leaves: pass the wake on. */
    if (ch->ring.len > 0)
        aci_chan_wake_first(&ch->c.receiving, AC_CHAN_OK);
    aci_chan_unlock_release(&ch->c, last);
}
