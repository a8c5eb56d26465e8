/* layout.c - values that are never needed at the same time share storage.
 *
 * The values of a frame form a group. Those needed at every suspension point of the
 * group get members of their own. The others split into components: two values are
 * in one component when a chain of clashes links them. Different components are
 * never needed together, so each becomes one alternative of an anonymous union (an
 * anonymous struct, laid out the same way, recursively). When the rest does not
 * split, the value that clashes with the most others gets a member of its own (it
 * costs its size at the group's other points: the only waste) and the rest is
 * tried again.
 *
 * Members go in increasing alignment, the union in its place among them: then the
 * only padding is at the end of each struct, where the C compiler rounds its size
 * to its alignment, as the bound does.
 */
#include <limits.h>
#include <string.h>

#include "layout.h"

static long round_up(long n, long align) {
    return (n + align - 1) / align * align;
}

/* A set of slots, by index. */
typedef struct Group {
    int n;
    int *ids;
} Group;

static size_t point_words(const Slots *s) {
    return (size_t)s->npoints / 64 + 1;
}

/* The points at which some slot of g is needed. */
static uint64_t *group_points(const Slots *s, const Group *g) {
    uint64_t *points = bits_new((size_t)s->npoints);
    for (int i = 0; i < g->n; i++)
        for (size_t w = 0; w < point_words(s); w++)
            points[w] |= s->items[g->ids[i]].points[w];
    return points;
}

static bool needed_at_all(const Slots *s, int id, const uint64_t *points) {
    for (size_t w = 0; w < point_words(s); w++)
        if (points[w] & ~s->items[id].points[w])
            return false;
    return true;
}

static void group_remove(Group *g, int k) {
    memmove(&g->ids[k], &g->ids[k + 1], (size_t)(g->n - k - 1) * sizeof *g->ids);
    g->n--;
}

/* The components of g under clashes; returns how many. */
static int group_split(const Slots *s, const Group *g, Group **comps) {
    int *comp = xmalloc((size_t)g->n * sizeof *comp), n = 0;
    int *stack = xmalloc((size_t)g->n * sizeof *stack);
    for (int i = 0; i < g->n; i++)
        comp[i] = -1;
    *comps = NULL;
    for (int i = 0; i < g->n; i++) {
        if (comp[i] >= 0)
            continue;
        Group c = {0};
        int top = 0;
        stack[top++] = i;
        comp[i] = n;
        while (top > 0) {
            int k = stack[--top];
            VEC_PUSH(&c.ids, &c.n, g->ids[k]);
            for (int j = 0; j < g->n; j++)
                if (comp[j] < 0 && bit_has(s->items[g->ids[k]].clash, g->ids[j])) {
                    comp[j] = n;
                    stack[top++] = j;
                }
        }
        VEC_PUSH(comps, &n, c);
    }
    return n;
}

static int clashes_within(const Slots *s, const Group *g, int id) {
    int n = 0;
    for (int j = 0; j < g->n; j++)
        n += bit_has(s->items[id].clash, g->ids[j]);
    return n;
}

/* The slot of a group that does not split to give a member of its own: one needed
 * at every point of the group costs nothing; else the one clashing with the most
 * others (the larger among equals), whose removal most likely splits the rest. */
static int group_pick(const Slots *s, const Group *g) {
    uint64_t *points = group_points(s, g);
    int best = 0, best_score = -1;
    for (int k = 0; k < g->n; k++) {
        int id = g->ids[k];
        if (needed_at_all(s, id, points))
            return k;
        int score = clashes_within(s, g, id);
        if (score > best_score ||
            (score == best_score && s->items[id].size > s->items[g->ids[best]].size)) {
            best = k;
            best_score = score;
        }
    }
    return best;
}

/* The first suspension point at which some slot of g is needed. */
static int first_point(const Slots *s, const Group *g) {
    uint64_t *points = group_points(s, g);
    int p = 0;
    while (p < s->npoints && !bit_has(points, p))
        p++;
    return p;
}

/* Components in the order of their first suspension points. */
static void comps_order(const Slots *s, Group *comps, int n) {
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && first_point(s, &comps[j - 1]) > first_point(s, &comps[j]); j--) {
            Group t = comps[j];
            comps[j] = comps[j - 1];
            comps[j - 1] = t;
        }
}

/* Places a field at the end of a struct of *size bytes and alignment *align. */
static void struct_add(long *size, long *align, long field_size, long field_align) {
    *size = round_up(*size, field_align) + field_size;
    if (field_align > *align)
        *align = field_align;
}

