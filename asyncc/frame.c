/* frame.c - which locals survive a suspension, and every name the emitter writes.
 *
 * Liveness works on a timeline: one walk of the body in source order stamps each
 * declaration, scope end, reference, await and loop boundary with an increasing
 * time. A local v is in scope at await A when decl(v) < A < end(v), and it lives in
 * the frame when it is in scope at some A and may be read after A resumes:
 *   - a reference to v comes after A within v's scope, or
 *   - a loop around A, entered after v was declared, references v (the next
 *     iteration reads what the previous one left), or
 *   - v's address is taken or v is an array used as a pointer (anything may read
 *     it later), or
 *   - the function has a goto (control may go anywhere) and v is referenced at all.
 * Within an await's own statement, the arguments come before A and the left side
 * of `lhs = await(..)` after it; a plain variable receiving the result is written,
 * not read, so it is no reference at all.
 *
 * Then the checks (VLAs and local types cannot be in a frame; recursion through
 * awaits would need an infinite frame) and the names: frame fields, states,
 * resume labels, union members and poll's parameters.
 */
#include <limits.h>
#include <string.h>

#include "diag.h"
#include "ir.h"

/* ---- the timeline --------------------------------------------------------------------- */

typedef struct Ref {
    Var *var;
    int time;
} Ref;

typedef struct Span {
    int start, end;
} Span;

typedef struct Timeline {
    Func *func;
    int now;
    int *decl, *end; /* per Var.id: declaration and end of scope */
    bool *addr;      /* per Var.id: address taken */
    int *await_time; /* per Await.index - 1 */
    int nrefs;
    Ref *refs;
    int nloops;
    Span *loops;
    int nopen; /* declared, scope not yet closed (ids, innermost last) */
    int *open;
    bool has_goto;
} Timeline;

static int tick(Timeline *tl) {
    return ++tl->now;
}

static void note_ref(Timeline *tl, Expr *e) {
    Ref r = {e->var, tick(tl)};
    VEC_PUSH(&tl->refs, &tl->nrefs, r);
    if (e->addr_of)
        tl->addr[e->var->id] = true;
}

static void note_decl(Timeline *tl, Var *v) {
    tl->decl[v->id] = tick(tl);
    VEC_PUSH(&tl->open, &tl->nopen, v->id);
}

/* Closes the scopes of everything declared since `mark` open declarations. */
static void close_scope(Timeline *tl, int mark) {
    int t = tick(tl);
    while (tl->nopen > mark)
        tl->end[tl->open[--tl->nopen]] = t;
}

static void note_await(Timeline *tl, Expr *e) {
    Func *f = tl->func;
    for (int i = 0; i < f->nawaits; i++)
        if (f->awaits[i]->expr == e)
            tl->await_time[i] = tick(tl);
}

static void walk_expr(Timeline *tl, Expr *e);

/* `lhs = rhs`: the value first, then the place it goes; a plain variable as the
 * place is a write, not a read. */
static void walk_assign(Timeline *tl, Expr *e) {
    walk_expr(tl, e->kids[1]);
    if (e->kids[0]->kind != EXPR_VAR)
        walk_expr(tl, e->kids[0]);
}

/* Someone spawns or blocks on the callee: it needs its helpers. */
static void mark_call(Expr *e) {
    if (e->kind == EXPR_SPAWN)
        e->callee->uses_spawn = true;
    else if (e->kind == EXPR_BLOCK_ON)
        e->callee->uses_block_on = true;
}

static void walk_expr(Timeline *tl, Expr *e) {
    if (!e)
        return;
    mark_call(e);
    switch (e->kind) {
    case EXPR_VAR:
        note_ref(tl, e);
        return;
    case EXPR_ASSIGN:
        walk_assign(tl, e);
        return;
    default:
        for (int i = 0; i < e->nkids; i++)
            walk_expr(tl, e->kids[i]);
        if (e->kind == EXPR_AWAIT)
            note_await(tl, e);
        return;
    }
}

static void walk_stmt(Timeline *tl, Stmt *s);

