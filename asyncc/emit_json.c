/* emit_json.c - asyncc --emit=json: states, awaits, frames and the line map of the
 * generated code as one JSON document, for tools. The format is described, field
 * by field, in grammar/inspect.md; "version" changes when a field changes meaning
 * or goes away (new fields may appear without it).
 */
#include <string.h>

#include "ctext.h"
#include "inspect.h"
#include "layout.h"

#define JSON_VERSION 1

/* ---- a small JSON writer: two-space indentation, one member a line, arrays of
 * scalars on one line -------------------------------------------------------------------- */

typedef struct Json {
    Buf *out;
    int depth;
    bool first; /* nothing written yet in the innermost container */
    int flat;   /* depth from which containers are written on one line (0: none) */
} Json;

/* Starts an element: the comma and line break before it, then its key if any. */
static void j_item(Json *j, const char *key) {
    if (!j->first)
        buf_put(j->out, ",");
    if (j->flat && j->depth >= j->flat)
        buf_put(j->out, j->first ? "" : " ");
    else if (j->depth > 0)
        buf_printf(j->out, "\n%*s", 2 * j->depth, "");
    j->first = false;
    if (key) {
        buf_json_string(j->out, key);
        buf_put(j->out, ": ");
    }
}

static void j_open(Json *j, const char *key, char bracket, bool flat) {
    j_item(j, key);
    buf_printf(j->out, "%c", bracket);
    j->depth++;
    j->first = true;
    if (flat && !j->flat)
        j->flat = j->depth;
}

static void j_close(Json *j, char bracket) {
    bool flat = j->flat && j->depth >= j->flat;
    j->depth--;
    if (!flat && !j->first)
        buf_printf(j->out, "\n%*s", 2 * j->depth, "");
    if (j->flat > j->depth)
        j->flat = 0;
    buf_printf(j->out, "%c", bracket);
    j->first = false;
}

static void j_str(Json *j, const char *key, const char *v) {
    j_item(j, key);
    buf_json_string(j->out, v);
}

static void j_num(Json *j, const char *key, long v) {
    j_item(j, key);
    buf_printf(j->out, "%ld", v);
}

/* A line number; 0 (unknown) is null. */
static void j_line(Json *j, const char *key, unsigned v) {
    j_item(j, key);
    if (v)
        buf_printf(j->out, "%u", v);
    else
        buf_put(j->out, "null");
}

/* ---- what a field is --------------------------------------------------------------------- */

static const Var *field_var(const Func *f, const char *field) {
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame && strcmp(f->vars[i]->field, field) == 0)
            return f->vars[i];
    return NULL;
}

static bool var_in(Var *const *vars, int n, const Var *v) {
    for (int i = 0; i < n; i++)
        if (vars[i] == v)
            return true;
    return false;
}

/* Is frame variable v needed in state s (its value kept for a later poll)? */
static bool needed_in(const Func *f, const Var *v, int s) {
    if (s == 0)
        return var_in(f->live_start, f->nlive_start, v);
    return s <= f->nawaits && var_in(f->awaits[s - 1]->live, f->awaits[s - 1]->nlive, v);
}

/* Does the member named `name` hold the callee's frame of the await in state s? */
static bool holds_callee(const Func *f, const char *name, int s) {
    return s >= 1 && s <= f->nawaits && strcmp(f->awaits[s - 1]->member, name) == 0;
}

/* Is member `name` needed in state s: the state, a variable whose value is kept
 * for a later poll, or the frame of the callee the state awaits? */
static bool member_needed(const Func *f, const char *name, int s) {
    const Var *v = field_var(f, name);
    return strcmp(name, "state") == 0 || (v && needed_in(f, v, s)) || holds_callee(f, name, s);
}

