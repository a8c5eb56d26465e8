/* frame.c - which locals survive a suspension, and every name the emitter writes.
 *
 * A local lives in the frame when, at some await, it is in scope and its value may
 * be read after the await resumes - or its address is taken (or it is an array used
 * as a pointer): then anything may read it at any time.
 *
 * "In scope" comes from a walk of the body in source order that stamps each
 * declaration, scope end and await with an increasing time: v is in scope at await A
 * when decl(v) < A < end(v).
 *
 * "May be read" is liveness on the control-flow graph of the lowered body: a node
 * per expression statement, declaration, condition or return, edges for every way
 * control goes on (branches, loops, break, continue, goto, switch to its cases), and
 * each await split in two: the start of the call, which reads the arguments, and the
 * poll after the resume, which writes the destination (`x = await(..)`, `T x =
 * await(..)`) or reads a left side that is more than a variable. v is live across A
 * when some path from A's poll reads v before anything replaces it whole (`v = ...;`
 * as a statement, its declaration, an await into v).
 *
 * Then the values of the frame (its variables and each await's callee frame), the
 * suspension points that need each, and which pairs clash (are in use at the same
 * time): layout.c arranges them so that values that never clash share storage.
 *
 * Then the checks (VLAs and the local types parse could not hoist cannot be in a frame; alloca
 * memory and setjmp contexts are on poll's stack, gone at every suspension; recursion through
 * awaits would need an infinite frame) and the names: frame fields, states, resume
 * labels, union members and poll's parameters.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctext.h"
#include "diag.h"
#include "ir.h"
#include "layout.h"

/* ---- scopes ---------------------------------------------------------------------------- */

typedef struct Scopes {
    Func *func;
    int now;
    int *decl, *end; /* per Var.id: declaration and end of scope */
    bool *addr;      /* per Var.id: address taken */
    int *await_time; /* per Await.index - 1 */
    int nopen;       /* declared, scope not yet closed (ids, innermost last) */
    int *open;
} Scopes;

static int tick(Scopes *sc) {
    return ++sc->now;
}

static void note_decl(Scopes *sc, Var *v) {
    sc->decl[v->id] = tick(sc);
    VEC_PUSH(&sc->open, &sc->nopen, v->id);
}

/* Closes the scopes of everything declared since `mark` open declarations. */
static void close_scope(Scopes *sc, int mark) {
    int t = tick(sc);
    while (sc->nopen > mark)
        sc->end[sc->open[--sc->nopen]] = t;
}

static void scope_expr(Scopes *sc, Expr *e) {
    if (!e)
        return;
    if (e->kind == EXPR_VAR && e->addr_of)
        sc->addr[e->var->id] = true;
    for (int i = 0; i < e->nkids; i++)
        scope_expr(sc, e->kids[i]);
    scope_expr(sc, e->dest);
    scope_expr(sc, e->cond);
    for (int i = 0; e->kind == EXPR_AWAIT && i < sc->func->nawaits; i++)
        if (sc->func->awaits[i]->expr == e)
            sc->await_time[i] = tick(sc);
}

/* The variables a declaration statement declares, after its initializers. */
static void scope_decls(Scopes *sc, Stmt *s) {
    if (s->kind == STMT_DECL)
        note_decl(sc, s->var);
    for (int i = 0; s->kind == STMT_TEXT && i < sc->func->nvars; i++)
        if (sc->func->vars[i]->decl == s)
            note_decl(sc, sc->func->vars[i]);
}

/* A block's declarations end with it, a for's with the loop. */
static void scope_stmt(Scopes *sc, Stmt *s) {
    if (!s)
        return;
    int mark = sc->nopen;
    if (s->kind == STMT_DO) {
        s->time = tick(sc);
        scope_stmt(sc, s->body);
        scope_expr(sc, s->expr);
        return;
    }
    /* a for's declarations are a block, but stay in scope for the whole loop */
    for (int i = 0; s->init && i < s->init->nkids; i++)
        scope_stmt(sc, s->init->kids[i]);
    if (s->init && s->init->kind != STMT_BLOCK)
        scope_stmt(sc, s->init);
    s->time = tick(sc); /* after a for's declarations: its condition and step see them */
    scope_expr(sc, s->expr);
    scope_decls(sc, s);
    scope_stmt(sc, s->body);
    scope_expr(sc, s->step);
    scope_stmt(sc, s->els);
    for (int i = 0; i < s->nkids; i++)
        scope_stmt(sc, s->kids[i]);
    if (s->kind == STMT_BLOCK || s->kind == STMT_FOR)
        close_scope(sc, mark);
}

static void scopes_build(Scopes *sc, Func *f) {
    memset(sc, 0, sizeof *sc);
    sc->func = f;
    size_t nv = (size_t)f->nvars + 1, na = (size_t)f->nawaits + 1;
    sc->decl = xmalloc(nv * sizeof *sc->decl);
    sc->end = xmalloc(nv * sizeof *sc->end);
    sc->addr = xmalloc(nv * sizeof *sc->addr);
    sc->await_time = xmalloc(na * sizeof *sc->await_time);
    for (int i = 0; i < f->nvars; i++) {
        sc->decl[i] = INT_MAX;
        sc->end[i] = INT_MAX;
    }
    scope_stmt(sc, f->body);
}

static bool in_scope_at(const Scopes *sc, const Var *v, int t) {
    return sc->decl[v->id] < t && t < sc->end[v->id];
}

/* ---- calls that need poll's stack ------------------------------------------------------ */

/* Their memory or context is in poll's stack frame, which ends at each suspension. */
static const char *const alloca_names[] = {"alloca", "__builtin_alloca",
                                           "__builtin_alloca_with_align",
                                           "__builtin_alloca_with_align_and_max", NULL};
