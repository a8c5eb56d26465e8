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
 * (Or, when it is smaller, the classes of a coloring of the clashes: one union per
 * class.) Then fields move up out of alternatives, from any depth, wherever that
 * makes the frame smaller.
 *
 * Members go in increasing alignment, the union in its place among them: then the
 * only padding is at the end of each struct, where the C compiler rounds its size
 * to its alignment, as the bound does.
 *
 * Two values in different alternatives of a union share bytes; two in one struct
 * never do. The result is checked against the clashes before frame.c uses it
 * (layout_valid): a bug here costs bytes, never a value.
 */
#include <limits.h>
#include <string.h>

#include "layout.h"

long layout_round_up(long n, long align) {
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
void layout_struct_add(long *size, long *align, long field_size, long field_align) {
    *size = layout_round_up(*size, field_align) + field_size;
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
    for (int i = 0; i <= l->nfields; i++) {
        if (i == l->alts_at && l->nalts > 0)
            layout_struct_add(&size, align, union_size, union_align);
        if (i < l->nfields)
            layout_struct_add(&size, align, l->fields[i].size, l->fields[i].align);
    }
    return layout_round_up(size, *align);
}

/* Variables in source order, then the callees' frames in the order of the awaits,
 * then unions in the order of their first members. */
static long member_rank(const Field *m) {
    if (m->var)
        return m->var->id;
    if (m->await)
        return (long)INT_MAX + m->await->index;
    const Layout *first = m->union_of->alts[0];
    return 2L * INT_MAX + (first->nfields > 0 ? member_rank(&first->fields[0]) : 0);
}

static bool member_before(const Field *a, const Field *b) {
    if (a->align != b->align)
        return a->align < b->align;
    return member_rank(a) < member_rank(b);
}

/* Members in increasing alignment; the union after those not wider. */
static void layout_order(Layout *l) {
    for (int i = 1; i < l->nfields; i++)
        for (int j = i; j > 0 && member_before(&l->fields[j], &l->fields[j - 1]); j--) {
            Field t = l->fields[j];
            l->fields[j] = l->fields[j - 1];
            l->fields[j - 1] = t;
        }
    long union_size, union_align;
    union_measure(l, &union_size, &union_align);
    l->alts_at = 0;
    while (l->alts_at < l->nfields && l->fields[l->alts_at].align <= union_align)
        l->alts_at++;
}

static void layout_add(Layout *l, const Slot *slot) {
    Field m = slot->field;
    m.size = slot->size;
    m.align = slot->align;
    VEC_PUSH(&l->fields, &l->nfields, m);
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
        if (u->nfields > 0) { /* merged into one member */
            VEC_PUSH(&l->fields, &l->nfields, u->fields[0]);
            continue;
        }
        for (int i = 0; i < u->nalts; i++) {
            u->alts[i]->align = 1;
            u->alts[i]->size = layout_extent(u->alts[i], 0, &u->alts[i]->align);
        }
        Field m = {.union_of = u};
        union_measure(u, &m.size, &m.align);
        VEC_PUSH(&l->fields, &l->nfields, m);
    }
    return l;
}

/* The frame of an await's callee that is an alternative on its own, or NULL. */
static Await *alt_await(const Layout *alt) {
    return alt->nfields == 1 && alt->nalts == 0 ? alt->fields[0].await : NULL;
}

