/* test_chan.c - the channels on one thread: each kind's values, order and closing, the
 * non-blocking calls, bad handles, leaves polled and dropped by hand at each point of
 * their wait, and producers and consumers as tasks with checksums and per-producer
 * order. The threads are in test_chan_threads.c. */
#include "chan.h"
#include "hand.h"
#include "internal.h"
#include "machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

/* A channel of uint64_t, made or the test fails. */
static void mpsc_u64(ac_mpsc_tx *tx, ac_mpsc_rx *rx, size_t capacity) {
    assert_int_equal(ac_mpsc_new(tx, rx, sizeof(uint64_t), capacity), AC_CHAN_OK);
}

static int send_u64(ac_mpsc_tx *tx, uint64_t v) {
    return ac_mpsc_try_send(tx, &v);
}

/* The next value, or the negative status as a value. */
static int64_t recv_u64(ac_mpsc_rx *rx) {
    uint64_t v = 0;
    int r = ac_mpsc_try_recv(rx, &v);
    return r == AC_CHAN_OK ? (int64_t)v : r;
}

/* ---- mpsc: the non-blocking calls -------------------------------------------------------- */

static void test_mpsc_try_fifo_full_closed(void **state) {
    (void)state;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 3);
    assert_int_equal(recv_u64(&rx), AC_CHAN_EMPTY);
    for (uint64_t v = 10; v < 13; v++)
        assert_int_equal(send_u64(&tx, v), AC_CHAN_OK);
    assert_int_equal(send_u64(&tx, 99), AC_CHAN_FULL);
    assert_int_equal(recv_u64(&rx), 10);
    assert_int_equal(send_u64(&tx, 13), AC_CHAN_OK);
    ac_mpsc_tx_drop(&tx);
    assert_null(tx.ch);
    /* The sender is gone: what is buffered still comes, then the end. */
    assert_int_equal(recv_u64(&rx), 11);
    assert_int_equal(recv_u64(&rx), 12);
    assert_int_equal(recv_u64(&rx), 13);
    assert_int_equal(recv_u64(&rx), AC_CHAN_CLOSED);
    assert_int_equal(recv_u64(&rx), AC_CHAN_CLOSED);
    ac_mpsc_rx_drop(&rx);
}

static void test_mpsc_send_after_receiver_gone(void **state) {
    (void)state;
    ac_mpsc_tx tx, tx2;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 4);
    assert_int_equal(ac_mpsc_tx_clone(&tx, &tx2), AC_CHAN_OK);
    assert_int_equal(send_u64(&tx, 1), AC_CHAN_OK);
    ac_mpsc_rx_drop(&rx);
    assert_int_equal(send_u64(&tx, 2), AC_CHAN_CLOSED);
    assert_int_equal(send_u64(&tx2, 3), AC_CHAN_CLOSED);
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_tx_drop(&tx2);
}

/* Two senders: the end of stream comes only when both are gone. */
static void test_mpsc_end_needs_every_sender_gone(void **state) {
    (void)state;
    ac_mpsc_tx tx, tx2;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 4);
    assert_int_equal(ac_mpsc_tx_clone(&tx, &tx2), AC_CHAN_OK);
    ac_mpsc_tx_drop(&tx);
    assert_int_equal(recv_u64(&rx), AC_CHAN_EMPTY);
    assert_int_equal(send_u64(&tx2, 5), AC_CHAN_OK);
    ac_mpsc_tx_drop(&tx2);
    assert_int_equal(recv_u64(&rx), 5);
    assert_int_equal(recv_u64(&rx), AC_CHAN_CLOSED);
    ac_mpsc_rx_drop(&rx);
}

static void test_mpsc_bad_input(void **state) {
    (void)state;
    ac_mpsc_tx tx, copy;
    ac_mpsc_rx rx;
    assert_int_equal(ac_mpsc_new(&tx, &rx, 0, 4), AC_CHAN_INVALID);
    assert_null(tx.ch);
    assert_null(rx.ch);
    assert_int_equal(send_u64(&tx, 1), AC_CHAN_INVALID);
    assert_int_equal(recv_u64(&rx), AC_CHAN_INVALID);
    assert_int_equal(ac_mpsc_tx_clone(&tx, &copy), AC_CHAN_INVALID);
    ac_mpsc_tx_drop(&tx); /* dropping a handle never made, or twice: nothing */
    ac_mpsc_rx_drop(&rx);
    assert_int_equal(ac_mpsc_new(&tx, &rx, 8, 1), AC_CHAN_OK);
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_tx_drop(&tx);
    assert_int_equal(send_u64(&tx, 1), AC_CHAN_INVALID);
    ac_mpsc_rx_drop(&rx);
    /* A leaf on a dropped handle finishes at once with the same. */
    hand_enter();
    ac_mpsc_recv_frame f;
    uint64_t v;
    int r = 0;
    ac_mpsc_recv_init(&f, &rx, &v);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_INVALID);
    ac_mpsc_recv_drop(&f);
    hand_leave();
}