static void walk_loop(Timeline *tl, Stmt *s) {
    Span loop = {tick(tl), 0};
    if (s->kind != STMT_DO)
        walk_expr(tl, s->expr);
    walk_stmt(tl, s->body);
    walk_expr(tl, s->step);
    if (s->kind == STMT_DO)
        walk_expr(tl, s->expr);
    loop.end = tick(tl);
    VEC_PUSH(&tl->loops, &tl->nloops, loop);
}

/* Variables declared by a verbatim declaration. */
static void walk_text_decl(Timeline *tl, Stmt *s) {
    walk_expr(tl, s->expr);
    for (int i = 0; i < tl->func->nvars; i++)
        if (tl->func->vars[i]->decl == s)
            note_decl(tl, tl->func->vars[i]);
}

/* A for-loop's declarations stay in scope for the whole loop. */
static void walk_for_init(Timeline *tl, Stmt *init) {
    if (init && init->kind == STMT_BLOCK)
        for (int i = 0; i < init->nkids; i++)
            walk_stmt(tl, init->kids[i]);
    else
        walk_stmt(tl, init);
}

static void walk_stmt(Timeline *tl, Stmt *s) {
    if (!s)
        return;
    int mark = tl->nopen;
    switch (s->kind) {
    case STMT_DECL:
        walk_expr(tl, s->expr);
        note_decl(tl, s->var);
        return;
    case STMT_TEXT:
        walk_text_decl(tl, s);
        return;
    case STMT_BLOCK:
        for (int i = 0; i < s->nkids; i++)
            walk_stmt(tl, s->kids[i]);
        close_scope(tl, mark);
        return;
    case STMT_FOR:
        /* for-init declarations are outside the loop: each iteration sees the
         * values the previous one left. */
        walk_for_init(tl, s->init);
        walk_loop(tl, s);
        close_scope(tl, mark);
        return;
    case STMT_WHILE:
    case STMT_DO:
        walk_loop(tl, s);
        return;
    case STMT_IF:
        walk_expr(tl, s->expr);
        walk_stmt(tl, s->body);
        walk_stmt(tl, s->els);
        return;
    case STMT_GOTO:
        tl->has_goto = true;
        return;
    default: /* expression statements, returns, switch, labels, asm */
        walk_expr(tl, s->expr);
        walk_stmt(tl, s->body);
        return;
    }
}

static void timeline_build(Timeline *tl, Func *f) {
    memset(tl, 0, sizeof *tl);
    tl->func = f;
    size_t nv = (size_t)f->nvars + 1, na = (size_t)f->nawaits + 1;
    tl->decl = xmalloc(nv * sizeof *tl->decl);
    tl->end = xmalloc(nv * sizeof *tl->end);
    tl->addr = xmalloc(nv * sizeof *tl->addr);
    tl->await_time = xmalloc(na * sizeof *tl->await_time);
    for (int i = 0; i < f->nvars; i++) {
        tl->decl[i] = INT_MAX;
        tl->end[i] = INT_MAX;
    }
    walk_stmt(tl, f->body);
}

/* ---- liveness ------------------------------------------------------------------------- */

static bool in_scope_at(const Timeline *tl, const Var *v, int t) {
    return tl->decl[v->id] < t && t < tl->end[v->id];
}

static bool referenced_between(const Timeline *tl, const Var *v, int from, int to) {
    for (int i = 0; i < tl->nrefs; i++)
        if (tl->refs[i].var == v && from < tl->refs[i].time && tl->refs[i].time < to)
            return true;
    return false;
}

/* May v be read after the await at time t resumes? (v is in scope there.) */
static bool live_across(const Timeline *tl, const Var *v, int t) {
    if (v->addr_taken || tl->addr[v->id])
        return true;
    if (tl->has_goto)
        return referenced_between(tl, v, 0, INT_MAX);
    if (referenced_between(tl, v, t, tl->end[v->id]))
        return true;
    for (int i = 0; i < tl->nloops; i++) {
        Span loop = tl->loops[i];
        if (loop.start < t && t < loop.end && tl->decl[v->id] < loop.start &&
            referenced_between(tl, v, loop.start, loop.end))
            return true;
    }
    return false;
}

