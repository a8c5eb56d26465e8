/* states.c - a function's state graph: from each state (START, or suspended at an
 * await), the states its next poll may end in (suspended at an await, or DONE) and
 * the conditions of the branches taken on the way.
 *
 * The lowered body becomes a small control-flow graph whose nodes branch
 * (conditions of if, loops and switch), suspend (an await) or finish (a return, the
 * end). From each state's starting node a search follows every path that does not
 * cross itself up to the next suspension or the end, collecting the branches taken.
 * Two paths to one state that differ only in the way one branch went are one path
 * without that branch (an `if` whose both sides lead to the same await says nothing
 * about how it is reached). The search is bounded: past PATH_BUDGET steps from one
 * state the rest of its edges are still found (by plain reachability) but labelled
 * "...".
 */
#include <stdlib.h>
#include <string.h>

#include "ctext.h"
#include "inspect.h"

#define PATH_BUDGET 200000
#define MAX_PATHS 64  /* per pair of states, before merging */
#define LOOP_ROUNDS 2 /* a path may pass a node this often: round a loop once */

/* ---- expressions as source text ------------------------------------------------------ */

static void expr_put(Buf *b, const Expr *e);

static void args_put(Buf *b, const Expr *e, const char *what) {
    buf_printf(b, "%s%s(", what, e->callee->name);
    for (int i = 0; i < e->nkids; i++) {
        buf_put(b, i ? ", " : "");
        expr_put(b, e->kids[i]);
    }
    buf_put(b, ")");
}

static void expr_put(Buf *b, const Expr *e) {
    static const char *const ops[] = {
        [EXPR_AND] = " && ", [EXPR_OR] = " || ", [EXPR_COMMA] = ", ", [EXPR_ASSIGN] = " = "};
    switch (e->kind) {
    case EXPR_TEMPLATE:
        for (int i = 0; i < e->nkids; i++) {
            buf_put(b, e->text[i]);
            expr_put(b, e->kids[i]);
        }
        buf_put(b, e->text[e->nkids]);
        return;
    case EXPR_VAR:
        buf_put(b, e->var->name);
        return;
    case EXPR_LITERAL:
        expr_put(b, e->kids[0]);
        return;
    case EXPR_AWAIT:
        args_put(b, e, "await ");
        return;
    case EXPR_SPAWN:
        args_put(b, e, "ac_spawn ");
        return;
    case EXPR_BLOCK_ON:
        args_put(b, e, "ac_block_on ");
        return;
    case EXPR_FUTURE:
        args_put(b, e, "ac_future_of ");
        return;
    case EXPR_BRANCH: /* a select's, join's or timeout's branch: the call it awaits */
        args_put(b, e, "");
        return;
    case EXPR_COND:
        expr_put(b, e->kids[0]);
        buf_put(b, " ? ");
        expr_put(b, e->kids[1]);
        buf_put(b, " : ");
        expr_put(b, e->kids[2]);
        return;
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_COMMA:
    case EXPR_ASSIGN:
        expr_put(b, e->kids[0]);
        buf_put(b, ops[e->kind]);
        expr_put(b, e->kids[1]);
        return;
    }
}

/* Whitespace runs (newlines of a multi-line expression included) become one space. */
char *expr_source(const Expr *e) {
    Buf b = {0};
    expr_put(&b, e);
    char *s = b.data ? b.data : xstrdup(""), *w = s;
    for (const char *r = s; *r; r++) {
        bool space = strchr(" \t\r\n\f\v", *r) != NULL;
        if (!space || (w > s && w[-1] != ' '))
            *w++ = space ? ' ' : *r;
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
    return s;
}

char *await_caption(const Await *a, size_t max) {
    char *t = xprintf("await(%s)", expr_source(a->expr) + strlen("await "));
    if (strlen(t) > max && max > 3)
        strcpy(t + max - 3, "...");
    return t;
}

const char *state_name(const Func *f, int state) {
    if (state == 0)
        return xprintf("%s_START", f->name);
    if (state <= f->nawaits)
        return f->awaits[state - 1]->state;
    return xprintf("%s_DONE", f->name);
}

/* ---- conditions ----------------------------------------------------------------------- */

/* One branch taken: its condition's text and which way it went. A case of a switch
 * is a condition of its own ("s == 3", "s: default"), always taken. */
typedef struct Cond {
    char *text;
    bool sense;
} Cond;

/* The comparison operator of a condition that is a single comparison, as the
 * offset of its operator (-1: it is not one). Operators inside brackets do not
 * count; &&, ||, ?, and a second comparison make it not one. */
static long lone_comparison(const char *s, size_t *oplen) {
    long at = -1;
    int depth = 0;
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\'') {
            c = literal_end(c) - 1;
            continue;
        }
        depth += (*c == '(' || *c == '[') - (*c == ')' || *c == ']');
        if (depth > 0)
            continue;
        if (strchr("&|?,=", *c) && !(c[0] == '=' && c[1] == '=') &&
            !(c > s && strchr("=!<>", c[-1])))
            return -1; /* logical operators, assignments, commas */
        bool two = c[1] == '=' && strchr("=!<>", *c);
        bool one = (*c == '<' || *c == '>') && c[1] != '<' && c[1] != '>' &&
                   !(c > s && (c[-1] == '<' || c[-1] == '>' || c[-1] == '-'));
        if (!two && !one)
            continue;
        if (at >= 0)
            return -1;
        at = c - s;
        *oplen = two ? 2 : 1;
        c += two;
    }
    return at;
}

