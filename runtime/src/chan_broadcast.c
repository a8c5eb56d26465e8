/* chan_broadcast.c - broadcast channels (ac_chan.h has the API).
 *
 * One block: the header and a ring of `slots` values (a power of two). Values are
 * numbered from 0 in sending order; `tail` is the number of the next one, and the ring
 * keeps the last `slots` of them, value p in slot p & mask. Each receiver handle holds
 * the number of the next value it sees: behind tail - slots, it lagged, and the values
 * in between are gone. A send never waits (it overwrites the oldest value) and wakes
 * every parked receive; each looks at its own position when polled.
 */
#include "chan.h"

#include <limits.h>
#include <stdalign.h>
#include <stdlib.h>

struct ac_broadcast {
    aci_chan c;    /* c.receiving: the parked receives */
    uint64_t tail; /* the number of the next value sent */
    size_t mask;   /* slots - 1 */
    alignas(max_align_t) unsigned char slots[];
};

int ac_broadcast_new(ac_broadcast_tx *tx, ac_broadcast_rx *rx, size_t elem_size, size_t capacity) {
    *tx = (ac_broadcast_tx){NULL};
    *rx = (ac_broadcast_rx){NULL, 0};
    if (elem_size == 0 || capacity == 0)
        return AC_CHAN_INVALID;
    size_t slots = 1;
    while (slots < capacity && slots <= SIZE_MAX / 2)
        slots <<= 1;
    if (slots < capacity || slots > (SIZE_MAX - sizeof(struct ac_broadcast)) / elem_size)
        return AC_CHAN_NOMEM;
    struct ac_broadcast *ch =
        aci_chan_alloc(sizeof *ch + slots * elem_size, elem_size, ACI_BROADCAST);
    if (!ch)
        return AC_CHAN_NOMEM;
    ch->mask = slots - 1;
    tx->ch = rx->ch = ch;
    return AC_CHAN_OK;
}

int ac_broadcast_tx_clone(const ac_broadcast_tx *tx, ac_broadcast_tx *copy) {
    copy->ch = tx->ch;
    return aci_chan_add_handle((aci_chan *)tx->ch, ACI_SENDER);
}

/* A new receiver of ch at position *next (the tail when NULL). */
static int broadcast_add_receiver(struct ac_broadcast *ch, const uint64_t *next,
                                  ac_broadcast_rx *rx) {
    *rx = (ac_broadcast_rx){ch, 0};
    int r = aci_chan_add_handle((aci_chan *)ch, ACI_RECEIVER);
    if (r == AC_CHAN_OK) {
        aci_chan_lock(&ch->c);
        rx->next = next ? *next : ch->tail;
        aci_chan_unlock(&ch->c);
    }
    return r;
}

int ac_broadcast_subscribe(const ac_broadcast_tx *tx, ac_broadcast_rx *rx) {
    return broadcast_add_receiver(tx->ch, NULL, rx);
}

int ac_broadcast_rx_clone(const ac_broadcast_rx *rx, ac_broadcast_rx *copy) {
    return broadcast_add_receiver(rx->ch, &rx->next, copy);
}

void ac_broadcast_tx_drop(ac_broadcast_tx *tx) {
    aci_chan_drop_handle((aci_chan *)tx->ch, ACI_SENDER);
    tx->ch = NULL;
}

void ac_broadcast_rx_drop(ac_broadcast_rx *rx) {
    aci_chan_drop_handle((aci_chan *)rx->ch, ACI_RECEIVER);
    rx->ch = NULL;
}

int ac_broadcast_send(ac_broadcast_tx *tx, const void *value) {
    struct ac_broadcast *ch = tx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = aci_chan_put(&ch->c, ch->slots + (ch->tail & ch->mask) * ch->c.elem_size, value);
    if (r == AC_CHAN_OK) {
        ch->tail++;
        aci_chan_wake_all(&ch->c.receiving, AC_CHAN_OK);
    }
    aci_chan_unlock(&ch->c);
    return r;
}

/* Under the lock: what rx sees next (see ac_broadcast_try_recv). */
static int broadcast_take(struct ac_broadcast *ch, ac_broadcast_rx *rx, void *out) {
    uint64_t slots = (uint64_t)ch->mask + 1;
    if (ch->tail - rx->next > slots) {
        uint64_t missed = ch->tail - slots - rx->next;
        rx->next = ch->tail - slots;
        return missed > INT_MAX ? INT_MAX : (int)missed;
    }
    if (rx->next == ch->tail)
        return ch->c.senders == 0 ? AC_CHAN_CLOSED : AC_CHAN_EMPTY;
    size_t elem = ch->c.elem_size;
    aci_chan_copy(out, ch->slots + (rx->next & ch->mask) * elem, elem);
    rx->next++;
    return AC_CHAN_OK;
}

int ac_broadcast_try_recv(ac_broadcast_rx *rx, void *out) {
    struct ac_broadcast *ch = rx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = broadcast_take(ch, rx, out);
    aci_chan_unlock(&ch->c);
    return r;
}

/* ---- leaf: ac_broadcast_recv -------------------------------------------------------------------
 */

static int recv_try(aci_chan *c, void *frame, ac_chan_wait *w, ac_waitlist **park) {
    struct ac_broadcast *ch = (struct ac_broadcast *)c;
    ac_broadcast_rx *rx = ((ac_broadcast_recv_frame *)frame)->rx;
    *park = &ch->c.receiving;
    if (rx->ch != ch) /* rx was dropped while this receive waited */
        return AC_CHAN_INVALID;
    return broadcast_take(ch, rx, w->buf);
}

ac_poll ac_broadcast_recv_poll(ac_broadcast_recv_frame *f, ac_cx *cx, int *out) {
    return aci_chan_poll(&f->ch, &f->wait, cx, recv_try, f, out);
}

void ac_broadcast_recv_drop(ac_broadcast_recv_frame *f) {
    aci_chan_drop(f->ch, &f->wait);
}
