/* test_actor_threads.c - a supervised actor on one thread, its askers on others, each
 * thread running its own block_on: every ask answered and the sums adding up, failures
 * and restarts while asks come from other threads, and asks dropped (cancelled) while
 * the actor may be replying from its thread. Build with -DASYNCC_SANITIZE=thread to
 * check the locking, address,undefined for the drops. */
#include "actor_machines.h"
#include "internal.h"
#include "members.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

enum { ASKER_THREADS = 3, TASKS_PER_THREAD = 4 };

/* The actor and its clients' refs, made on the test's thread. */
typedef struct setup {
    counter_ref refs[ASKER_THREADS * TASKS_PER_THREAD];
    ac_actor_inbox inbox;
    counter_stats stats;
    ac_supervisor sup;
    asked a[ASKER_THREADS * TASKS_PER_THREAD];
    int asks;
    long (*amount)(size_t asker); /* what asker i asks for */
} setup;

static void setup_make(setup *s, size_t capacity, unsigned max_restarts, int asks,
                       long (*amount)(size_t)) {
    counter_ref ref;
    *s = (setup){.asks = asks, .amount = amount};
    assert_int_equal(counter_new(&ref, &s->inbox, capacity), AC_ACTOR_OK);
    for (size_t i = 0; i < ASKER_THREADS * TASKS_PER_THREAD; i++)
        assert_int_equal(counter_ref_clone(&ref, &s->refs[i]), AC_ACTOR_OK);
    counter_ref_drop(&ref); /* the askers' refs keep the actor going */
    s->sup = (ac_supervisor){.arg = &s->stats, .max_restarts = max_restarts};
}

static ac_task *make_supervisor(void *arg, size_t i) {
    (void)i;
    setup *s = arg;
    return supervisor_new(s->inbox, counter_start, &s->sup);
}

static ac_task *make_asker(void *arg, size_t i) {
    setup *s = arg;
    return asker_new(s->refs[i], s->amount(i), s->asks, &s->a[i]);
}

/* The supervisor's thread and ASKER_THREADS threads of askers (they may add more). */
static void run_setup(setup *s, member *extra, int extras) {
    member m[1 + ASKER_THREADS + 2];
    m[0] = (member){.make = make_supervisor, .arg = s, .tasks = 1};
    for (int t = 0; t < ASKER_THREADS; t++)
        m[1 + t] = (member){.make = make_asker,
                            .arg = s,
                            .first = (size_t)t * TASKS_PER_THREAD,
                            .tasks = TASKS_PER_THREAD};
    for (int e = 0; e < extras; e++)
        m[1 + ASKER_THREADS + e] = extra[e];
    run_members(m, 1 + ASKER_THREADS + extras);
}

static long amount_by_index(size_t i) {
    return (long)i + 1;
}

/* Every ask answered, in order per asker (the sum only grows), and the last reply is
 * the total of every amount. */
static void test_askers_on_threads(void **state) {
    (void)state;
    static setup s;
    for (int round = 0; round < 2; round++) {
        setup_make(&s, round == 0 ? 1 : 16, 0, 150, amount_by_index);
        run_setup(&s, NULL, 0);
        long total = 0, highest = 0;
        for (size_t i = 0; i < ASKER_THREADS * TASKS_PER_THREAD; i++) {
            assert_int_equal(s.a[i].ok, s.asks);
            assert_int_equal(s.a[i].not_growing, 0);
            total += amount_by_index(i) * s.asks;
            if (s.a[i].last > highest)
                highest = s.a[i].last;
        }
        assert_int_equal(highest, total);
        assert_int_equal(s.sup.outcome, AC_ACTOR_OK);
        assert_int_equal(s.stats.incarnations, 1);
    }
}

/* The askers of the first thread send requests that make the actor fail (-1): each of
 * those gets NO_REPLY and costs one restart; every other ask is answered, by whichever
 * incarnation is running. */
static long failing_first_thread(size_t i) {
    return i < TASKS_PER_THREAD ? -1 : 1;
}

static void test_failures_while_asked_from_threads(void **state) {
    (void)state;
    static setup s;
    enum { ASKS = 50 };
    setup_make(&s, 2, 100000, ASKS, failing_first_thread);
    run_setup(&s, NULL, 0);
    int failing = 0;
    for (size_t i = 0; i < ASKER_THREADS * TASKS_PER_THREAD; i++) {
        int fails = failing_first_thread(i) < 0;
        assert_int_equal(s.a[i].ok, fails ? 0 : ASKS);
        assert_int_equal(s.a[i].no_reply, fails ? ASKS : 0);
        assert_int_equal(s.a[i].stopped + s.a[i].other, 0);
        failing += fails * ASKS;
    }
    assert_int_equal(s.sup.failures, failing);
    assert_int_equal(s.sup.status, 0); /* the last incarnation saw the refs go */
    assert_int_equal(s.sup.outcome, AC_ACTOR_OK);
    assert_int_equal(s.stats.incarnations, failing + 1);
}

/* A thread that asks and drops: half its asks are dropped right after their first poll
 * (waiting for room or for the reply, while the actor's thread may be replying), the
 * others awaited. Nothing leaks or races; the awaited ones are answered. */
typedef struct dropper {
    setup *s;
    counter_ref ref;
    int asks, answered, dropped;
} dropper;

static void dropping_body(member *m, ac_root *root) {
    dropper *d = m->arg;
    for (int i = 0; i < d->asks; i++) {
        counter_ask_frame f;
        long reply = 0;
        int r = 99;
        counter_ask_init(&f, &d->ref, 1, &reply);
        ac_poll p = counter_ask_poll(&f, &root->cx, &r);
        if (p == AC_PENDING && i % 2 == 0) {
            counter_ask_drop(&f);
            d->dropped++;
            continue;
        }
        while (p == AC_PENDING) {
            assert_int_equal(ac_root_wait(root), 0);
            p = counter_ask_poll(&f, &root->cx, &r);
        }
        assert_int_equal(r, AC_ACTOR_OK);
        d->answered++;
    }
    counter_ref_drop(&d->ref);
}

static void test_asks_dropped_across_threads(void **state) {
    (void)state;
    static setup s;
    setup_make(&s, 1, 0, 100, amount_by_index);
    static dropper d[2];
    member extra[2];
    for (int i = 0; i < 2; i++) {
        d[i] = (dropper){.s = &s, .asks = 1000};
        assert_int_equal(counter_ref_clone(&s.refs[0], &d[i].ref), AC_ACTOR_OK);
        extra[i] = (member){.body = dropping_body, .arg = &d[i]};
    }
    run_setup(&s, extra, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(d[i].answered + d[i].dropped, d[i].asks);
        assert_true(d[i].answered >= d[i].asks / 2);
    }
    for (size_t i = 0; i < ASKER_THREADS * TASKS_PER_THREAD; i++)
        assert_int_equal(s.a[i].ok, s.asks);
    assert_int_equal(s.sup.outcome, AC_ACTOR_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_askers_on_threads),
        cmocka_unit_test(test_failures_while_asked_from_threads),
        cmocka_unit_test(test_asks_dropped_across_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