/* A condition as it reads when its branch went the other way: a lone comparison
 * flipped ("got < len" -> "got >= len"), anything else under "!( )". */
static char *negated(const char *s) {
    size_t n = 0;
    long at = lone_comparison(s, &n);
    static const char *const from[] = {"==", "!=", "<=", ">=", "<", ">"};
    static const char *const to[] = {"!=", "==", ">", "<", ">=", "<="};
    for (size_t i = 0; at >= 0 && i < sizeof from / sizeof *from; i++)
        if (strlen(from[i]) == n && strncmp(s + at, from[i], n) == 0)
            return xprintf("%.*s%s%s", (int)at, s, to[i], s + at + n);
    return xprintf("!(%s)", s);
}

static char *cond_text(Cond c) {
    return c.sense ? c.text : negated(c.text);
}

/* ---- the graph of the body ------------------------------------------------------------ */

typedef struct Node Node;

/* A way on from a node: to `node`, taking `cond` (text NULL: no branch). */
typedef struct Succ {
    Node *node;
    Cond cond;
} Succ;

struct Node {
    int state; /* 1..nawaits: suspends at that await; -1: DONE; 0: goes on */
    int nsucc;
    Succ *succ;
    int on_path; /* times on the current path */
    bool seen;
};

typedef struct Label {
    const char *name;
    Node *node;
} Label;

/* The cases of the switch whose body is being built: where each enters. */
typedef struct Cases {
    const char *subject;
    int n;
    Succ *entries;
    Node *dflt;
} Cases;

typedef struct Jumps {
    Node *brk, *cont;
    Cases *cases;
} Jumps;

typedef struct Builder {
    const Func *f;
    Node *done;
    int nlabels;
    Label *labels;
    Node **resumed; /* per await: where its poll goes on once it is ready */
    int nnodes;
    Node **nodes;
} Builder;

static Node *node_new(Builder *b, int state) {
    Node *n = xmalloc(sizeof *n);
    n->state = state;
    VEC_PUSH(&b->nodes, &b->nnodes, n);
    return n;
}

static void node_to(Node *n, Node *succ, const char *text, bool sense) {
    Succ to = {succ, {text ? xstrdup(text) : NULL, sense}};
    VEC_PUSH(&n->succ, &n->nsucc, to);
}

static Node *label_node(Builder *b, const char *name) {
    for (int i = 0; i < b->nlabels; i++)
        if (strcmp(b->labels[i].name, name) == 0)
            return b->labels[i].node;
    Label l = {name, node_new(b, 0)};
    VEC_PUSH(&b->labels, &b->nlabels, l);
    return l.node;
}

/* A condition that is always true ("1", none at all) does not branch. */
static bool always(const Expr *e) {
    if (!e)
        return true;
    char *t = expr_source(e);
    return strcmp(t, "1") == 0 || strcmp(t, "true") == 0;
}

static Node *build(Builder *b, const Stmt *s, Node *next, Jumps j);

/* A test of e: to yes when it holds, to no when not. */
static Node *branch(Builder *b, const Expr *e, Node *yes, Node *no) {
    Node *n = node_new(b, 0);
    if (always(e)) {
        node_to(n, yes, NULL, true);
        return n;
    }
    char *text = expr_source(e);
    node_to(n, yes, text, true);
    node_to(n, no, text, false);
    return n;
}

/* while, for and do: the test goes first, or after the body (do). */
static Node *build_loop(Builder *b, const Stmt *s, Node *next, Jumps j) {
    Node *test = node_new(b, 0);
    Node *step = test;
    if (s->step)
        node_to(step = node_new(b, 0), test, NULL, true);
    Node *body = build(b, s->body, step, (Jumps){next, step, j.cases});
    Node *cond = branch(b, s->expr, body, next);
    node_to(test, cond, NULL, true);
    Node *entry = s->kind == STMT_DO ? body : test;
    return s->init ? build(b, s->init, entry, j) : entry;
}

