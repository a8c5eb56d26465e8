#define _POSIX_C_SOURCE 200809L /* nanosleep */
/* test_chan_threads.c - channels with their ends on different threads, each thread
 * running its own block_on: producers and a consumer, a ping-pong, oneshots sent while
 * their receivers park, broadcast and watch, the receiver going while senders wait,
 * and receives dropped (cancelled) while a wake from another thread may be on its way.
 * Build with -DASYNCC_SANITIZE=thread to check the locking. */
#include "chan.h"
#include "internal.h"
#include "machines.h"
#include "members.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

/* ---- mpsc: producers on several threads ------------------------------------------------------ */

typedef struct mpsc_setup {
    ac_mpsc_tx tx[8];
    ac_mpsc_rx rx;
    uint32_t n;
    consumed c;
} mpsc_setup;

static ac_task *make_producer(void *arg, size_t i) {
    mpsc_setup *s = arg;
    return producer_new(s->tx[i], (uint32_t)i, s->n);
}

static ac_task *make_consumer(void *arg, size_t i) {
    (void)i;
    mpsc_setup *s = arg;
    return consumer_new(s->rx, &s->c);
}

/* `producers` threads with one producer task each and a consumer thread: every message
 * arrives once, each producer's in order. */
static void run_mpsc_threads(uint32_t producers, uint32_t n, size_t capacity) {
    static mpsc_setup s;
    s = (mpsc_setup){.n = n};
    ac_mpsc_tx tx;
    assert_int_equal(ac_mpsc_new(&tx, &s.rx, sizeof(uint64_t), capacity), AC_CHAN_OK);
    member m[9];
    for (uint32_t i = 0; i < producers; i++) {
        assert_int_equal(ac_mpsc_tx_clone(&tx, &s.tx[i]), AC_CHAN_OK);
        m[i] = (member){.make = make_producer, .arg = &s, .first = i, .tasks = 1};
    }
    ac_mpsc_tx_drop(&tx);
    m[producers] = (member){.make = make_consumer, .arg = &s, .tasks = 1};
    run_members(m, (int)producers + 1);
    assert_int_equal(s.c.end, AC_CHAN_CLOSED);
    assert_int_equal(s.c.count, (uint64_t)producers * n);
    assert_int_equal(s.c.sum, messages_sum(producers, n));
    assert_int_equal(s.c.out_of_order, 0);
}

static void test_mpsc_producers_on_threads(void **state) {
    (void)state;
    /* Sizes for a loaded 2-core machine: a wake across threads can cost a scheduler
     * time slice there, and capacity 1 makes one per message. */
    run_mpsc_threads(1, 3000, 1);
    run_mpsc_threads(3, 1000, 1);
    run_mpsc_threads(4, 20000, 64);
    run_mpsc_threads(4, 20000, AC_MPSC_UNBOUNDED);
}

/* ---- ping-pong across two threads --------------------------------------------------------------
 */

/* uint64_t echo(in, out, n, first): n times { receive v from in; send v + 1 to out },
 * sending `first` before the first receive when starts is set; returns the last value. */
typedef struct echo_frame {
    ac_mpsc_rx *in;
    ac_mpsc_tx *out;
    uint32_t i, n;
    int state; /* 0: about to send or receive, 1: receiving, 2: sending */
    int starts;
    uint64_t v;
    union {
        ac_mpsc_recv_frame recv;
        ac_mpsc_send_frame send;
    } await;
} echo_frame;

static ac_poll echo_poll(echo_frame *f, ac_cx *cx, uint64_t *out) {
    int r = 0;
    for (;;) {
        if (f->state == 0 && f->starts) {
            f->starts = 0;
            ac_mpsc_send_init(&f->await.send, f->out, &f->v);
            f->state = 2;
        } else if (f->state == 0) {
            if (f->i == f->n)
                break;
            ac_mpsc_recv_init(&f->await.recv, f->in, &f->v);
            f->state = 1;
        }
        if (f->state == 1) {
            if (ac_mpsc_recv_poll(&f->await.recv, cx, &r) == AC_PENDING)
                return AC_PENDING;
            assert_int_equal(r, AC_CHAN_OK);
            f->v++;
            f->i++;
            ac_mpsc_send_init(&f->await.send, f->out, &f->v);
            f->state = 2;
        }
        if (ac_mpsc_send_poll(&f->await.send, cx, &r) == AC_PENDING)
            return AC_PENDING;
        assert_true(r == AC_CHAN_OK || r == AC_CHAN_CLOSED);
        f->state = 0;
    }
    *out = f->v;
    return AC_READY;
}

