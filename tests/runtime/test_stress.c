/* test_stress.c - the multi-thread runtime under load: spawners on 4 workers each fill a
 * join set with children that yield (so idle workers steal them), abort some of them,
 * spawn more while taking results, and take every result; meanwhile threads outside the
 * runtime block on it at once. Nothing is lost or run twice: each child that finished
 * was taken exactly once (a count per child and a checksum over the values), each one
 * aborted before it finished came back -ECANCELED, and the metrics add up. Run it under
 * TSan, ASan+UBSan and valgrind too (bounded: a few seconds). */
#include "internal.h"

#include "ac_joinset.h" /* after ac_runtime.h: the runtime faces */
#include "ac_mt.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { SPAWNERS = 8, CHILDREN = 300, OUTSIDE = 3, TOTAL = (OUTSIDE + 1) * SPAWNERS * CHILDREN };

static atomic_int finished[TOTAL]; /* by each child, when it returns */
static atomic_int taken[TOTAL];    /* by its spawner, when a next gives its value */

static long checksum_of(int id) {
    return (long)id * 2654435761L % 1000003;
}

/* ---- child(id): yield id % 5 times, return id ------------------------------------------------ */

typedef struct child_frame {
    int id, left;
    ac_yield_frame y;
    int yielding;
} child_frame;

