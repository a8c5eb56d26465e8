/* test_actor.c - actors on one thread: asks, tells, receives and replies polled by hand;
 * every request answered (a reply or an error, never silence) when the actor receives
 * again, closes or fails; bad input; a full mailbox; asks and receives dropped at each
 * point of their wait; supervision (restarts on the same mailbox, giving up, a start
 * that fails, a supervisor dropped); many asker tasks against one supervised actor.
 * The threads are in test_actor_threads.c. */
#include "actor_machines.h"
#include "chan.h"
#include "hand.h"
#include "internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void counter(counter_ref *ref, ac_actor_inbox *inbox, size_t capacity) {
    assert_int_equal(counter_new(ref, inbox, capacity), AC_ACTOR_OK);
}

/* An ask polled by hand. */
typedef struct hand_ask {
    counter_ask_frame f;
    long reply;
    int r;
} hand_ask;

static ac_poll ask_poll(hand_ask *a) {
    return counter_ask_poll(&a->f, &root.cx, &a->r);
}

/* Start an ask of v and poll it once. */
static ac_poll ask(hand_ask *a, counter_ref *ref, long v) {
    a->reply = 0;
    a->r = 99;
    counter_ask_init(&a->f, ref, v, &a->reply);
    return ask_poll(a);
}

/* A finished ask's result: the reply, or the negative status. */
static long answer(hand_ask *a) {
    assert_int_equal(ask_poll(a), AC_READY);
    counter_ask_drop(&a->f); /* finished: nothing */
    return a->r == AC_ACTOR_OK ? a->reply : a->r;
}

/* A receive polled once, then dropped (nothing when it finished): whether it finished,
 * with the request in *v or the negative status in *r. */
static ac_poll recv_once(ac_actor_inbox *inbox, long *v, int *r) {
    counter_recv_frame f;
    counter_recv_init(&f, inbox, v);
    ac_poll p = counter_recv_poll(&f, &root.cx, r);
    counter_recv_drop(&f);
    return p;
}

/* A receive that must finish at once: the request, or the negative status. */
static long recv_now(ac_actor_inbox *inbox) {
    long v = 0;
    int r = 99;
    assert_int_equal(recv_once(inbox, &v, &r), AC_READY);
    return r == AC_ACTOR_OK ? v : r;
}

/* A receive that must wait: parked, then dropped. */
static void recv_parks_then_drop(ac_actor_inbox *inbox) {
    long v = 0;
    int r = 99;
    assert_int_equal(recv_once(inbox, &v, &r), AC_PENDING);
}

/* A tell that must finish at once. */
static int tell_now(counter_ref *ref, long v) {
    counter_tell_frame f;
    int r = 99;
    counter_tell_init(&f, ref, v);
    assert_int_equal(counter_tell_poll(&f, &root.cx, &r), AC_READY);
    counter_tell_drop(&f);
    return r;
}

/* The mailbox is closed: an ask is refused at once. Then drop the ref. */
static void assert_closed_then_drop(counter_ref *ref) {
    hand_ask a;
    assert_int_equal(ask(&a, ref, 1), AC_READY);
    assert_int_equal(a.r, AC_ACTOR_STOPPED);
    counter_ref_drop(ref);
}

/* ---- asks, tells and replies -------------------------------------------------------------- */

static void test_ask_tell_recv_reply(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 4);
    hand_ask a, b;
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING); /* sent, waiting for the reply */
    assert_int_equal(ask(&b, &ref, 2), AC_PENDING);
    assert_int_equal(ask_poll(&a), AC_PENDING); /* spurious: still waiting */
    assert_int_equal(recv_now(&inbox), 1);
    assert_int_equal(counter_reply(&inbox, 10), AC_ACTOR_OK);
    assert_int_equal(counter_reply(&inbox, 11), AC_ACTOR_NO_ASKER); /* replied already */
    assert_int_equal(answer(&a), 10);
    assert_int_equal(recv_now(&inbox), 2);
    assert_int_equal(counter_reply(&inbox, 20), AC_ACTOR_OK);
    assert_int_equal(answer(&b), 20);
    /* A tell has nobody to answer. */
    assert_int_equal(tell_now(&ref, 3), AC_ACTOR_OK);
    assert_int_equal(counter_try_tell(&ref, 4), AC_ACTOR_OK);
    assert_int_equal(recv_now(&inbox), 3);
    assert_int_equal(counter_reply(&inbox, 30), AC_ACTOR_NO_ASKER);
    assert_int_equal(recv_now(&inbox), 4);
    /* Every ref gone: the end, after what is queued. */
    assert_int_equal(counter_try_tell(&ref, 5), AC_ACTOR_OK);
    counter_ref_drop(&ref);
    assert_int_equal(recv_now(&inbox), 5);
    assert_int_equal(recv_now(&inbox), AC_ACTOR_STOPPED);
    ac_actor_inbox_drop(&inbox);
    hand_leave();
}

