/* bank.c - the bank-account actor, supervised.
 *
 * An account is an actor (<ac_actor.h>): its balance is a local of its handler, which
 * answers Deposit, Withdraw and Balance requests one at a time, so clients never race
 * on it. A withdrawal larger than the balance is answered with an error value
 * (insufficient funds). A request with a negative amount is a corrupt ledger entry: the
 * handler fails on it, as a bug would make it. A supervisor restarts the account with
 * fresh state (the opening balance) on the same mailbox, so the requests queued behind
 * the bad one are served; the asker of the bad request gets an error instead of a
 * reply. At the second failure the supervisor gives up and the account is closed.
 *
 * Everything printed is the same whatever order the clients run in (each puts back
 * what it takes), so the program prints the same as plain C (ASYNCC_SEQUENTIAL). */
#include <stdio.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks its face */
#include <ac_actor.h>

typedef enum op { DEPOSIT, WITHDRAW, BALANCE } op;

typedef struct request {
    op op;
    long amount;
} request;

enum { BANK_OK, BANK_INSUFFICIENT_FUNDS };

typedef struct answer {
    int error; /* BANK_OK or BANK_INSUFFICIENT_FUNDS */
    long balance;
} answer;

AC_ACTOR_TYPED(account, request, answer);

#define ACCOUNT_CORRUPT 2 /* the status the account fails with */

/* The actor's handler: one incarnation of the account. */
async int account(ac_actor_inbox *inbox, long opening) {
    long balance = opening;
    request req;
    while (await(account_recv(inbox, &req)) == AC_ACTOR_OK) {
        if (req.amount < 0)
            return ACCOUNT_CORRUPT; /* fails: this request gets no reply */
        answer a = {BANK_OK, balance};
        if (req.op == DEPOSIT)
            balance += req.amount;
        else if (req.op == WITHDRAW && req.amount > balance)
            a.error = BANK_INSUFFICIENT_FUNDS;
        else if (req.op == WITHDRAW)
            balance -= req.amount;
        a.balance = balance;
        account_reply(inbox, a);
    }
    return 0; /* every ref is gone: closed, not failed */
}

/* Each incarnation starts from the opening balance. */
static ac_future start_account(ac_actor_inbox *inbox, void *arg) {
    const long *opening = arg;
    return ac_future_of(account(inbox, *opening));
}

static void report(ac_supervisor *sup, int status) {
    printf("supervisor: the account failed (status %d, failure %u): %s\n", status, sup->failures,
           sup->failures <= sup->max_restarts ? "restarted with the opening balance" : "giving up");
}

static const char *status_text(int r) {
    switch (r) {
    case AC_ACTOR_OK:
        return "ok";
    case AC_ACTOR_NO_REPLY:
        return "no reply: the account failed on it";
    case AC_ACTOR_STOPPED:
        return "refused: the account is closed";
    case AC_ACTOR_GAVE_UP:
        return "gave up";
    default:
        return "error";
    }
}

/* `rounds` deposits of `amount`, each taken back at once: the balance ends where it
 * started whatever the order. Returns how many requests succeeded. */
async int client(account_ref ref, long amount, int rounds) {
    int done = 0;
    answer a;
    for (int i = 0; i < rounds; i++) {
        if (await(account_ask(&ref, (request){DEPOSIT, amount}, &a)) == AC_ACTOR_OK)
            done++;
        if (await(account_ask(&ref, (request){WITHDRAW, amount}, &a)) == AC_ACTOR_OK &&
            a.error == BANK_OK)
            done++;
    }
    account_ref_drop(&ref);
    return done;
}

/* Pays `n` salaries of 10 with tells: no reply awaited. */
async int payroll(account_ref ref, int n) {
    int sent = 0;
    for (int i = 0; i < n; i++)
        if (await(account_tell(&ref, (request){DEPOSIT, 10})) == AC_ACTOR_OK)
            sent++;
    account_ref_drop(&ref);
    return sent;
}

/* One request; prints what came back. */
async int ask_and_print(account_ref ref, const char *what, request req) {
    answer a;
    int r = await(account_ask(&ref, req, &a));
    account_ref_drop(&ref);
    if (r == AC_ACTOR_OK && a.error == BANK_INSUFFICIENT_FUNDS)
        printf("%s: insufficient funds (balance %ld)\n", what, a.balance);
    else if (r == AC_ACTOR_OK)
        printf("%s: ok, balance %ld\n", what, a.balance);
    else
        printf("%s: %s\n", what, status_text(r));
    return r;
}

/* ask_and_print on a new ref, spawned. */
static ac_task *spawn_ask(const account_ref *ref, const char *what, request req) {
    account_ref mine;
    account_ref_clone(ref, &mine);
    return ac_spawn(ask_and_print(mine, what, req));
}

async int run(void) {
    account_ref ref;
    ac_actor_inbox inbox;
    if (account_new(&ref, &inbox, 4) != AC_ACTOR_OK)
        return 1;
    long opening = 100;
    ac_supervisor sup = {.arg = &opening, .max_restarts = 1, .on_failure = report};
    ac_task *keeper = ac_spawn(ac_actor_supervise(inbox, start_account, &sup));

    /* Three clients and a payroll at once. */
    ac_task *clients[3];
    for (int i = 0; i < 3; i++) {
        account_ref mine;
        account_ref_clone(&ref, &mine);
        clients[i] = ac_spawn(client(mine, 10 * (i + 1), 5));
    }
    account_ref pay;
    account_ref_clone(&ref, &pay);
    ac_task *salaries = ac_spawn(payroll(pay, 5));
    for (int i = 0; i < 3; i++) {
        int done = 0;
        await(ac_join(clients[i], &done));
        printf("client %d: %d of 10 requests done\n", i + 1, done);
    }
    int paid = 0;
    await(ac_join(salaries, &paid));
    printf("payroll: %d salaries told\n", paid);
    await(ac_join(spawn_ask(&ref, "balance", (request){BALANCE, 0}), NULL));

    /* An error value, not a failure. */
    await(ac_join(spawn_ask(&ref, "withdraw 1000", (request){WITHDRAW, 1000}), NULL));

    /* A bad request, and a deposit queued behind it: the restarted account serves it. */
    ac_task *bad = spawn_ask(&ref, "deposit -5", (request){DEPOSIT, -5});
    ac_task *next = spawn_ask(&ref, "deposit 7", (request){DEPOSIT, 7});
    await(ac_join(bad, NULL));
    await(ac_join(next, NULL));

    /* The second failure: the supervisor gives up, the account is closed. */
    await(ac_join(spawn_ask(&ref, "deposit -1", (request){DEPOSIT, -1}), NULL));
    await(ac_join(spawn_ask(&ref, "balance", (request){BALANCE, 0}), NULL));
    account_ref_drop(&ref);

    /* The record says how it ended (in plain C the supervisor returns at once). */
    await(ac_join(keeper, NULL));
    printf("supervisor: %s after %u failures, last status %d\n", status_text(sup.outcome),
           sup.failures, sup.status);
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
