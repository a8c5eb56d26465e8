/* chan.c - what the channel kinds share (chan.h): blocks, rings and waiting. */
#define _GNU_SOURCE 1 /* syscall */

#include "chan.h"

#include <linux/membarrier.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- the bias (see chan.h) -------------------------------------------------------------- */

#if defined(__SANITIZE_THREAD__)
#define CHAN_BIAS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CHAN_BIAS 0
#endif
#endif
#ifndef CHAN_BIAS
#define CHAN_BIAS 1
#endif

static pthread_once_t membarrier_once = PTHREAD_ONCE_INIT;
static bool membarrier_ready;

static void membarrier_register(void) {
    membarrier_ready =
        syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
        syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
}

/* Whether new channels may start biased to their owner. */
static bool chan_bias_possible(void) {
    if (!CHAN_BIAS)
        return false;
    pthread_once(&membarrier_once, membarrier_register);
    return membarrier_ready;
}

void aci_chan_share(aci_chan *ch) {
    aci_spin_lock(&ch->lock);
    if (!atomic_load_explicit(&ch->shared, memory_order_relaxed)) {
        atomic_store_explicit(&ch->shared, 1, memory_order_seq_cst);
        /* Registered already: the channel was made biased. Cannot fail then. */
        (void)syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
        while (atomic_load_explicit(&ch->busy, memory_order_acquire))
            aci_spin_pause();
    }
    aci_spin_unlock(&ch->lock);
}

void *aci_chan_alloc(size_t size, size_t elem_size, aci_chan_kind kind) {
    if (elem_size > UINT32_MAX)
        return NULL;
    aci_chan *ch = calloc(1, size);
    if (!ch)
        return NULL;
    ch->lock = 0;
    atomic_init(&ch->busy, 0);
    atomic_init(&ch->shared, !chan_bias_possible());
    ch->owner = &aci_loop_this;
    ch->refs = 2;
    ch->senders = 1;
    ch->receivers = 1;
    ch->elem_size = (uint32_t)elem_size;
    ch->kind = (uint8_t)kind;
    return ch;
}

void aci_chan_free(aci_chan *ch) {
    if (ch->kind == ACI_MPSC)
        aci_mpsc_release(ch);
    free(ch);
}

int aci_chan_add_handle(aci_chan *ch, aci_chan_end end) {
    if (!ch)
        return AC_CHAN_INVALID;
    aci_chan_lock(ch);
    ch->refs++;
    if (end == ACI_SENDER)
        ch->senders++;
    else
        ch->receivers++;
    aci_chan_unlock(ch);
    return AC_CHAN_OK;
}

void aci_chan_drop_handle(aci_chan *ch, aci_chan_end end) {
    if (!ch)
        return;
    aci_chan_lock(ch);
    if (end == ACI_SENDER && --ch->senders == 0)
        aci_chan_wake_all(&ch->receiving, AC_CHAN_OK);
    if (end == ACI_RECEIVER && --ch->receivers == 0 && ch->kind == ACI_MPSC)
        aci_mpsc_receivers_gone(ch);
    aci_chan_unlock_release(ch, aci_chan_unref(ch));
}

/* ---- rings ---------------------------------------------------------------------------------- */

static size_t round_up_pow2(size_t n) {
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

int aci_ring_init(aci_ring *r, size_t slots, size_t elem) {
    slots = round_up_pow2(slots);
    if (slots > SIZE_MAX / elem)
        return -1;
    r->buf = malloc(slots * elem);
    if (!r->buf)
        return -1;
    r->mask = slots - 1;
    r->head = 0;
    r->len = 0;
    return 0;
}

void aci_ring_release(aci_ring *r) {
    free(r->buf);
    r->buf = NULL;
}

/* The values move to the front of the new array, oldest first. */
int aci_ring_grow(aci_ring *r, size_t elem) {
    size_t slots = aci_ring_slots(r);
    if (slots > SIZE_MAX / 2 / elem)
        return -1;
    unsigned char *buf = malloc(2 * slots * elem);
    if (!buf)
        return -1;
    size_t first = slots - r->head; /* the values up to the end of the old array */
    if (first > r->len)
        first = r->len;
    memcpy(buf, r->buf + r->head * elem, first * elem);
    memcpy(buf + first * elem, r->buf, (r->len - first) * elem);
    free(r->buf);
    r->buf = buf;
    r->mask = 2 * slots - 1;
    r->head = 0;
    return 0;
}

/* ---- the poll and drop of a leaf ------------------------------------------------------------- */

void aci_chan_drop(aci_chan *ch, ac_chan_wait *w) {
    if (!ch || aci_chan_wait_idle(w))
        return;
    aci_chan_lock(ch);
    aci_chan_unlock_release(ch, aci_chan_unpark(ch, &w->waiter));
}