/* A receive parked on an empty mailbox is woken by an ask, and by the last ref going. */
static void test_recv_waits(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref, copy;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 2);
    assert_int_equal(counter_ref_clone(&ref, &copy), AC_ACTOR_OK);
    counter_recv_frame f;
    long v = 0;
    int r = 99;
    counter_recv_init(&f, &inbox, &v);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_PENDING);
    hand_ask a;
    assert_int_equal(ask(&a, &copy, 7), AC_PENDING);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_ACTOR_OK);
    assert_int_equal(v, 7);
    assert_int_equal(counter_reply(&inbox, 70), AC_ACTOR_OK);
    assert_int_equal(answer(&a), 70);
    counter_recv_init(&f, &inbox, &v);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_PENDING);
    counter_ref_drop(&ref);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_PENDING); /* a ref is left */
    counter_ref_drop(&copy);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_ACTOR_STOPPED);
    ac_actor_inbox_drop(&inbox);
    hand_leave();
}

/* Never silence: a request received and not answered gets NO_REPLY at the next receive;
 * closing the mailbox answers the request being handled and the queued ones; then asks
 * and tells are refused. */
static void test_unanswered_requests_get_no_reply(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 4);
    hand_ask a, b, c;
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING);
    assert_int_equal(ask(&b, &ref, 2), AC_PENDING);
    assert_int_equal(ask(&c, &ref, 3), AC_PENDING);
    assert_int_equal(recv_now(&inbox), 1);
    assert_int_equal(recv_now(&inbox), 2);
    assert_int_equal(answer(&a), AC_ACTOR_NO_REPLY);
    ac_actor_inbox_drop(&inbox); /* b is being handled, c is queued */
    assert_int_equal(answer(&b), AC_ACTOR_NO_REPLY);
    assert_int_equal(answer(&c), AC_ACTOR_NO_REPLY);
    assert_int_equal(tell_now(&ref, 5), AC_ACTOR_STOPPED);
    assert_int_equal(counter_try_tell(&ref, 6), AC_ACTOR_STOPPED);
    ac_actor_inbox_drop(&inbox); /* twice: nothing */
    assert_closed_then_drop(&ref);
    hand_leave();
}

typedef struct wide {
    long v[4];
} wide;
AC_ACTOR_TYPED(wide, wide, wide);

