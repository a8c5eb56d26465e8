/* layout.c - values that are never needed at the same time share storage.
 *
 * Two layouts are made, and the smaller frame kept (the tree on a tie):
 *
 * The tree. The values of a frame form a group. Those needed at every suspension
 * point of the group get members of their own. The others split into components:
 * two values are in one component when a chain of clashes links them. Different
 * components are never needed together, so each becomes one alternative of an
 * anonymous union (an anonymous struct, laid out the same way, recursively). When
 * the rest does not split, the value that clashes with the most others gets a member
 * of its own (it costs its size at the group's other points: the only waste) and
 * the rest is tried again. (Or, when it is smaller, the classes of a coloring of the
 * clashes: one union per class.) Then fields move up out of alternatives, from any
 * depth, wherever that makes the frame smaller. Members go in increasing alignment,
 * the union in its place among them: then the only padding is at the end of each
 * struct, where the C compiler rounds its size to its alignment, as the bound does.
 *
 * By offsets. The tree's alternatives all start at one offset, so two values in use
 * together cannot overlap *different* dead values at *different* offsets (`return
 * await(step(v)) + await(step(v + 1));`: the first result inside the first callee's
 * frame, v inside the second's). Here each value gets an offset of its own: placed
 * one by one, each at the lowest offset where it overlaps no value it clashes with,
 * in a few orders (largest first, most crowded first, in order of first need, longest
 * needed first), then in every order a bounded search reaches (offsets_search); the
 * order that ends first wins. The C is one union whose alternatives are each a
 * member after a `char pad_NAME[offset]`, so the body still writes self->NAME. That
 * union follows the state, or holds it as its first member when values aligned
 * beyond 4 bytes would otherwise leave the bytes after the state to those that fit
 * there. The tree stays where it is as small: it reads as the liveness it comes from
 * (which values take turns), where pads read as bare numbers.
 *
 * Either way the result is checked against the clashes before frame.c uses it
 * (layout_valid, on byte ranges): a bug here costs bytes, never a value.
 */
#include <limits.h>
#include <stdlib.h>
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
            layout_struct_add(&size, align, l->fields[i].pad + l->fields[i].size,
                              l->fields[i].align);
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

static void layout_locate(Layout *l, long at);

/* The alternatives of union u, each laid out from offset at. */
static void alts_locate(const Layout *u, long at) {
    for (int a = 0; a < u->nalts; a++)
        layout_locate(u->alts[a], at);
}

/* Sets the offset of every field of l, and of everything in it, when l is laid out
 * from offset at of the frame: as layout_extent measures it. */