/* Values of any size are copied whole, in and out. */
static void test_mpsc_element_sizes(void **state) {
    (void)state;
    typedef struct big {
        char text[37];
        double x;
    } big;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    assert_int_equal(ac_mpsc_new(&tx, &rx, sizeof(big), 2), AC_CHAN_OK);
    big a = {"first", 1.5}, b = {"second", -2.25}, out;
    assert_int_equal(ac_mpsc_try_send(&tx, &a), AC_CHAN_OK);
    assert_int_equal(ac_mpsc_try_send(&tx, &b), AC_CHAN_OK);
    assert_int_equal(ac_mpsc_try_recv(&rx, &out), AC_CHAN_OK);
    assert_string_equal(out.text, "first");
    assert_true(out.x == 1.5);
    assert_int_equal(ac_mpsc_try_recv(&rx, &out), AC_CHAN_OK);
    assert_string_equal(out.text, "second");
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
    char c = 'q', d = 0;
    assert_int_equal(ac_mpsc_new(&tx, &rx, 1, 1), AC_CHAN_OK);
    assert_int_equal(ac_mpsc_try_send(&tx, &c), AC_CHAN_OK);
    assert_int_equal(ac_mpsc_try_recv(&rx, &d), AC_CHAN_OK);
    assert_int_equal(d, 'q');
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
}

/* Unbounded: sends never fail for want of room; the ring grows across its wrap point
 * and keeps the order. */
static void test_mpsc_unbounded_grows_in_order(void **state) {
    (void)state;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, AC_MPSC_UNBOUNDED);
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 5; round++) { /* wrap, then grow with a wrapped ring */
        for (int i = 0; i < 1000 + round * 7; i++)
            assert_int_equal(send_u64(&tx, next_in++), AC_CHAN_OK);
        for (int i = 0; i < 900; i++)
            assert_int_equal(recv_u64(&rx), (int64_t)next_out++);
    }
    ac_mpsc_tx_drop(&tx);
    while (next_out < next_in)
        assert_int_equal(recv_u64(&rx), (int64_t)next_out++);
    assert_int_equal(recv_u64(&rx), AC_CHAN_CLOSED);
    ac_mpsc_rx_drop(&rx);
}

/* ---- mpsc: the leaves, polled by hand ------------------------------------------------------ */

/* A receive parks on an empty channel, a spurious poll leaves it parked, a send wakes
 * it and it takes the value. */
static void test_mpsc_recv_parks_and_wakes(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 2);
    ac_mpsc_recv_frame f;
    uint64_t v = 0;
    int r = 99;
    ac_mpsc_recv_init(&f, &rx, &v);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_PENDING);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_PENDING);
    assert_true(aci_waiter_parked(&f.wait.waiter));
    assert_int_equal(send_u64(&tx, 42), AC_CHAN_OK);
    assert_false(aci_waiter_parked(&f.wait.waiter));
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_OK);
    assert_int_equal(v, 42);
    ac_mpsc_recv_drop(&f); /* finished: nothing */
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
    hand_leave();
}

/* The last sender going wakes a parked receive, which gets the end of stream. */
static void test_mpsc_sender_gone_ends_parked_recv(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 2);
    ac_mpsc_recv_frame f;
    uint64_t v = 7;
    int r = 99;
    ac_mpsc_recv_init(&f, &rx, &v);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_PENDING);
    ac_mpsc_tx_drop(&tx);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_CLOSED);
    assert_int_equal(v, 7);
    ac_mpsc_rx_drop(&rx);
    hand_leave();
}

/* Senders parked on a full channel are served in the order they came, each value
 * moved in by the receive that made room: the woken sender is done. The receiver
 * going wakes the rest with CLOSED, and their values are not sent. */