static void test_bad_input(void **state) {
    (void)state;
    hand_enter();
    ac_actor_ref raw;
    ac_actor_inbox inbox;
    assert_int_equal(ac_actor_new(&raw, &inbox, sizeof(ac_actor_envelope) - 1, 8, 4),
                     AC_ACTOR_INVALID);
    assert_null(raw.tx.ch);
    assert_null(inbox.rx.ch);
    assert_int_equal(ac_actor_new(&raw, &inbox, 16, 0, 4), AC_ACTOR_INVALID);
    /* Handles dropped, twice, or never made. */
    counter_ref ref, copy;
    counter(&ref, &inbox, 4);
    counter_ref_drop(&ref);
    counter_ref_drop(&ref);
    assert_int_equal(counter_ref_clone(&ref, &copy), AC_ACTOR_INVALID);
    counter_ref_drop(&copy);
    hand_ask a;
    assert_int_equal(ask(&a, &ref, 1), AC_READY);
    assert_int_equal(a.r, AC_ACTOR_INVALID);
    assert_int_equal(counter_try_tell(&ref, 1), AC_ACTOR_INVALID);
    assert_int_equal(counter_reply(&inbox, 1), AC_ACTOR_NO_ASKER);
    ac_actor_inbox_drop(&inbox);
    assert_int_equal(recv_now(&inbox), AC_ACTOR_INVALID);
    /* An ask without a place for the reply. */
    counter(&ref, &inbox, 4);
    ac_actor_ask_frame f;
    counter_envelope_ env = {.request = 1};
    int r = 99;
    ac_actor_ask_init(&f, &ref.raw, &env.head, NULL);
    assert_int_equal(ac_actor_ask_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_ACTOR_INVALID);
    ac_actor_ask_drop(&f);
    /* Another actor's inbox: the sizes differ. */
    wide_ref wref;
    ac_actor_inbox winbox;
    assert_int_equal(wide_new(&wref, &winbox, 2), AC_ACTOR_OK);
    assert_int_equal(recv_now(&winbox), AC_ACTOR_INVALID);
    assert_int_equal(wide_reply(&inbox, (wide){{1, 2, 3, 4}}), AC_ACTOR_INVALID);
    assert_int_equal(counter_reply(&winbox, 1), AC_ACTOR_INVALID);
    wide_ref_drop(&wref);
    ac_actor_inbox_drop(&winbox);
    counter_ref_drop(&ref);
    ac_actor_inbox_drop(&inbox);
    hand_leave();
}

/* A full mailbox: an ask waits to send; the receive that makes room moves its request in. */
static void test_full_mailbox(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 1);
    hand_ask a, b;
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING);
    assert_int_equal(ask(&b, &ref, 2), AC_PENDING);
    assert_int_equal(counter_try_tell(&ref, 9), AC_ACTOR_FULL);
    assert_true(aci_waiter_parked(&b.f.base.await.send.wait.waiter)); /* waiting for room */
    assert_int_equal(recv_now(&inbox), 1);
    assert_false(aci_waiter_parked(&b.f.base.await.send.wait.waiter)); /* moved in */
    assert_int_equal(ask_poll(&b), AC_PENDING); /* now waiting for its reply */
    assert_int_equal(counter_reply(&inbox, 10), AC_ACTOR_OK);
    assert_int_equal(recv_now(&inbox), 2);
    assert_int_equal(counter_reply(&inbox, 20), AC_ACTOR_OK);
    assert_int_equal(answer(&a), 10);
    assert_int_equal(answer(&b), 20);
    counter_ref_drop(&ref);
    ac_actor_inbox_drop(&inbox);
    hand_leave();
}

/* ---- drops ------------------------------------------------------------------------------------
 */

/* An ask dropped at each point of its life loses nothing, answers nothing twice and
 * leaks nothing (ASan and valgrind look): before its first poll, while waiting for room
 * (not sent), after a receive moved its request in but before it ran again (sent), while
 * queued, while the actor handles it. */
static void test_asks_dropped_at_each_point(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 1);
    hand_ask a, b;
    counter_ask_init(&a.f, &ref, 1, &a.reply);
    counter_ask_drop(&a.f); /* never polled */
    /* Waiting for room: not sent. */
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING);
    assert_int_equal(ask(&b, &ref, 2), AC_PENDING);
    counter_ask_drop(&b.f);
    assert_int_equal(recv_now(&inbox), 1);
    assert_int_equal(counter_reply(&inbox, 10), AC_ACTOR_OK);
    assert_int_equal(answer(&a), 10);
    recv_parks_then_drop(&inbox); /* nothing else came */
    /* Moved in by a receive, then dropped: sent all the same; its reply is discarded. */
    assert_int_equal(ask(&a, &ref, 3), AC_PENDING);
    assert_int_equal(ask(&b, &ref, 4), AC_PENDING);
    assert_int_equal(recv_now(&inbox), 3);
    counter_ask_drop(&b.f);
    assert_int_equal(counter_reply(&inbox, 30), AC_ACTOR_OK);
    assert_int_equal(answer(&a), 30);
    assert_int_equal(recv_now(&inbox), 4);
    assert_int_equal(counter_reply(&inbox, 40), AC_ACTOR_NO_ASKER);
    /* Queued, then dropped. */
    assert_int_equal(ask(&a, &ref, 5), AC_PENDING);
    counter_ask_drop(&a.f);
    assert_int_equal(recv_now(&inbox), 5);
    assert_int_equal(counter_reply(&inbox, 50), AC_ACTOR_NO_ASKER);
    /* Being handled, then dropped. */
    assert_int_equal(ask(&a, &ref, 6), AC_PENDING);
    assert_int_equal(recv_now(&inbox), 6);
    counter_ask_drop(&a.f);
    assert_int_equal(counter_reply(&inbox, 60), AC_ACTOR_NO_ASKER);
    /* Queued when the mailbox closes (the discard answers it), then dropped. */
    assert_int_equal(ask(&a, &ref, 7), AC_PENDING);
    ac_actor_inbox_drop(&inbox);
    counter_ask_drop(&a.f);
    counter_ref_drop(&ref);
    hand_leave();
}