/* The union of the alternatives, as a field. */
static void union_measure(const Layout *l, long *size, long *align) {
    *size = 0;
    *align = 1;
    for (int i = 0; i < l->nalts; i++) {
        if (l->alts[i]->size > *size)
            *size = l->alts[i]->size;
        if (l->alts[i]->align > *align)
            *align = l->alts[i]->align;
    }
}

/* The members and the union laid out after `size` bytes of alignment `align`. */
static long layout_extent(const Layout *l, long size, long *align) {
    long union_size, union_align;
    union_measure(l, &union_size, &union_align);
    for (int i = 0; i <= l->nmembers; i++) {
        if (i == l->alts_at && l->nalts > 0)
            struct_add(&size, align, union_size, union_align);
        if (i < l->nmembers)
            struct_add(&size, align, l->members[i].size, l->members[i].align);
    }
    return round_up(size, *align);
}

/* Variables in source order, then the callees' frames in the order of the awaits,
 * then unions in the order of their first members. */
static long member_rank(const Member *m) {
    if (m->var)
        return m->var->id;
    if (m->await)
        return (long)INT_MAX + m->await->index;
    const Layout *first = m->union_of->alts[0];
    return 2L * INT_MAX + (first->nmembers > 0 ? member_rank(&first->members[0]) : 0);
}

static bool member_before(const Member *a, const Member *b) {
    if (a->align != b->align)
        return a->align < b->align;
    return member_rank(a) < member_rank(b);
}

/* Members in increasing alignment; the union after those not wider. */
static void layout_order(Layout *l) {
    for (int i = 1; i < l->nmembers; i++)
        for (int j = i; j > 0 && member_before(&l->members[j], &l->members[j - 1]); j--) {
            Member t = l->members[j];
            l->members[j] = l->members[j - 1];
            l->members[j - 1] = t;
        }
    long union_size, union_align;
    union_measure(l, &union_size, &union_align);
    l->alts_at = 0;
    while (l->alts_at < l->nmembers && l->members[l->alts_at].align <= union_align)
        l->alts_at++;
}

static void layout_add(Layout *l, const Slot *slot) {
    Member m = slot->member;
    m.size = slot->size;
    m.align = slot->align;
    VEC_PUSH(&l->members, &l->nmembers, m);
}

static void alts_merge(const Slots *s, Layout *l);

/* Colors the slots of g: each goes to the first class holding nothing it clashes
 * with, in the order of their first points; returns the class of each. */
static int *group_color(const Slots *s, const Group *g, int *nclasses) {
    int *color = xmalloc(((size_t)g->n + 1) * sizeof *color);
    *nclasses = 0;
    for (int k = 0; k < g->n; k++) {
        int c = 0;
        for (bool taken = true; taken; c += taken) {
            taken = false;
            for (int j = 0; j < k && !taken; j++)
                taken = color[j] == c && bit_has(s->items[g->ids[k]].clash, g->ids[j]);
        }
        color[k] = c;
        if (c + 1 > *nclasses)
            *nclasses = c + 1;
    }
    return color;
}

/* A group that does not split, as a struct of unions: one union per class of values
 * that never clash (a class of one value: that member). Wins over promoting values
 * one by one when the clashes form a chain (each result needed until the next one
 * arrives: two classes). */
static Layout *group_classes(const Slots *s, const Group *g) {
    int nclasses;
    int *color = group_color(s, g, &nclasses);
    Layout *l = xmalloc(sizeof *l);
    for (int c = 0; c < nclasses; c++) {
        Layout *u = xmalloc(sizeof *u);
        for (int k = 0; k < g->n; k++)
            if (color[k] == c) {
                Layout *alt = xmalloc(sizeof *alt);
                layout_add(alt, &s->items[g->ids[k]]);
                VEC_PUSH(&u->alts, &u->nalts, alt);
            }
        alts_merge(s, u);
        if (u->nmembers > 0) { /* merged into one member */
            VEC_PUSH(&l->members, &l->nmembers, u->members[0]);
            continue;
        }
        for (int i = 0; i < u->nalts; i++) {
            u->alts[i]->align = 1;
            u->alts[i]->size = layout_extent(u->alts[i], 0, &u->alts[i]->align);
        }
        Member m = {.union_of = u};
        union_measure(u, &m.size, &m.align);
        VEC_PUSH(&l->members, &l->nmembers, m);
    }
    return l;
}

