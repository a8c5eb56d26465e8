/* test_select.c - the bookkeeping that asyncc's select, join and timeout lowering
 * calls (ac_select_* in ac_runtime.h) and the loop's generator behind a fair start. */
#include "internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The branches one round visits, in order, as digits ("201"). */
static void round_of(ac_select *s, char *out) {
    int i;
    while ((i = ac_select_next(s)) >= 0)
        *out++ = (char)('0' + i);
    *out = '\0';
}

static void test_biased_rounds_start_at_the_first_running_branch(void **state) {
    (void)state;
    ac_select s;
    char seen[AC_SELECT_MAX + 1];
    ac_select_begin(&s, 3, AC_SELECT_BIASED);
    round_of(&s, seen);
    assert_string_equal(seen, "012");
    ac_select_done(&s, 0, 0); /* finished, not ok: disabled */
    round_of(&s, seen);
    assert_string_equal(seen, "12");
    assert_true(ac_select_pending(&s));
    assert_false(ac_select_running(&s, 0));
    assert_true(ac_select_running(&s, 2));
}

static void test_select_is_decided_by_the_first_ok_branch(void **state) {
    (void)state;
    ac_select s;
    ac_select_begin(&s, 3, AC_SELECT_BIASED);
    assert_int_equal(ac_select_next(&s), 0);
    assert_int_equal(ac_select_next(&s), 1);
    ac_select_done(&s, 1, 1);
    assert_int_equal(ac_select_next(&s), -1); /* the round stops at the winner */
    assert_false(ac_select_pending(&s));
    assert_int_equal(ac_select_result(&s), 1);
    assert_true(ac_select_running(&s, 0)); /* the losers, for the drops */
    assert_true(ac_select_running(&s, 2));
}

static void test_select_with_every_branch_disabled_is_none(void **state) {
    (void)state;
    ac_select s;
    ac_select_begin(&s, 2, AC_SELECT_FAIR);
    for (int i; (i = ac_select_next(&s)) >= 0;)
        ac_select_done(&s, (unsigned)i, 0);
    assert_false(ac_select_pending(&s));
    assert_int_equal(ac_select_result(&s), -1); /* AC_NONE */
}

static void test_join_all_waits_for_every_branch(void **state) {
    (void)state;
    ac_select s;
    ac_select_begin(&s, 3, AC_SELECT_JOIN_ALL);
    ac_select_done(&s, 2, 0);
    ac_select_done(&s, 0, 1);
    assert_true(ac_select_pending(&s));
    char seen[AC_SELECT_MAX + 1];
    round_of(&s, seen);
    assert_string_equal(seen, "1");
    ac_select_done(&s, 1, 1);
    assert_false(ac_select_pending(&s));
    assert_int_equal(ac_select_result(&s), -1); /* AC_NONE */
}

static void test_try_join_stops_at_the_first_branch_not_ok(void **state) {
    (void)state;
    ac_select s;
    ac_select_begin(&s, 3, AC_SELECT_TRY_JOIN);
    ac_select_done(&s, 0, 1);
    assert_true(ac_select_pending(&s));
    ac_select_done(&s, 2, 0);
    assert_false(ac_select_pending(&s));
    assert_int_equal(ac_select_result(&s), 2);
    assert_true(ac_select_running(&s, 1));

    ac_select_begin(&s, 2, AC_SELECT_TRY_JOIN);
    ac_select_done(&s, 1, 1);
    ac_select_done(&s, 0, 1);
    assert_int_equal(ac_select_result(&s), -1); /* AC_NONE */
}

static void test_all_sixteen_branches(void **state) {
    (void)state;
    ac_select s;
    ac_select_begin(&s, AC_SELECT_MAX, AC_SELECT_BIASED);
    int n = 0;
    while (ac_select_next(&s) >= 0)
        n++;
    assert_int_equal(n, AC_SELECT_MAX);
    assert_int_equal(s.running, 0xffff);
}

/* A fair select starts its rounds at every branch about as often. */
static void test_fair_rounds_start_anywhere(void **state) {
    (void)state;
    enum { N = 3, ROUNDS = 3000 };
    int starts[N] = {0};
    ac_random_seed(12345);
    ac_select s;
    ac_select_begin(&s, N, AC_SELECT_FAIR);
    for (int r = 0; r < ROUNDS; r++) {
        char seen[AC_SELECT_MAX + 1];
        round_of(&s, seen);
        assert_int_equal(seen[N], '\0'); /* each running branch once per round */
        starts[seen[0] - '0']++;
    }
    for (int i = 0; i < N; i++)
        assert_in_range(starts[i], ROUNDS / N - 200, ROUNDS / N + 200);
}

static void test_random_below_is_in_range_and_repeatable(void **state) {
    (void)state;
    uint32_t first[64];
    ac_random_seed(7);
    for (int i = 0; i < 64; i++) {
        first[i] = ac_random_below(10);
        assert_true(first[i] < 10);
    }
    ac_random_seed(7);
    for (int i = 0; i < 64; i++)
        assert_int_equal(ac_random_below(10), first[i]);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ac_random_below(1), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_biased_rounds_start_at_the_first_running_branch),
        cmocka_unit_test(test_select_is_decided_by_the_first_ok_branch),
        cmocka_unit_test(test_select_with_every_branch_disabled_is_none),
        cmocka_unit_test(test_join_all_waits_for_every_branch),
        cmocka_unit_test(test_try_join_stops_at_the_first_branch_not_ok),
        cmocka_unit_test(test_all_sixteen_branches),
        cmocka_unit_test(test_fair_rounds_start_anywhere),
        cmocka_unit_test(test_random_below_is_in_range_and_repeatable),
    };
    return cmocka_run_group_tests_name("runtime.select", tests, NULL, NULL);
}
