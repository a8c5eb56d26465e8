/* select_timeout.c - a monitor selecting over two channels and a timeout.
 *
 * Two feeds, prices and news, each a bounded mpsc channel. The monitor takes whichever
 * has a message, prices first when both have one (ac_select_biased), and reports a quiet
 * spell when neither has had one for QUIET_MS (the third branch, a sleep). A feed whose
 * channel closes is reported once and then its branch stays disabled; the monitor ends
 * when both are closed.
 *
 * The program runs the monitor twice: while the feeds are open (it ends at the first
 * quiet spell), then after main has closed them (it drains what is left and sees both
 * closes). Its sequential meaning (ASYNCC_SEQUENTIAL: each spawned feed runs to its end
 * at once, a receive on an empty channel is not ok, a select takes its first ok branch
 * in source order) prints the same: the news feed waits before sending, so that prices
 * come first in time as they do in source order. The ctest examples.select_timeout.plain
 * checks that. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>
#include <ac_time.h>

#define QUIET_MS 300

AC_MPSC_TYPED(prices, int);
AC_MPSC_TYPED(news, int);

async int price_feed(prices_tx tx, int first, int count) {
    for (int i = 0; i < count; i++)
        await(prices_send(&tx, first + i));
    prices_tx_drop(&tx);
    return count;
}

async int news_feed(news_tx tx, int first, int count) {
    await(ac_sleep_ms(20)); /* after the prices */
    for (int i = 0; i < count; i++)
        await(news_send(&tx, first + i));
    news_tx_drop(&tx);
    return count;
}

/* Whether the receive that ended with r is worth a turn: a message, or a channel that
 * closed just now (*open is cleared, so it counts once). */
static int feed_event(int r, int *open) {
    if (r == AC_CHAN_OK)
        return 1;
    if (r != AC_CHAN_CLOSED || !*open)
        return 0;
    *open = 0;
    return 1;
}

/* What a receive of a feed's branch that won got: a message, or the close. */
static void report(const char *message, const char *feed, int r, int value) {
    if (r == AC_CHAN_OK)
        printf("%s %d\n", message, value);
    else
        printf("%s: feed closed\n", feed);
}

/* Takes messages until a quiet spell (returns 1) or until both feeds are closed (0). */
async int monitor(prices_rx *prices, news_rx *news, int *prices_open, int *news_open) {
    while (*prices_open || *news_open) {
        int price = 0, item = 0, rp = 0, rn = 0;
        switch (ac_select_biased(
            ac_on_if(&rp, prices_recv(prices, &price), feed_event(rp, prices_open)),
            ac_on_if(&rn, news_recv(news, &item), feed_event(rn, news_open)),
            ac_on_done(ac_sleep_ms(QUIET_MS)))) {
        case 0:
            report("price", "prices", rp, price);
            break;
        case 1:
            report("news", "news", rn, item);
            break;
        case 2:
            printf("quiet for %d ms\n", QUIET_MS);
            return 1;
        }
    }
    printf("both feeds closed\n");
    return 0;
}

async int run(void) {
    prices_tx ptx, pmine;
    prices_rx prx;
    news_tx ntx, nmine;
    news_rx nrx;
    if (prices_new(&ptx, &prx, 8) != AC_CHAN_OK || news_new(&ntx, &nrx, 8) != AC_CHAN_OK)
        return 1;
    int prices_open = 1, news_open = 1;

    /* Round 1: the feeds send and stop, but main still holds a sender of each. */
    prices_tx_clone(&ptx, &pmine);
    news_tx_clone(&ntx, &nmine);
    ac_detach(ac_spawn(price_feed(pmine, 100, 3)));
    ac_detach(ac_spawn(news_feed(nmine, 1, 2)));
    printf("round 1: %s\n",
           await(monitor(&prx, &nrx, &prices_open, &news_open)) ? "quiet" : "closed");

    /* Round 2: one more message each, then main closes both feeds. */
    prices_try_send(&ptx, 200);
    news_try_send(&ntx, 3);
    prices_tx_drop(&ptx);
    news_tx_drop(&ntx);
    printf("round 2: %s\n",
           await(monitor(&prx, &nrx, &prices_open, &news_open)) ? "quiet" : "closed");
    prices_rx_drop(&prx);
    news_rx_drop(&nrx);
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