static void test_mpsc_parked_senders_in_order_then_closed(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 1);
    assert_int_equal(send_u64(&tx, 100), AC_CHAN_OK);
    ac_mpsc_send_frame s[4];
    uint64_t values[4] = {101, 102, 103, 104};
    int r[4] = {9, 9, 9, 9};
    for (int i = 0; i < 4; i++) {
        ac_mpsc_send_init(&s[i], &tx, &values[i]);
        assert_int_equal(ac_mpsc_send_poll(&s[i], &root.cx, &r[i]), AC_PENDING);
    }
    assert_int_equal(send_u64(&tx, 999), AC_CHAN_FULL);
    assert_int_equal(recv_u64(&rx), 100); /* makes room: 101 moves in */
    assert_false(aci_waiter_parked(&s[0].wait.waiter));
    assert_true(aci_waiter_parked(&s[1].wait.waiter));
    assert_int_equal(ac_mpsc_send_poll(&s[0], &root.cx, &r[0]), AC_READY);
    assert_int_equal(r[0], AC_CHAN_OK);
    assert_int_equal(send_u64(&tx, 999), AC_CHAN_FULL); /* no barging past s[1] */
    assert_int_equal(recv_u64(&rx), 101);
    assert_int_equal(recv_u64(&rx), 102);
    assert_int_equal(ac_mpsc_send_poll(&s[1], &root.cx, &r[1]), AC_READY);
    assert_int_equal(ac_mpsc_send_poll(&s[2], &root.cx, &r[2]), AC_READY);
    assert_int_equal(r[1], AC_CHAN_OK);
    assert_int_equal(r[2], AC_CHAN_OK);
    ac_mpsc_rx_drop(&rx); /* 103 was buffered: discarded; 104 was waiting: not sent */
    assert_int_equal(ac_mpsc_send_poll(&s[3], &root.cx, &r[3]), AC_READY);
    assert_int_equal(r[3], AC_CHAN_CLOSED);
    ac_mpsc_tx_drop(&tx);
    hand_leave();
}

/* A parked send that is dropped is taken off the channel: its value is never sent,
 * and the next receive's room goes to the sender behind it. */
static void test_mpsc_dropped_send_sends_nothing(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 1);
    assert_int_equal(send_u64(&tx, 1), AC_CHAN_OK);
    ac_mpsc_send_frame a, b;
    uint64_t va = 2, vb = 3;
    int r = 0;
    ac_mpsc_send_init(&a, &tx, &va);
    ac_mpsc_send_init(&b, &tx, &vb);
    assert_int_equal(ac_mpsc_send_poll(&a, &root.cx, &r), AC_PENDING);
    assert_int_equal(ac_mpsc_send_poll(&b, &root.cx, &r), AC_PENDING);
    ac_mpsc_send_drop(&a);
    assert_int_equal(recv_u64(&rx), 1);
    assert_int_equal(recv_u64(&rx), 3);
    assert_int_equal(recv_u64(&rx), AC_CHAN_EMPTY);
    assert_int_equal(ac_mpsc_send_poll(&b, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_OK);
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
    hand_leave();
}

/* Two receives parked on one receiver: a value wakes the first; if that one is dropped
 * before it takes the value, the wake passes to the second, which gets it. */
static void test_mpsc_dropped_woken_recv_passes_the_value_on(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 4);
    ac_mpsc_recv_frame a, b;
    uint64_t va = 0, vb = 0;
    int r = 0;
    ac_mpsc_recv_init(&a, &rx, &va);
    ac_mpsc_recv_init(&b, &rx, &vb);
    assert_int_equal(ac_mpsc_recv_poll(&a, &root.cx, &r), AC_PENDING);
    assert_int_equal(ac_mpsc_recv_poll(&b, &root.cx, &r), AC_PENDING);
    assert_int_equal(send_u64(&tx, 77), AC_CHAN_OK);
    assert_false(aci_waiter_parked(&a.wait.waiter));
    assert_true(aci_waiter_parked(&b.wait.waiter));
    ac_mpsc_recv_drop(&a);
    assert_false(aci_waiter_parked(&b.wait.waiter));
    assert_int_equal(ac_mpsc_recv_poll(&b, &root.cx, &r), AC_READY);
    assert_int_equal(vb, 77);
    assert_int_equal(va, 0);
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
    hand_leave();
}

/* A parked frame keeps the channel alive after every handle is gone (a careless
 * program); its drop frees it. ASan and valgrind check the memory. */