/* A variable that cannot be in a frame: its size is known only at run time, or its
 * type has no name outside the function. */
static void check_storable(const Var *v, const Await *scope_await, const Await *live_await) {
    const char *what = v->type.is_array ? "variable-length array" : "variably modified variable";
    if (v->type.is_vla && live_await) {
        error_at(v->pos, "%s '%s' cannot live across an await", what, v->name);
        note_at(live_await->expr->pos, "'%s' is still needed when this await resumes", v->name);
    } else if (v->type.is_vla && scope_await) {
        error_at(v->pos, "%s '%s' cannot be in scope at an await", what, v->name);
        note_at(scope_await->expr->pos,
                "resuming after this await would jump into the scope of '%s'", v->name);
    } else if (v->type.is_local && live_await) {
        error_at(v->pos,
                 "'%s' cannot live across an await: its type is declared inside the function",
                 v->name);
        note_at(live_await->expr->pos, "'%s' is still needed when this await resumes", v->name);
    }
}

/* Decides in_frame for a local (not a parameter, not static). */
static void place_local(const Timeline *tl, Var *v) {
    Func *f = tl->func;
    const Await *scope_await = NULL, *live_await = NULL;
    for (int i = 0; i < f->nawaits && !live_await; i++) {
        int t = tl->await_time[i];
        if (!in_scope_at(tl, v, t))
            continue;
        scope_await = f->awaits[i];
        if (live_across(tl, v, t))
            live_await = f->awaits[i];
    }
    v->in_frame = live_await != NULL;
    check_storable(v, scope_await, live_await);
}

static void place_vars(Func *f) {
    Timeline tl;
    timeline_build(&tl, f);
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (v->is_param) {
            v->in_frame = true;
            if (v->type.is_vla)
                error_at(v->pos, "variably modified parameter '%s' cannot live in a frame",
                         v->name);
        } else if (v->is_static) {
            v->in_frame = false;
        } else {
            place_local(&tl, v);
        }
    }
}

/* ---- recursion through awaits ------------------------------------------------------- */

typedef struct Cycles {
    Program *prog;
    int *color; /* per Program.funcs index: 0 unvisited, 1 on the path, 2 done */
    int depth;
    Await **path; /* the awaits leading from the root to the current function */
    Func **from;  /* the function each of them is in */
} Cycles;

static int func_index(const Program *prog, const Func *f) {
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i] == f)
            return i;
    return -1;
}

/* The last await on the path closes a cycle back to g. */
static void report_cycle(const Cycles *c, const Func *g) {
    int k = c->depth - 1;
    while (k > 0 && c->from[k] != g)
        k--;
    Buf chain = {0};
    for (int i = k; i < c->depth; i++)
        buf_printf(&chain, "%s -> ", c->from[i]->name);
    buf_put(&chain, g->name);
    Pos at = c->path[c->depth - 1]->expr->pos;
    error_at(at, "recursive await of '%s' needs a frame of infinite size", g->name);
    for (int i = k; i < c->depth - 1; i++)
        note_at(c->path[i]->expr->pos, "'%s' awaits '%s' here", c->from[i]->name,
                c->from[i + 1]->name);
    note_at(at,
            "the awaits form the cycle %s; run one of these calls as a task of its own "
            "with ac_spawn and await ac_join on it instead",
            chain.data);
}

static void visit_callees(Cycles *c, Func *f) {
    c->color[func_index(c->prog, f)] = 1;
    for (int i = 0; i < f->nawaits; i++) {
        Func *g = f->awaits[i]->expr->callee;
        int gi = func_index(c->prog, g);
        if (!g->is_defined || gi < 0 || c->color[gi] == 2)
            continue;
        c->path[c->depth] = f->awaits[i];
        c->from[c->depth] = f;
        c->depth++;
        if (c->color[gi] == 1)
            report_cycle(c, g);
        else
            visit_callees(c, g);
        c->depth--;
    }
    c->color[func_index(c->prog, f)] = 2;
}

