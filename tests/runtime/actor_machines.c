/* actor_machines.c - the actor tests' machines (actor_machines.h). */
#include "actor_machines.h"
#include "machines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

/* ---- the counter's handler ------------------------------------------------------------------ */

typedef struct counter_frame {
    int receiving;
    ac_actor_inbox *inbox;
    counter_stats *stats;
    long sum, req;
    counter_recv_frame recv;
} counter_frame;

/* Returns the incarnation's status once it ends. */
static ac_poll counter_poll(counter_frame *f, ac_cx *cx, int *status) {
    for (;;) {
        if (!f->receiving) {
            counter_recv_init(&f->recv, f->inbox, &f->req);
            f->receiving = 1;
        }
        int r = 0;
        if (counter_recv_poll(&f->recv, cx, &r) == AC_PENDING)
            return AC_PENDING;
        f->receiving = 0;
        if (r != AC_ACTOR_OK || f->req < 0) {
            *status = r != AC_ACTOR_OK ? 0 : (int)-f->req;
            return AC_READY;
        }
        f->sum += f->req;
        counter_reply(f->inbox, f->sum);
    }
}

static void counter_drop(counter_frame *f) {
    if (f->receiving)
        counter_recv_drop(&f->recv);
    f->stats->dropped++;
}

/* The future's vtable works on the slot holding the frame (ac_runtime.h). */
static ac_poll counter_poll_boxed(void *slot, ac_cx *cx, void *out) {
    counter_frame **f = slot;
    int status = 0;
    if (counter_poll(*f, cx, &status) == AC_PENDING)
        return AC_PENDING;
    if (out)
        *(int *)out = status;
    ac_frame_free(*f);
    *f = NULL;
    return AC_READY;
}

static void counter_drop_boxed(void *slot) {
    counter_frame **f = slot;
    counter_drop(*f);
    ac_frame_free(*f);
    *f = NULL;
}

static const ac_vtable counter_future_vtable = {counter_poll_boxed, counter_drop_boxed,
                                                sizeof(void *), sizeof(int), NULL};

ac_future counter_start(ac_actor_inbox *inbox, void *arg) {
    counter_stats *stats = arg;
    ac_future fu = {&counter_future_vtable, NULL};
    if (stats->fail_start)
        return fu;
    counter_frame *f = ac_frame_alloc(sizeof *f);
    assert_non_null(f);
    *f = (counter_frame){.inbox = inbox, .stats = stats};
    stats->incarnations++;
    fu.frame = f;
    return fu;
}

/* ---- the supervisor as a task ------------------------------------------------------------------
 */

DEFINE_VTABLE(ac_actor_supervise, sizeof(int));

ac_task *supervisor_new(ac_actor_inbox inbox, ac_actor_start start, ac_supervisor *sup) {
    ac_task *t = ac_task_new(&ac_actor_supervise_vtable);
    assert_non_null(t);
    ac_actor_supervise_init(ac_task_frame(t), inbox, start, sup);
    return t;
}

/* ---- an asker
 * ------------------------------------------------------------------------------------ */

typedef struct asker_frame {
    counter_ref ref;
    long amount, reply;
    int i, n, asking;
    asked *a;
    counter_ask_frame ask;
} asker_frame;

static void asked_add(asked *a, int r, long reply) {
    if (r == AC_ACTOR_OK) {
        a->ok++;
        a->not_growing += a->ok > 1 && reply <= a->last;
        a->last = reply;
    } else if (r == AC_ACTOR_NO_REPLY) {
        a->no_reply++;
    } else if (r == AC_ACTOR_STOPPED) {
        a->stopped++;
    } else {
        a->other++;
    }
}

static ac_poll asker_poll(asker_frame *f, ac_cx *cx, void *out) {
    (void)out;
    for (; f->i < f->n; f->i++) {
        if (!f->asking) {
            counter_ask_init(&f->ask, &f->ref, f->amount, &f->reply);
            f->asking = 1;
        }
        int r = 0;
        if (counter_ask_poll(&f->ask, cx, &r) == AC_PENDING)
            return AC_PENDING;
        f->asking = 0;
        asked_add(f->a, r, f->reply);
    }
    counter_ref_drop(&f->ref);
    return AC_READY;
}

static void asker_drop(asker_frame *f) {
    if (f->asking)
        counter_ask_drop(&f->ask);
    counter_ref_drop(&f->ref);
}

DEFINE_VTABLE(asker, 0);

ac_task *asker_new(counter_ref ref, long amount, int n, asked *a) {
    ac_task *t = ac_task_new(&asker_vtable);
    assert_non_null(t);
    *(asker_frame *)ac_task_frame(t) = (asker_frame){.ref = ref, .amount = amount, .n = n, .a = a};
    return t;
}