static void test_mpsc_parked_frame_outlives_handles(void **state) {
    (void)state;
    hand_enter();
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 1);
    ac_mpsc_recv_frame f;
    uint64_t v;
    int r = 0;
    ac_mpsc_recv_init(&f, &rx, &v);
    assert_int_equal(ac_mpsc_recv_poll(&f, &root.cx, &r), AC_PENDING);
    ac_mpsc_rx_drop(&rx); /* wakes it with CLOSED */
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_recv_drop(&f);
    hand_leave();
}

/* ---- mpsc: tasks ---------------------------------------------------------------------------- */

/* Producers and a consumer as tasks on one loop: every message arrives once, each
 * producer's in order, whatever the capacity. */
static void run_producers(uint32_t producers, uint32_t n, size_t capacity) {
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, capacity);
    for (uint32_t i = 0; i < producers; i++) {
        ac_mpsc_tx mine;
        assert_int_equal(ac_mpsc_tx_clone(&tx, &mine), AC_CHAN_OK);
        ac_detach(ac_task_spawn(producer_new(mine, i, n)));
    }
    ac_mpsc_tx_drop(&tx);
    consumed c = {0};
    assert_int_equal(ac_task_block_on(consumer_new(rx, &c), NULL), 0);
    assert_int_equal(c.end, AC_CHAN_CLOSED);
    assert_int_equal(c.count, (uint64_t)producers * n);
    assert_int_equal(c.sum, messages_sum(producers, n));
    assert_int_equal(c.out_of_order, 0);
    for (uint32_t i = 0; i < producers; i++)
        assert_int_equal(c.next[i], n);
    assert_int_equal(aci_tasks_live(), 0);
}

static void test_mpsc_tasks_many_producers(void **state) {
    (void)state;
    run_producers(1, 10000, 1);
    run_producers(8, 5000, 1);
    run_producers(8, 5000, 16);
    run_producers(3, 20000, 1024);
    run_producers(8, 5000, AC_MPSC_UNBOUNDED);
}

/* A consumer that never runs to the end: the outermost block_on drops it while it is
 * parked, and the producers parked on the full channel; nothing leaks. */
static void test_mpsc_tasks_dropped_while_parked(void **state) {
    (void)state;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 2);
    ac_mpsc_tx mine;
    assert_int_equal(ac_mpsc_tx_clone(&tx, &mine), AC_CHAN_OK);
    ac_task *p = ac_task_spawn(producer_new(mine, 0, 100));
    ac_detach(p);
    /* The root ends while the producer is parked: everything is dropped. */
    step root_steps[] = {S_YIELD(), S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root_steps, NULL), NULL), 0);
    consumed c = {0};
    while (ac_mpsc_try_recv(&rx, &c.sum) == AC_CHAN_OK)
        c.count++;
    assert_int_equal(c.count, 2); /* the producer got no further than the capacity */
    assert_int_equal(ac_mpsc_try_recv(&rx, &c.sum), AC_CHAN_EMPTY); /* tx remains */
    ac_mpsc_tx_drop(&tx);
    assert_int_equal(ac_mpsc_try_recv(&rx, &c.sum), AC_CHAN_CLOSED);
    ac_mpsc_rx_drop(&rx);
    assert_int_equal(aci_tasks_live(), 0);
}

/* A receive parked with no sender anywhere is a deadlock of the lone loop, reported as
 * such, and the parked frame is dropped cleanly. */
static void test_mpsc_lone_parked_recv_is_a_deadlock(void **state) {
    (void)state;
    ac_mpsc_tx tx;
    ac_mpsc_rx rx;
    mpsc_u64(&tx, &rx, 2);
    uint64_t v;
    ssize_t r = 99;
    step steps[] = {S_RECV(&rx, &v, &r), S_END(0)};
    int out = 0;
    assert_int_equal(script_block_on_root(steps, NULL, NULL, &out), -1);
    assert_int_equal(r, 99);
    ac_mpsc_tx_drop(&tx);
    ac_mpsc_rx_drop(&rx);
}

/* ---- oneshot -------------------------------------------------------------------------------- */

static void test_oneshot_send_then_recv(void **state) {
    (void)state;
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
    int v = 0, x = 31;
    assert_int_equal(ac_oneshot_try_recv(&rx, &v), AC_CHAN_EMPTY);
    assert_non_null(rx.ch); /* kept */
    assert_int_equal(ac_oneshot_send(&tx, &x), AC_CHAN_OK);
    assert_null(tx.ch); /* consumed */
    assert_int_equal(ac_oneshot_send(&tx, &x), AC_CHAN_INVALID);
    assert_int_equal(ac_oneshot_try_recv(&rx, &v), AC_CHAN_OK);
    assert_int_equal(v, 31);
    assert_null(rx.ch);
    assert_int_equal(ac_oneshot_try_recv(&rx, &v), AC_CHAN_INVALID);
}

