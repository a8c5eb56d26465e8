/* event_bus.c - a broadcast event bus: every subscriber sees every event.
 *
 * A publisher posts events on a broadcast channel that keeps the last 4. Three
 * subscribers listen: a logger prints everything, an alarm reacts to alarms only, and a
 * slow auditor takes longer per event than the publisher does. The auditor falls more
 * than 4 events behind, so it is told how many it missed (and goes on with the oldest
 * event still kept) instead of holding the publisher up. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>

typedef enum kind { INFO, ALARM } kind;

typedef struct event {
    kind kind;
    int id;
} event;

AC_BROADCAST_TYPED(events, event);

async int publisher(events_tx tx) {
    for (int id = 1; id <= 10; id++) {
        events_send(&tx, (event){id % 4 == 0 ? ALARM : INFO, id}); /* never waits */
        await(ac_yield());
    }
    events_tx_drop(&tx); /* the subscribers see the end once they caught up */
    return 10;
}

async int logger(events_rx rx) {
    event e;
    int n = 0;
    while (await(events_recv(&rx, &e)) == AC_CHAN_OK) {
        printf("logger: event %d (%s)\n", e.id, e.kind == ALARM ? "alarm" : "info");
        n++;
    }
    events_rx_drop(&rx);
    return n;
}

async int alarm(events_rx rx) {
    event e;
    int r;
    while ((r = await(events_recv(&rx, &e))) >= 0)
        if (r == AC_CHAN_OK && e.kind == ALARM)
            printf("alarm: ALARM at event %d\n", e.id);
    events_rx_drop(&rx);
    return 0;
}

/* Yields three times per event: slower than the publisher. */
async int auditor(events_rx rx) {
    event e;
    int r, seen = 0, missed = 0;
    while ((r = await(events_recv(&rx, &e))) >= 0) {
        if (r > 0) {
            printf("auditor: missed %d events\n", r);
            missed += r;
            continue;
        }
        seen++;
        for (int i = 0; i < 3; i++)
            await(ac_yield());
    }
    events_rx_drop(&rx);
    printf("auditor: audited %d events, missed %d\n", seen, missed);
    return seen;
}

async int run(void) {
    events_tx tx;
    events_rx for_logger, for_alarm, for_auditor;
    if (events_new(&tx, &for_logger, 4) != AC_CHAN_OK ||
        events_subscribe(&tx, &for_alarm) != AC_CHAN_OK ||
        events_subscribe(&tx, &for_auditor) != AC_CHAN_OK)
        return 1;
    ac_task *tasks[3] = {ac_spawn(logger(for_logger)), ac_spawn(alarm(for_alarm)),
                         ac_spawn(auditor(for_auditor))};
    await(publisher(tx));
    for (int i = 0; i < 3; i++)
        await(ac_join(tasks[i], NULL));
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
