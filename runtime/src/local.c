/* local.c - task-local values (ac_local.h): this thread's stack of the bindings in
 * force. Bindings live in the frames (or, in plain code, on the C stack) of the code
 * that declares them; the stack only links them, innermost first, so that nothing here
 * allocates and a read walks a few nodes. The code asyncc writes keeps the stack equal
 * to the scopes the running code is inside (ac_local_suspend, ac_local_resume), which
 * is why a thread-local stack serves tasks that move between threads. */
#include "ac_local.h"

#include <stddef.h>

static _Thread_local ac_local_binding *local_top;

static void local_link(ac_local_binding *b) {
    b->outer = local_top;
    b->linked = 1;
    local_top = b;
}

/* Scopes nest, so b is the top whenever it is unlinked: polls and blocks end
 * innermost first. */
static void local_unlink(ac_local_binding *b) {
    local_top = b->outer;
    b->outer = NULL;
    b->linked = 0;
}

ac_local_binding ac_local_bind(ac_local_binding *self, const ac_local_key *key, void *value) {
    ac_local_binding b = {key, value, local_top, 1};
    local_top = self; /* self holds b as soon as the declaration's initializer is stored */
    return b;
}

void ac_local_exit(ac_local_binding *b) {
    if (b->linked)
        local_unlink(b);
}

void ac_local_suspend(ac_local_binding *b) {
    local_unlink(b);
}

void ac_local_resume(ac_local_binding *b) {
    local_link(b);
}

void *ac_local_get(const ac_local_key *key) {
    for (const ac_local_binding *b = local_top; b; b = b->outer)
        if (b->key == key)
            return b->value;
    return NULL;
}

ac_local_binding *ac_local_hide(void) {
    ac_local_binding *saved = local_top;
    local_top = NULL;
    return saved;
}

void ac_local_restore(ac_local_binding *saved) {
    local_top = saved;
}