static void test_oneshot_closing(void **state) {
    (void)state;
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    int v = 5;
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
    ac_oneshot_tx_drop(&tx);
    assert_int_equal(ac_oneshot_try_recv(&rx, &v), AC_CHAN_CLOSED);
    assert_null(rx.ch);
    assert_int_equal(v, 5);
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
    ac_oneshot_rx_drop(&rx);
    assert_int_equal(ac_oneshot_send(&tx, &v), AC_CHAN_CLOSED);
    assert_int_equal(ac_oneshot_new(&tx, &rx, 0), AC_CHAN_INVALID);
}

static void test_oneshot_recv_parks_then_value_or_close(void **state) {
    (void)state;
    hand_enter();
    for (int with_value = 0; with_value < 2; with_value++) {
        ac_oneshot_tx tx;
        ac_oneshot_rx rx;
        assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
        ac_oneshot_recv_frame f;
        int v = -1, r = 99, x = 8;
        ac_oneshot_recv_init(&f, &rx, &v);
        assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_PENDING);
        assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_PENDING); /* spurious */
        if (with_value)
            assert_int_equal(ac_oneshot_send(&tx, &x), AC_CHAN_OK);
        else
            ac_oneshot_tx_drop(&tx);
        assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_READY);
        assert_int_equal(r, with_value ? AC_CHAN_OK : AC_CHAN_CLOSED);
        assert_int_equal(v, with_value ? 8 : -1);
        assert_null(rx.ch);
        ac_oneshot_recv_drop(&f); /* finished, the channel freed: nothing */
    }
    hand_leave();
}

/* A second receive on the same receiver is refused while one is parked; a dropped
 * parked receive leaves the channel to the next one. */
static void test_oneshot_second_recv_refused_dropped_recv_clean(void **state) {
    (void)state;
    hand_enter();
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
    ac_oneshot_recv_frame a, b, c;
    int va = 0, vb = 0, vc = 0, r = 0, x = 3;
    ac_oneshot_recv_init(&a, &rx, &va);
    ac_oneshot_recv_init(&b, &rx, &vb);
    assert_int_equal(ac_oneshot_recv_poll(&a, &root.cx, &r), AC_PENDING);
    assert_int_equal(ac_oneshot_recv_poll(&b, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_INVALID);
    ac_oneshot_recv_drop(&a);
    ac_oneshot_recv_init(&c, &rx, &vc);
    assert_int_equal(ac_oneshot_recv_poll(&c, &root.cx, &r), AC_PENDING);
    assert_int_equal(ac_oneshot_send(&tx, &x), AC_CHAN_OK);
    assert_int_equal(ac_oneshot_recv_poll(&c, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_OK);
    assert_int_equal(vc, 3);
    assert_int_equal(va, 0);
    hand_leave();
}

/* A parked receive whose receiver handle is dropped under it: the channel stays until
 * the frame goes, and the frame's poll reports the dropped handle. */
static void test_oneshot_handle_dropped_under_parked_recv(void **state) {
    (void)state;
    hand_enter();
    ac_oneshot_tx tx;
    ac_oneshot_rx rx;
    assert_int_equal(ac_oneshot_new(&tx, &rx, sizeof(int)), AC_CHAN_OK);
    ac_oneshot_recv_frame f;
    int v = 0, r = 0, x = 1;
    ac_oneshot_recv_init(&f, &rx, &v);
    assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_PENDING);
    ac_oneshot_rx_drop(&rx);
    assert_int_equal(ac_oneshot_send(&tx, &x), AC_CHAN_CLOSED);
    assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_INVALID);
    hand_leave();
}

/* The value follows the waiter with no alignment of its own: every size comes out whole,
 * received at once or by a parked receive; a receive woken by the send and dropped before
 * its poll gives the channel up (valgrind and ASan see the block freed once). */
