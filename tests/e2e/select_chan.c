/* select_chan.c - channel receives and sends as branches of ac_select and
 * ac_select_biased, against their sequential meaning (plain C: branches in source
 * order, a receive on an empty channel is not ok, ac_spawn runs a call to its end).
 * Each case prints which branch won and then receives what the losers left: a loser is
 * dropped where it stopped - never polled, parked on an empty channel, or woken for a
 * value it never took - and no message is lost or taken twice. What fair selection
 * picks is not printed, only what does not depend on it. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>
#include <ac_time.h>

AC_MPSC_TYPED(ints, int);
AC_ONESHOT_TYPED(answer, int);

static int ok(int r) {
    return r == AC_CHAN_OK;
}

/* Everything left in rx, printed in order. */
async void drain(const char *name, ints_rx *rx) {
    int v, n = 0;
    printf("%s left:", name);
    while (ints_try_recv(rx, &v) == AC_CHAN_OK) {
        printf(" %d", v);
        n++;
    }
    printf(n ? "\n" : " nothing\n");
}

/* Sends v into tx, then v + 1 into ux. */
async int send_both(ints_tx *tx, ints_tx *ux, int v) {
    await(ints_send(tx, v));
    await(ints_send(ux, v + 1));
    return 0;
}

async void cases(void) {
    ints_tx atx, btx;
    ints_rx arx, brx;
    if (ints_new(&atx, &arx, 4) != AC_CHAN_OK || ints_new(&btx, &brx, 4) != AC_CHAN_OK)
        return;
    int a = 0, b = 0, ra = 0, rb = 0;

    /* Both ready, biased: the first wins; the second is never polled. */
    ints_try_send(&atx, 1);
    ints_try_send(&btx, 2);
    int w = ac_select_biased(ac_on_if(&ra, ints_recv(&arx, &a), ok(ra)),
                             ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)));
    printf("both ready, biased: branch %d, a=%d\n", w, a);
    await(drain("a", &arx));
    await(drain("b", &brx));

    /* Both ready, fair: one wins, and the other's value stays for later. */
    ints_try_send(&atx, 3);
    ints_try_send(&btx, 4);
    a = b = 0;
    w = ac_select(ac_on_if(&ra, ints_recv(&arx, &a), ok(ra)),
                  ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)));
    int rest = 0;
    if (w == 0)
        ints_try_recv(&brx, &rest);
    else
        ints_try_recv(&arx, &rest);
    printf("both ready, fair: winner's value + the other's = %d\n", (w == 0 ? a : b) + rest);

    /* Nothing to receive: the receives park, the sleep wins and drops them parked. */
    w = ac_select(ac_on_if(&ra, ints_recv(&arx, &a), ok(ra)),
                  ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)), ac_on_done(ac_sleep_ms(10)));
    printf("nothing to receive: branch %d\n", w);
    ints_try_send(&atx, 5);
    ints_try_send(&btx, 6);
    await(drain("a", &arx));
    await(drain("b", &brx));

    /* Both park, then one task sends to each: both are woken, the first wins and the
     * second, woken for a value it never took, leaves it in the channel. */
    ac_task *sender = ac_spawn(send_both(&atx, &btx, 7));
    a = b = 0;
    w = ac_select_biased(ac_on_if(&ra, ints_recv(&arx, &a), ok(ra)),
                         ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)));
    printf("woken together, biased: branch %d, a=%d b=%d\n", w, a, b);
    await(ac_join(sender, NULL));
    await(drain("a", &arx));
    await(drain("b", &brx));

    /* A send with room against a receive with nothing: the send wins. */
    w = ac_select_biased(ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)),
                         ac_on_if(&ra, ints_send(&atx, 9), ok(ra)));
    printf("send against an empty receive: branch %d\n", w);
    await(drain("a", &arx));

    /* A oneshot's receive loses to a sleep, and a later receive gets the value. */
    answer_tx otx;
    answer_rx orx;
    if (answer_new(&otx, &orx) != AC_CHAN_OK)
        return;
    int v = 0, rv = 0;
    w = ac_select_biased(ac_on_if(&rv, answer_recv(&orx, &v), ok(rv)), ac_on_done(ac_sleep_ms(5)));
    answer_send(&otx, 42);
    rv = await(answer_recv(&orx, &v));
    printf("oneshot lost to a sleep: branch %d, then %d: %d\n", w, rv, v);

    /* Closed and empty: every branch disabled, the else. */
    ints_tx_drop(&atx);
    ints_tx_drop(&btx);
    w = ac_select(ac_on_if(&ra, ints_recv(&arx, &a), ok(ra)),
                  ac_on_if(&rb, ints_recv(&brx, &b), ok(rb)));
    printf("both closed: %s (%d %d)\n", w == AC_NONE ? "AC_NONE" : "a branch", ra, rb);
    ints_rx_drop(&arx);
    ints_rx_drop(&brx);
}

int main(void) {
    ac_block_on(cases());
    return 0;
}
