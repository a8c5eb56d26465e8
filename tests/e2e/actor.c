/* actor.c - <ac_actor.h> through asyncc, with the typed layer: tells drained by a
 * handler awaited directly, a supervised calculator whose handler asks another
 * supervised actor (a log) for each operation and suspends in between (pending), two
 * clients at once, a failure and a restart with fresh state, giving up. Only what does
 * not depend on how tasks interleave is printed, so the plain build (where a supervised
 * actor takes turns with the program) prints the same. */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_actor.h>

#include "pending.h"

typedef struct entry {
    char name[8];
    long amount;
} entry;

enum op { ADD, GET, FAIL };

typedef struct cmd {
    enum op op;
    long v;
} cmd;

AC_ACTOR_TYPED(ledger, entry, long);
AC_ACTOR_TYPED(calc, cmd, long);
AC_ACTOR_TYPED(notes, int, int);

/* ---- a handler awaited directly: it drains what was told, then sees the end ---------- */

async int ledger(ac_actor_inbox inbox) {
    entry e;
    long n = 0, sum = 0;
    int r;
    while ((r = await(ledger_recv(&inbox, &e))) == AC_ACTOR_OK) {
        n++;
        sum += e.amount;
        printf("ledger: %s %ld (reply to a tell: %d)\n", e.name, e.amount,
               ledger_reply(&inbox, n) == AC_ACTOR_NO_ASKER);
    }
    ac_actor_inbox_drop(&inbox);
    printf("ledger: %ld entries, sum %ld, end %d\n", n, sum, r == AC_ACTOR_STOPPED);
    return 0;
}

async int tells(void) {
    ledger_ref ref;
    ac_actor_inbox inbox;
    if (ledger_new(&ref, &inbox, AC_MPSC_UNBOUNDED) != AC_ACTOR_OK)
        return -1;
    await(ledger_tell(&ref, (entry){"rent", -900}));
    await(ledger_tell(&ref, (entry){"salary", 2500}));
    ledger_try_tell(&ref, (entry){"coffee", -4});
    ledger_ref_drop(&ref);
    return await(ledger(inbox));
}

/* ---- the notes actor: counts the notes it is asked to take ------------------------------- */

async int notes(ac_actor_inbox *inbox) {
    int note, count = 0;
    while (await(notes_recv(inbox, &note)) == AC_ACTOR_OK)
        notes_reply(inbox, ++count);
    printf("notes: %d taken\n", count);
    return 0;
}

static ac_future start_notes(ac_actor_inbox *inbox, void *arg) {
    (void)arg;
    return ac_future_of(notes(inbox));
}

/* ---- the calculator: asks the notes actor for each addition ------------------------------ */

async int calc(ac_actor_inbox *inbox, notes_ref *log) {
    long acc = 0;
    cmd c;
    while (await(calc_recv(inbox, &c)) == AC_ACTOR_OK) {
        if (c.op == FAIL)
            return 7;
        if (c.op == ADD) {
            acc += await(pending((int)(c.v % 3), (int)c.v));
            int taken = 0;
            await(notes_ask(log, (int)c.v, &taken));
        }
        calc_reply(inbox, acc);
    }
    return 0;
}

static ac_future start_calc(ac_actor_inbox *inbox, void *log) {
    return ac_future_of(calc(inbox, log));
}

static void report(ac_supervisor *sup, int status) {
    printf("calc: failed with %d, failure %u, %s\n", status, sup->failures,
           sup->failures <= sup->max_restarts ? "restarting" : "giving up");
}

/* Adds 1..n; returns how many were answered. */
async int adder(calc_ref ref, int n) {
    int answered = 0;
    long acc;
    for (int i = 1; i <= n; i++)
        answered += await(calc_ask(&ref, (cmd){ADD, i}, &acc)) == AC_ACTOR_OK;
    calc_ref_drop(&ref);
    return answered;
}

static void print_ask(const char *what, int r, long v) {
    if (r == AC_ACTOR_OK)
        printf("%s: %ld\n", what, v);
    else
        printf("%s: error %d\n", what, r);
}

async int supervised(void) {
    notes_ref log;
    ac_actor_inbox log_inbox;
    calc_ref ref;
    ac_actor_inbox inbox;
    if (notes_new(&log, &log_inbox, 2) != AC_ACTOR_OK || calc_new(&ref, &inbox, 2) != AC_ACTOR_OK)
        return -1;
    ac_supervisor log_sup = {0};
    ac_task *log_keeper = ac_spawn(ac_actor_supervise(log_inbox, start_notes, &log_sup));
    ac_supervisor sup = {.arg = &log, .max_restarts = 1, .on_failure = report};
    ac_task *keeper = ac_spawn(ac_actor_supervise(inbox, start_calc, &sup));

    calc_ref a, b;
    calc_ref_clone(&ref, &a);
    calc_ref_clone(&ref, &b);
    ac_task *ta = ac_spawn(adder(a, 5));
    ac_task *tb = ac_spawn(adder(b, 6));
    int na = 0, nb = 0;
    await(ac_join(ta, &na));
    await(ac_join(tb, &nb));
    printf("adders: %d and %d answered\n", na, nb);
    long v = 0;
    int r = await(calc_ask(&ref, (cmd){GET, 0}, &v));
    print_ask("total", r, v);
    r = await(calc_ask(&ref, (cmd){FAIL, 0}, &v));
    print_ask("fail", r, v);
    r = await(calc_ask(&ref, (cmd){ADD, 4}, &v));
    print_ask("after the restart", r, v);
    r = await(calc_ask(&ref, (cmd){FAIL, 0}, &v));
    print_ask("fail again", r, v);
    r = await(calc_ask(&ref, (cmd){GET, 0}, &v));
    print_ask("closed", r, v);
    calc_ref_drop(&ref);
    await(ac_join(keeper, NULL));
    printf("calc: outcome %d, %u failures, status %d\n", sup.outcome, sup.failures, sup.status);
    notes_ref_drop(&log); /* the last: the notes actor ends */
    await(ac_join(log_keeper, NULL));
    printf("notes: outcome %d\n", log_sup.outcome);
    return 0;
}

async int run(void) {
    await(tells());
    await(supervised());
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
