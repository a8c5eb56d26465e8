/* test_waitlist.c - waiters woken from other threads: delivery through the parked
 * loop's inbox, a drop that takes back a wake still in flight, deadlock reports with
 * one loop and with several, and a token ring across threads (run it under TSan). The
 * tokens are in machines.c. */
#include "internal.h"
#include "machines.h"
#include "waitlist.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>

#include <cmocka.h>

/* ---- ring: take a token from mine, give one to the next, `rounds` times ------------------- */

typedef struct ring_frame {
    int state;
    unsigned round, rounds;
    tokens *mine, *next;
    unsigned *passes;
    take_frame take;
} ring_frame;

static void ring_init(ring_frame *f, tokens *mine, tokens *next, unsigned rounds,
                      unsigned *passes) {
    *f = (ring_frame){0, 0, rounds, mine, next, passes, {NULL, {0}}};
}

static ac_poll ring_poll(ring_frame *f, ac_cx *cx, void *out) {
    (void)out;
    for (; f->round < f->rounds; f->round++) {
        if (f->state == 0) {
            take_init(&f->take, f->mine);
            f->state = 1;
        }
        if (take_poll(&f->take, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->state = 0;
        ++*f->passes;
        tokens_give(f->next);
    }
    return AC_READY;
}

static void ring_drop(ring_frame *f) {
    if (f->state == 1)
        take_drop(&f->take);
}

/* Block on f. With `started`, count this loop in and wait for `members` loops in all
 * before the first poll: a member alone would rightly call its wait a deadlock. */
static int ring_block_on(ring_frame *f, atomic_int *started, int members) {
    ac_root root;
    if (ac_root_enter(&root, NULL) != 0)
        return -1;
    if (started) {
        atomic_fetch_add(started, 1);
        while (atomic_load(started) < members) {
        }
    }
    int rc = 0;
    while (ring_poll(f, &root.cx, NULL) == AC_PENDING)
        if (ac_root_wait(&root) != 0) {
            ring_drop(f);
            rc = -1;
            break;
        }
    ac_root_leave(&root);
    return rc;
}

/* ---- tests -------------------------------------------------------------------------------- */

/* One loop alone, its task parked on a list nobody else can reach: a deadlock, and the
 * drop leaves nothing parked. */
static void test_alone_is_deadlock(void **state) {
    (void)state;
    tokens t;
    tokens_init(&t);
    unsigned passes = 0;
    ring_frame f;
    ring_init(&f, &t, &t, 1, &passes);
    assert_int_equal(ring_block_on(&f, NULL, 0), -1);
    assert_int_equal(passes, 0);
    assert_null(t.waiting.head);
    assert_int_equal(aci_loop_this.waiters_parked, 0);
}

#define RING_THREADS 4
#define RING_ROUNDS 2000

typedef struct ring_member {
    pthread_t thread;
    tokens *mine, *next;
    unsigned passes;
    int rc;
    atomic_int *started;
} ring_member;

static void *ring_thread(void *arg) {
    ring_member *m = arg;
    ring_frame f;
    ring_init(&f, m->mine, m->next, RING_ROUNDS, &m->passes);
    m->rc = ring_block_on(&f, m->started, RING_THREADS);
    return NULL;
}

/* A token goes round RING_THREADS threads, each running its own loop, RING_ROUNDS times:
 * every pass is a wake of a task parked on another thread's loop. */
static void test_token_ring_across_threads(void **state) {
    (void)state;
    tokens t[RING_THREADS];
    ring_member m[RING_THREADS];
    atomic_int started = 0;
    for (int i = 0; i < RING_THREADS; i++)
        tokens_init(&t[i]);
    for (int i = 0; i < RING_THREADS; i++) {
        m[i] = (ring_member){0, &t[i], &t[(i + 1) % RING_THREADS], 0, 0, &started};
        assert_int_equal(pthread_create(&m[i].thread, NULL, ring_thread, &m[i]), 0);
    }
    while (atomic_load(&started) < RING_THREADS) {
    }
    tokens_give(&t[0]); /* from a thread outside any loop */
    for (int i = 0; i < RING_THREADS; i++) {
        assert_int_equal(pthread_join(m[i].thread, NULL), 0);
        assert_int_equal(m[i].rc, 0);
        assert_int_equal(m[i].passes, RING_ROUNDS);
    }
    /* The last member gave a token that nobody takes. */
    assert_int_equal(t[0].count, 1);
}

/* ---- a wake in flight, taken back by a drop ------------------------------------------------ */

typedef struct inflight {
    tokens t;
    atomic_int parked, given;
} inflight;

static void *give_when_parked(void *arg) {
    inflight *s = arg;
    while (!atomic_load(&s->parked)) {
    }
    tokens_give(&s->t);
    atomic_store(&s->given, 1);
    return NULL;
}

typedef struct cancel_frame {
    inflight *s;
    take_frame take;
    int *inbox_held;
} cancel_frame;

/* Park, let the other thread post the wake to this loop (without this loop draining it:
 * the poll never returns in between), then drop the wait and finish. */
static ac_poll cancel_poll(cancel_frame *f, ac_cx *cx, void *out) {
    (void)out;
    take_init(&f->take, &f->s->t);
    assert_int_equal(take_poll(&f->take, cx, NULL), AC_PENDING);
    atomic_store(&f->s->parked, 1);
    while (!atomic_load(&f->s->given)) {
    }
    pthread_mutex_lock(&f->s->t.lock);
    *f->inbox_held = f->take.waiter.list == &aci_loop_this.remote.inbox;
    pthread_mutex_unlock(&f->s->t.lock);
    take_drop(&f->take);
    return AC_READY;
}

static void test_drop_takes_back_wake_in_flight(void **state) {
    (void)state;
    inflight s;
    tokens_init(&s.t);
    atomic_init(&s.parked, 0);
    atomic_init(&s.given, 0);
    pthread_t giver;
    assert_int_equal(pthread_create(&giver, NULL, give_when_parked, &s), 0);
    int inbox_held = 0;
    cancel_frame f = {&s, {NULL, {0}}, &inbox_held};
    ac_root root;
    assert_int_equal(ac_root_enter(&root, NULL), 0);
    assert_int_equal(cancel_poll(&f, &root.cx, NULL), AC_READY);
    assert_int_equal(inbox_held, 1);
    assert_int_equal(aci_loop_this.waiters_parked, 0);
    assert_null(aci_loop_this.remote.inbox.head);
    ac_root_leave(&root);
    assert_int_equal(pthread_join(giver, NULL), 0);
    assert_int_equal(s.t.count, 1); /* the token stays for the next taker */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alone_is_deadlock),
        cmocka_unit_test(test_token_ring_across_threads),
        cmocka_unit_test(test_drop_takes_back_wake_in_flight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