static void echo_drop(echo_frame *f) {
    if (f->state == 1)
        ac_mpsc_recv_drop(&f->await.recv);
    if (f->state == 2)
        ac_mpsc_send_drop(&f->await.send);
}

DEFINE_VTABLE(echo, sizeof(uint64_t));

typedef struct pingpong {
    ac_mpsc_tx tx[2];
    ac_mpsc_rx rx[2];
    uint32_t n;
} pingpong;

static ac_task *make_echo(void *arg, size_t me) {
    pingpong *p = arg;
    ac_task *t = ac_task_new(&echo_vtable);
    *(echo_frame *)ac_task_frame(t) =
        (echo_frame){&p->rx[me], &p->tx[1 - me], 0, p->n, 0, me == 0, 0, {{0}}};
    return t;
}

static void test_ping_pong_across_threads(void **state) {
    (void)state;
    pingpong p = {.n = 2000};
    for (int i = 0; i < 2; i++)
        assert_int_equal(ac_mpsc_new(&p.tx[i], &p.rx[i], sizeof(uint64_t), 1), AC_CHAN_OK);
    member m[2] = {{.make = make_echo, .arg = &p, .first = 0, .tasks = 1},
                   {.make = make_echo, .arg = &p, .first = 1, .tasks = 1}};
    run_members(m, 2);
    /* The starter's last receive got 2n - 1 from the other side: both counted n. */
    uint64_t last = 0;
    assert_int_equal(ac_mpsc_try_recv(&p.rx[1], &last), AC_CHAN_OK); /* the final echo */
    assert_int_equal(last, 2 * (uint64_t)p.n);
    for (int i = 0; i < 2; i++) {
        ac_mpsc_tx_drop(&p.tx[i]);
        ac_mpsc_rx_drop(&p.rx[i]);
    }
}

/* ---- oneshots sent from another thread
 * ----------------------------------------------------------- */

#define SHOTS 5000

typedef struct shots {
    ac_oneshot_tx tx[SHOTS];
    ac_oneshot_rx rx[SHOTS];
    uint64_t value[SHOTS];
    ssize_t result[SHOTS];
    step steps[SHOTS][2];
} shots;

static ac_task *make_receiver(void *arg, size_t i) {
    shots *s = arg;
    s->steps[i][0] = (step)S_ONESHOT(&s->rx[i], &s->value[i], &s->result[i]);
    s->steps[i][1] = (step)S_END(0);
    return script_new(s->steps[i], NULL);
}

/* Sends every oneshot, in reverse order, with one dropped unsent every 7. */
static void call_send_all(void *arg, ac_task *self) {
    (void)self;
    shots *s = arg;
    for (size_t i = SHOTS; i-- > 0;) {
        uint64_t v = i * 3;
        if (i % 7 == 0)
            ac_oneshot_tx_drop(&s->tx[i]);
        else
            assert_int_equal(ac_oneshot_send(&s->tx[i], &v), AC_CHAN_OK);
    }
}

static ac_task *make_sender(void *arg, size_t i) {
    (void)i;
    static step steps[2];
    steps[0] = (step)S_CALL(call_send_all, arg);
    steps[1] = (step)S_END(0);
    return script_new(steps, NULL);
}

/* The receiving thread joins its tasks in order, so most park before their value comes
 * and some find it there already. */
static void test_oneshots_from_another_thread(void **state) {
    (void)state;
    shots *s = calloc(1, sizeof *s);
    assert_non_null(s);
    for (size_t i = 0; i < SHOTS; i++)
        assert_int_equal(ac_oneshot_new(&s->tx[i], &s->rx[i], sizeof(uint64_t)), AC_CHAN_OK);
    member m[2] = {{.make = make_receiver, .arg = s, .tasks = SHOTS},
                   {.make = make_sender, .arg = s, .tasks = 1}};
    run_members(m, 2);
    for (size_t i = 0; i < SHOTS; i++) {
        assert_int_equal(s->result[i], i % 7 == 0 ? AC_CHAN_CLOSED : AC_CHAN_OK);
        assert_int_equal(s->value[i], i % 7 == 0 ? 0 : i * 3);
        assert_null(s->rx[i].ch);
    }
    free(s);
}

