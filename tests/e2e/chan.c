/* chan.c - <ac_chan.h> through asyncc, with the typed layer: producers and a consumer, a
 * three-stage pipeline, a oneshot, a broadcast with a lagging receiver, a watch and
 * the non-blocking calls. Every producer is spawned before its consumer, so the plain
 * build (where ac_spawn runs a call to its end at once and a send never waits) prints
 * the same; only what does not depend on interleaving is printed. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>

typedef struct point {
    int x, y;
} point;

AC_MPSC_TYPED(ints, int);
AC_MPSC_TYPED(points, point);
AC_ONESHOT_TYPED(answer, long);
AC_BROADCAST_TYPED(events, unsigned);
AC_WATCH_TYPED(settings, point);

/* Sends from, from + 1, ... (n values), then gives its sender up. */
async int produce(ints_tx tx, int from, int n) {
    int sent = 0;
    for (int i = 0; i < n; i++)
        if (await(ints_send(&tx, from + i)) == AC_CHAN_OK)
            sent++;
    ints_tx_drop(&tx);
    return sent;
}

/* Two producers, one consumer: the count, the sum, and whether each producer's values
 * came in order. */
async int producers_and_consumer(void) {
    ints_tx tx, tx2;
    ints_rx rx;
    if (ints_new(&tx, &rx, 4) != AC_CHAN_OK || ints_tx_clone(&tx, &tx2) != AC_CHAN_OK)
        return -1;
    ac_task *a = ac_spawn(produce(tx, 0, 50));
    ac_task *b = ac_spawn(produce(tx2, 1000, 50));
    int v, count = 0, sum = 0, last_a = -1, last_b = 999, in_order = 1;
    while (await(ints_recv(&rx, &v)) == AC_CHAN_OK) {
        count++;
        sum += v;
        int *last = v < 1000 ? &last_a : &last_b;
        in_order &= v == *last + 1;
        *last = v;
    }
    ints_rx_drop(&rx);
    int sent_a = 0, sent_b = 0;
    await(ac_join(a, &sent_a));
    await(ac_join(b, &sent_b));
    printf("mpsc: %d values, sum %d, in order %d, sent %d + %d\n", count, sum, in_order, sent_a,
           sent_b);
    return count;
}

/* The pipeline: numbers -> points (n, n * n) -> a sum of the squares. */
async int square(ints_rx in, points_tx out) {
    int n;
    while (await(ints_recv(&in, &n)) == AC_CHAN_OK)
        await(points_send(&out, (point){n, n * n}));
    ints_rx_drop(&in);
    points_tx_drop(&out);
    return 0;
}

async int pipeline(void) {
    ints_tx numbers_tx;
    ints_rx numbers_rx;
    points_tx squares_tx;
    points_rx squares_rx;
    if (ints_new(&numbers_tx, &numbers_rx, 2) != AC_CHAN_OK ||
        points_new(&squares_tx, &squares_rx, 2) != AC_CHAN_OK)
        return -1;
    ac_detach(ac_spawn(produce(numbers_tx, 1, 10)));
    ac_detach(ac_spawn(square(numbers_rx, squares_tx)));
    point p;
    int total = 0;
    while (await(points_recv(&squares_rx, &p)) == AC_CHAN_OK) {
        printf("pipeline: %d -> %d\n", p.x, p.y);
        total += p.y;
    }
    points_rx_drop(&squares_rx);
    printf("pipeline: total %d\n", total);
    return total;
}

async int compute(answer_tx tx, int n) {
    long f = 1;
    for (int i = 2; i <= n; i++)
        f *= i;
    return answer_send(&tx, f);
}

async int oneshots(void) {
    answer_tx tx;
    answer_rx rx;
    long v = 0;
    if (answer_new(&tx, &rx) != AC_CHAN_OK)
        return -1;
    ac_task *t = ac_spawn(compute(tx, 10));
    int r = await(answer_recv(&rx, &v));
    int sent = -9;
    await(ac_join(t, &sent));
    printf("oneshot: %d %ld (send %d)\n", r, v, sent);
    /* A sender that goes without sending: the receiver gets CLOSED. */
    if (answer_new(&tx, &rx) != AC_CHAN_OK)
        return -1;
    answer_tx_drop(&tx);
    printf("oneshot: dropped sender -> %d\n", await(answer_recv(&rx, &v)) == AC_CHAN_CLOSED);
    return 0;
}

async int publish(events_tx tx, unsigned n) {
    for (unsigned i = 1; i <= n; i++)
        events_send(&tx, i * 10);
    events_tx_drop(&tx);
    return (int)n;
}

/* Prints what one subscriber sees: values, and how many it missed. */
async int subscriber(const char *name, events_rx rx) {
    unsigned v;
    int r;
    while ((r = await(events_recv(&rx, &v))) >= 0) {
        if (r > 0)
            printf("%s: missed %d\n", name, r);
        else
            printf("%s: %u\n", name, v);
    }
    events_rx_drop(&rx);
    return r == AC_CHAN_CLOSED;
}

async int broadcast(void) {
    events_tx tx;
    events_rx wide, narrow_src;
    if (events_new(&tx, &wide, 8) != AC_CHAN_OK || events_subscribe(&tx, &narrow_src) != AC_CHAN_OK)
        return -1;
    ac_detach(ac_spawn(publish(tx, 6)));
    int a = await(subscriber("wide", wide));
    int b = await(subscriber("also", narrow_src));
    /* A ring of 4 behind by 10: told it missed 6. */
    events_tx small;
    events_rx lagging;
    if (events_new(&small, &lagging, 4) != AC_CHAN_OK)
        return -1;
    ac_detach(ac_spawn(publish(small, 10)));
    int c = await(subscriber("lagging", lagging));
    return a + b + c;
}

async int update(settings_tx tx) {
    for (int i = 1; i <= 3; i++)
        settings_send(&tx, (point){i, i * 100});
    settings_tx_drop(&tx);
    return 3;
}

async int watch(void) {
    settings_tx tx;
    settings_rx rx;
    if (settings_new(&tx, &rx, (point){0, 0}) != AC_CHAN_OK)
        return -1;
    point p;
    settings_get(&rx, &p);
    printf("watch: initially %d %d\n", p.x, p.y);
    ac_detach(ac_spawn(update(tx)));
    int r;
    while ((r = await(settings_changed(&rx))) == AC_CHAN_OK) {
        settings_get(&rx, &p);
        printf("watch: now %d %d\n", p.x, p.y); /* the updates come together: the last */
    }
    printf("watch: end %d\n", r == AC_CHAN_CLOSED);
    settings_rx_drop(&rx);
    return 0;
}

/* The non-blocking calls mean the same in both builds. */
static void non_blocking(void) {
    ints_tx tx;
    ints_rx rx;
    int v = 0;
    ints_new(&tx, &rx, 2);
    for (int i = 1; i <= 3; i++)
        printf("try_send %d: %d\n", i, ints_try_send(&tx, i)); /* the third: FULL */
    ints_tx_drop(&tx);
    for (int i = 0; i < 3; i++) {
        int r = ints_try_recv(&rx, &v);
        printf("try_recv: %d %d\n", r, v); /* 1, 2, then CLOSED */
    }
    ints_rx_drop(&rx);
    printf("try_send on a dropped handle: %d\n", ints_try_send(&tx, 4) == AC_CHAN_INVALID);
}

async int run(void) {
    await(producers_and_consumer());
    await(pipeline());
    await(oneshots());
    printf("broadcast: %d\n", await(broadcast()));
    await(watch());
    non_blocking();
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