static const char *const setjmp_names[] = {"setjmp",      "_setjmp",          "sigsetjmp",
                                           "__sigsetjmp", "__builtin_setjmp", NULL};

/* The offset in `text` of a call of one of `names`, or -1; *name is set to it. */
static long call_find(const char *text, const char *const *names, const char **name) {
    for (const char *s = text; *s;) {
        if (*s == '"' || *s == '\'') {
            s = literal_end(s);
            continue;
        }
        if (!is_ident_char((unsigned char)*s) ||
            (s > text && is_ident_char((unsigned char)s[-1]))) {
            s++;
            continue;
        }
        size_t n = 0;
        while (is_ident_char((unsigned char)s[n]))
            n++;
        const char *after = s + n + strspn(s + n, " \t\r\n");
        for (int i = 0; names[i] && *after == '('; i++)
            if (strlen(names[i]) == n && strncmp(s, names[i], n) == 0) {
                *name = names[i];
                return s - text;
            }
        s += n;
    }
    return -1;
}

/* Where text piece i of template e starts in the source. Pieces end where the next
 * hole starts; the last one starts where a variable before it ends. */
static unsigned piece_offset(const Expr *e, int i) {
    if (i == 0)
        return e->pos.offset;
    if (i < e->nkids)
        return e->kids[i]->pos.offset - (unsigned)strlen(e->text[i]);
    const Expr *last = e->kids[i - 1];
    return last->kind == EXPR_VAR ? last->pos.offset + (unsigned)strlen(last->var->name)
                                  : last->pos.offset;
}

/* Where the call of `name` is: at `offset` (worked out from the template) if the
 * source spells it there, else (lowering changed the pieces) the template's start. */
static Pos call_pos(const Program *prog, const Expr *e, unsigned offset, const char *name) {
    size_t n = strlen(name);
    if (offset + n <= prog->len && strncmp(prog->src + offset, name, n) == 0)
        return program_pos(prog, offset);
    return e->pos;
}

/* ---- the control-flow graph ------------------------------------------------------------- */

typedef struct Node Node;
struct Node {
    uint64_t *use, *def, *live; /* bit sets of Var ids; live: live on entry */
    int time;                   /* Stmt.time of the statement it belongs to */
    unsigned line;              /* and its first line: where a debugger stops for it */
    int id;                     /* index in Graph.nodes */
    bool reads_first;           /* a scalar assignment that reads all its operands, scalars
                                   it does not write, before it stores: nothing read there
                                   is in use once it writes */
    int nsucc;
    Node **succ;
    bool seen; /* for searches */
};

typedef struct Label {
    const char *name;
    Node *node;
} Label;

/* A call of alloca or setjmp, in the node that evaluates it. */
typedef struct StackCall {
    Node *node;
    Pos pos;
    const char *name;
    bool is_alloca;
} StackCall;

typedef struct Graph {
    const Program *prog;
    Func *func;
    size_t words; /* per bit set */
    int nnodes;
    Node **nodes;
    int nlabels;
    Label *labels;
    Node **start, **poll; /* per Await.index - 1: the call's start, the poll after a resume */
    Node **later;         /* per Await.index - 1: a form's branches after the first, or NULL */
    Node *init;           /* before the body: init, which writes every parameter */
    int time;             /* of the statement whose nodes are being made */
    unsigned line;        /* and its first line */
    int ncalls;
    StackCall *calls;
} Graph;

/* The cases of the switch whose body is being built. */
typedef struct Cases {
    int n;
    Node **entries;
    Node *dflt;
} Cases;

/* Where break and continue go, and the innermost switch. */
typedef struct Jumps {
    Node *brk, *cont;
    Cases *cases;
} Jumps;

static Node *node_new(Graph *g) {
    Node *n = xmalloc(sizeof *n);
    n->use = xmalloc(g->words * sizeof *n->use);
    n->def = xmalloc(g->words * sizeof *n->def);
    n->live = xmalloc(g->words * sizeof *n->live);
    n->time = g->time;
    n->line = g->line;
    n->id = g->nnodes;
    VEC_PUSH(&g->nodes, &g->nnodes, n);
    return n;
}

static void node_to(Node *n, Node *succ) {
    if (succ)
        VEC_PUSH(&n->succ, &n->nsucc, succ);
}

/* The alloca and setjmp calls in text piece i of e. */
static void calls_note(Graph *g, Node *n, const Expr *e, int i) {
    const char *const *lists[] = {alloca_names, setjmp_names};
    for (int k = 0; k < 2; k++) {
        const char *name;
        long at = call_find(e->text[i], lists[k], &name);
        if (at < 0)
            continue;
        Pos pos = call_pos(g->prog, e, piece_offset(e, i) + (unsigned)at, name);
        StackCall call = {n, pos, name, k == 0};
        VEC_PUSH(&g->calls, &g->ncalls, call);
    }
}

/* Node n evaluates e: reads every variable in it. */
static void node_reads(Graph *g, Node *n, const Expr *e) {
    if (!e)
        return;
    if (e->kind == EXPR_VAR)
        bit_set(n->use, e->var->id);
    for (int i = 0; e->kind == EXPR_TEMPLATE && i <= e->nkids; i++)
        calls_note(g, n, e, i);
    for (int i = 0; i < e->nkids; i++)
        node_reads(g, n, e->kids[i]);
}

/* Neither an array nor a structure or union (which an initializer or an assignment
 * may write piece by piece). */
static bool is_scalar(const CType *t) {
    bool record = (strncmp(t->canon, "struct ", 7) == 0 || strncmp(t->canon, "union ", 6) == 0) &&
                  !strpbrk(t->canon, "*(");
    return !t->is_array && !record;
}