/* The frame of an await's callee that is an alternative on its own, or NULL. */
static Await *alt_await(const Layout *alt) {
    return alt->nmembers == 1 && alt->nalts == 0 ? alt->members[0].await : NULL;
}

/* The awaits of s whose callee's frame is in b's member move to a's. */
static void member_join(const Slots *s, const Await *a, const Await *b) {
    char *from = b->member;
    for (int i = 0; i < s->n; i++) {
        Await *c = s->items[i].member.await;
        if (c && strcmp(c->member, from) == 0)
            c->member = a->member;
    }
}

/* Alternatives that are frames of the same callee become one member, which their
 * awaits share; a union left with one alternative dissolves into l. */
static void alts_merge(const Slots *s, Layout *l) {
    for (int i = 0; i < l->nalts; i++)
        for (int j = l->nalts - 1; j > i && alt_await(l->alts[i]); j--) {
            Await *a = alt_await(l->alts[i]), *b = alt_await(l->alts[j]);
            if (!b || a->expr->callee != b->expr->callee)
                continue;
            member_join(s, a, b);
            memmove(&l->alts[j], &l->alts[j + 1], (size_t)(l->nalts - j - 1) * sizeof *l->alts);
            l->nalts--;
        }
    if (l->nalts != 1)
        return;
    Layout *alt = l->alts[0];
    for (int i = 0; i < alt->nmembers; i++)
        VEC_PUSH(&l->members, &l->nmembers, alt->members[i]);
    l->alts = alt->alts;
    l->nalts = alt->nalts;
}

/* The member names of the awaits of s (merging changes them), or sets them back. */
static char **names_save(const Slots *s) {
    char **names = xmalloc(((size_t)s->n + 1) * sizeof *names);
    for (int i = 0; i < s->n; i++)
        names[i] = s->items[i].member.await ? s->items[i].member.await->member : NULL;
    return names;
}

static void names_restore(const Slots *s, char **names) {
    for (int i = 0; i < s->n; i++)
        if (s->items[i].member.await)
            s->items[i].member.await->member = names[i];
}

static long group_size(Layout *l) {
    layout_order(l);
    l->align = 1;
    return layout_extent(l, 0, &l->align);
}

static Layout *group_layout(const Slots *s, Group g);

/* The values of group g not needed everywhere in it, after the members of l: a
 * union of the components they split into; when they do not split, the better of
 * their classes (group_classes) and of members given one by one until the rest
 * splits. */
static Layout *group_rest(const Slots *s, Layout *l, Group g) {
    Group *comps;
    Layout *classes = NULL;
    char **after_classes = NULL;
    if (g.n > 1 && group_split(s, &g, &comps) == 1) {
        char **before = names_save(s);
        classes = group_classes(s, &g);
        for (int i = 0; i < l->nmembers; i++)
            VEC_PUSH(&classes->members, &classes->nmembers, l->members[i]);
        after_classes = names_save(s);
        names_restore(s, before);
    }
    while (g.n > 0) {
        Group *comps;
        int n = group_split(s, &g, &comps);
        if (n > 1) {
            comps_order(s, comps, n);
            for (int c = 0; c < n; c++)
                VEC_PUSH(&l->alts, &l->nalts, group_layout(s, comps[c]));
            break;
        }
        int k = group_pick(s, &g);
        layout_add(l, &s->items[g.ids[k]]);
        group_remove(&g, k);
    }
    alts_merge(s, l);
    if (!classes || group_size(classes) >= group_size(l))
        return l;
    names_restore(s, after_classes);
    return classes;
}

static Layout *group_layout(const Slots *s, Group g) {
    Layout *l = xmalloc(sizeof *l);
    uint64_t *points = group_points(s, &g);
    for (int k = 0; k < g.n;)
        if (needed_at_all(s, g.ids[k], points)) {
            layout_add(l, &s->items[g.ids[k]]);
            group_remove(&g, k);
        } else {
            k++;
        }
    l = group_rest(s, l, g);
    l->size = group_size(l);
    return l;
}

/* Orders and measures l and everything in it. */
static void layout_measure(Layout *l) {
    for (int i = 0; i < l->nalts; i++)
        layout_measure(l->alts[i]);
    for (int i = 0; i < l->nmembers; i++)
        if (l->members[i].union_of) {
            layout_measure(l->members[i].union_of);
            union_measure(l->members[i].union_of, &l->members[i].size, &l->members[i].align);
        }
    layout_order(l);
    l->align = 1;
    l->size = layout_extent(l, 0, &l->align);
}