/* A receive dropped while parked takes nothing with it: the next one gets the request;
 * one dropped after a request woke it leaves the request for the next. */
static void test_recv_dropped(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 2);
    recv_parks_then_drop(&inbox);
    assert_int_equal(counter_try_tell(&ref, 1), AC_ACTOR_OK);
    assert_int_equal(recv_now(&inbox), 1);
    counter_recv_frame f;
    long v = 0;
    int r = 99;
    counter_recv_init(&f, &inbox, &v);
    assert_int_equal(counter_recv_poll(&f, &root.cx, &r), AC_PENDING);
    assert_int_equal(counter_try_tell(&ref, 2), AC_ACTOR_OK); /* wakes f */
    counter_recv_drop(&f);
    assert_int_equal(recv_now(&inbox), 2);
    counter_ref_drop(&ref);
    ac_actor_inbox_drop(&inbox);
    hand_leave();
}

/* ---- supervision, polled by hand --------------------------------------------------------------
 */

static int failures_reported[8];
static int reports;

static void on_failure(ac_supervisor *sup, int status) {
    assert_int_equal(sup->failures, reports + 1);
    assert_int_equal(sup->status, status);
    failures_reported[reports++] = status;
}

/* A supervisor of the counter, polled in the root. */
typedef struct hand_sup {
    ac_actor_supervise_frame f;
    ac_supervisor sup;
    counter_stats stats;
    int r;
} hand_sup;

static void supervise(hand_sup *s, ac_actor_inbox inbox, unsigned max_restarts) {
    reports = 0;
    s->stats = (counter_stats){0};
    s->sup =
        (ac_supervisor){.arg = &s->stats, .max_restarts = max_restarts, .on_failure = on_failure};
    s->r = 99;
    ac_actor_supervise_init(&s->f, inbox, counter_start, &s->sup);
}

static ac_poll supervise_poll(hand_sup *s) {
    return ac_actor_supervise_poll(&s->f, &root.cx, &s->r);
}

/* Asks of values[i] into asks[i], each left waiting. */
static void ask_all(hand_ask *asks, counter_ref *ref, const long *values, int n) {
    for (int i = 0; i < n; i++)
        assert_int_equal(ask(&asks[i], ref, values[i]), AC_PENDING);
}

/* A failure on the 3rd request: it gets NO_REPLY, the requests queued behind it are
 * served by a new incarnation that starts from 0. */