static ac_poll child_poll(child_frame *f, ac_cx *cx, int *out) {
    for (; f->left > 0; f->left--) {
        if (!f->yielding)
            ac_yield_init(&f->y);
        f->yielding = 1;
        if (ac_yield_poll(&f->y, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->yielding = 0;
    }
    atomic_fetch_add(&finished[f->id], 1);
    *out = f->id;
    return AC_READY;
}

static void child_drop(child_frame *f) {
    (void)f;
}

static ac_poll child_poll_erased(void *frame, ac_cx *cx, void *out) {
    return child_poll(frame, cx, out);
}
static void child_drop_erased(void *frame) {
    child_drop(frame);
}
static const ac_vtable child_vtable = {child_poll_erased, child_drop_erased, sizeof(child_frame),
                                       sizeof(int), NULL};

static ac_task *child_spawn(int id) {
    ac_task *t = ac_task_new(&child_vtable);
    if (!t)
        return NULL;
    *(child_frame *)ac_task_frame(t) = (child_frame){id, id % 5, {0}, 0};
    return ac_task_spawn(t);
}

/* ---- spawner(first): CHILDREN children from id first; half spawned before taking ------------ */

typedef struct tally {
    atomic_long sum;
    atomic_int cancelled, errors;
} tally;

static tally totals;

typedef struct spawner_frame {
    int first, spawned, v;
    ac_joinset set;
    ac_joinset_next_frame next;
    int waiting;
} spawner_frame;

/* Spawn up to n more children; every seventh is aborted at once. */
static void spawner_fill(spawner_frame *f, int n) {
    for (; n > 0 && f->spawned < CHILDREN; n--, f->spawned++) {
        ac_task *h = child_spawn(f->first + f->spawned);
        if (ac_joinset_spawn(&f->set, h) != 0)
            atomic_fetch_add(&totals.errors, 1);
        else if (f->spawned % 7 == 0)
            ac_joinset_abort(&f->set, h);
    }
}

static void spawner_count(spawner_frame *f, int rc) {
    if (rc == 1) {
        atomic_fetch_add(&taken[f->v], 1);
        atomic_fetch_add(&totals.sum, checksum_of(f->v));
    } else if (rc == -ECANCELED) {
        atomic_fetch_add(&totals.cancelled, 1);
    } else {
        atomic_fetch_add(&totals.errors, 1);
    }
}

static ac_poll spawner_poll(spawner_frame *f, ac_cx *cx, int *out) {
    if (!f->waiting) {
        ac_joinset_init(&f->set);
        spawner_fill(f, CHILDREN / 2);
    }
    for (;;) {
        if (!f->waiting)
            ac_joinset_next_init(&f->next, &f->set, &f->v);
        f->waiting = 1;
        int rc;
        if (ac_joinset_next_poll(&f->next, cx, &rc) == AC_PENDING)
            return AC_PENDING;
        f->waiting = 0;
        if (rc == 0)
            break;
        spawner_count(f, rc);
        spawner_fill(f, 2); /* spawning while taking */
    }
    ac_joinset_drop(&f->set);
    *out = 0;
    return AC_READY;
}

static void spawner_drop(spawner_frame *f) {
    ac_joinset_drop(&f->set);
}

static ac_poll spawner_slot_poll(void *slot, ac_cx *cx, void *out) {
    if (spawner_poll(*(spawner_frame **)slot, cx, out) == AC_PENDING)
        return AC_PENDING;
    free(*(void **)slot);
    *(void **)slot = NULL;
    return AC_READY;
}
static void spawner_slot_drop(void *slot) {
    spawner_drop(*(spawner_frame **)slot);
    free(*(void **)slot);
    *(void **)slot = NULL;
}
static const ac_vtable spawner_future_vt = {spawner_slot_poll, spawner_slot_drop, sizeof(void *),
                                            sizeof(int), NULL};

static ac_future spawner_future(int first) {
    spawner_frame *f = calloc(1, sizeof *f);
    f->first = first;
    return (ac_future){&spawner_future_vt, f};
}

/* ---- the root of each blocking thread: SPAWNERS spawners in a set --------------------------- */

typedef struct root_frame {
    int first, started, rc;
    ac_joinset set;
    ac_joinset_next_frame next;
} root_frame;

static ac_poll root_poll(root_frame *f, ac_cx *cx, int *out) {
    if (!f->started) {
        f->started = 1;
        ac_joinset_init(&f->set);
        for (int i = 0; i < SPAWNERS; i++)
            if (ac_joinset_spawn(&f->set, ac_future_spawn(spawner_future(f->first + i * CHILDREN))))
                atomic_fetch_add(&totals.errors, 1);
        ac_joinset_next_init(&f->next, &f->set, &f->rc);
    }
    int rc;
    do
        if (ac_joinset_next_poll(&f->next, cx, &rc) == AC_PENDING)
            return AC_PENDING;
    while (rc == 1);
    *out = rc; /* 0: every spawner ended */
    return AC_READY;
}

static void root_drop(root_frame *f) {
    ac_joinset_drop(&f->set);
}

static ac_poll root_slot_poll(void *slot, ac_cx *cx, void *out) {
    if (root_poll(*(root_frame **)slot, cx, out) == AC_PENDING)
        return AC_PENDING;
    free(*(void **)slot);
    *(void **)slot = NULL;
    return AC_READY;
}
static void root_slot_drop(void *slot) {
    root_drop(*(root_frame **)slot);
    free(*(void **)slot);
    *(void **)slot = NULL;
}
static const ac_vtable root_future_vt = {root_slot_poll, root_slot_drop, sizeof(void *),
                                         sizeof(int), NULL};

typedef struct blocker {
    ac_runtime *rt;
    int first, rc, result;
    pthread_t thread;
} blocker;

static void *blocker_main(void *arg) {
    blocker *b = arg;
    root_frame *f = calloc(1, sizeof *f);
    f->first = b->first;
    b->result = -1;
    b->rc = ac_runtime_block_on(b->rt, (ac_future){&root_future_vt, f}, &b->result);
    return NULL;
}

static void test_stress(void **state) {
    (void)state;
    ac_runtime_builder rb;
    ac_runtime_builder_init(&rb);
    rb.worker_threads = 4;
    ac_runtime *rt;
    assert_int_equal(ac_runtime_new(&rb, &rt), 0);
    blocker b[OUTSIDE + 1];
    for (int i = 0; i <= OUTSIDE; i++) {
        b[i] = (blocker){rt, i * SPAWNERS * CHILDREN, 0, 0, 0};
        if (i > 0)
            assert_int_equal(pthread_create(&b[i].thread, NULL, blocker_main, &b[i]), 0);
    }
    blocker_main(&b[0]);
    for (int i = 1; i <= OUTSIDE; i++)
        pthread_join(b[i].thread, NULL);
    long want_sum = 0;
    int done = 0;
    for (int i = 0; i <= OUTSIDE; i++) {
        assert_int_equal(b[i].rc, 0);
        assert_int_equal(b[i].result, 0);
    }
    for (int id = 0; id < TOTAL; id++) {
        assert_true(atomic_load(&finished[id]) <= 1); /* never run to its end twice */
        assert_int_equal(atomic_load(&taken[id]), atomic_load(&finished[id])); /* not lost */
        if (atomic_load(&finished[id])) {
            want_sum += checksum_of(id);
            done++;
        }
    }
    assert_int_equal(atomic_load(&totals.errors), 0);
    assert_int_equal(atomic_load(&totals.sum), want_sum);
    assert_int_equal(done + atomic_load(&totals.cancelled), TOTAL);
    assert_true(atomic_load(&totals.cancelled) > 0); /* aborts that came in time */
    ac_runtime_metrics m;
    ac_runtime_metrics_get(rt, &m);
    assert_int_equal(m.tasks_spawned, TOTAL + (OUTSIDE + 1) * SPAWNERS);
    assert_int_equal(m.tasks_alive, 0);
    assert_int_equal(ac_runtime_shutdown(rt, 1000), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_stress)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
