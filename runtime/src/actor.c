/* actor.c - actors (ac_actor.h has the API): a mailbox that is an mpsc channel of
 * envelopes, asks that wait on a oneshot reply, supervision, and the plain meaning's
 * turn-taking threads.
 *
 * Ownership of a reply handle. An ask makes a oneshot and puts its sender in the
 * envelope it sends; from then on exactly one place holds that sender: the ask's frame
 * until the send is made, the mailbox while the request is queued (the mailbox's
 * discard function gives it up if the receiver goes first), the inbox while the actor
 * handles the request (until it replies, receives again, or its incarnation ends).
 * Wherever it is given up unanswered, the asker wakes with AC_ACTOR_NO_REPLY.
 */
#include "chan.h"

#include "ac_actor.h" /* after chan.h: the runtime's face */

#include <pthread.h>
#include <stdlib.h>

/* ---- handles ------------------------------------------------------------------------------- */

static void stage_add_ref(struct ac_actor_stage_ *st);
static void stage_drop_ref(struct ac_actor_stage_ *st);
static void stage_unref(struct ac_actor_stage_ *st);
static void stage_run(struct ac_actor_stage_ *st);

/* A request left in the mailbox when the actor went: its asker gets NO_REPLY. */
static void envelope_discard(void *value) {
    ac_actor_envelope env;
    memcpy(&env, value, sizeof env); /* ring slots need not be aligned for it */
    ac_oneshot_tx_drop(&env.reply);
}

int ac_actor_new(ac_actor_ref *ref, ac_actor_inbox *inbox, size_t envelope_size, size_t reply_size,
                 size_t capacity) {
    *ref = (ac_actor_ref){{NULL}, NULL, 0, 0};
    *inbox = (ac_actor_inbox){{NULL}, {NULL}, NULL, 0, 0};
    if (envelope_size < sizeof(ac_actor_envelope) || envelope_size > UINT32_MAX ||
        reply_size == 0 || reply_size > UINT32_MAX)
        return AC_ACTOR_INVALID;
    int r = ac_mpsc_new(&ref->tx, &inbox->rx, envelope_size, capacity);
    if (r != AC_CHAN_OK)
        return r;
    aci_mpsc_set_discard(&inbox->rx, envelope_discard);
    ref->envelope_size = inbox->envelope_size = (uint32_t)envelope_size;
    ref->reply_size = inbox->reply_size = (uint32_t)reply_size;
    return AC_ACTOR_OK;
}

int ac_actor_ref_clone(const ac_actor_ref *ref, ac_actor_ref *copy) {
    *copy = *ref;
    int r = ac_mpsc_tx_clone(&ref->tx, &copy->tx);
    if (r != AC_CHAN_OK)
        return r;
    if (ref->stage)
        stage_add_ref(ref->stage);
    return AC_ACTOR_OK;
}

void ac_actor_ref_drop(ac_actor_ref *ref) {
    struct ac_actor_stage_ *st = ref->tx.ch ? ref->stage : NULL;
    ac_mpsc_tx_drop(&ref->tx);
    ref->stage = NULL;
    if (st)
        stage_drop_ref(st);
}

void ac_actor_inbox_drop(ac_actor_inbox *inbox) {
    struct ac_actor_stage_ *st = inbox->rx.ch ? inbox->stage : NULL;
    ac_oneshot_tx_drop(&inbox->reply);
    ac_mpsc_rx_drop(&inbox->rx); /* the queued requests are discarded: NO_REPLY */
    inbox->stage = NULL;
    if (st)
        stage_unref(st);
}

/* A tell sent by `send`; in the plain meaning the actor serves it at once. */
static int tell(ac_actor_ref *ref, ac_actor_envelope *env,
                int (*send)(ac_mpsc_tx *tx, const void *value)) {
    env->reply.ch = NULL;
    int r = send(&ref->tx, env);
    if (r == AC_CHAN_OK)
        stage_run(ref->stage);
    return r;
}

int ac_actor_try_tell(ac_actor_ref *ref, ac_actor_envelope *env) {
    return tell(ref, env, ac_mpsc_try_send);
}

int ac_actor_reply(ac_actor_inbox *inbox, const void *value) {
    if (!inbox || !value)
        return AC_ACTOR_INVALID;
    if (!inbox->reply.ch)
        return AC_ACTOR_NO_ASKER;
    return ac_oneshot_send(&inbox->reply, value) == AC_CHAN_OK ? AC_ACTOR_OK : AC_ACTOR_NO_ASKER;
}

/* The end of a wait for a reply: what the oneshot's receive returned, as an ask's result. */
static int reply_status(int r) {
    return r == AC_CHAN_CLOSED ? AC_ACTOR_NO_REPLY : r;
}

