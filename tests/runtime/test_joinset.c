/* test_joinset.c - <ac_joinset.h> on the current-thread runtime and on the multi-thread
 * one (1 and 2 workers): counts and results, a spawn or a next of the wrong size, abort
 * of one task, drop and shutdown aborting what the set holds. Run it under TSan, ASan
 * and valgrind too. */
#include "handles.h"
#include "internal.h"
#include "machines.h"

#include "ac_joinset.h" /* after ac_runtime.h: the runtime faces */
#include "ac_mt.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

enum { N = 200 };
enum end { END_NEXT, END_DROP, END_SHUTDOWN }; /* how the driver ends its set */

typedef struct report {
    int spawn_wrong_size, next_wrong_size; /* -EINVAL each */
    size_t len_full;                       /* N + 1 */
    int results, cancelled, abort_missing;
    long sum;
    size_t live_after_drop; /* current-thread: tasks left once the dropped ones ran */
} report;

/* driver(end, r): spawn N value tasks (results 0..N-1) and one that never finishes into a
 * set, abort that one (END_NEXT) and take every result; or take the N results and drop
 * or shut down the set with the endless one still in it. */
typedef struct driver_frame {
    enum end end;
    report *r;
    int step, v;
    ac_task *endless;
    ac_joinset set;
    ac_joinset_next_frame next;
    ac_joinset_shutdown_frame shut;
    ac_yield_frame y;
} driver_frame;

static void driver_start(driver_frame *f) {
    report *r = f->r;
    ac_joinset_init(&f->set);
    for (int i = 0; i < N; i++)
        assert_int_equal(ac_joinset_spawn(&f->set, value_spawn(i, i % 7)), 0);
    f->endless = value_spawn(-1, INT_MAX);
    assert_int_equal(ac_joinset_spawn(&f->set, f->endless), 0);
    r->spawn_wrong_size = ac_joinset_spawn(&f->set, record_spawn(1, 0));
    r->len_full = ac_joinset_len(&f->set);
    if (f->end == END_NEXT)
        assert_int_equal(ac_joinset_abort(&f->set, f->endless), 0);
    r->abort_missing = ac_joinset_abort(&f->set, NULL);
}

/* Take results until the set is empty (END_NEXT) or the N have come; 0 when done. */
static ac_poll driver_take(driver_frame *f, ac_cx *cx) {
    report *r = f->r;
    while (f->end == END_NEXT || r->results < N) {
        int rc;
        if (ac_joinset_next_poll(&f->next, cx, &rc) == AC_PENDING)
            return AC_PENDING;
        if (rc == 0)
            break;
        r->results += rc == 1;
        r->sum += rc == 1 ? f->v : 0;
        r->cancelled += rc == -ECANCELED;
        ac_joinset_next_init(&f->next, &f->set, &f->v);
    }
    return AC_READY;
}

static ac_poll driver_poll(driver_frame *f, ac_cx *cx, int *out) {
    switch (f->step) {
    case 0: {
        driver_start(f);
        long wide;
        ac_joinset_next_init(&f->next, &f->set, &wide);
        assert_int_equal(ac_joinset_next_poll(&f->next, cx, &f->r->next_wrong_size), AC_READY);
        ac_joinset_next_init(&f->next, &f->set, &f->v);
        f->step = 1;
    } /* fall through */
    case 1:
        if (driver_take(f, cx) == AC_PENDING)
            return AC_PENDING;
        f->step = 2;
        if (f->end == END_SHUTDOWN)
            ac_joinset_shutdown_init(&f->shut, &f->set);
        else
            ac_joinset_drop(&f->set);
        ac_yield_init(&f->y);
        /* fall through */
    case 2:
        if (f->end == END_SHUTDOWN && ac_joinset_shutdown_poll(&f->shut, cx, NULL) == AC_PENDING)
            return AC_PENDING;
        f->step = 3;
        /* fall through */
    default:
        if (ac_yield_poll(&f->y, cx, NULL) == AC_PENDING) /* the aborted task's turn */
            return AC_PENDING;
        f->r->live_after_drop = aci_tasks_live();
        *out = f->r->results;
        return AC_READY;
    }
}