/* ---- broadcast and watch ------------------------------------------------------------------------
 */

#define BCAST_N 20000

/* int tally(rx, t): receive until the end, checking values increase by one, counting
 * what was received and what was missed. */
typedef struct tally {
    ac_broadcast_rx rx;
    uint64_t received, missed, next, wrong;
} tally;

typedef struct tally_frame {
    tally *t;
    int parked;
    uint64_t v;
    ac_broadcast_recv_frame recv;
} tally_frame;

static ac_poll tally_poll(tally_frame *f, ac_cx *cx, int *out) {
    tally *t = f->t;
    for (;;) {
        if (!f->parked)
            ac_broadcast_recv_init(&f->recv, &t->rx, &f->v);
        int r;
        f->parked = ac_broadcast_recv_poll(&f->recv, cx, &r) == AC_PENDING;
        if (f->parked)
            return AC_PENDING;
        if (r < 0) {
            ac_broadcast_rx_drop(&t->rx);
            *out = r;
            return AC_READY;
        }
        if (r > 0) {
            t->missed += (uint64_t)r;
            t->next += (uint64_t)r;
            continue;
        }
        t->wrong += f->v != t->next;
        t->next = f->v + 1;
        t->received++;
    }
}

static void tally_drop(tally_frame *f) {
    if (f->parked)
        ac_broadcast_recv_drop(&f->recv);
}

DEFINE_VTABLE(tally, sizeof(int));

typedef struct bcast_setup {
    ac_broadcast_tx tx;
    tally t[3];
} bcast_setup;

static ac_task *make_tally(void *arg, size_t i) {
    bcast_setup *b = arg;
    ac_task *t = ac_task_new(&tally_vtable);
    *(tally_frame *)ac_task_frame(t) = (tally_frame){&b->t[i], 0, 0, {0}};
    return t;
}

static void call_broadcast_all(void *arg, ac_task *self) {
    (void)self;
    bcast_setup *b = arg;
    for (uint64_t v = 0; v < BCAST_N; v++)
        assert_int_equal(ac_broadcast_send(&b->tx, &v), AC_CHAN_OK);
    ac_broadcast_tx_drop(&b->tx);
}

static ac_task *make_broadcaster(void *arg, size_t i) {
    (void)i;
    static step steps[3];
    steps[0] = (step)S_YIELD();
    steps[1] = (step)S_CALL(call_broadcast_all, arg);
    steps[2] = (step)S_END(0);
    return script_new(steps, NULL);
}

/* Three receivers on two threads and a sender on a third: each receiver sees every
 * value in order or is told exactly how many it missed. */
static void test_broadcast_across_threads(void **state) {
    (void)state;
    for (size_t capacity = 4; capacity <= 32768; capacity *= 8192) {
        static bcast_setup b;
        assert_int_equal(ac_broadcast_new(&b.tx, &b.t[0].rx, sizeof(uint64_t), capacity),
                         AC_CHAN_OK);
        for (int i = 0; i < 3; i++) {
            if (i > 0)
                assert_int_equal(ac_broadcast_subscribe(&b.tx, &b.t[i].rx), AC_CHAN_OK);
            b.t[i].received = b.t[i].missed = b.t[i].next = b.t[i].wrong = 0;
        }
        member m[3] = {{.make = make_tally, .arg = &b, .first = 0, .tasks = 2},
                       {.make = make_tally, .arg = &b, .first = 2, .tasks = 1},
                       {.make = make_broadcaster, .arg = &b, .tasks = 1}};
        run_members(m, 3);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(b.t[i].wrong, 0);
            assert_int_equal(b.t[i].received + b.t[i].missed, BCAST_N);
            if (capacity >= BCAST_N)
                assert_int_equal(b.t[i].missed, 0);
        }
    }
}

typedef struct watch_setup {
    ac_watch_tx tx;
    ac_watch_rx rx;
    uint64_t seen_last, changes, backwards;
    int end;
} watch_setup;

typedef struct follow_frame {
    watch_setup *w;
    int parked;
    ac_watch_changed_frame changed;
} follow_frame;

