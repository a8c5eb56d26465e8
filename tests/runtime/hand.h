/* hand.h - leaves polled by hand, the way a generated block_on polls its root
 * (test_chan.c, test_actor.c): they run inside a root, whose waker is root.cx.task. */
#ifndef RUNTIME_TEST_HAND_H
#define RUNTIME_TEST_HAND_H

#include "ac_runtime.h"

extern ac_root root;

/* Enter the root, or the test fails. */
void hand_enter(void);
/* Leave it; the test fails unless every task is gone and no waiter is parked. */
void hand_leave(void);

#endif