static void driver_drop(driver_frame *f) {
    ac_joinset_drop(&f->set);
}

static void driver_init(driver_frame *f, enum end end, report *r) {
    memset(f, 0, sizeof *f);
    f->end = end;
    f->r = r;
}

DEFINE_VTABLE(driver, sizeof(int));

static void report_check(const report *r, enum end end) {
    assert_int_equal(r->spawn_wrong_size, -EINVAL);
    assert_int_equal(r->next_wrong_size, -EINVAL);
    assert_int_equal(r->len_full, N + 1);
    assert_int_equal(r->abort_missing, -ENOENT);
    assert_int_equal(r->results, N);
    assert_int_equal(r->sum, (long)N * (N - 1) / 2);
    assert_int_equal(r->cancelled, end == END_NEXT);
}

/* ---- the current-thread runtime ------------------------------------------------------------ */

static void current_thread(enum end end) {
    report r = {0};
    ac_task *t = ac_task_new(&driver_vtable);
    driver_init(ac_task_frame(t), end, &r);
    int results = 0;
    assert_int_equal(ac_task_block_on(t, &results), 0);
    assert_int_equal(results, N);
    report_check(&r, end);
    /* The driver alone: the endless task was dropped at its next turn and freed. */
    assert_int_equal(r.live_after_drop, 1);
    assert_int_equal(aci_tasks_live(), 0);
}

static void test_next_and_abort(void **state) {
    (void)state;
    current_thread(END_NEXT);
}

static void test_drop_aborts(void **state) {
    (void)state;
    current_thread(END_DROP);
}

static void test_shutdown_aborts(void **state) {
    (void)state;
    current_thread(END_SHUTDOWN);
}

/* ---- the multi-thread runtime --------------------------------------------------------------- */

static ac_poll driver_slot_poll(void *slot, ac_cx *cx, void *out) {
    if (driver_poll(*(driver_frame **)slot, cx, out) == AC_PENDING)
        return AC_PENDING;
    free(*(void **)slot);
    *(void **)slot = NULL;
    return AC_READY;
}

static void driver_slot_drop(void *slot) {
    driver_drop(*(driver_frame **)slot);
    free(*(void **)slot);
    *(void **)slot = NULL;
}

static const ac_vtable driver_future_vt = {driver_slot_poll, driver_slot_drop, sizeof(void *),
                                           sizeof(int), NULL};

static void multi_thread(enum end end) {
    for (unsigned workers = 1; workers <= 2; workers++) {
        ac_runtime_builder b;
        ac_runtime_builder_init(&b);
        b.worker_threads = workers;
        ac_runtime *rt;
        assert_int_equal(ac_runtime_new(&b, &rt), 0);
        report r = {0};
        driver_frame *f = malloc(sizeof *f);
        driver_init(f, end, &r);
        int results = 0;
        assert_int_equal(ac_runtime_block_on(rt, (ac_future){&driver_future_vt, f}, &results), 0);
        assert_int_equal(results, N);
        report_check(&r, end);
        /* The endless task was aborted: nothing is left for the shutdown to drop. */
        assert_int_equal(ac_runtime_shutdown(rt, 2000), 0);
    }
}

static void test_mt_next_and_abort(void **state) {
    (void)state;
    multi_thread(END_NEXT);
}

static void test_mt_drop_aborts(void **state) {
    (void)state;
    multi_thread(END_DROP);
}

static void test_mt_shutdown_aborts(void **state) {
    (void)state;
    multi_thread(END_SHUTDOWN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_and_abort),  cmocka_unit_test(test_drop_aborts),
        cmocka_unit_test(test_shutdown_aborts), cmocka_unit_test(test_mt_next_and_abort),
        cmocka_unit_test(test_mt_drop_aborts),  cmocka_unit_test(test_mt_shutdown_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