static void test_supervisor_restarts_on_the_same_mailbox(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 8);
    hand_ask asks[5];
    static const long values[5] = {1, 2, -3, 4, 5};
    ask_all(asks, &ref, values, 5);
    hand_sup s;
    supervise(&s, inbox, 2);
    assert_int_equal(supervise_poll(&s), AC_PENDING); /* served all, waits for more */
    assert_int_equal(s.sup.outcome, AC_SUPERVISOR_RUNNING);
    assert_int_equal(answer(&asks[0]), 1);
    assert_int_equal(answer(&asks[1]), 3);
    assert_int_equal(answer(&asks[2]), AC_ACTOR_NO_REPLY);
    assert_int_equal(answer(&asks[3]), 4); /* fresh state */
    assert_int_equal(answer(&asks[4]), 9);
    assert_int_equal(s.sup.failures, 1);
    assert_int_equal(s.sup.status, 3);
    assert_int_equal(reports, 1);
    assert_int_equal(failures_reported[0], 3);
    assert_int_equal(s.stats.incarnations, 2);
    /* Every ref gone: the incarnation returns 0, the supervisor is done. */
    counter_ref_drop(&ref);
    assert_int_equal(supervise_poll(&s), AC_READY);
    assert_int_equal(s.r, AC_ACTOR_OK);
    assert_int_equal(s.sup.outcome, AC_ACTOR_OK);
    assert_int_equal(s.sup.status, 0);
    assert_int_equal(s.sup.failures, 1);
    ac_actor_supervise_drop(&s.f); /* finished: nothing */
    assert_int_equal(s.stats.dropped, 0);
    hand_leave();
}

/* More failures than max_restarts: the supervisor gives up, the queued requests get
 * NO_REPLY and later asks STOPPED. */
static void test_supervisor_gives_up(void **state) {
    (void)state;
    for (unsigned max = 0; max < 3; max++) {
        hand_enter();
        counter_ref ref;
        ac_actor_inbox inbox;
        counter(&ref, &inbox, 8);
        hand_ask asks[6];
        static const long values[6] = {-1, -2, -3, -4, 7, 8};
        ask_all(asks, &ref, values, 6);
        hand_sup s;
        supervise(&s, inbox, max);
        assert_int_equal(supervise_poll(&s), AC_READY);
        assert_int_equal(s.r, AC_ACTOR_GAVE_UP);
        assert_int_equal(s.sup.outcome, AC_ACTOR_GAVE_UP);
        assert_int_equal(s.sup.failures, max + 1);
        assert_int_equal(s.sup.status, (int)max + 1);
        assert_int_equal(reports, max + 1);
        for (int i = 0; i < 6; i++)
            assert_int_equal(answer(&asks[i]), AC_ACTOR_NO_REPLY);
        assert_closed_then_drop(&ref);
        hand_leave();
    }
}

/* An incarnation that cannot be made (memory exhausted): NOMEM, the mailbox closed. */
static void test_supervisor_start_fails(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 8);
    hand_ask a;
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING);
    hand_sup s;
    supervise(&s, inbox, 2);
    s.stats.fail_start = 1;
    assert_int_equal(supervise_poll(&s), AC_READY);
    assert_int_equal(s.r, AC_ACTOR_NOMEM);
    assert_int_equal(s.sup.outcome, AC_ACTOR_NOMEM);
    assert_int_equal(answer(&a), AC_ACTOR_NO_REPLY);
    counter_ref_drop(&ref);
    hand_leave();
}

/* A start whose future does not return int. */
static ac_poll long_poll(void *slot, ac_cx *cx, void *out) {
    (void)slot, (void)cx, (void)out;
    fail_msg("an incarnation of the wrong type was polled");
    return AC_READY;
}

static void long_drop(void *slot) {
    ac_frame_free(*(void **)slot);
}

static const ac_vtable long_future_vtable = {long_poll, long_drop, sizeof(void *), sizeof(long),
                                             NULL};

static ac_future long_start(ac_actor_inbox *inbox, void *arg) {
    (void)inbox, (void)arg;
    return (ac_future){&long_future_vtable, ac_frame_alloc(8)};
}

static void test_supervisor_bad_input(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    ac_actor_supervise_frame f;
    ac_supervisor sup = {0};
    int r = 99;
    /* The wrong result type: the incarnation is dropped unpolled. */
    counter(&ref, &inbox, 8);
    ac_actor_supervise_init(&f, inbox, long_start, &sup);
    assert_int_equal(ac_actor_supervise_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_ACTOR_INVALID);
    assert_int_equal(sup.outcome, AC_ACTOR_INVALID);
    assert_closed_then_drop(&ref);
    /* No start, no record: the mailbox given is closed. */
    for (int missing = 0; missing < 2; missing++) {
        counter(&ref, &inbox, 8);
        ac_actor_supervise_init(&f, inbox, missing ? counter_start : NULL, missing ? NULL : &sup);
        assert_int_equal(ac_actor_supervise_poll(&f, &root.cx, &r), AC_READY);
        assert_int_equal(r, AC_ACTOR_INVALID);
        assert_closed_then_drop(&ref);
    }
    /* An empty inbox. */
    ac_actor_inbox none = {{NULL}, {NULL}, NULL, 0, 0};
    ac_actor_supervise_init(&f, none, counter_start, &sup);
    assert_int_equal(ac_actor_supervise_poll(&f, &root.cx, &r), AC_READY);
    assert_int_equal(r, AC_ACTOR_INVALID);
    hand_leave();
}