/* Is the variable between the texts `before` and `after` written there: ++ or --
 * around it, or an assignment operator after it? */
static bool hole_written(const char *before, const char *after) {
    size_t n = strlen(before);
    while (n > 0 && isspace((unsigned char)before[n - 1]))
        n--;
    if (n >= 2 && (strncmp(before + n - 2, "++", 2) == 0 || strncmp(before + n - 2, "--", 2) == 0))
        return true;
    after += strspn(after, " \t\r\n");
    if (strncmp(after, "++", 2) == 0 || strncmp(after, "--", 2) == 0)
        return true;
    size_t op = strspn(after, "+-*/%&|^<>");
    bool assign_op = op == 0 || (op == 1 && strchr("+-*/%&|^", after[0])) ||
                     (op == 2 && after[0] == after[1] && (after[0] == '<' || after[0] == '>'));
    return assign_op && after[op] == '=' && after[op + 1] != '=';
}

/* Does e only read the variables in it from its kid `from` on, all of them scalars? */
static bool reads_only(const Expr *e, int from) {
    if (e->kind == EXPR_VAR)
        return is_scalar(&e->var->type);
    for (int i = from; i < e->nkids; i++) {
        const Expr *k = e->kids[i];
        if (k->kind == EXPR_VAR && e->kind == EXPR_TEMPLATE &&
            hole_written(e->text[i], e->text[i + 1]))
            return false;
        if (!reads_only(k, 0))
            return false;
    }
    return true;
}

/* The variable that an expression statement `v = ...` replaces whole, if any. */
static Var *assigned_var(const Expr *e) {
    if (!e || e->kind != EXPR_TEMPLATE || e->nkids == 0 || e->kids[0]->kind != EXPR_VAR ||
        e->text[0][strspn(e->text[0], " \t\r\n")] != '\0')
        return NULL;
    const char *op = e->text[1] + strspn(e->text[1], " \t\r\n");
    return op[0] == '=' && op[1] != '=' ? e->kids[0]->var : NULL;
}

/* A node that reads e and goes on to next. */
static Node *flow_read(Graph *g, const Expr *e, Node *next) {
    Node *n = node_new(g);
    node_reads(g, n, e);
    node_to(n, next);
    return n;
}

/* An expression evaluated for its effects, then on to next. */
static Node *flow_effects(Graph *g, Expr *e, Node *next) {
    Var *v = assigned_var(e);
    if (!v)
        return flow_read(g, e, next);
    Node *n = node_new(g);
    node_to(n, next);
    for (int i = 1; i < e->nkids; i++)
        node_reads(g, n, e->kids[i]);
    for (int i = 0; i <= e->nkids; i++)
        calls_note(g, n, e, i);
    bit_set(n->def, v->id);
    n->reads_first = is_scalar(&v->type) && reads_only(e, 1);
    return n;
}

static Node *label_node(Graph *g, const char *name) {
    for (int i = 0; i < g->nlabels; i++)
        if (strcmp(g->labels[i].name, name) == 0)
            return g->labels[i].node;
    Label l = {name, node_new(g)};
    VEC_PUSH(&g->labels, &g->nlabels, l);
    return l.node;
}

/* The await that is the whole of s (after lowering), or NULL. */
static Expr *await_of(const Stmt *s) {
    Expr *e =
        s->kind == STMT_EXPR || s->kind == STMT_DECL || s->kind == STMT_RETURN ? s->expr : NULL;
    if (e && e->kind == EXPR_ASSIGN)
        e = e->kids[1];
    return e && e->kind == EXPR_AWAIT ? e : NULL;
}

/* The start of the call (reads the arguments), then the poll after the resume. */
static Node *flow_await(Graph *g, Stmt *s, Expr *aw, Node *next) {
    Node *poll = node_new(g), *start = node_new(g);
    if (s->kind != STMT_RETURN)
        node_to(poll, next);
    Expr *lhs = s->kind == STMT_EXPR && s->expr->kind == EXPR_ASSIGN ? s->expr->kids[0] : NULL;
    if (s->kind == STMT_DECL)
        bit_set(poll->def, s->var->id);
    else if (lhs && lhs->kind == EXPR_VAR)
        bit_set(poll->def, lhs->var->id);
    else
        node_reads(g, poll, lhs);
    Node *later = NULL;
    if (aw->callee->form != FORM_CALL && aw->nkids > 1) {
        /* the branches after the first start once its frame is written */
        later = node_new(g);
        node_reads(g, start, aw->kids[0]);
        for (int i = 1; i < aw->nkids; i++)
            node_reads(g, later, aw->kids[i]);
        node_to(start, later);
        node_to(later, poll);
    } else {
        node_reads(g, start, aw);
        node_to(start, poll);
    }
    for (int i = 0; aw->callee->form != FORM_CALL && i < aw->nkids; i++) {
        /* a form's branches store their results and test them when they finish */
        node_reads(g, poll, aw->kids[i]->dest);
        node_reads(g, poll, aw->kids[i]->cond);
    }
    for (int i = 0; i < g->func->nawaits; i++)
        if (g->func->awaits[i]->expr == aw) {
            g->start[i] = start;
            g->later[i] = later;
            g->poll[i] = poll;
        }
    return start;
}

static Node *flow_stmt(Graph *g, Stmt *s, Node *next, Jumps j);

/* Statements in sequence, built from the last. */
static Node *flow_list(Graph *g, Stmt **kids, int n, Node *next, Jumps j) {
    for (int i = n - 1; i >= 0; i--)
        next = flow_stmt(g, kids[i], next, j);
    return next;
}

static Node *flow_if(Graph *g, Stmt *s, Node *next, Jumps j) {
    Node *cond = flow_read(g, s->expr, flow_stmt(g, s->body, next, j));
    node_to(cond, s->els ? flow_stmt(g, s->els, next, j) : next);
    return cond;
}