/* The request just received: its reply handle moves from the envelope to the inbox. */
static void take_reply(ac_actor_inbox *inbox, ac_actor_envelope *env) {
    inbox->reply = env->reply;
    env->reply.ch = NULL;
}

/* ---- leaf: ac_actor_ask ------------------------------------------------------------------- */

enum { ASK_START, ASK_SENDING, ASK_WAITING, ASK_DONE };

/* Make the reply channel and start the send; AC_ACTOR_OK or the failure. */
static int ask_start(ac_actor_ask_frame *f) {
    if (!f->ref || !f->ref->tx.ch || !f->env || !f->reply)
        return AC_ACTOR_INVALID;
    int r = ac_oneshot_new(&f->env->reply, &f->rx, f->ref->reply_size);
    if (r == AC_CHAN_OK)
        ac_mpsc_send_init(&f->await.send, &f->ref->tx, f->env);
    return r;
}

static ac_poll ask_finish(ac_actor_ask_frame *f, int r, int *out) {
    f->state = ASK_DONE;
    *out = r;
    return AC_READY;
}

ac_poll ac_actor_ask_poll(ac_actor_ask_frame *f, ac_cx *cx, int *out) {
    int r;
    switch (f->state) {
    case ASK_START:
        r = ask_start(f);
        if (r != AC_ACTOR_OK)
            return ask_finish(f, r, out);
        f->state = ASK_SENDING;
        /* fallthrough */
    case ASK_SENDING:
        if (ac_mpsc_send_poll(&f->await.send, cx, &r) == AC_PENDING)
            return AC_PENDING;
        if (r != AC_CHAN_OK) { /* not sent: the reply channel is still all ours */
            ac_oneshot_tx_drop(&f->env->reply);
            ac_oneshot_rx_drop(&f->rx);
            return ask_finish(f, r, out);
        }
        f->env->reply.ch = NULL; /* the mailbox has it now */
        ac_oneshot_recv_init(&f->await.recv, &f->rx, f->reply);
        f->state = ASK_WAITING;
        /* fallthrough */
    case ASK_WAITING:
        if (ac_oneshot_recv_poll(&f->await.recv, cx, &r) == AC_PENDING)
            return AC_PENDING;
        return ask_finish(f, reply_status(r), out);
    default:
        return AC_READY;
    }
}

void ac_actor_ask_drop(ac_actor_ask_frame *f) {
    if (f->state == ASK_SENDING) {
        if (aci_mpsc_send_cancel(&f->await.send))
            f->env->reply.ch = NULL; /* sent after all: the actor's reply is discarded */
        else
            ac_oneshot_tx_drop(&f->env->reply);
    } else if (f->state == ASK_WAITING) {
        ac_oneshot_recv_drop(&f->await.recv);
    }
    ac_oneshot_rx_drop(&f->rx); /* nothing when finished or never started */
    f->state = ASK_DONE;
}

/* ---- leaf: ac_actor_recv ------------------------------------------------------------------ */

ac_poll ac_actor_recv_poll(ac_actor_recv_frame *f, ac_cx *cx, int *out) {
    if (!f->inbox) {
        *out = AC_ACTOR_INVALID;
        return AC_READY;
    }
    ac_oneshot_tx_drop(&f->inbox->reply); /* the previous request, unanswered */
    if (ac_mpsc_recv_poll(&f->recv, cx, out) == AC_PENDING)
        return AC_PENDING;
    if (*out == AC_CHAN_OK)
        take_reply(f->inbox, f->env);
    return AC_READY;
}

/* ---- supervision ----------------------------------------------------------------------------- */

static void supervisor_begin(ac_supervisor *sup) {
    sup->failures = 0;
    sup->status = 0;
    sup->outcome = AC_SUPERVISOR_RUNNING;
}

/* An incarnation returned status: record it and report a failure. AC_SUPERVISOR_RUNNING
 * to restart, else the outcome. */
static int supervisor_ended(ac_actor_inbox *inbox, ac_supervisor *sup, int status) {
    ac_oneshot_tx_drop(&inbox->reply); /* the request it was handling: NO_REPLY */
    sup->status = status;
    if (status == 0)
        return AC_ACTOR_OK;
    sup->failures++;
    if (sup->on_failure)
        sup->on_failure(sup, status);
    return sup->failures <= sup->max_restarts ? AC_SUPERVISOR_RUNNING : AC_ACTOR_GAVE_UP;
}

/* The supervisor is done: close the mailbox, then publish the outcome. */
static void supervisor_finish(ac_actor_inbox *inbox, ac_supervisor *sup, int outcome) {
    ac_actor_inbox_drop(inbox);
    sup->outcome = outcome;
}

