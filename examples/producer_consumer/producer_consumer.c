/* producer_consumer.c - three producers, one consumer, a bounded mpsc channel.
 *
 * Each producer sends its orders into a channel of capacity 4: when the channel is full
 * a send waits (backpressure) until the consumer takes one. The consumer stops at the
 * end of stream, which comes once every producer has dropped its sender, and reports
 * what it got from whom. Every order is received once, each producer's in order. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>

typedef struct order {
    int producer;
    int number;
    int amount;
} order;

AC_MPSC_TYPED(orders, order);

async int producer(orders_tx tx, int id, int count) {
    for (int i = 1; i <= count; i++)
        if (await(orders_send(&tx, (order){id, i, id * 100 + i})) != AC_CHAN_OK)
            break;
    orders_tx_drop(&tx); /* this producer is done */
    return count;
}

async int consumer(orders_rx rx) {
    int received[3] = {0, 0, 0}, total = 0, in_order = 1;
    order o;
    while (await(orders_recv(&rx, &o)) == AC_CHAN_OK) {
        in_order &= o.number == received[o.producer] + 1;
        received[o.producer]++;
        total += o.amount;
    }
    orders_rx_drop(&rx);
    for (int id = 0; id < 3; id++)
        printf("consumer: %d orders from producer %d\n", received[id], id);
    printf("consumer: total amount %d, each producer's orders in order: %s\n", total,
           in_order ? "yes" : "no");
    return total;
}

async int run(void) {
    orders_tx tx;
    orders_rx rx;
    if (orders_new(&tx, &rx, 4) != AC_CHAN_OK)
        return 1;
    for (int id = 0; id < 3; id++) {
        orders_tx mine;
        orders_tx_clone(&tx, &mine); /* a sender for each producer */
        ac_detach(ac_spawn(producer(mine, id, 10 + id)));
    }
    orders_tx_drop(&tx); /* ours: only the producers' senders keep the stream open */
    await(consumer(rx));
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