/* while, do and for: the condition is tested before the body, or after it (do). */
static Node *flow_loop(Graph *g, Stmt *s, Node *next, Jumps j) {
    Node *cond = flow_read(g, s->expr, NULL);
    Node *step = s->step ? flow_effects(g, s->step, cond) : cond;
    Node *body = flow_stmt(g, s->body, step, (Jumps){next, step, j.cases});
    node_to(cond, body);
    if (s->expr)
        node_to(cond, next);
    Node *entry = s->kind == STMT_DO ? body : cond;
    return s->init ? flow_stmt(g, s->init, entry, j) : entry;
}

static Node *flow_switch(Graph *g, Stmt *s, Node *next, Jumps j) {
    Cases cases = {0};
    flow_stmt(g, s->body, next, (Jumps){next, j.cont, &cases});
    Node *cond = flow_read(g, s->expr, NULL);
    for (int i = 0; i < cases.n; i++)
        node_to(cond, cases.entries[i]);
    node_to(cond, cases.dflt ? cases.dflt : next);
    return cond;
}

/* case and default: entries of the innermost switch. */
static Node *flow_case(Graph *g, Stmt *s, Node *next, Jumps j) {
    Node *entry = flow_stmt(g, s->body, next, j);
    if (j.cases && s->kind == STMT_DEFAULT)
        j.cases->dflt = entry;
    else if (j.cases)
        VEC_PUSH(&j.cases->entries, &j.cases->n, entry);
    return entry;
}

static Node *flow_kind(Graph *g, Stmt *s, Node *next, Jumps j) {
    Expr *aw = await_of(s);
    if (aw)
        return flow_await(g, s, aw, next);
    switch (s->kind) {
    case STMT_EXPR:
        return flow_effects(g, s->expr, next);
    case STMT_DECL: {
        /* without an initializer too: the value becomes indeterminate each time the
         * declaration is reached (C11 6.2.4p6), so none flows past it */
        Node *n = flow_read(g, s->expr, next);
        if (!s->var->is_static)
            bit_set(n->def, s->var->id);
        n->reads_first = is_scalar(&s->var->type) && !s->var->init_is_list &&
                         (!s->expr || reads_only(s->expr, 0));
        return n;
    }
    case STMT_TEXT:
    case STMT_ASM:
        return flow_read(g, s->expr, next);
    case STMT_RETURN:
        return flow_read(g, s->expr, NULL);
    case STMT_BLOCK:
        return flow_list(g, s->kids, s->nkids, next, j);
    case STMT_IF:
        return flow_if(g, s, next, j);
    case STMT_WHILE:
    case STMT_DO:
    case STMT_FOR:
        return flow_loop(g, s, next, j);
    case STMT_SWITCH:
        return flow_switch(g, s, next, j);
    case STMT_CASE:
    case STMT_DEFAULT:
        return flow_case(g, s, next, j);
    case STMT_LABEL: {
        Node *label = label_node(g, s->text);
        node_to(label, flow_stmt(g, s->body, next, j));
        return label;
    }
    case STMT_GOTO:
        return label_node(g, s->text);
    case STMT_BREAK:
        return j.brk ? j.brk : next;
    case STMT_CONTINUE:
        return j.cont ? j.cont : next;
    case STMT_COMMENT:
    case STMT_DIRECTIVE:
        return next;
    }
    return next;
}

/* The nodes of s carry its time (those of the statements inside, theirs). */
static Node *flow_stmt(Graph *g, Stmt *s, Node *next, Jumps j) {
    if (!s)
        return next;
    int outer = g->time;
    unsigned outer_line = g->line;
    g->time = s->time;
    g->line = s->pos.line;
    Node *entry = flow_kind(g, s, next, j);
    g->time = outer;
    g->line = outer_line;
    return entry;
}

/* Live on entry = read here, or live after and not replaced here; until nothing
 * changes. (Nodes were made from the end of the body: this order converges fast.) */
static void liveness_solve(Graph *g) {
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < g->nnodes; i++) {
            Node *n = g->nodes[i];
            for (size_t w = 0; w < g->words; w++) {
                uint64_t out = 0;
                for (int k = 0; k < n->nsucc; k++)
                    out |= n->succ[k]->live[w];
                uint64_t live = n->use[w] | (out & ~n->def[w]);
                changed |= live != n->live[w];
                n->live[w] = live;
            }
        }
    }
}

static void graph_build(Graph *g, const Program *prog, Func *f) {
    memset(g, 0, sizeof *g);
    g->prog = prog;
    g->func = f;
    g->words = (size_t)f->nvars / 64 + 1;
    g->start = xmalloc(((size_t)f->nawaits + 1) * sizeof *g->start);
    g->poll = xmalloc(((size_t)f->nawaits + 1) * sizeof *g->poll);
    g->later = xmalloc(((size_t)f->nawaits + 1) * sizeof *g->later);
    Node *entry = flow_stmt(g, f->body, NULL, (Jumps){NULL, NULL, NULL});
    g->init = node_new(g);
    node_to(g->init, entry);
    for (int i = 0; i < f->nparams; i++)
        bit_set(g->init->def, f->params[i]->id);
    liveness_solve(g);
}

/* ---- what cannot be in a frame ---------------------------------------------------------- */

/* A frame cannot hold something (a variable, a value, a compound literal) of a type
 * it cannot name: `lead` says what, the note why the type is so. */