static ac_poll supervise_finish(ac_actor_supervise_frame *f, int outcome, int *out) {
    f->start = NULL;
    if (f->sup)
        supervisor_finish(&f->inbox, f->sup, outcome);
    else
        ac_actor_inbox_drop(&f->inbox);
    *out = outcome;
    return AC_READY;
}

/* Make the next incarnation: AC_ACTOR_OK, or why it cannot be made. */
static int supervise_start(ac_actor_supervise_frame *f) {
    f->incarnation = f->start(&f->inbox, f->sup->arg);
    if (!ac_future_valid(f->incarnation))
        return AC_ACTOR_NOMEM;
    if (f->incarnation.vt->result_size != sizeof(int)) {
        ac_future_drop(f->incarnation);
        f->incarnation.frame = NULL;
        return AC_ACTOR_INVALID;
    }
    return AC_ACTOR_OK;
}

ac_poll ac_actor_supervise_poll(ac_actor_supervise_frame *f, ac_cx *cx, int *out) {
    if (!f->start || !f->sup || !f->inbox.rx.ch)
        return supervise_finish(f, AC_ACTOR_INVALID, out);
    if (!f->running) {
        f->running = 1;
        supervisor_begin(f->sup);
    }
    for (;;) {
        if (!f->incarnation.frame) {
            int r = supervise_start(f);
            if (r != AC_ACTOR_OK)
                return supervise_finish(f, r, out);
        }
        int status = 0;
        /* The future's poll frees its frame and clears the slot when it is ready. */
        if (f->incarnation.vt->poll(&f->incarnation.frame, cx, &status) == AC_PENDING)
            return AC_PENDING;
        int next = supervisor_ended(&f->inbox, f->sup, status);
        if (next != AC_SUPERVISOR_RUNNING)
            return supervise_finish(f, next, out);
    }
}

void ac_actor_supervise_drop(ac_actor_supervise_frame *f) {
    ac_future_drop(f->incarnation); /* first: it may be parked on the inbox */
    f->incarnation.frame = NULL;
    if (f->start && f->sup)
        supervisor_finish(&f->inbox, f->sup, AC_ACTOR_STOPPED);
    ac_actor_inbox_drop(&f->inbox);
    f->start = NULL;
}

/* ---- the sequential meaning: an actor's thread takes turns with the program ------------------ */

/* A supervised actor runs on its own thread, which runs only while the thread that
 * handed it the turn (an asker, a teller, the last ref's drop) waits: the program stays
 * sequential. The turn goes back when the actor waits for a request that is not there
 * (parked) or ends. Fields are touched only by whichever thread has the turn, and the
 * turn changes hands under the lock, which orders everything before it. */
struct ac_actor_stage_ {
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
    int actor_turn; /* the actor's thread runs; the one that gave it the turn waits */
    int parked;     /* the actor waits for a request (or has not started) */
    int started, ended, joined;
    pthread_t thread;
    unsigned refs;    /* ref handles: at 0 the actor's receive finds the end */
    unsigned handles; /* refs, the inbox and the thread: freed at 0 */
    ac_actor_inbox inbox;
    void (*start)(void);
    ac_supervisor *sup;
    ac_actor_incarnation_fn_ *run;
};

/* The stage whose actor this thread runs, if any. */
static _Thread_local struct ac_actor_stage_ *stage_this;

static void stage_add_ref(struct ac_actor_stage_ *st) {
    st->refs++;
    st->handles++;
}