static ac_poll follow_poll(follow_frame *f, ac_cx *cx, void *out) {
    (void)out;
    watch_setup *w = f->w;
    for (;;) {
        if (!f->parked)
            ac_watch_changed_init(&f->changed, &w->rx);
        int r;
        f->parked = ac_watch_changed_poll(&f->changed, cx, &r) == AC_PENDING;
        if (f->parked)
            return AC_PENDING;
        if (r != AC_CHAN_OK) {
            w->end = r;
            return AC_READY;
        }
        uint64_t v;
        assert_int_equal(ac_watch_get(&w->rx, &v), AC_CHAN_OK);
        w->backwards += v < w->seen_last;
        w->seen_last = v;
        w->changes++;
    }
}

static void follow_drop(follow_frame *f) {
    if (f->parked)
        ac_watch_changed_drop(&f->changed);
}

DEFINE_VTABLE(follow, 0);

static ac_task *make_follower(void *arg, size_t i) {
    (void)i;
    ac_task *t = ac_task_new(&follow_vtable);
    *(follow_frame *)ac_task_frame(t) = (follow_frame){arg, 0, {0}};
    return t;
}

static void call_watch_sends(void *arg, ac_task *self) {
    (void)self;
    watch_setup *w = arg;
    for (uint64_t v = 1; v <= 50000; v++)
        assert_int_equal(ac_watch_send(&w->tx, &v), AC_CHAN_OK);
    ac_watch_tx_drop(&w->tx);
}

static ac_task *make_watch_sender(void *arg, size_t i) {
    (void)i;
    static step steps[3];
    steps[0] = (step)S_YIELD();
    steps[1] = (step)S_CALL(call_watch_sends, arg);
    steps[2] = (step)S_END(0);
    return script_new(steps, NULL);
}

/* A watch updated from another thread: the receiver sees values only move forward, and
 * the last one before the end. */
static void test_watch_across_threads(void **state) {
    (void)state;
    static watch_setup w;
    uint64_t zero = 0;
    assert_int_equal(ac_watch_new(&w.tx, &w.rx, sizeof(uint64_t), &zero), AC_CHAN_OK);
    member m[2] = {{.make = make_follower, .arg = &w, .tasks = 1},
                   {.make = make_watch_sender, .arg = &w, .tasks = 1}};
    run_members(m, 2);
    assert_int_equal(w.end, AC_CHAN_CLOSED);
    assert_int_equal(w.backwards, 0);
    assert_int_equal(w.seen_last, 50000);
    assert_true(w.changes >= 1 && w.changes <= 50000);
    ac_watch_rx_drop(&w.rx);
}

/* ---- races: closing and cancelling -------------------------------------------------------------
 */

/* The receiver goes while producers on other threads are parked on the full channel:
 * each producer ends (with CLOSED, or OK if it was done), none hangs, nothing leaks. */
static void call_take_some_then_drop(void *arg, ac_task *self) {
    (void)self;
    mpsc_setup *s = arg;
    uint64_t v;
    for (int i = 0; i < 100; i++)
        if (ac_mpsc_try_recv(&s->rx, &v) == AC_CHAN_OK)
            s->c.count++;
    ac_mpsc_rx_drop(&s->rx);
}

static ac_task *make_dropper(void *arg, size_t i) {
    (void)i;
    static step steps[4];
    steps[0] = (step)S_SLEEP(2);
    steps[1] = (step)S_CALL(call_take_some_then_drop, arg);
    steps[2] = (step)S_END(0);
    return script_new(steps, NULL);
}

static void test_receiver_gone_while_senders_parked(void **state) {
    (void)state;
    for (int round = 0; round < 20; round++) {
        static mpsc_setup s;
        s = (mpsc_setup){.n = 1000};
        ac_mpsc_tx tx;
        assert_int_equal(ac_mpsc_new(&tx, &s.rx, sizeof(uint64_t), 4), AC_CHAN_OK);
        member m[4];
        for (int i = 0; i < 3; i++) {
            assert_int_equal(ac_mpsc_tx_clone(&tx, &s.tx[i]), AC_CHAN_OK);
            m[i] = (member){.make = make_producer, .arg = &s, .first = i, .tasks = 1};
        }
        ac_mpsc_tx_drop(&tx);
        m[3] = (member){.make = make_dropper, .arg = &s, .tasks = 1};
        run_members(m, 4);
        assert_true(s.c.count <= 100);
    }
}

