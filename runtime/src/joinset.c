/* joinset.c - sets of spawned tasks (<ac_joinset.h>).
 *
 * A set is an array of members, each a task's handle and an ac_join_frame on it: a
 * next polls the joins of the members in order with the awaiting task's context, so
 * that each task finished is taken (its result copied by the join) and each one
 * running holds the awaiter as its joiner, woken when it finishes (task.c, mt.c). So
 * the set adds no state to tasks, and works wherever a join does. A join frame holds
 * no pointer to itself, so members move when the array grows or shrinks.
 *
 * Dropping a member's join gives its handle up (a detach); aborting is
 * aci_task_abort, which the executor carries out at the task's next turn.
 */
#include "internal.h"

#include "ac_joinset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ac_joinset_init(ac_joinset *s) {
    *s = (ac_joinset){NULL, 0, 0, 0, NULL};
}

size_t ac_joinset_len(const ac_joinset *s) {
    return s->len;
}

static int members_grow(ac_joinset *s) {
    if (s->len < s->cap)
        return 0;
    size_t cap = s->cap ? 2 * s->cap : 8;
    ac_joinset_member *grown = realloc(s->members, cap * sizeof *grown);
    if (!grown)
        return -ENOMEM;
    s->members = grown;
    s->cap = cap;
    return 0;
}

/* A spawn refused: the task is ended and its handle given up. */
static int spawn_refuse(ac_task *t, ac_task *h, int rc) {
    aci_task_abort(t);
    ac_detach(h);
    return rc;
}

int ac_joinset_spawn(ac_joinset *s, ac_task *h) {
    ac_task *t;
    int rc = aci_handle_task(h, &t);
    if (rc != 0)
        return rc;
    if (s->len > 0 && t->vt->result_size != s->result_size)
        return spawn_refuse(t, h, -EINVAL);
    if ((rc = members_grow(s)) != 0)
        return spawn_refuse(t, h, rc);
    ac_joinset_member *m = &s->members[s->len++];
    m->handle = h;
    ac_join_init_sized(&m->join, h, NULL, 0);
    s->result_size = t->vt->result_size;
    return 0;
}

int ac_joinset_abort(ac_joinset *s, ac_task *h) {
    for (size_t i = 0; i < s->len; i++)
        if (s->members[i].handle == h) {
            aci_task_abort(s->members[i].join.task);
            return 0;
        }
    return -ENOENT;
}

void ac_joinset_abort_all(ac_joinset *s) {
    for (size_t i = 0; i < s->len; i++)
        aci_task_abort(s->members[i].join.task);
}

void ac_joinset_drop(ac_joinset *s) {
    ac_joinset_abort_all(s);
    for (size_t i = 0; i < s->len; i++)
        ac_join_drop(&s->members[i].join);
    free(s->members);
    ac_joinset_init(s);
}

/* ---- leaf: ac_joinset_next ---------------------------------------------------------------- */

void ac_joinset_next_init_sized(ac_joinset_next_frame *f, ac_joinset *s, void *out,
                                size_t out_size) {
    f->set = s;
    f->out = out;
    f->out_size = out_size;
}

/* Member i finished with the join's value rc: out of the set, the others in order. The
 * next's value. */
static int member_take(ac_joinset *s, size_t i, int rc) {
    s->len--;
    memmove(&s->members[i], &s->members[i + 1], (s->len - i) * sizeof *s->members);
    if (s->len == 0) /* an empty set holds no memory and may be awaited by anyone */
        ac_joinset_drop(s);
    return rc == 0 ? 1 : rc;
}

/* The value of a next that takes nothing, or 1 to look at the members. */
static int next_refusal(const ac_joinset_next_frame *f, ac_cx *cx) {
    ac_joinset *s = f->set;
    if (s->len == 0)
        return 0;
    if (f->out && f->out_size && f->out_size != s->result_size)
        return -EINVAL;
    if (s->awaiter && s->awaiter != cx->task)
        return -EBUSY;
    s->awaiter = cx->task;
    return 1;
}

static ac_poll next_ready(int *out, int rc) {
    if (out)
        *out = rc;
    return AC_READY;
}

ac_poll ac_joinset_next_poll(ac_joinset_next_frame *f, ac_cx *cx, int *out) {
    if (!aci_coop_take(cx))
        return AC_PENDING;
    ac_joinset *s = f->set;
    int rc = next_refusal(f, cx);
    if (rc != 1)
        return next_ready(out, rc);
    for (size_t i = 0; i < s->len; i++) {
        ac_join_frame *j = &s->members[i].join;
        j->out = f->out;
        if (aci_join_poll_member(j, cx, &rc) == AC_READY)
            return next_ready(out, member_take(s, i, rc));
    }
    return AC_PENDING;
}

void ac_joinset_next_drop(ac_joinset_next_frame *f) {
    (void)f; /* the members' joins stay the set's */
}

/* ---- leaf: ac_joinset_shutdown ------------------------------------------------------------ */

void ac_joinset_shutdown_init(ac_joinset_shutdown_frame *f, ac_joinset *s) {
    ac_joinset_next_init_sized(&f->next, s, NULL, 0);
    f->started = 0;
}

ac_poll ac_joinset_shutdown_poll(ac_joinset_shutdown_frame *f, ac_cx *cx, void *out) {
    (void)out;
    if (!f->started)
        ac_joinset_abort_all(f->next.set);
    f->started = 1;
    int rc;
    do
        if (ac_joinset_next_poll(&f->next, cx, &rc) == AC_PENDING)
            return AC_PENDING;
    while (rc != 0 && rc != -EBUSY);
    ac_joinset_drop(f->next.set); /* another task awaits it (-EBUSY): give the rest up */
    return AC_READY;
}

void ac_joinset_shutdown_drop(ac_joinset_shutdown_frame *f) {
    (void)f; /* what is left stays in the set, aborted */
}