static void check_recursion(Program *prog) {
    int total = 0;
    for (int i = 0; i < prog->nfuncs; i++)
        total += prog->funcs[i]->nawaits;
    Cycles c = {prog, xmalloc(sizeof(int) * ((size_t)prog->nfuncs + 1)), 0,
                xmalloc(sizeof(Await *) * ((size_t)total + 1)),
                xmalloc(sizeof(Func *) * ((size_t)total + 1))};
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i]->is_defined && c.color[i] == 0)
            visit_callees(&c, prog->funcs[i]);
}

/* ---- names ---------------------------------------------------------------------------- */

/* Does the function spell `name` itself (so a generated name must avoid it)? */
static bool spelled_in(const Func *f, const char *name) {
    if (str_in(f->idents, f->nidents, name))
        return true;
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i]->name && strcmp(f->params[i]->name, name) == 0)
            return true;
    return false;
}

/* base, or base with '_' appended until the function does not spell it. */
static char *fresh_ident(const Func *f, const char *base) {
    char *s = xstrdup(base);
    while (spelled_in(f, s))
        s = xprintf("%s_", s);
    return s;
}

/* A growable list of names already given out. */
typedef struct Names {
    int n;
    char **items;
} Names;

static bool names_have(const Names *a, const char *s) {
    return str_in(a->items, a->n, s);
}

/* base if free, else base_2, base_3...; free means in neither list. Takes it. */
static char *take_unique(Names *taken, const Names *avoid, const char *base) {
    char *s = xstrdup(base);
    for (int k = 2; names_have(taken, s) || (avoid && names_have(avoid, s)); k++)
        s = xprintf("%s_%d", base, k);
    VEC_PUSH(&taken->items, &taken->n, s);
    return s;
}

/* Frame fields keep source names; a shadowed name or one clashing with the reserved
 * members gets the first _N suffix that no frame variable spells. */
static void name_fields(Func *f) {
    Names used = {0}, avoid = {0};
    VEC_PUSH(&avoid.items, &avoid.n, "state");
    VEC_PUSH(&avoid.items, &avoid.n, "await");
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame)
            VEC_PUSH(&avoid.items, &avoid.n, f->vars[i]->name);
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (!v->in_frame)
            continue;
        bool own = !names_have(&used, v->name) && strcmp(v->name, "state") != 0 &&
                   strcmp(v->name, "await") != 0;
        if (own) {
            v->field = v->name;
            VEC_PUSH(&used.items, &used.n, v->name);
        } else {
            v->field = take_unique(&used, &avoid, v->name);
        }
    }
}

/* States and labels after the callee, _2, _3... for a callee awaited again; labels
 * also avoid the function's own identifiers (its labels among them). */
static void name_awaits(Func *f) {
    Names states = {0}, labels = {0}, idents = {f->nidents, f->idents};
    for (int i = 0; i < f->nawaits; i++) {
        Await *a = f->awaits[i];
        Func *g = a->expr->callee;
        a->state = take_unique(&states, NULL, xprintf("%s_AWAIT_%s", f->name, g->name));
        a->label = take_unique(&labels, &idents, xprintf("resume_%s", g->name));
        a->member = g->name;
        bool known = false;
        for (int j = 0; j < f->ncallees; j++)
            known = known || f->callees[j] == g;
        if (!known)
            VEC_PUSH(&f->callees, &f->ncallees, g);
    }
}

static void name_params(Func *f) {
    f->self = fresh_ident(f, "self");
    f->cx = fresh_ident(f, "cx");
    f->out = fresh_ident(f, "out");
}

/* Spawns and block_ons in ordinary code. */
static void mark_calls_below(Expr *e) {
    mark_call(e);
    for (int i = 0; i < e->nkids; i++)
        mark_calls_below(e->kids[i]);
}

bool frame_program(Program *prog) {
    int errors = diag_error_count();
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        name_params(f);
        if (!f->is_defined)
            continue;
        place_vars(f);
        name_fields(f);
        name_awaits(f);
    }
    for (int i = 0; i < prog->nsites; i++)
        mark_calls_below(prog->sites[i]->expr);
    check_recursion(prog);
    return diag_error_count() == errors;
}