static Node *build_switch(Builder *b, const Stmt *s, Node *next, Jumps j) {
    Cases cases = {expr_source(s->expr), 0, NULL, NULL};
    build(b, s->body, next, (Jumps){next, j.cont, &cases});
    Node *n = node_new(b, 0);
    for (int i = cases.n - 1; i >= 0; i--) /* the body was built from its end */
        node_to(n, cases.entries[i].node, cases.entries[i].cond.text, true);
    node_to(n, cases.dflt ? cases.dflt : next,
            xprintf("%s: %s", cases.subject, cases.dflt ? "default" : "no case"), true);
    return n;
}

static Node *build_case(Builder *b, const Stmt *s, Node *next, Jumps j) {
    Node *entry = build(b, s->body, next, j);
    if (j.cases && s->kind == STMT_DEFAULT) {
        j.cases->dflt = entry;
    } else if (j.cases) {
        Succ c = {entry, {xprintf("%s == %s", j.cases->subject, s->text), true}};
        VEC_PUSH(&j.cases->entries, &j.cases->n, c);
    }
    return entry;
}

/* The await s stands for after lowering, if any. */
static int await_state(const Builder *b, const Stmt *s) {
    for (int i = 0; i < b->f->nawaits; i++)
        if (b->f->awaits[i]->stmt == s)
            return i + 1;
    return 0;
}

static Node *build_await(Builder *b, int state, const Stmt *s, Node *next) {
    Node *n = node_new(b, state);
    b->resumed[state - 1] = s->kind == STMT_RETURN ? b->done : next;
    return n;
}

static Node *build_list(Builder *b, Stmt *const *kids, int n, Node *next, Jumps j) {
    for (int i = n - 1; i >= 0; i--)
        next = build(b, kids[i], next, j);
    return next;
}

static Node *build(Builder *b, const Stmt *s, Node *next, Jumps j) {
    if (!s)
        return next;
    int state = await_state(b, s);
    if (state)
        return build_await(b, state, s, next);
    switch (s->kind) {
    case STMT_RETURN:
        return b->done;
    case STMT_BLOCK:
        return build_list(b, s->kids, s->nkids, next, j);
    case STMT_IF:
        return branch(b, s->expr, build(b, s->body, next, j), build(b, s->els, next, j));
    case STMT_WHILE:
    case STMT_DO:
    case STMT_FOR:
        return build_loop(b, s, next, j);
    case STMT_SWITCH:
        return build_switch(b, s, next, j);
    case STMT_CASE:
    case STMT_DEFAULT:
        return build_case(b, s, next, j);
    case STMT_LABEL: {
        Node *l = label_node(b, s->text);
        node_to(l, build(b, s->body, next, j), NULL, true);
        return l;
    }
    case STMT_GOTO:
        return label_node(b, s->text);
    case STMT_BREAK:
        return j.brk ? j.brk : next;
    case STMT_CONTINUE:
        return j.cont ? j.cont : next;
    default: /* expressions, declarations, text: no branch */
        return next;
    }
}

/* ---- paths ---------------------------------------------------------------------------- */

typedef struct Path {
    int to;
    int nconds;
    Cond *conds;
} Path;

typedef struct Search {
    const Func *f;
    Node *done;
    long steps;
    int nconds; /* the branches taken on the current path */
    Cond *conds;
    int npaths;
    Path *paths;
} Search;

static int target_of(const Search *s, const Node *n) {
    return n == s->done ? s->f->nawaits + 1 : n->state;
}

static int pair_paths(const Search *s, int to) {
    int k = 0;
    for (int i = 0; i < s->npaths; i++)
        k += s->paths[i].to == to;
    return k;
}

static void path_record(Search *s, int to) {
    if (pair_paths(s, to) >= MAX_PATHS)
        return;
    Path p = {to, s->nconds, xmalloc(sizeof(Cond) * ((size_t)s->nconds + 1))};
    memcpy(p.conds, s->conds, sizeof(Cond) * (size_t)s->nconds);
    VEC_PUSH(&s->paths, &s->npaths, p);
}

static void paths_walk(Search *s, Node *n) {
    if (++s->steps > PATH_BUDGET)
        return;
    int to = target_of(s, n);
    if (to != 0) {
        path_record(s, to);
        return;
    }
    if (n->on_path == LOOP_ROUNDS)
        return; /* round a loop without suspending: once is enough */
    n->on_path++;
    for (int i = 0; i < n->nsucc; i++) {
        const Cond *c = &n->succ[i].cond;
        if (c->text)
            VEC_PUSH(&s->conds, &s->nconds, *c);
        paths_walk(s, n->succ[i].node);
        s->nconds -= c->text != NULL;
    }
    n->on_path--;
}