static void local_type_error(Pos pos, const char *lead, const Unhoisted *u) {
    error_at(pos, "%s: its type '%s' %s", lead, u->type, u->why);
    if (u->note)
        note_at(u->pos, "%s", u->note);
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
    } else if (v->type.local && live_await && v->is_temp) {
        local_type_error(v->pos, "this value cannot live across an await", v->type.local);
        note_at(live_await->expr->pos, "the value is still needed when this await resumes");
    } else if (v->type.local && live_await) {
        local_type_error(v->pos, xprintf("'%s' cannot live across an await", v->name),
                         v->type.local);
        note_at(live_await->expr->pos, "'%s' is still needed when this await resumes", v->name);
    } else if (live_await && v->decl && v->decl->kind == STMT_TEXT) {
        /* declared with a function (or a VLA, refused above): the text stays as written */
        error_at(v->pos,
                 "'%s' cannot live across an await: it is declared together with a function, in "
                 "a declaration asyncc keeps as written; declare '%s' on its own",
                 v->name, v->name);
        note_at(live_await->expr->pos, "'%s' is still needed when this await resumes", v->name);
    }
}

/* The first await (in source order) reachable from n, or NULL. */
static const Await *await_reachable(Graph *g, Node *from) {
    for (int i = 0; i < g->nnodes; i++)
        g->nodes[i]->seen = false;
    int n = 1;
    Node **stack = xmalloc(((size_t)g->nnodes + 1) * sizeof *stack);
    stack[0] = from;
    from->seen = true;
    while (n > 0) {
        Node *node = stack[--n];
        for (int k = 0; k < node->nsucc; k++)
            if (!node->succ[k]->seen) {
                node->succ[k]->seen = true;
                stack[n++] = node->succ[k];
            }
    }
    for (int i = 0; i < g->func->nawaits; i++)
        if (g->start[i] && g->start[i]->seen)
            return g->func->awaits[i];
    return NULL;
}

/* alloca memory and setjmp contexts live in poll's stack frame, which every
 * suspension ends (poll returns; a later poll runs in a new stack frame). */
static void check_stack_calls(Graph *g) {
    Func *f = g->func;
    for (int i = 0; i < g->ncalls && f->nawaits > 0; i++) {
        const StackCall *c = &g->calls[i];
        const Await *a = c->is_alloca ? await_reachable(g, c->node) : f->awaits[0];
        if (!a)
            continue;
        if (c->is_alloca) {
            error_at(c->pos,
                     "memory from '%s' cannot live across an await: it is on the stack of "
                     "'%s_poll', which returns at every suspension",
                     c->name, f->name);
            note_at(a->expr->pos, "'%s' may suspend here while the memory is still allocated",
                    f->name);
        } else {
            error_at(c->pos,
                     "'%s' cannot be used in an async function that awaits: it saves the stack "
                     "frame of '%s_poll', which ends at every suspension",
                     c->name, f->name);
            note_at(a->expr->pos,
                    "'%s' suspends here; a longjmp after this point would jump into a stack "
                    "frame that no longer exists",
                    f->name);
        }
    }
}

/* ---- placing the variables -------------------------------------------------------------- */

/* Is v's address taken (then a pointer may read or write it while it is in scope)? */
static bool is_addressed(const Scopes *sc, const Var *v) {
    return v->addr_taken || sc->addr[v->id];
}

/* Must frame variable v keep its value at suspension point i (i = -1: before the
 * first poll, where init has written every parameter; else when await i resumes):
 * in scope there, and read after the resume or addressed. A compound literal's is
 * kept everywhere: a pointer to it may be anywhere, and its block's end is not
 * tracked. */
static bool needed_at(const Scopes *sc, const Graph *g, const Var *v, int i) {
    if (v->is_literal)
        return true;
    if (i < 0)
        return v->is_param;
    if (!v->is_param && !in_scope_at(sc, v, sc->await_time[i]))
        return false;
    return is_addressed(sc, v) || (g->poll[i] && bit_has(g->poll[i]->live, v->id));
}

/* Decides in_frame for a local (not a parameter, not static). */
static void place_local(const Scopes *sc, const Graph *g, Var *v) {
    Func *f = sc->func;
    const Await *scope_await = NULL, *live_await = NULL;
    for (int i = 0; i < f->nawaits && !live_await; i++) {
        if (!in_scope_at(sc, v, sc->await_time[i]))
            continue;
        scope_await = f->awaits[i];
        if (needed_at(sc, g, v, i))
            live_await = f->awaits[i];
    }
    v->in_frame = live_await != NULL;
    check_storable(v, scope_await, live_await);
}

/* Which frame variables each suspension point keeps (for --emit: the inspectors). */
static void note_needed(const Scopes *sc, const Graph *g, Func *f) {
    for (int k = 0; k < f->nvars; k++) {
        Var *v = f->vars[k];
        if (v->in_frame && needed_at(sc, g, v, -1))
            VEC_PUSH(&f->live_start, &f->nlive_start, v);
        for (int i = 0; v->in_frame && i < f->nawaits; i++)
            if (needed_at(sc, g, v, i))
                VEC_PUSH(&f->awaits[i]->live, &f->awaits[i]->nlive, v);
    }
}

/* ---- the values of the frame and when each is needed -------------------------------- */

/* Whether v's storage is in use as node n starts (v is live into it) and as it ends
 * (live out of it, or written by it); an addressed variable in scope (a parameter:
 * always) is in use throughout. A variable that n reads last is in use at the end
 * too unless n reads everything before it writes (Node.reads_first): then a value
 * written by n may take its storage. */
static void node_uses(const Scopes *sc, const Node *n, const Var *v, bool use[2]) {
    bool addressed = is_addressed(sc, v) && (v->is_param || in_scope_at(sc, v, n->time));
    use[0] = addressed || bit_has(n->live, v->id);
    use[1] = addressed || bit_has(n->def, v->id) || (!n->reads_first && bit_has(n->use, v->id));
    for (int k = 0; k < n->nsucc && !use[1]; k++)
        use[1] = bit_has(n->succ[k]->live, v->id);
}

