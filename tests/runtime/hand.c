/* hand.c - a root for leaves polled by hand (hand.h). */
#include "hand.h"
#include "internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

ac_root root;

void hand_enter(void) {
    assert_int_equal(ac_root_enter(&root, NULL), 0);
}

void hand_leave(void) {
    ac_root_leave(&root);
    assert_int_equal(aci_tasks_live(), 0);
    assert_int_equal(aci_loop_this.waiters_parked, 0);
}