static void stage_unref(struct ac_actor_stage_ *st) {
    if (--st->handles > 0)
        return;
    pthread_cond_destroy(&st->turn_changed);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* The last ref gone: the actor runs to see the end of its mailbox. */
static void stage_drop_ref(struct ac_actor_stage_ *st) {
    if (--st->refs == 0)
        stage_run(st);
    stage_unref(st);
}

/* Hand the turn over (to the actor when `to_actor`) and wait until it comes back. */
static void stage_switch(struct ac_actor_stage_ *st, int to_actor) {
    pthread_mutex_lock(&st->lock);
    st->actor_turn = to_actor;
    pthread_cond_broadcast(&st->turn_changed);
    while (st->actor_turn == to_actor && !(to_actor && st->ended))
        pthread_cond_wait(&st->turn_changed, &st->lock);
    pthread_mutex_unlock(&st->lock);
}

/* Let the actor serve what is queued. Nothing when it is not supervised, has ended, or
 * is not waiting for a request (it is the one asking: a cycle, which would wait forever
 * when transformed). */
static void stage_run(struct ac_actor_stage_ *st) {
    if (!st || !st->started || st->joined || !st->parked)
        return;
    stage_switch(st, 1);
    if (st->ended) {
        pthread_join(st->thread, NULL);
        st->joined = 1;
        stage_unref(st); /* the thread's handle: may free st */
    }
}

/* On the actor's thread: wait for the turn. */
static void stage_park(struct ac_actor_stage_ *st) {
    st->parked = 1;
    stage_switch(st, 0);
    st->parked = 0;
}

static void *stage_main(void *arg) {
    struct ac_actor_stage_ *st = arg;
    stage_this = st;
    pthread_mutex_lock(&st->lock);
    while (!st->actor_turn)
        pthread_cond_wait(&st->turn_changed, &st->lock);
    pthread_mutex_unlock(&st->lock);
    st->parked = 0;
    int outcome;
    do {
        int status = 0;
        outcome = st->run(st->start, &st->inbox, st->sup->arg, &status);
        if (outcome == AC_ACTOR_OK)
            outcome = supervisor_ended(&st->inbox, st->sup, status);
    } while (outcome == AC_SUPERVISOR_RUNNING);
    supervisor_finish(&st->inbox, st->sup, outcome);
    pthread_mutex_lock(&st->lock);
    st->ended = 1;
    st->actor_turn = 0;
    pthread_cond_broadcast(&st->turn_changed);
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

int ac_actor_new_sequential_(ac_actor_ref *ref, ac_actor_inbox *inbox, size_t envelope_size,
                             size_t reply_size, size_t capacity) {
    int r = ac_actor_new(ref, inbox, envelope_size, reply_size, capacity);
    if (r != AC_ACTOR_OK)
        return r;
    struct ac_actor_stage_ *st = calloc(1, sizeof *st);
    if (!st) {
        ac_actor_ref_drop(ref);
        ac_actor_inbox_drop(inbox);
        return AC_ACTOR_NOMEM;
    }
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->turn_changed, NULL);
    st->refs = 1;
    st->handles = 2;
    ref->stage = inbox->stage = st;
    return AC_ACTOR_OK;
}

int ac_actor_supervise_sequential_(ac_actor_inbox *inbox, void (*start)(void), ac_supervisor *sup,
                                   ac_actor_incarnation_fn_ *run) {
    struct ac_actor_stage_ *st = inbox->stage;
    if (!start || !sup || !inbox->rx.ch || !st || st->started) {
        ac_actor_inbox_drop(inbox);
        if (sup)
            sup->outcome = AC_ACTOR_INVALID;
        return AC_ACTOR_INVALID;
    }
    supervisor_begin(sup);
    st->inbox = *inbox; /* moved: the stage holds the inbox's handle now */
    st->start = start;
    st->sup = sup;
    st->run = run;
    st->parked = 1;
    st->handles++; /* the thread's */
    if (pthread_create(&st->thread, NULL, stage_main, st) != 0) {
        st->handles--;
        supervisor_finish(&st->inbox, sup, AC_ACTOR_NOMEM);
        return AC_ACTOR_NOMEM;
    }
    st->started = 1;
    stage_run(st); /* it serves what is queued already, then waits for requests */
    return AC_ACTOR_OK;
}

int ac_actor_tell_sequential_(ac_actor_ref *ref, ac_actor_envelope *env) {
    return tell(ref, env, ac_mpsc_send_sequential_);
}

int ac_actor_ask_sequential_(ac_actor_ref *ref, ac_actor_envelope *env, void *reply) {
    if (!ref || !ref->tx.ch || !env || !reply)
        return AC_ACTOR_INVALID;
    ac_oneshot_rx rx;
    int r = ac_oneshot_new(&env->reply, &rx, ref->reply_size);
    if (r != AC_CHAN_OK)
        return r;
    r = ac_mpsc_send_sequential_(&ref->tx, env);
    if (r != AC_CHAN_OK) {
        ac_oneshot_tx_drop(&env->reply);
        ac_oneshot_rx_drop(&rx);
        return r;
    }
    env->reply.ch = NULL;
    stage_run(ref->stage);
    r = ac_oneshot_try_recv(&rx, reply);
    ac_oneshot_rx_drop(&rx); /* still ours when nothing came: nobody runs the actor */
    return r == AC_CHAN_EMPTY ? AC_ACTOR_NO_REPLY : reply_status(r);
}

int ac_actor_recv_sequential_(ac_actor_inbox *inbox, ac_actor_envelope *env, size_t envelope_size) {
    if (!inbox || !env || inbox->envelope_size != envelope_size)
        return AC_ACTOR_INVALID;
    ac_oneshot_tx_drop(&inbox->reply);
    for (;;) {
        int r = ac_mpsc_try_recv(&inbox->rx, env);
        if (r == AC_CHAN_OK)
            take_reply(inbox, env);
        if (r != AC_CHAN_EMPTY || !inbox->stage || inbox->stage != stage_this)
            return r;
        stage_park(inbox->stage);
    }
}