long frame_lower_bound(const Measured *m) {
    const Func *f = m->func;
    Slots s = {0, NULL, f->nawaits + 1, 0};
    for (int i = 0; i < m->nmembers; i++) {
        const Member *mb = &m->members[i];
        Slot slot = {{0}, mb->size, mb->align, bits_new((size_t)s.npoints), NULL, NULL};
        for (int k = 0; k < s.npoints; k++)
            if (member_needed(f, mb->name, k))
                bit_set(slot.points, k);
        VEC_PUSH(&s.items, &s.n, slot);
    }
    return layout_bound(&s, 0);
}

static const char *var_kind(const Var *v) {
    return v->is_param     ? "parameter"
           : v->is_temp    ? "temporary"
           : v->is_literal ? "literal"
                           : "local";
}

static char *type_text(const CType *t) {
    char *s = xprintf("%s%s", t->pre, t->post);
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

/* ---- the document ------------------------------------------------------------------------ */

static void json_states(Json *j, const Measured *m) {
    const Func *f = m->func;
    j_open(j, "states", '[', false);
    for (int s = 0; s <= f->nawaits + 1; s++) {
        j_open(j, NULL, '{', true);
        j_num(j, "index", s);
        j_str(j, "name", state_name(f, s));
        j_str(j, "kind", s == 0 ? "start" : s > f->nawaits ? "done" : "await");
        j_line(j, "enum_line", m->state_line[s]);
        j_close(j, '}');
    }
    j_close(j, ']');
    StateGraph g = states_graph(f);
    j_open(j, "edges", '[', false);
    for (int i = 0; i < g.nedges; i++) {
        j_open(j, NULL, '{', true);
        j_num(j, "from", g.edges[i].from);
        j_num(j, "to", g.edges[i].to);
        j_str(j, "label", g.edges[i].label);
        j_close(j, '}');
    }
    j_close(j, ']');
}

static void json_awaits(Json *j, const Measured *m) {
    const Func *f = m->func;
    j_open(j, "awaits", '[', false);
    for (int i = 0; i < f->nawaits; i++) {
        const Await *a = f->awaits[i];
        j_open(j, NULL, '{', false);
        j_num(j, "index", a->index);
        j_num(j, "state", i + 1);
        j_str(j, "text", await_caption(a, (size_t)-1));
        j_str(j, "callee", a->expr->callee->name);
        j_num(j, "line", a->expr->pos.line);
        j_num(j, "column", a->expr->pos.col);
        j_num(j, "statement_line", a->stmt->pos.line);
        j_str(j, "label", a->label);
        j_line(j, "label_line", m->label_line[i]);
        j_str(j, "member", a->member);
        j_open(j, "live", '[', true);
        for (int k = 0; k < a->nlive; k++)
            j_str(j, NULL, a->live[k]->field);
        j_close(j, ']');
        j_close(j, '}');
    }
    j_close(j, ']');
}

/* The states a frame member is needed in, as state numbers. */
static void json_live_in(Json *j, const Func *f, const char *name) {
    j_open(j, "live_in", '[', true);
    for (int s = 0; s <= f->nawaits + 1; s++)
        if (member_needed(f, name, s))
            j_num(j, NULL, s);
    j_close(j, ']');
}

static void json_member_common(Json *j, const Member *mb) {
    j_str(j, "name", mb->name);
    j_num(j, "offset", mb->offset);
    j_num(j, "size", mb->size);
    j_num(j, "align", mb->align);
    j_line(j, "line", mb->line);
}

/* The await whose callee's frame member `name` is (the first of those sharing it). */
static const Await *member_await(const Func *f, const char *name) {
    for (int i = 0; i < f->nawaits; i++)
        if (strcmp(f->awaits[i]->member, name) == 0)
            return f->awaits[i];
    return NULL;
}

/* A member holding a callee's frame: the callee, the awaits that use it, and a
 * form's struct's members (its bookkeeping and its branches' frames). */
static void json_callee(Json *j, const Func *f, const Member *mb, const Await *a) {
    j_str(j, "callee", a->expr->callee->name);
    j_open(j, "awaits", '[', true);
    for (int i = 0; i < f->nawaits; i++)
        if (strcmp(f->awaits[i]->member, mb->name) == 0)
            j_num(j, NULL, f->awaits[i]->index);
    j_close(j, ']');
    if (mb->nkids == 0)
        return;
    j_open(j, "members", '[', false);
    for (int k = 0; k < mb->nkids; k++) {
        j_open(j, NULL, '{', true);
        json_member_common(j, &mb->kids[k]);
        j_close(j, '}');
    }
    j_close(j, ']');
}

static void json_field(Json *j, const Func *f, const Member *mb) {
    const Var *v = field_var(f, mb->name);
    const Await *a = v ? NULL : member_await(f, mb->name);
    j_open(j, NULL, '{', false);
    json_member_common(j, mb);
    j_str(j, "kind", v ? var_kind(v) : a ? "callee" : "state");
    if (v) {
        j_str(j, "source_name", v->name);
        j_str(j, "type", type_text(&v->type));
        j_line(j, "source_line", v->pos.line);
    }
    if (a)
        json_callee(j, f, mb, a);
    json_live_in(j, f, mb->name);
    j_close(j, '}');
}

static void json_frame(Json *j, const Measured *m) {
    j_open(j, "frame", '{', false);
    j_str(j, "struct", xprintf("%s_frame", m->func->name));
    j_line(j, "line", m->line);
    j_num(j, "size", m->size);
    j_num(j, "align", m->align);
    j_num(j, "lower_bound", frame_lower_bound(m));
    j_open(j, "fields", '[', false);
    for (int i = 0; i < m->nmembers; i++)
        json_field(j, m->func, &m->members[i]);
    j_close(j, ']');
    j_close(j, '}');
}

static void json_function(Json *j, const Program *prog, const Measured *m) {
    const Func *f = m->func;
    j_open(j, NULL, '{', false);
    j_str(j, "name", f->name);
    j_num(j, "line", f->pos.line);
    j_num(j, "end_line", program_pos(prog, f->end > 0 ? f->end - 1 : 0).line);
    j_line(j, "init_line", m->init_line);
    j_line(j, "poll_line", m->poll_line);
    j_line(j, "drop_line", m->drop_line);
    json_states(j, m);
    json_awaits(j, m);
    if (m->found)
        json_frame(j, m);
    j_close(j, '}');
}

static void json_line_map(Json *j, const Program *prog, const char *gen) {
    LineRun *runs = NULL;
    int n = line_map(prog, gen, &runs);
    j_open(j, "line_map", '[', false);
    for (int i = 0; i < n; i++) {
        j_open(j, NULL, '{', true);
        j_num(j, "generated", runs[i].gen);
        j_num(j, "source", runs[i].source);
        j_num(j, "count", runs[i].count);
        j_close(j, '}');
    }
    j_close(j, ']');
}

void json_document(const Program *prog, const char *gen, const Measured *ms, int nms, Buf *out) {
    Json j = {out, 0, true, 0};
    j_open(&j, NULL, '{', false);
    j_str(&j, "format", "asyncc-inspect");
    j_num(&j, "version", JSON_VERSION);
    j_str(&j, "source", prog->path);
    j_open(&j, "functions", '[', false);
    for (int i = 0; i < nms; i++)
        json_function(&j, prog, &ms[i]);
    j_close(&j, ']');
    json_line_map(&j, prog, gen);
    j_close(&j, '}');
    buf_put(out, "\n");
}

bool emit_json(const Program *prog, const char *gen, size_t len, int nflags,
               const char *const *flags, Buf *out) {
    Measured *ms;
    int nms;
    if (!measure_program(prog, gen, len, nflags, flags, &ms, &nms))
        return false;
    json_document(prog, gen, ms, nms, out);
    return true;
}