/* A frame variable: needed before the first poll if it is a parameter (init writes
 * it) or live there, and at every await it must survive. nodes receives where it
 * is in use: bit 2i at the start of node i, 2i + 1 at its end. */
static Slot var_slot(const Scopes *sc, const Graph *g, Var *v, uint64_t *nodes) {
    Func *f = sc->func;
    Slot s = {{.var = v},
              v->type.size,
              v->align_bytes > v->type.align ? v->align_bytes : v->type.align,
              bits_new((size_t)f->nawaits + 1),
              bits_new((size_t)f->nvars + (size_t)f->nawaits),
              nodes};
    for (int i = -1; i < f->nawaits; i++)
        if (needed_at(sc, g, v, i))
            bit_set(s.points, i + 1);
    for (int i = 0; i < g->nnodes; i++) {
        bool use[2];
        node_uses(sc, g->nodes[i], v, use);
        /* A compound literal's address goes anywhere and its block is not tracked:
         * its storage stays its own from the start to the end. */
        if (v->is_literal)
            use[0] = use[1] = true;
        for (int k = 0; k < 2; k++)
            if (use[k])
                bit_set(nodes, 2 * i + k);
    }
    return s;
}

/* The frame of await i's callee: written by its init once the arguments are
 * evaluated, needed until its poll finds it ready. It clashes with the values needed
 * across the await only: not with a value last read by the arguments, nor with the
 * variable the result goes to (polled through a temporary when the two share
 * storage: Await.result_shares). A boxed frame's pointer is stored before the
 * arguments are evaluated: it clashes with what they read too (nodes: as for
 * var_slot). So does a form's struct with what the arguments of its branches after
 * the first read: the first branch's init has written its frame by then. Its size
 * is known once the callee's frame is laid out. */
static Slot await_slot(const Graph *g, int i, uint64_t *nodes) {
    Func *f = g->func;
    Slot s = {{.await = f->awaits[i]},
              0,
              1,
              bits_new((size_t)f->nawaits + 1),
              bits_new((size_t)f->nvars + (size_t)f->nawaits),
              nodes};
    bit_set(s.points, i + 1);
    const Expr *aw = f->awaits[i]->expr;
    const Func *first = aw->callee->form == FORM_CALL ? aw->callee : aw->kids[0]->callee;
    if (!first->frame_known && g->start[i])
        bit_set(nodes, 2 * g->start[i]->id);
    if (g->later[i])
        bit_set(nodes, 2 * g->later[i]->id);
    return s;
}

static int node_line_cmp(const void *a, const void *b) {
    unsigned x = (*(Node *const *)a)->line, y = (*(Node *const *)b)->line;
    return (x > y) - (x < y);
}

/* The lines at whose start v's storage holds its value, for a debugger (Var.held):
 * those at the start of each of whose nodes it is in use. by_line: the nodes sorted
 * by line. */
static void note_held_lines(const Graph *g, Node **by_line, Var *v, const uint64_t *nodes) {
    for (int i = 0; i < g->nnodes;) {
        unsigned line = by_line[i]->line;
        bool held = line > 0;
        for (; i < g->nnodes && by_line[i]->line == line; i++)
            held = held && bit_has(nodes, 2 * by_line[i]->id);
        if (held)
            VEC_PUSH(&v->held, &v->nheld, line);
    }
}

static bool bits_meet(const uint64_t *a, const uint64_t *b, size_t words) {
    for (size_t w = 0; w < words; w++)
        if (a[w] & b[w])
            return true;
    return false;
}

/* Two values clash when both are in use at the start or at the end of some node, or
 * some suspension point needs both. */
static void slots_clash(Slots *s, uint64_t **nodes, size_t node_words) {
    size_t point_words = (size_t)s->npoints / 64 + 1;
    for (int a = 0; a < s->n; a++)
        for (int b = a + 1; b < s->n; b++)
            if (bits_meet(nodes[a], nodes[b], node_words) ||
                bits_meet(s->items[a].points, s->items[b].points, point_words)) {
                bit_set(s->items[a].clash, b);
                bit_set(s->items[b].clash, a);
            }
}

static Slots *slots_collect(const Scopes *sc, const Graph *g) {
    Func *f = sc->func;
    Slots *s = xmalloc(sizeof *s);
    s->npoints = f->nawaits + 1;
    uint64_t **nodes = xmalloc(((size_t)f->nvars + (size_t)f->nawaits + 1) * sizeof *nodes);
    Node **by_line = xmalloc(((size_t)g->nnodes + 1) * sizeof *by_line);
    memcpy(by_line, g->nodes, (size_t)g->nnodes * sizeof *by_line);
    qsort(by_line, (size_t)g->nnodes, sizeof *by_line, node_line_cmp);
    for (int i = 0; i < f->nvars + f->nawaits; i++) {
        Var *v = i < f->nvars ? f->vars[i] : NULL;
        if (v && !v->in_frame)
            continue;
        nodes[s->n] = bits_new(2 * (size_t)g->nnodes);
        Slot slot = v ? var_slot(sc, g, v, nodes[s->n]) : await_slot(g, i - f->nvars, nodes[s->n]);
        if (v)
            note_held_lines(g, by_line, v, nodes[s->n]);
        VEC_PUSH(&s->items, &s->n, slot);
    }
    s->nbusy = 2 * g->nnodes;
    slots_clash(s, nodes, 2 * (size_t)g->nnodes / 64 + 1);
    return s;
}

