/* members.c - threads each blocking on tasks of their own (members.h). */
#include "members.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static void *member_main(void *p) {
    member *m = p;
    ac_root root;
    if (ac_root_enter(&root, "member") != 0) {
        m->failed = 1;
        return NULL;
    }
    atomic_fetch_add(m->started, 1);
    while (atomic_load(m->started) < m->members) {
    }
    if (m->body)
        m->body(m, &root);
    for (size_t i = 0; i < m->tasks && !m->failed; i++) {
        ac_join_frame j;
        ac_join_init(&j, ac_task_spawn(m->make(m->arg, m->first + i)), NULL);
        while (ac_join_poll(&j, &root.cx, NULL) == AC_PENDING)
            if (ac_root_wait(&root) != 0) {
                ac_join_drop(&j);
                m->failed = 1;
                break;
            }
    }
    ac_root_leave(&root);
    return NULL;
}

void run_members(member *m, int count) {
    atomic_int started = 0;
    for (int i = 0; i < count; i++) {
        m[i].started = &started;
        m[i].members = count;
        m[i].failed = 0;
        assert_int_equal(pthread_create(&m[i].thread, NULL, member_main, &m[i]), 0);
    }
    for (int i = 0; i < count; i++) {
        assert_int_equal(pthread_join(m[i].thread, NULL), 0);
        assert_int_equal(m[i].failed, 0);
    }
}