/* A supervisor dropped while its incarnation waits: the incarnation is dropped, the
 * queued request answered, the record says STOPPED. */
static void test_supervisor_dropped(void **state) {
    (void)state;
    hand_enter();
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 8);
    hand_ask a, b;
    assert_int_equal(ask(&a, &ref, 1), AC_PENDING);
    hand_sup s;
    supervise(&s, inbox, 2);
    assert_int_equal(supervise_poll(&s), AC_PENDING);
    assert_int_equal(answer(&a), 1);
    assert_int_equal(ask(&b, &ref, 2), AC_PENDING); /* queued, unseen */
    ac_actor_supervise_drop(&s.f);
    assert_int_equal(s.stats.dropped, 1);
    assert_int_equal(s.sup.outcome, AC_ACTOR_STOPPED);
    assert_int_equal(answer(&b), AC_ACTOR_NO_REPLY);
    assert_closed_then_drop(&ref);
    /* Dropped before its first poll: the mailbox is closed all the same. */
    counter(&ref, &inbox, 8);
    supervise(&s, inbox, 2);
    ac_actor_supervise_drop(&s.f);
    assert_int_equal(s.stats.incarnations, 0);
    assert_closed_then_drop(&ref);
    hand_leave();
}

/* ---- tasks ---------------------------------------------------------------------------------- */

/* Many asker tasks against one supervised actor: every ask answered, and the sum adds
 * up (the reply to the last ask served is the total of every amount). */
static void test_many_askers(void **state) {
    (void)state;
    enum { ASKERS = 40, ASKS = 50 };
    counter_ref ref;
    ac_actor_inbox inbox;
    counter(&ref, &inbox, 4);
    counter_stats stats = {0};
    ac_supervisor sup = {.arg = &stats};
    ac_task *keeper = ac_task_spawn(supervisor_new(inbox, counter_start, &sup));
    static asked a[ASKERS];
    long total = 0, highest = 0;
    for (int i = 0; i < ASKERS; i++) {
        counter_ref mine;
        assert_int_equal(counter_ref_clone(&ref, &mine), AC_ACTOR_OK);
        a[i] = (asked){0};
        ac_detach(ac_task_spawn(asker_new(mine, i + 1, ASKS, &a[i])));
        total += (long)(i + 1) * ASKS;
    }
    counter_ref_drop(&ref);
    int outcome = 99;
    assert_int_equal(ac_task_block_on(keeper, &outcome), 0);
    assert_int_equal(outcome, AC_ACTOR_OK);
    for (int i = 0; i < ASKERS; i++) {
        assert_int_equal(a[i].ok, ASKS);
        assert_int_equal(a[i].not_growing, 0);
        if (a[i].last > highest)
            highest = a[i].last;
    }
    assert_int_equal(highest, total);
    assert_int_equal(stats.incarnations, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ask_tell_recv_reply),
        cmocka_unit_test(test_recv_waits),
        cmocka_unit_test(test_unanswered_requests_get_no_reply),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_full_mailbox),
        cmocka_unit_test(test_asks_dropped_at_each_point),
        cmocka_unit_test(test_recv_dropped),
        cmocka_unit_test(test_supervisor_restarts_on_the_same_mailbox),
        cmocka_unit_test(test_supervisor_gives_up),
        cmocka_unit_test(test_supervisor_start_fails),
        cmocka_unit_test(test_supervisor_bad_input),
        cmocka_unit_test(test_supervisor_dropped),
        cmocka_unit_test(test_many_askers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