/* A receiver thread that drops its parked receive at random points - before or after
 * the producer's wake, which may be on its way through the inbox - and starts a new
 * one: every message is received exactly once, in order. */
typedef struct canceller {
    mpsc_setup *s;
    uint32_t seed; /* xorshift state */
    uint64_t cancels;
} canceller;

static uint32_t next_random(canceller *k) {
    k->seed ^= k->seed << 13;
    k->seed ^= k->seed >> 17;
    k->seed ^= k->seed << 5;
    return k->seed;
}

/* One receive, dropped at a random point while it is parked: 1 with a result in *r, 0
 * when it was cancelled. */
static int receive_or_cancel(canceller *k, ac_root *root, uint64_t *v, int *r) {
    ac_mpsc_recv_frame f;
    ac_mpsc_recv_init(&f, &k->s->rx, v);
    while (ac_mpsc_recv_poll(&f, &root->cx, r) == AC_PENDING) {
        if (next_random(k) % 2) { /* cancel, the wake perhaps on its way */
            for (int spin = (int)(next_random(k) % 256); spin > 0; spin--)
                aci_spin_pause();
            ac_mpsc_recv_drop(&f);
            k->cancels++;
            return 0;
        }
        if (ac_root_wait(root) != 0) {
            ac_mpsc_recv_drop(&f);
            *r = -100;
            return 1;
        }
    }
    return 1;
}

static void cancelling_body(member *m, ac_root *root) {
    canceller *k = m->arg;
    for (;;) {
        uint64_t v;
        int r;
        if (!receive_or_cancel(k, root, &v, &r))
            continue;
        if (r != AC_CHAN_OK) {
            k->s->c.end = r;
            ac_mpsc_rx_drop(&k->s->rx);
            return;
        }
        consumed_add(&k->s->c, v);
    }
}

static void test_receives_cancelled_under_cross_thread_wakes(void **state) {
    (void)state;
    static mpsc_setup s;
    s = (mpsc_setup){.n = 5000};
    assert_int_equal(ac_mpsc_new(&s.tx[0], &s.rx, sizeof(uint64_t), 8), AC_CHAN_OK);
    canceller k = {&s, 12345, 0};
    member m[2] = {{.make = make_producer, .arg = &s, .tasks = 1},
                   {.body = cancelling_body, .arg = &k}};
    run_members(m, 2);
    assert_int_equal(s.c.end, AC_CHAN_CLOSED);
    assert_int_equal(s.c.count, s.n);
    assert_int_equal(s.c.sum, messages_sum(1, s.n));
    assert_int_equal(s.c.out_of_order, 0);
    assert_true(k.cancels > 0);
}

/* ---- the owner's bias revoked while it works --------------------------------------------------
 */

/* A channel made on the producer's thread (so biased to its loop) whose receiver goes to
 * a consumer thread through a oneshot: the consumer's first operation revokes the bias
 * while the producer is sending without a pause (unbounded: it never parks). Every
 * message arrives once, in order. */
typedef struct handoff {
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    mpsc_setup s;
} handoff;

static ac_task *make_biased_producer(void *arg, size_t i) {
    (void)i;
    handoff *h = arg;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    assert_int_equal(ac_mpsc_new(&tx, &rx, sizeof(uint64_t), AC_MPSC_UNBOUNDED), AC_CHAN_OK);
    assert_int_equal(ac_oneshot_send(&h->tx, &rx), AC_CHAN_OK);
    return producer_new(tx, 0, h->s.n);
}

static void consume_after_handoff(member *m, ac_root *root) {
    handoff *h = m->arg;
    ac_oneshot_recv_frame f;
    int r = 0;
    ac_oneshot_recv_init(&f, &h->rx, &h->s.rx);
    while (ac_oneshot_recv_poll(&f, &root->cx, &r) == AC_PENDING)
        assert_int_equal(ac_root_wait(root), 0);
    assert_int_equal(r, AC_CHAN_OK);
    ac_join_frame j;
    ac_join_init(&j, ac_task_spawn(consumer_new(h->s.rx, &h->s.c)), NULL);
    while (ac_join_poll(&j, &root->cx, NULL) == AC_PENDING)
        assert_int_equal(ac_root_wait(root), 0);
}