static void test_oneshot_element_sizes(void **state) {
    (void)state;
    hand_enter();
    static const size_t sizes[] = {1, 3, 8, 12, 16, 40, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char in[1000], out[1001];
        for (size_t k = 0; k < n; k++)
            in[k] = (unsigned char)(k * 7 + n);
        for (int parked = 0; parked < 3; parked++) {
            ac_oneshot_tx tx;
            ac_oneshot_rx rx;
            assert_int_equal(ac_oneshot_new(&tx, &rx, n), AC_CHAN_OK);
            memset(out, 0, sizeof out);
            ac_oneshot_recv_frame f;
            int r = 99;
            ac_oneshot_recv_init(&f, &rx, out);
            if (parked)
                assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_PENDING);
            assert_int_equal(ac_oneshot_send(&tx, in), AC_CHAN_OK);
            if (parked == 2) { /* woken, dropped before its poll: nothing received */
                ac_oneshot_recv_drop(&f);
                ac_oneshot_rx_drop(&rx);
                continue;
            }
            assert_int_equal(ac_oneshot_recv_poll(&f, &root.cx, &r), AC_READY);
            assert_int_equal(r, AC_CHAN_OK);
            assert_memory_equal(out, in, n);
            assert_int_equal(out[n], 0); /* nothing past the value */
            assert_null(rx.ch);
        }
    }
    hand_leave();
}

/* ---- broadcast ------------------------------------------------------------------------------ */

static void test_broadcast_every_receiver_sees_every_value(void **state) {
    (void)state;
    ac_broadcast_tx tx;
    ac_broadcast_rx a, b, late;
    assert_int_equal(ac_broadcast_new(&tx, &a, sizeof(int), 8), AC_CHAN_OK);
    assert_int_equal(ac_broadcast_subscribe(&tx, &b), AC_CHAN_OK);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(ac_broadcast_send(&tx, &i), AC_CHAN_OK);
    assert_int_equal(ac_broadcast_subscribe(&tx, &late), AC_CHAN_OK);
    int four = 4, v;
    assert_int_equal(ac_broadcast_send(&tx, &four), AC_CHAN_OK);
    for (int i = 1; i <= 4; i++) {
        assert_int_equal(ac_broadcast_try_recv(&a, &v), AC_CHAN_OK);
        assert_int_equal(v, i);
        assert_int_equal(ac_broadcast_try_recv(&b, &v), AC_CHAN_OK);
        assert_int_equal(v, i);
    }
    assert_int_equal(ac_broadcast_try_recv(&late, &v), AC_CHAN_OK);
    assert_int_equal(v, 4);
    assert_int_equal(ac_broadcast_try_recv(&a, &v), AC_CHAN_EMPTY);
    ac_broadcast_tx_drop(&tx);
    assert_int_equal(ac_broadcast_try_recv(&a, &v), AC_CHAN_CLOSED);
    ac_broadcast_rx_drop(&a);
    ac_broadcast_rx_drop(&b);
    ac_broadcast_rx_drop(&late);
}

/* A receiver more than the capacity behind is told how many it missed, then gets the
 * oldest value kept; a clone starts where its original is. */
static void test_broadcast_lagged_receiver(void **state) {
    (void)state;
    ac_broadcast_tx tx;
    ac_broadcast_rx rx, copy;
    assert_int_equal(ac_broadcast_new(&tx, &rx, sizeof(int), 3), AC_CHAN_OK); /* 4 slots */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ac_broadcast_send(&tx, &i), AC_CHAN_OK);
    assert_int_equal(ac_broadcast_rx_clone(&rx, &copy), AC_CHAN_OK);
    int v = -1;
    assert_int_equal(ac_broadcast_try_recv(&rx, &v), 6);
    assert_int_equal(v, -1);
    for (int i = 6; i < 10; i++) {
        assert_int_equal(ac_broadcast_try_recv(&rx, &v), AC_CHAN_OK);
        assert_int_equal(v, i);
    }
    assert_int_equal(ac_broadcast_try_recv(&copy, &v), 6);
    assert_int_equal(ac_broadcast_try_recv(&copy, &v), AC_CHAN_OK);
    assert_int_equal(v, 6);
    ac_broadcast_rx_drop(&rx);
    ac_broadcast_rx_drop(&copy);
    assert_int_equal(ac_broadcast_send(&tx, &v), AC_CHAN_CLOSED); /* no receiver left */
    ac_broadcast_tx_drop(&tx);
    assert_int_equal(ac_broadcast_new(&tx, &rx, sizeof(int), 0), AC_CHAN_INVALID);
}