/* Decides which variables live in the frame; returns the frame's values. */
static Slots *place_vars(const Program *prog, Func *f) {
    Scopes sc;
    scopes_build(&sc, f);
    Graph g;
    graph_build(&g, prog, f);
    check_stack_calls(&g);
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (v->is_param) {
            v->in_frame = true;
            if (v->type.is_vla)
                error_at(v->pos, "variably modified parameter '%s' cannot live in a frame",
                         v->name);
        } else if (v->is_static) {
            v->in_frame = false;
        } else if (v->cleanup && f->nawaits > 0) {
            /* its cleanup is called by the generated code (emit.c), in order with the
             * others, at the end of its scope: poll must not end that scope when it
             * returns at a suspension */
            v->in_frame = true;
            char *lead = xprintf("'%s' has a cleanup, so it lives in the frame of '%s', "
                                 "which awaits",
                                 v->name, f->name);
            if (v->type.is_vla)
                error_at(v->pos, "%s; its type has a variable length", lead);
            else if (v->type.local)
                local_type_error(v->pos, lead, v->type.local);
        } else if (v->is_literal) {
            /* a pointer to it may be kept anywhere until its block ends: any await
             * of the function may come before a use */
            v->in_frame = f->nawaits > 0;
            if (v->in_frame && v->type.local)
                local_type_error(v->pos, "this compound literal cannot live across an await",
                                 v->type.local);
        } else {
            place_local(&sc, &g, v);
        }
    }
    note_needed(&sc, &g, f);
    for (int i = 0; i < f->nawaits; i++)
        for (int k = 0; k < f->nvars; k++) {
            Var *v = f->vars[k];
            if (v->cleanup && v->in_frame && in_scope_at(&sc, v, sc.await_time[i]))
                VEC_PUSH(&f->awaits[i]->cleanups, &f->awaits[i]->ncleanups, v);
        }
    return slots_collect(&sc, &g);
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

static void visit_callees(Cycles *c, Func *f);

/* f awaits g at a (in a branch of a when a is a form's). */
static void visit_callee(Cycles *c, Func *f, Await *a, Func *g) {
    int gi = func_index(c->prog, g);
    if (!g->is_defined || gi < 0 || c->color[gi] == 2)
        return;
    c->path[c->depth] = a;
    c->from[c->depth] = f;
    c->depth++;
    if (c->color[gi] == 1)
        report_cycle(c, g);
    else
        visit_callees(c, g);
    c->depth--;
}

static void visit_callees(Cycles *c, Func *f) {
    c->color[func_index(c->prog, f)] = 1;
    for (int i = 0; i < f->nawaits; i++) {
        Expr *aw = f->awaits[i]->expr;
        if (aw->callee->form == FORM_CALL)
            visit_callee(c, f, f->awaits[i], aw->callee);
        for (int k = 0; aw->callee->form != FORM_CALL && k < aw->nkids; k++)
            visit_callee(c, f, f->awaits[i], aw->kids[k]->callee);
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

/* Frame fields keep source names; a shadowed name or `state` gets the first _N
 * suffix that no frame variable spells. `used` receives them. */
static void name_fields(Func *f, Names *used) {
    Names avoid = {0};
    VEC_PUSH(&avoid.items, &avoid.n, "state");
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame)
            VEC_PUSH(&avoid.items, &avoid.n, f->vars[i]->name);
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (!v->in_frame)
            continue;
        bool own = !names_have(used, v->name) && strcmp(v->name, "state") != 0;
        if (own) {
            v->field = v->name;
            VEC_PUSH(&used->items, &used->n, v->name);
        } else {
            v->field = take_unique(used, &avoid, v->name);
        }
    }
}

/* A form's name ("select", "select_2"...) names its state, label and member, so it
 * avoids every callee's; each branch's member in the form's struct is its callee's
 * name, avoiding the bookkeeping member `sel`. */
static void name_forms(Func *f) {
    Names members = {0};
    for (int i = 0; i < f->nawaits; i++) {
        Func *g = f->awaits[i]->expr->callee;
        if (g->form == FORM_CALL && !names_have(&members, g->name))
            VEC_PUSH(&members.items, &members.n, g->name);
    }
    for (int i = 0; i < f->nawaits; i++) {
        Expr *aw = f->awaits[i]->expr;
        if (aw->callee->form == FORM_CALL)
            continue;
        aw->callee->name = take_unique(&members, NULL, aw->callee->name);
        Names branches = {0}, sel = {0};
        VEC_PUSH(&sel.items, &sel.n, "sel");
        for (int k = 0; k < aw->nkids; k++)
            aw->kids[k]->member = take_unique(&branches, &sel, aw->kids[k]->callee->name);
    }
}

/* States, labels and the members holding the callees' frames after the callee, _2,
 * _3... for a callee awaited again; labels also avoid the function's own
 * identifiers (its labels among them), members the fields in `used`. */