static void layout_locate(Layout *l, long at) {
    long union_size, union_align;
    union_measure(l, &union_size, &union_align);
    for (int i = 0; i <= l->nfields; i++) {
        if (i == l->alts_at && l->nalts > 0) {
            at = layout_round_up(at, union_align);
            alts_locate(l, at);
            at += union_size;
        }
        if (i < l->nfields) {
            Field *m = &l->fields[i];
            m->offset = layout_round_up(at, m->align) + m->pad;
            if (m->union_of)
                alts_locate(m->union_of, m->offset);
            at = m->offset + m->size;
        }
    }
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

/* The tree: the components of the clashes, an alternative each (the head). */
static Layout *layout_tree(const Slots *s) {
    Group all = {0};
    for (int i = 0; i < s->n; i++)
        VEC_PUSH(&all.ids, &all.n, i);
    Layout *l = group_layout(s, all);
    while (hoist_into(s, l, l)) {
        tree_tidy(s, l);
        layout_measure(l);
    }
    return l;
}

/* ---- a layout by offsets ---------------------------------------------------------------- */

/* The lowest offset of the frame, aligned for slot id and after the state, at which
 * it overlaps no slot already placed (at[j] >= 0) that it clashes with: every offset
 * it passes over overlaps one. A slot starting before `split` (where the union of
 * the others starts: their alignment) must end by it. */
static long offset_lowest(const Slots *s, const long *at, long split, int id) {
    const Slot *x = &s->items[id];
    long off = layout_round_up(LAYOUT_STATE_SIZE, x->align);
    for (bool moved = true; moved;) {
        moved = off < split && off + x->size > split;
        if (moved)
            off = split;
        for (int j = 0; j < s->n; j++) {
            long end = at[j] + s->items[j].size;
            if (at[j] >= 0 && bit_has(x->clash, j) && off < end && at[j] < off + x->size) {
                off = layout_round_up(end, x->align);
                moved = true;
            }
        }
    }
    return off;
}

/* Places the slots first-fit in the given order (at: the offset of each); returns the
 * offset where they end. */
static long offsets_place(const Slots *s, const int *order, long split, long *at) {
    long extent = 0;
    for (int i = 0; i < s->n; i++)
        at[i] = -1;
    for (int k = 0; k < s->n; k++) {
        int id = order[k];
        at[id] = offset_lowest(s, at, split, id);
        if (at[id] + s->items[id].size > extent)
            extent = at[id] + s->items[id].size;
    }
    return extent;
}

/* Orders in which to place the slots: by decreasing key, equals in index order. */
typedef long OrderKey(const Slots *s, int id);

static long key_size(const Slots *s, int id) {
    return s->items[id].size;
}

/* The bytes of the slot and of those it clashes with: the most constrained first. */
static long key_crowd(const Slots *s, int id) {
    long n = s->items[id].size;
    for (int j = 0; j < s->n; j++)
        n += bit_has(s->items[id].clash, j) ? s->items[j].size : 0;
    return n;
}

/* The first suspension point that needs it, then the larger. */
static long key_first(const Slots *s, int id) {
    int p = 0;
    while (p < s->npoints && !bit_has(s->items[id].points, p))
        p++;
    return (long)(s->npoints - p) << 32 | s->items[id].size;
}

/* The number of suspension points that need it, then the larger: values needed long
 * low in the frame, those needed briefly above them. */
static long key_lasting(const Slots *s, int id) {
    long n = 0;
    for (int p = 0; p < s->npoints; p++)
        n += bit_has(s->items[id].points, p);
    return n << 32 | s->items[id].size;
}

static void slots_order(const Slots *s, OrderKey *key, int *order) {
    for (int i = 0; i < s->n; i++) {
        int j = i;
        for (; j > 0 && key(s, order[j - 1]) < key(s, i); j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

/* The slots with a point for each place where values are in use together: the
 * suspension points, then the places between them (Slot.busy). */
static Slots slots_in_use(const Slots *s) {
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
    return all;
}

/* The search for the order that ends first. Some order always reaches the smallest
 * extent: take the smallest layout, move each value down to its lowest offset in
 * order of offset until nothing moves (no value rises, so it stays smallest), then
 * place the values in order of offset (equals in the order tried): each lands where
 * it is. So
 * only orders whose offsets never decrease need be tried, and a branch is cut as
 * soon as it ends no earlier than the best so far. The search is bounded (`budget`,
 * in slots examined, so the output does not depend on the machine); when it runs
 * out the best order found stands. */
typedef struct Search {
    const Slots *s;
    Slots use; /* s as slots_in_use gives it */
    long split, floor, align, budget;
    long *at, *best, best_extent;
    int *order;
} Search;

/* The least extent of a layout where the slots not yet placed go at `from` or after:
 * those in use at one place go one after another. */
static long search_least(const Search *q, long from) {
    long most = 0;
    for (int p = 0; p < q->use.npoints; p++) {
        long sum = 0;
        for (int i = 0; i < q->s->n; i++)
            sum += q->at[i] < 0 && bit_has(q->use.items[i].points, p) ? q->s->items[i].size : 0;
        most = sum > most ? sum : most;
    }
    return from + most;
}

/* Places the rest of the slots after `placed` of them, the last at offset `last`
 * (order[last_k]), ending at `extent`. */
static void search_from(Search *q, int placed, long last, int last_k, long extent) {
    const Slots *s = q->s;
    if (placed == s->n) {
        q->best_extent = extent;
        memcpy(q->best, q->at, (size_t)s->n * sizeof *q->at);
        return;
    }
    for (int k = 0; k < s->n; k++) {
        int id = q->order[k];
        if (q->budget <= 0 || q->best_extent <= q->floor)
            return;
        if (q->at[id] >= 0)
            continue;
        q->budget -= s->n * (1 + q->use.npoints);
        long off = offset_lowest(s, q->at, q->split, id);
        long end = off + s->items[id].size > extent ? off + s->items[id].size : extent;
        if (off < last || (off == last && k < last_k) || end >= q->best_extent ||
            search_least(q, off) >= q->best_extent)
            continue;
        q->at[id] = off;
        search_from(q, placed + 1, off, k, end);
        q->at[id] = -1;
    }
}

/* Improves on best (ending at *best_extent) by the search, if it can: for a frame of
 * the floor's size first, then of each larger size in turn (the tighter the size,
 * the sooner a branch is cut). */
static void offsets_search(const Slots *s, long split, long align, long *best, long *best_extent) {
    enum { SEARCH_BUDGET = 1 << 23 }; /* about 10 ms */
    Slots use = slots_in_use(s);
    Search q = {s,
                use,
                split,
                layout_bound(&use, LAYOUT_STATE_SIZE), /* the floor, as layout_floor */
                align,
                SEARCH_BUDGET,
                xmalloc(((size_t)s->n + 1) * sizeof(long)),
                best,
                0,
                NULL};
    for (int i = 0; i < s->n; i++)
        q.at[i] = -1;
    q.order = xmalloc(((size_t)s->n + 1) * sizeof *q.order);
    slots_order(s, key_size, q.order);
    for (long size = q.floor; size < layout_round_up(*best_extent, align) && q.budget > 0;
         size += align) {
        q.best_extent = size + 1;
        search_from(&q, 0, 0, -1, 0);
        if (q.best_extent <= size) {
            *best_extent = q.best_extent;
            break;
        }
    }
    free(q.at);
    free(q.order);
}

/* Is alternative alt (one field) placed before b's: by offset, then as members are
 * ranked? */
static bool alt_before(const Layout *a, const Layout *b) {
    if (a->fields[0].pad != b->fields[0].pad)
        return a->fields[0].pad < b->fields[0].pad;
    return member_rank(&a->fields[0]) < member_rank(&b->fields[0]);
}

/* Slot i as an alternative of union u, after a pad of `pad` bytes, in order of
 * offset; an await's callee frame at the offset of one of the same callee shares its
 * member. */
static void packed_add(const Slots *s, Layout *u, int i, long pad) {
    const Await *a = s->items[i].field.await;
    for (int k = 0; a && k < u->nalts; k++) {
        const Await *b = u->alts[k]->fields[0].await;
        if (b && b->expr->callee == a->expr->callee && u->alts[k]->fields[0].pad == pad) {
            member_join(s, b, a);
            return;
        }
    }
    Layout *alt = xmalloc(sizeof *alt);
    layout_add(alt, &s->items[i]);
    alt->fields[0].pad = pad;
    VEC_PUSH(&u->alts, &u->nalts, alt);
    for (int j = u->nalts - 1; j > 0 && alt_before(u->alts[j], u->alts[j - 1]); j--) {
        u->alts[j] = u->alts[j - 1];
        u->alts[j - 1] = alt;
    }
}

/* A union of the slots at offsets from `from` to before `to` of the frame, as a field
 * of l (none if it is empty). */
static void packed_union(const Slots *s, Layout *l, const long *at, long from, long to) {
    Field m = {.union_of = xmalloc(sizeof *m.union_of)};
    for (int i = 0; i < s->n; i++)
        if (at[i] >= from && at[i] < to)
            packed_add(s, m.union_of, i, at[i] - from);
    if (m.union_of->nalts > 0)
        VEC_PUSH(&l->fields, &l->nfields, m);
}

/* The offsets of the slots (returned) that end first, *extent: of the orders tried,
 * then of the search. A slot starting before `split` must end by it. */
static long *offsets_best(const Slots *s, long split, long align, long *extent) {
    static OrderKey *const keys[] = {key_size, key_crowd, key_first, key_lasting};
    size_t bytes = ((size_t)s->n + 1) * sizeof(long);
    long *at = xmalloc(bytes), *best = xmalloc(bytes);
    int *order = xmalloc(((size_t)s->n + 1) * sizeof *order);
    *extent = LONG_MAX;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        slots_order(s, keys[k], order);
        long end = offsets_place(s, order, split, at);
        if (end < *extent) {
            *extent = end;
            memcpy(best, at, bytes);
        }
    }
    offsets_search(s, split, align, best, extent);
    free(at);
    free(order);
    return best;
}

/* Unions whose alternatives each put a value at the offset chosen for it. The frame
 * is the state, then a union that starts where the alignment of its values lets it,
 * the values placed between (those small enough to end there) a union of their own;
 * or, when that is smaller, one union that holds the state too, its first member,
 * where a value may start at any offset after it. */
static Layout *layout_packed(const Slots *s) {
    long align = LAYOUT_STATE_SIZE, extent, free_extent;
    for (int i = 0; i < s->n; i++)
        align = s->items[i].align > align ? s->items[i].align : align;
    long split = layout_round_up(LAYOUT_STATE_SIZE, align);
    long *at = offsets_best(s, split, align, &extent);
    long *free_at =
        split == LAYOUT_STATE_SIZE ? at : offsets_best(s, LAYOUT_STATE_SIZE, align, &free_extent);
    Layout *l = xmalloc(sizeof *l);
    if (at != free_at && layout_round_up(free_extent, align) < layout_round_up(extent, align)) {
        l->state_inside = true;
        packed_union(s, l, free_at, 0, LONG_MAX);
    } else {
        packed_union(s, l, at, LAYOUT_STATE_SIZE, split);
        packed_union(s, l, at, split, LONG_MAX);
    }
    layout_measure(l);
    return l;
}

/* Where the layout starts in the frame: after the state, or with it. */
static long layout_start(const Layout *l) {
    return l->state_inside ? 0 : LAYOUT_STATE_SIZE;
}

Layout *layout_build(const Slots *s, bool *shared) {
    char **names = names_save(s);
    Layout *l = layout_tree(s);
    char **tree_names = names_save(s);
    names_restore(s, names);
    Layout *packed = layout_packed(s);
    if (layout_frame_size(packed) < layout_frame_size(l))
        l = packed;
    else
        names_restore(s, tree_names);
    layout_locate(l, layout_start(l));
    *shared = layout_valid(s, l);
    if (*shared)
        return l;
    names_restore(s, names);
    l = layout_apart(s);
    layout_locate(l, LAYOUT_STATE_SIZE);
    return l;
}

static bool member_is(const Field *m, const Field *x) {
    if (m->var || x->var)
        return m->var == x->var;
    return m->await && x->await && strcmp(m->await->member, x->await->member) == 0;
}

/* The field of l (at any depth) that is m (member_is), or NULL. */
static const Field *layout_find(const Layout *l, const Field *m) {
    for (int i = 0; i < l->nfields; i++) {
        const Field *found = l->fields[i].union_of         ? layout_find(l->fields[i].union_of, m)
                             : member_is(&l->fields[i], m) ? &l->fields[i]
                                                           : NULL;
        if (found)
            return found;
    }
    for (int i = 0; i < l->nalts; i++) {
        const Field *found = layout_find(l->alts[i], m);
        if (found)
            return found;
    }
    return NULL;
}

bool layout_overlap(const Layout *l, const Field *a, const Field *b) {
    const Field *x = layout_find(l, a), *y = layout_find(l, b);
    return x && y && x->offset < y->offset + y->size && y->offset < x->offset + x->size;
}

long layout_frame_size(const Layout *l) {
    long align = LAYOUT_STATE_SIZE;
    return layout_extent(l, layout_start(l), &align);
}

long layout_floor(const Slots *s, long state_size) {
    Slots all = slots_in_use(s);
    return layout_bound(&all, state_size);
}

long layout_bound(const Slots *s, long state_size) {
    long bound = 0, align = state_size > 0 ? state_size : 1;
    for (int i = 0; i < s->n; i++)
        align = s->items[i].align > align ? s->items[i].align : align;
    for (int p = 0; p < s->npoints; p++) {
        long size = state_size;
        for (int i = 0; i < s->n; i++)
            size += bit_has(s->items[i].points, p) ? s->items[i].size : 0;
        if (layout_round_up(size, align) > bound)
            bound = layout_round_up(size, align);
    }
    return bound;
}