/* Alternatives left empty go; one left with only a union gives l its alternatives. */
static void alts_tidy(const Slots *s, Layout *l) {
    Layout **alts = l->alts;
    int n = l->nalts;
    l->alts = NULL;
    l->nalts = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < (alts[i]->nmembers > 0 ? 1 : alts[i]->nalts); k++)
            VEC_PUSH(&l->alts, &l->nalts, alts[i]->nmembers > 0 ? alts[i] : alts[i]->alts[k]);
    alts_merge(s, l);
}

static bool same_member(const Member *a, const Member *b) {
    return a->var == b->var && a->await == b->await;
}

/* Moves member k of alternative a of l up into l, and keeps it there unless that
 * makes the frame (top) larger. */
static bool hoist_try(Layout *top, Layout *l, int a, int k) {
    long before = layout_frame_size(top);
    Layout *alt = l->alts[a];
    Member m = alt->members[k];
    alt->members[k] = alt->members[--alt->nmembers];
    VEC_PUSH(&l->members, &l->nmembers, m);
    layout_measure(top);
    if (layout_frame_size(top) < before)
        return true;
    int at = 0;
    while (!same_member(&l->members[at], &m))
        at++;
    l->members[at] = l->members[--l->nmembers];
    VEC_PUSH(&alt->members, &alt->nmembers, m);
    layout_measure(top);
    return false;
}

/* Members of alternatives move up where the frame does not grow: often it shrinks,
 * as a small member next to a wider union in an alternative costs padding. */
static bool hoist_into(const Slots *s, Layout *top, Layout *l) {
    bool moved = false;
    for (int a = 0; a < l->nalts; a++)
        moved |= hoist_into(s, top, l->alts[a]);
    for (int a = 0; a < l->nalts; a++)
        for (int k = 0; k < l->alts[a]->nmembers;)
            if (hoist_try(top, l, a, k))
                moved = true;
            else
                k++;
    if (moved) {
        alts_tidy(s, l);
        layout_measure(top);
    }
    return moved;
}

Layout *layout_build(const Slots *s) {
    Group all = {0};
    for (int i = 0; i < s->n; i++)
        VEC_PUSH(&all.ids, &all.n, i);
    Layout *l = group_layout(s, all);
    while (hoist_into(s, l, l))
        continue;
    return l;
}

static bool member_is(const Member *m, const Member *x) {
    if (m->var || x->var)
        return m->var == x->var;
    return m->await && x->await && strcmp(m->await->member, x->await->member) == 0;
}

/* Where m is in the union of the alternatives of u: i in alternative i, -2 nowhere. */
static int union_place(const Layout *u, const Member *m);

/* Where m is in l: -1 a member of l itself (or inside one that is a union), i in
 * alternative i of l's union, -2 nowhere. */
static int layout_place(const Layout *l, const Member *m) {
    for (int i = 0; i < l->nmembers; i++)
        if (member_is(&l->members[i], m) ||
            (l->members[i].union_of && union_place(l->members[i].union_of, m) != -2))
            return -1;
    return union_place(l, m);
}

static int union_place(const Layout *u, const Member *m) {
    for (int i = 0; i < u->nalts; i++)
        if (layout_place(u->alts[i], m) != -2)
            return i;
    return -2;
}

/* Are a and b in different alternatives of u's union (or overlapping in one)? */
static bool union_overlap(const Layout *u, const Member *a, const Member *b) {
    int pa = union_place(u, a), pb = union_place(u, b);
    if (pa < 0 || pb < 0)
        return false;
    return pa != pb || layout_overlap(u->alts[pa], a, b);
}

bool layout_overlap(const Layout *l, const Member *a, const Member *b) {
    for (int i = 0; i < l->nmembers; i++)
        if (l->members[i].union_of && union_overlap(l->members[i].union_of, a, b))
            return true;
    return union_overlap(l, a, b);
}

long layout_frame_size(const Layout *l) {
    long align = LAYOUT_STATE_SIZE;
    return layout_extent(l, LAYOUT_STATE_SIZE, &align);
}

long layout_bound(const Slots *s) {
    long bound = 0;
    for (int p = 0; p < s->npoints; p++) {
        long size = LAYOUT_STATE_SIZE, align = LAYOUT_STATE_SIZE;
        for (int i = 0; i < s->n; i++)
            if (bit_has(s->items[i].points, p)) {
                size += s->items[i].size;
                if (s->items[i].align > align)
                    align = s->items[i].align;
            }
        if (round_up(size, align) > bound)
            bound = round_up(size, align);
    }
    return bound;
}