static void test_bias_revoked_while_the_owner_sends(void **state) {
    (void)state;
    for (int round = 0; round < 10; round++) {
        static handoff h;
        h = (handoff){.s = {.n = 100000}};
        assert_int_equal(ac_oneshot_new(&h.tx, &h.rx, sizeof(ac_mpsc_rx)), AC_CHAN_OK);
        member m[2] = {{.make = make_biased_producer, .arg = &h, .tasks = 1},
                       {.body = consume_after_handoff, .arg = &h}};
        run_members(m, 2);
        assert_int_equal(h.s.c.end, AC_CHAN_CLOSED);
        assert_int_equal(h.s.c.count, h.s.n);
        assert_int_equal(h.s.c.sum, messages_sum(1, h.s.n));
        assert_int_equal(h.s.c.out_of_order, 0);
    }
}

/* ---- a wake from another thread while the loop is busy ----------------------------------------
 */

/* The loop never runs out of work (a task yields until the value arrives), so the wake
 * a sending thread posts is delivered only by the loop's periodic look, which reads
 * the wake queue itself when no descriptor is registered (loop.c, loop_look). */

#define SPIN_LIMIT 20000000ul /* polls before the spinner gives up: the wake was lost */

static atomic_int busy_parking, busy_received;

static void note_parking(void *arg, ac_task *self) {
    (void)arg, (void)self;
    atomic_store(&busy_parking, 1);
}

static void note_received(void *arg, ac_task *self) {
    (void)arg, (void)self;
    atomic_store(&busy_received, 1);
}

/* unsigned long spin(): yield until busy_received, or SPIN_LIMIT polls; the polls. */
static ac_poll spin_poll(void *frame, ac_cx *cx, void *out) {
    unsigned long *polls = frame;
    if (atomic_load(&busy_received) || ++*polls == SPIN_LIMIT) {
        *(unsigned long *)out = *polls;
        return AC_READY;
    }
    ac_wake(cx->task);
    return AC_PENDING;
}

static void spin_drop(void *frame) {
    (void)frame;
}

static void *send_once_parked(void *arg) {
    while (!atomic_load(&busy_parking))
        sched_yield();
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL); /* the receive has parked by now, most likely */
    uint64_t v = 42;
    assert_int_equal(ac_oneshot_send(arg, &v), AC_CHAN_OK);
    return NULL;
}

static void test_wake_reaches_a_busy_loop(void **state) {
    (void)state;
    atomic_store(&busy_parking, 0);
    atomic_store(&busy_received, 0);
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(uint64_t)), AC_CHAN_OK);
    uint64_t v = 0;
    ssize_t r = 99;
    step steps[] = {S_CALL(note_parking, NULL), S_ONESHOT(&rx, &v, &r), S_CALL(note_received, NULL),
                    S_END(0)};
    assert_int_equal(ac_detach(ac_task_spawn(script_new(steps, NULL))), 0);
    pthread_t sender;
    assert_int_equal(pthread_create(&sender, NULL, send_once_parked, &tx), 0);
    static const ac_vtable spin_vt = {spin_poll, spin_drop, sizeof(unsigned long),
                                      sizeof(unsigned long), NULL};
    ac_task *spinner = ac_task_new(&spin_vt);
    assert_non_null(spinner);
    *(unsigned long *)ac_task_frame(spinner) = 0;
    unsigned long polls = 0;
    assert_int_equal(ac_task_block_on(spinner, &polls), 0);
    assert_int_equal(pthread_join(sender, NULL), 0);
    assert_true(polls < SPIN_LIMIT);
    assert_int_equal(r, AC_CHAN_OK);
    assert_int_equal(v, 42);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mpsc_producers_on_threads),
        cmocka_unit_test(test_ping_pong_across_threads),
        cmocka_unit_test(test_oneshots_from_another_thread),
        cmocka_unit_test(test_broadcast_across_threads),
        cmocka_unit_test(test_watch_across_threads),
        cmocka_unit_test(test_receiver_gone_while_senders_parked),
        cmocka_unit_test(test_receives_cancelled_under_cross_thread_wakes),
        cmocka_unit_test(test_bias_revoked_while_the_owner_sends),
        cmocka_unit_test(test_wake_reaches_a_busy_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
