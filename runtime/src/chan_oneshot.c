/* chan_oneshot.c - oneshot channels (ac_chan.h has the API).
 *
 * One block: the header, the receive's waiter, then the value (copied with memcpy, so
 * it needs no alignment of its own): 104 bytes for a word, 112 with malloc's overhead.
 * A oneshot has one receiver handle, so at most one receive waits, and its waiter lives
 * here rather than in the receive's frame: a task parked on its own oneshot is a task
 * header and a small frame (the W7 benchmark). The frame that parked the waiter marks
 * its channel pointer (ONESHOT_HOLDER), so a second receive on the same handle is
 * refused instead of corrupting the first.
 */
#include "chan.h"

#include <stdlib.h>

struct ac_oneshot {
    aci_chan c;       /* c.full: the value was sent; c.receiving: holds `waiter` when parked */
    ac_waiter waiter; /* idle (task NULL) unless a receive frame holds it */
    unsigned char value[];
};
_Static_assert(sizeof(struct ac_oneshot) == 96, "a oneshot of a word is a 112-byte malloc chunk");

int ac_oneshot_new(ac_oneshot_tx *tx, ac_oneshot_rx *rx, size_t elem_size) {
    tx->ch = NULL;
    rx->ch = NULL;
    if (elem_size == 0)
        return AC_CHAN_INVALID;
    if (elem_size > SIZE_MAX - sizeof(struct ac_oneshot))
        return AC_CHAN_NOMEM;
    struct ac_oneshot *ch = aci_chan_alloc(sizeof *ch + elem_size, elem_size, ACI_ONESHOT);
    if (!ch)
        return AC_CHAN_NOMEM;
    aci_waiter_init(&ch->waiter);
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

/* The low bit of a receive frame's ch: the frame holds its channel's waiter (parked, or
 * woken and not yet polled). Blocks from malloc leave it free. */
#define ONESHOT_HOLDER ((uintptr_t)1)

static struct ac_oneshot *frame_chan(const ac_oneshot_recv_frame *f) {
    return (struct ac_oneshot *)((uintptr_t)f->ch & ~ONESHOT_HOLDER);
}

static bool frame_holds_waiter(const ac_oneshot_recv_frame *f) {
    return ((uintptr_t)f->ch & ONESHOT_HOLDER) != 0;
}

/* Under the lock: park the channel's waiter for f. */
static void oneshot_park(struct ac_oneshot *ch, ac_oneshot_recv_frame *f, ac_cx *cx) {
    aci_chan_park(&ch->c, &ch->c.receiving, &ch->waiter, cx);
    f->ch = (struct ac_chan *)((uintptr_t)ch | ONESHOT_HOLDER);
}

/* Under the lock: give the waiter f holds back; returns whether that dropped the last
 * reference (only when rx was dropped meanwhile). */
static bool oneshot_unpark(struct ac_oneshot *ch, ac_oneshot_recv_frame *f) {
    f->ch = &ch->c;
    return aci_chan_unpark(&ch->c, &ch->waiter);
}

ac_poll ac_oneshot_recv_poll(ac_oneshot_recv_frame *f, ac_cx *cx, int *out) {
    struct ac_oneshot *ch = frame_chan(f);
    if (!ch) {
        *out = AC_CHAN_INVALID;
        return AC_READY;
    }
    aci_chan_lock(&ch->c);
    bool holder = frame_holds_waiter(f);
    if (holder && aci_waiter_parked(&ch->waiter)) { /* not woken yet: a spurious poll */
        aci_chan_unlock(&ch->c);
        return AC_PENDING;
    }
    bool last = holder && oneshot_unpark(ch, f);
    int r = AC_CHAN_INVALID; /* rx dropped meanwhile, or another receive holds the waiter */
    if (f->rx->ch == ch && ch->waiter.task == NULL)
        r = oneshot_take(ch, f->rx, f->out, &last);
    if (r != AC_CHAN_EMPTY) {
        aci_chan_unlock_release(&ch->c, last);
        f->ch = NULL; /* finished: a drop does nothing */
        *out = r;
        return AC_READY;
    }
    oneshot_park(ch, f, cx);
    aci_chan_unlock(&ch->c);
    return AC_PENDING;
}

void ac_oneshot_recv_drop(ac_oneshot_recv_frame *f) {
    if (!frame_holds_waiter(f))
        return;
    struct ac_oneshot *ch = frame_chan(f);
    aci_chan_lock(&ch->c);
    aci_chan_unlock_release(&ch->c, oneshot_unpark(ch, f));
    f->ch = NULL;
}