static void test_broadcast_recv_parks_until_send(void **state) {
    (void)state;
    hand_enter();
    ac_broadcast_tx tx;
    ac_broadcast_rx a, b;
    assert_int_equal(ac_broadcast_new(&tx, &a, sizeof(int), 4), AC_CHAN_OK);
    assert_int_equal(ac_broadcast_subscribe(&tx, &b), AC_CHAN_OK);
    ac_broadcast_recv_frame fa, fb;
    int va = 0, vb = 0, ra = 0, rb = 0, x = 12;
    ac_broadcast_recv_init(&fa, &a, &va);
    ac_broadcast_recv_init(&fb, &b, &vb);
    assert_int_equal(ac_broadcast_recv_poll(&fa, &root.cx, &ra), AC_PENDING);
    assert_int_equal(ac_broadcast_recv_poll(&fb, &root.cx, &rb), AC_PENDING);
    assert_int_equal(ac_broadcast_send(&tx, &x), AC_CHAN_OK);
    assert_int_equal(ac_broadcast_recv_poll(&fa, &root.cx, &ra), AC_READY);
    assert_int_equal(ac_broadcast_recv_poll(&fb, &root.cx, &rb), AC_READY);
    assert_int_equal(va + vb, 24);
    ac_broadcast_recv_init(&fa, &a, &va);
    assert_int_equal(ac_broadcast_recv_poll(&fa, &root.cx, &ra), AC_PENDING);
    ac_broadcast_tx_drop(&tx);
    assert_int_equal(ac_broadcast_recv_poll(&fa, &root.cx, &ra), AC_READY);
    assert_int_equal(ra, AC_CHAN_CLOSED);
    ac_broadcast_recv_init(&fb, &b, &vb); /* parks? no: the end is known */
    assert_int_equal(ac_broadcast_recv_poll(&fb, &root.cx, &rb), AC_READY);
    assert_int_equal(rb, AC_CHAN_CLOSED);
    ac_broadcast_rx_drop(&a);
    ac_broadcast_rx_drop(&b);
    hand_leave();
}

/* ---- watch ---------------------------------------------------------------------------------- */

static void test_watch_latest_value(void **state) {
    (void)state;
    ac_watch_tx tx;
    ac_watch_rx rx, other;
    int v = 1;
    assert_int_equal(ac_watch_new(&tx, &rx, sizeof(int), &v), AC_CHAN_OK);
    assert_int_equal(ac_watch_try_changed(&rx), AC_CHAN_EMPTY);
    assert_int_equal(ac_watch_get(&rx, &v), AC_CHAN_OK);
    assert_int_equal(v, 1);
    assert_int_equal(ac_watch_rx_clone(&rx, &other), AC_CHAN_OK);
    for (int i = 2; i <= 4; i++) /* coalesced: a receiver sees the latest only */
        assert_int_equal(ac_watch_send(&tx, &i), AC_CHAN_OK);
    assert_int_equal(ac_watch_try_changed(&rx), AC_CHAN_OK);
    assert_int_equal(ac_watch_try_changed(&rx), AC_CHAN_EMPTY);
    assert_int_equal(ac_watch_get(&rx, &v), AC_CHAN_OK);
    assert_int_equal(v, 4);
    assert_int_equal(ac_watch_get(&other, &v), AC_CHAN_OK); /* marks it seen */
    assert_int_equal(ac_watch_try_changed(&other), AC_CHAN_EMPTY);
    int five = 5;
    assert_int_equal(ac_watch_send(&tx, &five), AC_CHAN_OK);
    ac_watch_tx_drop(&tx);
    assert_int_equal(ac_watch_try_changed(&rx), AC_CHAN_OK); /* the last value first */
    assert_int_equal(ac_watch_try_changed(&rx), AC_CHAN_CLOSED);
    assert_int_equal(ac_watch_get(&rx, &v), AC_CHAN_OK);
    assert_int_equal(v, 5);
    ac_watch_rx_drop(&rx);
    ac_watch_rx_drop(&other);
    assert_int_equal(ac_watch_new(&tx, &rx, sizeof(int), &v), AC_CHAN_OK);
    ac_watch_rx_drop(&rx);
    assert_int_equal(ac_watch_send(&tx, &v), AC_CHAN_CLOSED);
    ac_watch_tx_drop(&tx);
}

