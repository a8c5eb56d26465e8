/* chan_watch.c - watch channels (ac_chan.h has the API).
 *
 * One block: the header, a version number and the value. Each send stores the value,
 * bumps the version and wakes every parked ac_watch_changed; each receiver handle
 * holds the version it saw last, so a receiver that looks late sees only the latest
 * value (the intermediate ones are not queued: that is what a watch is for).
 */
#include "chan.h"

#include <stdalign.h>
#include <stdlib.h>

struct ac_watch {
    aci_chan c;       /* c.receiving: the parked changed waits */
    uint64_t version; /* bumped by each send; the initial value is version 0 */
    alignas(max_align_t) unsigned char value[];
};

int ac_watch_new(ac_watch_tx *tx, ac_watch_rx *rx, size_t elem_size, const void *initial) {
    *tx = (ac_watch_tx){NULL};
    *rx = (ac_watch_rx){NULL, 0};
    if (elem_size == 0 || !initial)
        return AC_CHAN_INVALID;
    if (elem_size > SIZE_MAX - sizeof(struct ac_watch))
        return AC_CHAN_NOMEM;
    struct ac_watch *ch = aci_chan_alloc(sizeof *ch + elem_size, elem_size, ACI_WATCH);
    if (!ch)
        return AC_CHAN_NOMEM;
    memcpy(ch->value, initial, elem_size);
    tx->ch = rx->ch = ch;
    return AC_CHAN_OK;
}

int ac_watch_rx_clone(const ac_watch_rx *rx, ac_watch_rx *copy) {
    *copy = *rx;
    return aci_chan_add_handle((aci_chan *)rx->ch, ACI_RECEIVER);
}

void ac_watch_tx_drop(ac_watch_tx *tx) {
    aci_chan_drop_handle((aci_chan *)tx->ch, ACI_SENDER);
    tx->ch = NULL;
}

void ac_watch_rx_drop(ac_watch_rx *rx) {
    aci_chan_drop_handle((aci_chan *)rx->ch, ACI_RECEIVER);
    rx->ch = NULL;
}

int ac_watch_send(ac_watch_tx *tx, const void *value) {
    struct ac_watch *ch = tx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = aci_chan_put(&ch->c, ch->value, value);
    if (r == AC_CHAN_OK) {
        ch->version++;
        aci_chan_wake_all(&ch->c.receiving, AC_CHAN_OK);
    }
    aci_chan_unlock(&ch->c);
    return r;
}

int ac_watch_get(ac_watch_rx *rx, void *out) {
    struct ac_watch *ch = rx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    aci_chan_copy(out, ch->value, ch->c.elem_size);
    rx->seen = ch->version;
    aci_chan_unlock(&ch->c);
    return AC_CHAN_OK;
}

/* Under the lock: OK (an unseen version, now seen), EMPTY or CLOSED. */
static int watch_look(struct ac_watch *ch, ac_watch_rx *rx) {
    if (rx->seen != ch->version) {
        rx->seen = ch->version;
        return AC_CHAN_OK;
    }
    return ch->c.senders == 0 ? AC_CHAN_CLOSED : AC_CHAN_EMPTY;
}

int ac_watch_try_changed(ac_watch_rx *rx) {
    struct ac_watch *ch = rx->ch;
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(&ch->c);
    int r = watch_look(ch, rx);
    aci_chan_unlock(&ch->c);
    return r;
}

/* ---- leaf: ac_watch_changed
 * ---------------------------------------------------------------------- */

static int changed_try(aci_chan *c, void *frame, ac_chan_wait *w, ac_waitlist **park) {
    (void)w;
    struct ac_watch *ch = (struct ac_watch *)c;
    ac_watch_rx *rx = ((ac_watch_changed_frame *)frame)->rx;
    *park = &ch->c.receiving;
    if (rx->ch != ch) /* rx was dropped while this wait was parked */
        return AC_CHAN_INVALID;
    return watch_look(ch, rx);
}

ac_poll ac_watch_changed_poll(ac_watch_changed_frame *f, ac_cx *cx, int *out) {
    return aci_chan_poll(&f->ch, &f->wait, cx, changed_try, f, out);
}

void ac_watch_changed_drop(ac_watch_changed_frame *f) {
    aci_chan_drop(f->ch, &f->wait);
}