/* The awaits of s whose callee's frame is in b's member move to a's. */
static void member_join(const Slots *s, const Await *a, const Await *b) {
    char *from = b->member;
    for (int i = 0; i < s->n; i++) {
        Await *c = s->items[i].field.await;
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
    for (int i = 0; i < alt->nfields; i++)
        VEC_PUSH(&l->fields, &l->nfields, alt->fields[i]);
    l->alts = alt->alts;
    l->nalts = alt->nalts;
}

/* The member names of the awaits of s (merging changes them), or sets them back. */
static char **names_save(const Slots *s) {
    char **names = xmalloc(((size_t)s->n + 1) * sizeof *names);
    for (int i = 0; i < s->n; i++)
        names[i] = s->items[i].field.await ? s->items[i].field.await->member : NULL;
    return names;
}

static void names_restore(const Slots *s, char **names) {
    for (int i = 0; i < s->n; i++)
        if (s->items[i].field.await)
            s->items[i].field.await->member = names[i];
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
        for (int i = 0; i < l->nfields; i++)
            VEC_PUSH(&classes->fields, &classes->nfields, l->fields[i]);
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
    for (int i = 0; i < l->nfields; i++)
        if (l->fields[i].union_of) {
            layout_measure(l->fields[i].union_of);
            union_measure(l->fields[i].union_of, &l->fields[i].size, &l->fields[i].align);
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
        for (int k = 0; k < (alts[i]->nfields > 0 ? 1 : alts[i]->nalts); k++)
            VEC_PUSH(&l->alts, &l->nalts, alts[i]->nfields > 0 ? alts[i] : alts[i]->alts[k]);
    alts_merge(s, l);
}

static bool same_field(const Field *a, const Field *b) {
    return a->var == b->var && a->await == b->await && a->union_of == b->union_of;
}

/* Moves field k of alternative alt up into l (which holds, at some depth, the union
 * alt is in), and keeps it there if that makes the frame (top) smaller; else puts it
 * back. */
static bool hoist_try(Layout *top, Layout *l, Layout *alt, int k) {
    long before = layout_frame_size(top);
    Field m = alt->fields[k];
    alt->fields[k] = alt->fields[--alt->nfields];
    VEC_PUSH(&l->fields, &l->nfields, m);
    layout_measure(top);
    if (layout_frame_size(top) < before)
        return true;
    int at = 0;
    while (!same_field(&l->fields[at], &m))
        at++;
    l->fields[at] = l->fields[--l->nfields];
    Field moved = alt->fields[k];
    VEC_PUSH(&alt->fields, &alt->nfields, moved);
    alt->fields[k] = m;
    layout_measure(top);
    return false;
}

/* The fields under union u (in its alternatives, at any depth) move up into l where
 * that shrinks the frame; true if any did. */
static bool hoist_below(Layout *top, Layout *l, Layout *u) {
    bool moved = false;
    for (int a = 0; a < u->nalts; a++) {
        Layout *alt = u->alts[a];
        for (int k = 0; k < alt->nfields;)
            if (hoist_try(top, l, alt, k))
                moved = true;
            else
                k++;
        moved |= hoist_below(top, l, alt);
        for (int k = 0; k < alt->nfields; k++)
            if (alt->fields[k].union_of)
                moved |= hoist_below(top, l, alt->fields[k].union_of);
    }
    return moved;
}

/* Field i of l, a union, after fields left it: tidied; with one alternative left,
 * that alternative's fields (and its own union) take its place; with none, it goes. */
static void union_settle(const Slots *s, Layout *l, int i) {
    Layout *u = l->fields[i].union_of;
    alts_tidy(s, u); /* one alternative left: its fields are u's now */
    Field rest = {.union_of = u};
    Layout *alts = xmalloc(sizeof *alts);
    *alts = (Layout){.nalts = u->nalts, .alts = u->alts};
    rest.union_of = alts;
    Field *fields = u->fields;
    int n = u->nfields;
    l->fields[i] = l->fields[--l->nfields];
    for (int k = 0; k < n; k++)
        VEC_PUSH(&l->fields, &l->nfields, fields[k]);
    if (alts->nalts > 0)
        VEC_PUSH(&l->fields, &l->nfields, rest);
}

/* l and everything in it after fields moved out: empty alternatives go, unions
 * left with one alternative dissolve. */
static void tree_tidy(const Slots *s, Layout *l) {
    for (int a = 0; a < l->nalts; a++)
        tree_tidy(s, l->alts[a]);
    for (int i = 0; i < l->nfields; i++)
        for (int a = 0; l->fields[i].union_of && a < l->fields[i].union_of->nalts; a++)
            tree_tidy(s, l->fields[i].union_of->alts[a]);
    alts_tidy(s, l);
    for (int i = l->nfields - 1; i >= 0; i--)
        if (l->fields[i].union_of)
            union_settle(s, l, i);
}

/* Fields of alternatives move up, from any depth, where the frame shrinks: often it
 * does, as a small field next to a wider union in an alternative costs padding.
 * Into the structs nearest the top first. */
static bool hoist_into(const Slots *s, Layout *top, Layout *l) {
    bool moved = hoist_below(top, l, l);
    for (int i = 0; i < l->nfields; i++)
        if (l->fields[i].union_of)
            moved |= hoist_below(top, l, l->fields[i].union_of);
    for (int a = 0; a < l->nalts; a++)
        moved |= hoist_into(s, top, l->alts[a]);
    for (int i = 0; i < l->nfields; i++)
        for (int a = 0; l->fields[i].union_of && a < l->fields[i].union_of->nalts; a++)
            moved |= hoist_into(s, top, l->fields[i].union_of->alts[a]);
    return moved;
}

static bool member_is(const Field *m, const Field *x);

/* How many fields of l (and of everything in it) are m (member_is). */
static int layout_count(const Layout *l, const Field *m) {
    int n = 0;
    for (int i = 0; i < l->nfields; i++)
        n += l->fields[i].union_of ? layout_count(l->fields[i].union_of, m)
                                   : member_is(&l->fields[i], m);
    for (int i = 0; i < l->nalts; i++)
        n += layout_count(l->alts[i], m);
    return n;
}

/* Does l hold every slot once, and keep the storage of clashing slots apart? */
static bool layout_valid(const Slots *s, const Layout *l) {
    for (int a = 0; a < s->n; a++) {
        if (layout_count(l, &s->items[a].field) != 1)
            return false;
        for (int b = a + 1; b < s->n; b++)
            if (bit_has(s->items[a].clash, b) &&
                layout_overlap(l, &s->items[a].field, &s->items[b].field))
                return false;
    }
    return true;
}

/* Every slot a field of its own. */
static Layout *layout_apart(const Slots *s) {
    Layout *l = xmalloc(sizeof *l);
    for (int i = 0; i < s->n; i++)
        layout_add(l, &s->items[i]);
    layout_measure(l);
    return l;
}

Layout *layout_build(const Slots *s, bool *shared) {
    char **names = names_save(s);
    Group all = {0};
    for (int i = 0; i < s->n; i++)
        VEC_PUSH(&all.ids, &all.n, i);
    Layout *l = group_layout(s, all);
    while (hoist_into(s, l, l)) {
        tree_tidy(s, l);
        layout_measure(l);
    }
    *shared = layout_valid(s, l);
    if (*shared)
        return l;
    names_restore(s, names);
    return layout_apart(s);
}

static bool member_is(const Field *m, const Field *x) {
    if (m->var || x->var)
        return m->var == x->var;
    return m->await && x->await && strcmp(m->await->member, x->await->member) == 0;
}

/* Where m is in the union of the alternatives of u: i in alternative i, -2 nowhere. */
static int union_place(const Layout *u, const Field *m);

/* Where m is in l: -1 a member of l itself (or inside one that is a union), i in
 * alternative i of l's union, -2 nowhere. */
static int layout_place(const Layout *l, const Field *m) {
    for (int i = 0; i < l->nfields; i++)
        if (member_is(&l->fields[i], m) ||
            (l->fields[i].union_of && union_place(l->fields[i].union_of, m) != -2))
            return -1;
    return union_place(l, m);
}

static int union_place(const Layout *u, const Field *m) {
    for (int i = 0; i < u->nalts; i++)
        if (layout_place(u->alts[i], m) != -2)
            return i;
    return -2;
}

/* Are a and b in different alternatives of u's union (or overlapping in one)? */
static bool union_overlap(const Layout *u, const Field *a, const Field *b) {
    int pa = union_place(u, a), pb = union_place(u, b);
    if (pa < 0 || pb < 0)
        return false;
    return pa != pb || layout_overlap(u->alts[pa], a, b);
}

bool layout_overlap(const Layout *l, const Field *a, const Field *b) {
    for (int i = 0; i < l->nfields; i++)
        if (l->fields[i].union_of && union_overlap(l->fields[i].union_of, a, b))
            return true;
    return union_overlap(l, a, b);
}

long layout_frame_size(const Layout *l) {
    long align = LAYOUT_STATE_SIZE;
    return layout_extent(l, LAYOUT_STATE_SIZE, &align);
}

long layout_floor(const Slots *s, long state_size) {
    Slots all = {0, NULL, s->npoints + s->nbusy, 0};
    for (int i = 0; i < s->n; i++) {
        Slot slot = s->items[i];
        slot.points = bits_new((size_t)all.npoints);
        for (int p = 0; p < all.npoints; p++)
            if (p < s->npoints ? bit_has(s->items[i].points, p)
                               : s->items[i].busy && bit_has(s->items[i].busy, p - s->npoints))
                bit_set(slot.points, p);
        VEC_PUSH(&all.items, &all.n, slot);
    }
    return layout_bound(&all, state_size);
}

long layout_bound(const Slots *s, long state_size) {
    long bound = 0;
    for (int p = 0; p < s->npoints; p++) {
        long size = state_size, align = state_size > 0 ? state_size : 1;
        for (int i = 0; i < s->n; i++)
            if (bit_has(s->items[i].points, p)) {
                size += s->items[i].size;
                if (s->items[i].align > align)
                    align = s->items[i].align;
            }
        if (layout_round_up(size, align) > bound)
            bound = layout_round_up(size, align);
    }
    return bound;
}
