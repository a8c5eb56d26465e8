/* config_reload.c - configuration reload with a watch channel.
 *
 * Workers serve "requests" with the settings they hold; a reloader publishes new
 * settings now and then on a watch channel. A watch keeps only the latest value: each
 * worker, woken by ac_watch_changed, picks up the settings current at that moment, and
 * never sees a stale update queued behind a newer one. When the reloader goes, the
 * workers get AC_CHAN_CLOSED and stop. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_chan.h>

typedef struct settings {
    int version;
    int timeout_ms;
    int max_clients;
} settings;

AC_WATCH_TYPED(config, settings);

async int reloader(config_tx tx) {
    for (int v = 2; v <= 4; v++) {
        await(ac_sleep_ms(20));
        /* Two writes in a row: the workers see only the second. */
        config_send(&tx, (settings){v, 0, 0});
        config_send(&tx, (settings){v, 100 * v, 10 * v});
    }
    config_tx_drop(&tx);
    return 0;
}

async int worker(const char *name, config_rx rx) {
    settings s;
    config_get(&rx, &s);
    printf("%s: starting with v%d (timeout %d ms, %d clients)\n", name, s.version, s.timeout_ms,
           s.max_clients);
    int reloads = 0;
    while (await(config_changed(&rx)) == AC_CHAN_OK) {
        config_get(&rx, &s);
        reloads++;
        printf("%s: reloaded v%d (timeout %d ms, %d clients)\n", name, s.version, s.timeout_ms,
               s.max_clients);
    }
    config_rx_drop(&rx);
    printf("%s: reloader gone after %d reloads\n", name, reloads);
    return reloads;
}

async int run(void) {
    config_tx tx;
    config_rx a, b;
    if (config_new(&tx, &a, (settings){1, 50, 5}) != AC_CHAN_OK ||
        config_rx_clone(&a, &b) != AC_CHAN_OK)
        return 1;
    ac_task *wa = ac_spawn(worker("worker a", a));
    ac_task *wb = ac_spawn(worker("worker b", b));
    await(reloader(tx));
    await(ac_join(wa, NULL));
    await(ac_join(wb, NULL));
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