static void test_watch_changed_parks(void **state) {
    (void)state;
    hand_enter();
    ac_watch_tx tx;
    ac_watch_rx rx;
    int v = 0, r = 9;
    assert_int_equal(ac_watch_new(&tx, &rx, sizeof(int), &v), AC_CHAN_OK);
    ac_watch_changed_frame f;
    ac_watch_changed_init(&f, &rx);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_PENDING);
    v = 10;
    assert_int_equal(ac_watch_send(&tx, &v), AC_CHAN_OK);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_OK);
    ac_watch_changed_init(&f, &rx);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_PENDING);
    ac_watch_changed_drop(&f); /* a dropped wait: the next send wakes nobody */
    assert_int_equal(ac_watch_send(&tx, &v), AC_CHAN_OK);
    ac_watch_changed_init(&f, &rx);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_READY);
    ac_watch_changed_init(&f, &rx);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_PENDING);
    ac_watch_tx_drop(&tx);
    assert_int_equal(ac_watch_changed_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_CHAN_CLOSED);
    ac_watch_rx_drop(&rx);
    hand_leave();
}

/* ---- scripts: channels between tasks, in the executor's order ------------------------------- */

/* A ping-pong over two capacity-1 channels, as two scripts: the trace shows each side
 * resumes only when the other sent. */
static void test_ping_pong_scripts(void **state) {
    (void)state;
    trace_reset();
    ac_mpsc_tx ping_tx, pong_tx;
    ac_mpsc_rx ping_rx, pong_rx;
    mpsc_u64(&ping_tx, &ping_rx, 1);
    mpsc_u64(&pong_tx, &pong_rx, 1);
    uint64_t a = 1, b = 0;
    ssize_t r[4] = {9, 9, 9, 9};
    step ponger[] = {S_RECV(&ping_rx, &b, &r[0]), S_CALL(call_trace, "got-ping"),
                     S_SEND(&pong_tx, &b, &r[1]), S_END(0)};
    ac_task *t = script_spawn(ponger, NULL);
    step pinger[] = {
        S_SEND(&ping_tx, &a, &r[2]),    S_CALL(call_trace, "sent"), S_RECV(&pong_rx, &a, &r[3]),
        S_CALL(call_trace, "got-pong"), S_JOIN(&t, NULL),           S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(pinger, NULL), NULL), 0);
    assert_string_equal(trace_get(), "sent got-ping got-pong");
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i], AC_CHAN_OK);
    assert_int_equal(a, 1);
    ac_mpsc_tx_drop(&ping_tx);
    ac_mpsc_tx_drop(&pong_tx);
    ac_mpsc_rx_drop(&ping_rx);
    ac_mpsc_rx_drop(&pong_rx);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mpsc_try_fifo_full_closed),
        cmocka_unit_test(test_mpsc_send_after_receiver_gone),
        cmocka_unit_test(test_mpsc_end_needs_every_sender_gone),
        cmocka_unit_test(test_mpsc_bad_input),
        cmocka_unit_test(test_mpsc_element_sizes),
        cmocka_unit_test(test_mpsc_unbounded_grows_in_order),
        cmocka_unit_test(test_mpsc_recv_parks_and_wakes),
        cmocka_unit_test(test_mpsc_sender_gone_ends_parked_recv),
        cmocka_unit_test(test_mpsc_parked_senders_in_order_then_closed),
        cmocka_unit_test(test_mpsc_dropped_send_sends_nothing),
        cmocka_unit_test(test_mpsc_dropped_woken_recv_passes_the_value_on),
        cmocka_unit_test(test_mpsc_parked_frame_outlives_handles),
        cmocka_unit_test(test_mpsc_tasks_many_producers),
        cmocka_unit_test(test_mpsc_tasks_dropped_while_parked),
        cmocka_unit_test(test_mpsc_lone_parked_recv_is_a_deadlock),
        cmocka_unit_test(test_oneshot_send_then_recv),
        cmocka_unit_test(test_oneshot_closing),
        cmocka_unit_test(test_oneshot_recv_parks_then_value_or_close),
        cmocka_unit_test(test_oneshot_second_recv_refused_dropped_recv_clean),
        cmocka_unit_test(test_oneshot_handle_dropped_under_parked_recv),
        cmocka_unit_test(test_oneshot_element_sizes),
        cmocka_unit_test(test_broadcast_every_receiver_sees_every_value),
        cmocka_unit_test(test_broadcast_lagged_receiver),
        cmocka_unit_test(test_broadcast_recv_parks_until_send),
        cmocka_unit_test(test_watch_latest_value),
        cmocka_unit_test(test_watch_changed_parks),
        cmocka_unit_test(test_ping_pong_scripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