/* The states reachable from n, whatever the budget. */
static void reach(Search *s, Node *n, bool *found) {
    int to = target_of(s, n);
    if (to != 0) {
        found[to] = true;
        return;
    }
    if (n->seen)
        return;
    n->seen = true;
    for (int i = 0; i < n->nsucc; i++)
        reach(s, n->succ[i].node, found);
}

/* Do a and b go the same way except at one branch (returned), which they take
 * both ways? -1 if not. */
static int differ_at_one(const Path *a, const Path *b) {
    if (a->to != b->to || a->nconds != b->nconds)
        return -1;
    int at = -1;
    for (int i = 0; i < a->nconds; i++) {
        if (strcmp(a->conds[i].text, b->conds[i].text) != 0)
            return -1;
        if (a->conds[i].sense != b->conds[i].sense) {
            if (at >= 0)
                return -1;
            at = i;
        }
    }
    return at;
}

static bool same_conds(const Path *a, const Path *b) {
    if (a->to != b->to || a->nconds != b->nconds)
        return false;
    for (int i = 0; i < a->nconds; i++)
        if (strcmp(a->conds[i].text, b->conds[i].text) != 0 ||
            a->conds[i].sense != b->conds[i].sense)
            return false;
    return true;
}

static void path_remove(Search *s, int i) {
    memmove(&s->paths[i], &s->paths[i + 1], sizeof(Path) * (size_t)(s->npaths - i - 1));
    s->npaths--;
}

/* Merges paths that differ in one branch only, and drops repeats, until none do. */
static void paths_merge(Search *s) {
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; i < s->npaths && !again; i++)
            for (int k = i + 1; k < s->npaths && !again; k++) {
                int at = differ_at_one(&s->paths[i], &s->paths[k]);
                Path *p = &s->paths[i];
                if (at >= 0) {
                    memmove(&p->conds[at], &p->conds[at + 1],
                            sizeof(Cond) * (size_t)(p->nconds - at - 1));
                    p->nconds--;
                }
                if (at >= 0 || same_conds(p, &s->paths[k])) {
                    path_remove(s, k);
                    again = true;
                }
            }
    }
}

static char *path_label(const Path *p) {
    Buf b = {0};
    buf_put(&b, "");
    for (int i = 0; i < p->nconds; i++)
        buf_printf(&b, "%s%s", i ? " && " : "", cond_text(p->conds[i]));
    return b.data;
}

/* The edges from state `from`, whose poll starts at node n. */
static void edges_from(const Builder *b, int from, Node *n, StateGraph *g) {
    Search s = {b->f, b->done, 0, 0, NULL, 0, NULL};
    paths_walk(&s, n);
    paths_merge(&s);
    for (int i = 0; i < s.npaths; i++) {
        Edge e = {from, s.paths[i].to, path_label(&s.paths[i]), 0};
        VEC_PUSH(&g->edges, &g->nedges, e);
    }
    int nstates = b->f->nawaits + 2;
    bool *found = xmalloc(sizeof(bool) * (size_t)nstates);
    for (int i = 0; i < b->nnodes; i++)
        b->nodes[i]->seen = false;
    reach(&s, n, found);
    for (int to = 1; to < nstates; to++)
        if (found[to] && pair_paths(&s, to) == 0) {
            Edge e = {from, to, xstrdup("..."), 0};
            VEC_PUSH(&g->edges, &g->nedges, e);
        }
}

static int edge_cmp(const void *a, const void *b) {
    const Edge *x = a, *y = b;
    if (x->from != y->from)
        return x->from - y->from;
    if (x->to != y->to)
        return x->to - y->to;
    return x->order - y->order;
}

StateGraph states_graph(const Func *f) {
    StateGraph g = {0, NULL};
    if (!f->is_defined)
        return g;
    Builder b = {f, NULL, 0, NULL, NULL, 0, NULL};
    b.done = node_new(&b, -1);
    b.resumed = xmalloc(sizeof(Node *) * ((size_t)f->nawaits + 1));
    Node *entry = build(&b, f->body, b.done, (Jumps){NULL, NULL, NULL});
    edges_from(&b, 0, entry, &g);
    for (int i = 0; i < f->nawaits; i++)
        if (b.resumed[i])
            edges_from(&b, i + 1, b.resumed[i], &g);
    for (int i = 0; i < g.nedges; i++)
        g.edges[i].order = i;
    if (g.nedges > 1)
        qsort(g.edges, (size_t)g.nedges, sizeof *g.edges, edge_cmp);
    return g;
}
