/* chan_oneshot.c - oneshot channels (ac_chan.h has the API).
 *
 * One block: the header, the receive's waiter, then room for the value. A oneshot has
 * one receiver handle, so at most one receive waits, and its waiter lives here rather
 * than in the receive's frame: a task parked on its own oneshot is a task header and a
 * small frame (the W7 benchmark). The waiter's buf names the frame that parked it, so
 * a second receive on the same handle is refused instead of corrupting the first.
 */
#include "chan.h"

#include <stdalign.h>
#include <stdlib.h>

struct ac_oneshot {
    aci_chan c;        /* c.full: the value was sent; c.receiving: holds `wait` when parked */
    ac_chan_wait wait; /* buf: the receive frame that parked */
    alignas(max_align_t) unsigned char value[];
};

static const aci_chan_ops oneshot_ops = {NULL, NULL};

int ac_oneshot_new(ac_oneshot_tx *tx, ac_oneshot_rx *rx, size_t elem_size) {
    tx->ch = NULL;
    rx->ch = NULL;
    if (elem_size == 0)
        return AC_CHAN_INVALID;
    if (elem_size > SIZE_MAX - sizeof(struct ac_oneshot))
        return AC_CHAN_NOMEM;
    struct ac_oneshot *ch = aci_chan_alloc(sizeof *ch + elem_size, elem_size, &oneshot_ops);
    if (!ch)
        return AC_CHAN_NOMEM;
    ac_chan_wait_init_(&ch->wait, NULL);
    tx->ch = rx->ch = ch;
    return AC_CHAN_OK;
}

/* The sender goes after storing the value, if a receiver is there to get it. */
int ac_oneshot_send(ac_oneshot_tx *tx, const void *value) {
    struct ac_oneshot *ch = tx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = aci_chan_put(&ch->c, ch->value, value);
    ch->c.full = r == AC_CHAN_OK;
    aci_chan_unlock(&ch->c);
    ac_oneshot_tx_drop(tx);
    return r;
}

void ac_oneshot_tx_drop(ac_oneshot_tx *tx) {
    aci_chan_drop_handle((aci_chan *)tx->ch, ACI_SENDER);
    tx->ch = NULL;
}

void ac_oneshot_rx_drop(ac_oneshot_rx *rx) {
    aci_chan_drop_handle((aci_chan *)rx->ch, ACI_RECEIVER);
    rx->ch = NULL;
}

/* Under the lock: OK with the value in *out, CLOSED, or EMPTY. On OK and CLOSED rx is
 * given up, and the return says whether that was the last reference. */
static int oneshot_take(struct ac_oneshot *ch, ac_oneshot_rx *rx, void *out, bool *last) {
    int r = ch->c.full ? AC_CHAN_OK : ch->c.senders == 0 ? AC_CHAN_CLOSED : AC_CHAN_EMPTY;
    if (r == AC_CHAN_OK)
        aci_chan_copy(out, ch->value, ch->c.elem_size);
    if (r != AC_CHAN_EMPTY) {
        rx->ch = NULL;
        ch->c.receivers = 0;
        *last = aci_chan_unref(&ch->c);
    }
    return r;
}

int ac_oneshot_try_recv(ac_oneshot_rx *rx, void *out) {
    struct ac_oneshot *ch = rx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    bool last = false;
    aci_chan_lock(&ch->c);
    int r = oneshot_take(ch, rx, out, &last);
    aci_chan_unlock_release(&ch->c, last);
    return r;
}

/* ---- leaf: ac_oneshot_recv ---------------------------------------------------------------------
 */

/* Under the lock: end f's wait if it parked; returns whether that dropped the last
 * reference (only when rx was dropped meanwhile). */
static bool oneshot_unpark(struct ac_oneshot *ch, ac_oneshot_recv_frame *f) {
    if (ch->wait.buf != f)
        return false;
    ch->wait.buf = NULL;
    return aci_chan_unpark(&ch->c, &ch->wait);
}

ac_poll ac_oneshot_recv_poll(ac_oneshot_recv_frame *f, ac_cx *cx, int *out) {
    struct ac_oneshot *ch = (struct ac_oneshot *)f->ch;
    if (!ch) {
        *out = AC_CHAN_INVALID;
        return AC_READY;
    }
    ac_chan_wait *w = &ch->wait;
    aci_chan_lock(&ch->c);
    if (w->buf == f && aci_waiter_parked(&w->waiter)) {
        aci_chan_unlock(&ch->c);
        return AC_PENDING;
    }
    bool last = oneshot_unpark(ch, f);
    int r = AC_CHAN_INVALID; /* rx dropped meanwhile, or another receive is parked */
    if (f->rx->ch == ch && aci_chan_wait_idle(w))
        r = oneshot_take(ch, f->rx, f->out, &last);
    if (r != AC_CHAN_EMPTY) {
        aci_chan_unlock_release(&ch->c, last);
        f->ch = NULL; /* finished: a drop does nothing */
        *out = r;
        return AC_READY;
    }
    w->buf = f;
    aci_chan_park(&ch->c, &ch->c.receiving, w, cx);
    aci_chan_unlock(&ch->c);
    return AC_PENDING;
}

void ac_oneshot_recv_drop(ac_oneshot_recv_frame *f) {
    struct ac_oneshot *ch = (struct ac_oneshot *)f->ch;
    if (!ch)
        return;
    aci_chan_lock(&ch->c);
    aci_chan_unlock_release(&ch->c, oneshot_unpark(ch, f));
}