static void name_awaits(Func *f, Names *used) {
    Names states = {0}, labels = {0}, idents = {f->nidents, f->idents};
    name_forms(f);
    for (int i = 0; i < f->nawaits; i++) {
        Await *a = f->awaits[i];
        Func *g = a->expr->callee;
        a->state = take_unique(&states, NULL, xprintf("%s_AWAIT_%s", f->name, g->name));
        a->label = take_unique(&labels, &idents, xprintf("resume_%s", g->name));
        a->member = take_unique(used, NULL, xprintf("await_%s", g->name));
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

/* ---- the layout ------------------------------------------------------------------------- */

static void frame_lay_out(const Program *prog, Slots **plans, Func *f);

/* The size and alignment of what an await of g holds: its frame (laid out first
 * when it is defined here), or the pointer to a boxed one. */
static void callee_measure(const Program *prog, Slots **plans, Func *g, long *size, long *align) {
    if (g->is_defined)
        frame_lay_out(prog, plans, g);
    *size = g->frame_known ? g->frame_size : prog->pointer_size;
    *align = g->frame_known ? g->frame_align : prog->pointer_size;
    if (*align < 1)
        *align = 1;
}

/* Lays f's frame out after the frames of the callees it embeds (plans: per
 * Program.funcs index, the values of each frame not yet laid out). */
static void frame_lay_out(const Program *prog, Slots **plans, Func *f) {
    Slots *s = plans[func_index(prog, f)];
    if (!s)
        return;
    plans[func_index(prog, f)] = NULL; /* done, or a cycle (reported) comes back here */
    for (int i = 0; i < s->n; i++) {
        Slot *slot = &s->items[i];
        const Expr *aw = slot->field.await ? slot->field.await->expr : NULL;
        if (!aw)
            continue;
        if (aw->callee->form == FORM_CALL) {
            callee_measure(prog, plans, aw->callee, &slot->size, &slot->align);
            continue;
        }
        /* a form's struct: its bookkeeping, then each branch's frame */
        slot->size = prog->select_size;
        slot->align = prog->select_align > 0 ? prog->select_align : 1;
        for (int k = 0; k < aw->nkids; k++) {
            long size, align;
            callee_measure(prog, plans, aw->kids[k]->callee, &size, &align);
            layout_struct_add(&slot->size, &slot->align, size, align);
        }
        slot->size = layout_round_up(slot->size, slot->align);
    }
    bool shared;
    f->layout = layout_build(s, &shared);
    if (!shared) /* a bug of layout.c, caught by its check: safe, only larger */
        diag_raw(prog->path, f->pos.line, f->pos.col, "warning",
                 xprintf("the frame of '%s' keeps every value apart: asyncc's layout of it "
                         "failed its own check (please report this)",
                         f->name));
    f->frame_size = layout_frame_size(f->layout);
    f->frame_align = f->layout->align > LAYOUT_STATE_SIZE ? f->layout->align : LAYOUT_STATE_SIZE;
    f->frame_bound = layout_bound(s, LAYOUT_STATE_SIZE);
    f->frame_floor = layout_floor(s, LAYOUT_STATE_SIZE);
}

/* The variable an await's result goes to, or NULL. */
static Var *result_var(const Await *a) {
    const Stmt *s = a->stmt;
    if (s->kind == STMT_DECL)
        return s->var;
    const Expr *e = s->kind == STMT_EXPR ? s->expr : NULL;
    return e && e->kind == EXPR_ASSIGN && e->kids[0]->kind == EXPR_VAR ? e->kids[0]->var : NULL;
}

/* Awaits whose result variable shares storage with the callee's frame. */
static void mark_shared_results(Func *f) {
    for (int i = 0; i < f->nawaits; i++) {
        Await *a = f->awaits[i];
        Var *v = result_var(a);
        Field var = {.var = v}, frame = {.await = a};
        a->result_shares = v && v->in_frame && layout_overlap(f->layout, &var, &frame);
    }
}

/* Frame variables whose member shares bytes with another value's (Var.shares). */
static void mark_shared_vars(Func *f) {
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        Field var = {.var = v};
        for (int k = 0; v->in_frame && k < f->nvars && !v->shares; k++)
            v->shares = k != i && f->vars[k]->in_frame &&
                        layout_overlap(f->layout, &var, &(Field){.var = f->vars[k]});
        for (int k = 0; v->in_frame && k < f->nawaits && !v->shares; k++)
            v->shares = layout_overlap(f->layout, &var, &(Field){.await = f->awaits[k]});
    }
}

/* The pads before the fields of l and of everything in it (a layout by offsets):
 * pad_MEMBER, unique in the frame. */
static void name_pads(Layout *l, Names *used) {
    for (int i = 0; i < l->nfields; i++) {
        Field *m = &l->fields[i];
        if (m->union_of)
            name_pads(m->union_of, used);
        else if (m->pad > 0)
            m->pad_name = take_unique(used, NULL,
                                      xprintf("pad_%s", m->var ? m->var->field : m->await->member));
    }
    for (int a = 0; a < l->nalts; a++)
        name_pads(l->alts[a], used);
}

/* After the layout merged some of them: the members holding the callees' frames,
 * named again in the order of the awaits (a callee's first await_g, then
 * await_g_2...). */
static void name_members(Func *f) {
    Names used = {0};
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame)
            VEC_PUSH(&used.items, &used.n, f->vars[i]->field);
    char **old = xmalloc(((size_t)f->nawaits + 1) * sizeof *old);
    for (int i = 0; i < f->nawaits; i++)
        old[i] = f->awaits[i]->member;
    for (int i = 0; i < f->nawaits; i++) {
        Await *a = f->awaits[i];
        int k = 0;
        while (strcmp(old[k], old[i]) != 0)
            k++;
        a->member = k < i ? f->awaits[k]->member
                          : take_unique(&used, NULL, xprintf("await_%s", a->expr->callee->name));
    }
    if (f->layout)
        name_pads(f->layout, &used);
}

bool frame_program(Program *prog) {
    int errors = diag_error_count();
    Slots **plans = xmalloc(((size_t)prog->nfuncs + 1) * sizeof *plans);
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        name_params(f);
        if (!f->is_defined)
            continue;
        plans[i] = place_vars(prog, f);
        Names used = {0};
        name_fields(f, &used);
        name_awaits(f, &used);
    }
    check_recursion(prog);
    for (int i = 0; i < prog->nfuncs; i++)
        frame_lay_out(prog, plans, prog->funcs[i]);
    for (int i = 0; i < prog->nfuncs; i++) {
        name_members(prog->funcs[i]);
        if (prog->funcs[i]->layout) {
            mark_shared_results(prog->funcs[i]);
            mark_shared_vars(prog->funcs[i]);
        }
    }
    return diag_error_count() == errors;
}
