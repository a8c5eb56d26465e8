/* gen.c - asyncc_gen: random annotated C programs for differential testing.
 *
 *     asyncc_gen --seed S --index I [--level L] > prog.c
 *
 * Writes program number I of seed S: a few async functions awaiting each other
 * (a call DAG) and the test leaf pending() from tests/e2e/pending.h, with random
 * arithmetic, prints and control flow, and a main() that blocks on the entry
 * function. The program has one meaning: compiled as plain C (await(e) is e) it
 * is the oracle the transformed program must match, so it is written to be free
 * of undefined and unspecified behaviour:
 *   - all arithmetic is on unsigned values; divisors are `| 1u`, shift counts `& 31u`;
 *   - every variable is initialized where it is declared, every loop is bounded by
 *     a counter that only its loop writes;
 *   - an expression holds at most one call with effects (an await of a function
 *     that prints or writes g_sum), and assigns at most where the order is fixed
 *     (top of a statement, or a condition whose operators sequence it); every
 *     function adds to g_calls, a sum, which any order of calls leaves the same;
 *   - every variable and parameter is read somewhere, so -Wall -Wextra stays quiet;
 *   - a spawned task runs a pure function (its only effect is on g_calls) and is
 *     joined a few straight-line statements later, so that no interleaving of it
 *     with its parent can show (plain C runs it inside ac_spawn).
 *
 * Levels choose where awaits stand: level 1 only in the positions asyncc lowers
 * today (expression statement, initializer, `x = await(...)`, `return await(...)`),
 * at any statement depth; level 2 anywhere in expressions: operands, conditions,
 * loop heads, arguments of calls and of awaited calls, subscripts, array
 * initializers, compound and nested assignments. Every level has the rest: local
 * arrays, pointers to locals handed to awaited functions that write through them,
 * static locals, shadowing, goto, switch, prototypes and any definition order.
 *
 * --without LIST turns constructs off (comma-separated names from feature_names),
 * to find which one a failure needs, or to go on testing around a known bug.
 *
 * Same arguments, same program: the only randomness is our own splitmix64.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_FNS = 8,
    MAX_PARAMS = 3,
    MAX_VARS = 256,
    MAX_DEPTH = 4,      /* nesting of compound statements */
    MAX_EXPR_DEPTH = 3, /* nesting of operators in an expression */
    MAX_TRIPS = 5,      /* iterations of any one loop */
    ENTRY_BUDGET = 1500,
    CALLEE_BUDGET = 300, /* statements a callee may run per call, roughly */
};

/* ---- deterministic randomness ------------------------------------------------------ */

typedef struct Rng {
    uint64_t state;
} Rng;

/* splitmix64: tiny, good enough, and the same on every platform. */
static uint64_t rng_next(Rng *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned rng_below(Rng *r, unsigned n) {
    return (unsigned)(rng_next(r) % n);
}
static unsigned rng_range(Rng *r, unsigned lo, unsigned hi) {
    return lo + rng_below(r, hi - lo + 1);
}
static bool rng_percent(Rng *r, unsigned percent) {
    return rng_below(r, 100) < percent;
}

/* ---- growable text ------------------------------------------------------------------ */

typedef struct Str {
    char *data;
    size_t len, cap;
} Str;

static void str_vprintf(Str *s, const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        abort();
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = (s->len + (size_t)n + 1) * 2;
        s->data = realloc(s->data, s->cap);
        if (!s->data)
            abort();
    }
    vsnprintf(s->data + s->len, (size_t)n + 1, fmt, ap);
    s->len += (size_t)n;
}

static void str_printf(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_printf(Str *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    str_vprintf(s, fmt, ap);
    va_end(ap);
}

static const char *str_text(const Str *s) {
    return s->data ? s->data : "";
}

/* ---- constructs that --without can turn off ------------------------------------------- */

typedef enum Feature {
    F_STATIC,  /* static locals */
    F_SHADOW,  /* locals shadowing outer ones */
    F_NAMES,   /* locals named like asyncc's own identifiers (self, cx, out...) */
    F_GOTO,    /* goto forward, backward, and out of loops */
    F_SWITCH,  /* switch, with fall-through */
    F_RETURN,  /* returns before the end */
    F_BREAK,   /* break and continue */
    F_INT,     /* int locals, parameters and results besides unsigned */
    F_VOID,    /* void functions */
    F_ARRAY,   /* local arrays */
    F_POINTER, /* pointers to locals handed to awaited functions that write through them */
    F_PROTO,   /* prototypes first, definitions in any order */
    F_TERNARY, /* ?: inside expressions */
    /* level 2: where awaits nest inside expressions */
    F_AWAIT_EXPR,   /* statement-level expressions: operands, printf arguments, returns */
    F_AWAIT_COND,   /* conditions of if, while, do, for, switch */
    F_AWAIT_ARGS,   /* arguments of awaited calls */
    F_AWAIT_HEAD,   /* for-loop initializer and step */
    F_AWAIT_INIT,   /* array initializer lists */
    F_AWAIT_ASSIGN, /* the value of an assignment nested in a condition */
    /* any level */
    F_COMMENTS, /* comments on lines of their own and at the ends of lines */
    F_TASKS,    /* a pure function spawned, yields and other statements, its join */
    F_COUNT
} Feature;

static const char *const feature_names[F_COUNT] = {
    "static",       "shadow",     "names",      "goto",       "switch",     "return",
    "break",        "int",        "void",       "array",      "pointer",    "proto",
    "ternary",      "await-expr", "await-cond", "await-args", "await-head", "await-init",
    "await-assign", "comments",   "tasks",
};

/* Set the bits of a comma-separated list of feature names; false on an unknown one. */
static bool features_parse(const char *list, unsigned *mask) {
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int f = 0;
        while (f < F_COUNT &&
               !(strlen(feature_names[f]) == n && strncmp(feature_names[f], p, n) == 0))
            f++;
        if (f == F_COUNT)
            return false;
        *mask |= 1u << f;
        p += n + (p[n] == ',');
    }
    return true;
}

/* ---- the program being generated ------------------------------------------------------ */

typedef enum Type { TY_UNSIGNED, TY_INT, TY_VOID } Type;

typedef enum VarKind {
    VAR_SCALAR,  /* readable and assignable */
    VAR_COUNTER, /* a loop counter: readable, written only by its loop */
    VAR_ARRAY,   /* unsigned name[4] */
    VAR_DEREF,   /* (*dst) of a writer function */
} VarKind;

typedef struct Var {
    char name[24];
    Type type;
    VarKind kind;
    int scope; /* block depth where it was declared */
    bool read; /* some expression reads it */
} Var;

typedef struct Fn {
    char name[16];
    Type ret;
    int nparams;
    Type params[MAX_PARAMS];
    bool pure;   /* no prints, no global writes: may stand anywhere in an expression */
    bool writer; /* first parameter is `unsigned *dst`, written through */
    bool is_static;
    unsigned cost; /* statements one call runs at most, roughly */
    Str text;      /* its definition, without the leading storage class */
} Fn;

typedef struct Gen {
    Rng rng;
    Rng comment_rng; /* a stream of its own: comments leave the program the same */
    int ncomments;
    int level;
    unsigned without; /* bits of turned-off features */
    Fn fns[MAX_FNS];
    int nfns;
    Fn *fn; /* the function being written */
    Var vars[MAX_VARS];
    int nvars;
    int scope;              /* current block depth */
    int indent;             /* of the statements being written */
    int loops;              /* enclosing loops: `continue` is allowed inside */
    int breakables;         /* enclosing loops and switches: `break` is allowed inside */
    const char *exit_label; /* a label after an enclosing loop, or NULL */
    bool exit_label_used;
    unsigned mult;   /* how many times the current statement may run per call */
    unsigned cost;   /* statements the function runs at most so far */
    unsigned budget; /* limit for cost */
    int stmts_left;  /* statements still to write in this function */
    int next_id;     /* for fresh names, labels and print sites */
    /* per full expression */
    bool await_ok;    /* awaits may nest inside the expression (level 2) */
    int effects_left; /* calls with effects still allowed in it */
} Gen;

static bool feature_on(const Gen *g, Feature f) {
    return !(g->without & (1u << f));
}

/* ---- output of statements ------------------------------------------------------------ */

/* Now and then a comment, in one of the forms asyncc copies: a line comment, a
 * block comment, a block comment over two lines. */
static bool comment(Gen *g, const char *lead) {
    if (!feature_on(g, F_COMMENTS) || !rng_percent(&g->comment_rng, 6))
        return false;
    int n = ++g->ncomments;
    switch (rng_below(&g->comment_rng, 3)) {
    case 0:
        str_printf(&g->fn->text, "%s// note %d", lead, n);
        break;
    case 1:
        str_printf(&g->fn->text, "%s/* note %d */", lead, n);
        break;
    default:
        str_printf(&g->fn->text, "%s/* note %d,\n%*s   over two lines */", lead, n,
                   4 * (g->indent + 1), "");
        break;
    }
    return true;
}

/* One line of the function being written, at the current indentation, with now
 * and then a comment before it or at its end. */
static void line(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(Gen *g, const char *fmt, ...) {
    int indent = 4 * (g->indent + 1);
    str_printf(&g->fn->text, "%*s", indent, "");
    if (comment(g, ""))
        str_printf(&g->fn->text, "\n%*s", indent, "");
    va_list ap;
    va_start(ap, fmt);
    str_vprintf(&g->fn->text, fmt, ap);
    va_end(ap);
    comment(g, " ");
    str_printf(&g->fn->text, "\n");
}

static const char *type_name(Type t) {
    return t == TY_UNSIGNED ? "unsigned" : t == TY_INT ? "int" : "void";
}

/* ---- variables ------------------------------------------------------------------------ */

/* Names are short; one that does not fit is a bug here. */
static void name_copy(char *dst, size_t size, const char *src) {
    size_t n = strlen(src);
    if (n >= size)
        abort();
    memcpy(dst, src, n + 1);
}

static Var *var_add(Gen *g, const char *name, Type type, VarKind kind) {
    if (g->nvars == MAX_VARS)
        abort();
    Var *v = &g->vars[g->nvars++];
    name_copy(v->name, sizeof v->name, name);
    v->type = type;
    v->kind = kind;
    v->scope = g->scope;
    v->read = false;
    return v;
}

/* Names asyncc must not trip over: its own poll parameters and temporaries. */
static const char *const tricky_names[] = {"self", "cx", "out", "result", "state", "tmp"};

/* Whether a live variable called name was declared in block depth min_scope or deeper. */
static bool name_declared(const Gen *g, const char *name, int min_scope) {
    for (int i = 0; i < g->nvars; i++)
        if (g->vars[i].scope >= min_scope && strcmp(g->vars[i].name, name) == 0)
            return true;
    return false;
}

/* Whether the identifier name occurs in text. */
static bool text_mentions(const char *text, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        bool starts = p == text || !(p[-1] == '_' || isalnum((unsigned char)p[-1]));
        bool ends = !(p[n] == '_' || isalnum((unsigned char)p[n]));
        if (starts && ends)
            return true;
    }
    return false;
}

/* The next word of text at or after p that names something (not a number, not
 * the type names in casts); its length goes to n. NULL when there is none. */
static const char *next_name(const char *p, size_t *n) {
    while (*p) {
        size_t len = 0;
        while (p[len] == '_' || isalnum((unsigned char)p[len]))
            len++;
        bool word = len > 0 && !isdigit((unsigned char)p[0]);
        if (word && !(len == 8 && strncmp(p, "unsigned", 8) == 0) &&
            !(len == 3 && strncmp(p, "int", 3) == 0)) {
            *n = len;
            return p;
        }
        p += len ? len : 1;
    }
    return NULL;
}

/* Whether text names a variable (or anything but the type names in casts). */
static bool text_has_variable(const char *text) {
    size_t n;
    return next_name(text, &n) != NULL;
}

/* A fresh local name; sometimes one that shadows an outer local or a tricky name.
 * The new name is in scope in its own initializer, init: it must not occur there. */
static void var_fresh_name(Gen *g, char *buf, size_t size, const char *init) {
    if (g->nvars > 0 && feature_on(g, F_SHADOW) && rng_percent(&g->rng, 8)) {
        const Var *outer = &g->vars[rng_below(&g->rng, (unsigned)g->nvars)];
        if (outer->kind == VAR_SCALAR && !name_declared(g, outer->name, g->scope) &&
            strcmp(outer->name, "acc") != 0 && !text_mentions(init, outer->name)) {
            name_copy(buf, size, outer->name);
            return;
        }
    }
    if (feature_on(g, F_NAMES) && rng_percent(&g->rng, 6)) {
        const char *name =
            tricky_names[rng_below(&g->rng, sizeof tricky_names / sizeof tricky_names[0])];
        if (!name_declared(g, name, 0)) {
            name_copy(buf, size, name);
            return;
        }
    }
    snprintf(buf, size, "v%d", g->next_id++);
}

/* A later declaration of the same name hides this one. */
static bool var_visible(const Gen *g, int index) {
    for (int j = index + 1; j < g->nvars; j++)
        if (strcmp(g->vars[j].name, g->vars[index].name) == 0)
            return false;
    return true;
}

typedef enum VarUse { USE_READ, USE_WRITE } VarUse;

static bool var_fits(const Gen *g, int i, VarUse use) {
    const Var *v = &g->vars[i];
    if (!var_visible(g, i))
        return false;
    if (use == USE_WRITE)
        return v->kind == VAR_SCALAR || v->kind == VAR_DEREF || v->kind == VAR_ARRAY;
    return true;
}

/* A random visible variable fit for the use, or NULL. */
static Var *var_pick(Gen *g, VarUse use) {
    int candidates[MAX_VARS], n = 0;
    for (int i = 0; i < g->nvars; i++)
        if (var_fits(g, i, use))
            candidates[n++] = i;
    return n ? &g->vars[candidates[rng_below(&g->rng, (unsigned)n)]] : NULL;
}

/* A visible scalar (not array) variable that may be assigned, or NULL. */
static Var *var_pick_scalar(Gen *g) {
    for (int tries = 0; tries < 8; tries++) {
        Var *v = var_pick(g, USE_WRITE);
        if (v && v->kind != VAR_ARRAY)
            return v;
    }
    return NULL;
}

/* ---- expressions ------------------------------------------------------------------------ */

static void gen_expr(Gen *g, Str *s, int depth);
static void gen_cond(Gen *g, Str *s, int depth, bool assign_ok);

static void gen_const(Gen *g, Str *s) {
    /* never 2 or 10: clang reads `10u ^ 7u` as a mistaken power */
    static const unsigned small[] = {0, 1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 19};
    if (rng_percent(&g->rng, 70))
        str_printf(s, "%uu", small[rng_below(&g->rng, sizeof small / sizeof small[0])]);
    else
        str_printf(s, "%uu", (unsigned)rng_next(&g->rng));
}

/* An unsigned value read from v (int variables are converted). */
static void gen_var_read(Gen *g, Str *s, Var *v, int depth) {
    v->read = true;
    if (v->kind == VAR_ARRAY) {
        Str index = {0};
        gen_expr(g, &index, depth);
        str_printf(s, "%s[(%s) & 3u]", v->name, str_text(&index));
        free(index.data);
    } else if (v->type == TY_INT) {
        str_printf(s, "(unsigned)%s", v->name);
    } else {
        str_printf(s, "%s", v->name);
    }
}

/* An int made from an unsigned value, kept small and non-negative. A remainder,
 * not a mask: gcc narrows `(int)(x & 0x7fffu)` into int arithmetic and may then
 * warn of an overflow in a constant part of x. */
static void str_int_of(Str *s, const char *value, unsigned modulus) {
    str_printf(s, "(int)((%s) %% %uu)", value, modulus);
}

/* An int argument: any value, kept small and non-negative. */
static void gen_int_arg(Gen *g, Str *s, int depth) {
    Str e = {0};
    gen_expr(g, &e, depth);
    str_int_of(s, str_text(&e), 32768);
    free(e.data);
}

static bool fn_callable(const Gen *g, const Fn *f, bool need_value, bool need_pure) {
    if (f->writer || (need_value && f->ret == TY_VOID) || (need_pure && !f->pure))
        return false;
    return g->cost + g->mult * (f->cost + 1) <= g->budget;
}

/* A callee for an await in the current function: one defined earlier (the call
 * graph is a DAG) or NULL for pending(). Effects are allowed when the expression
 * has room for them and the current function may have effects itself. */
static Fn *callee_pick(Gen *g, bool need_value) {
    bool need_pure = g->fn->pure || g->effects_left == 0;
    int self = (int)(g->fn - g->fns);
    if (rng_percent(&g->rng, 45))
        return NULL;
    for (int tries = 0; tries < 6 && self > 0; tries++) {
        Fn *f = &g->fns[rng_below(&g->rng, (unsigned)self)];
        if (fn_callable(g, f, need_value, need_pure))
            return f;
    }
    return NULL;
}

static void gen_args(Gen *g, Str *s, const Fn *f, int depth) {
    for (int i = 0; i < f->nparams; i++) {
        if (i || f->writer)
            str_printf(s, ", ");
        if (f->params[i] == TY_INT)
            gen_int_arg(g, s, depth);
        else
            gen_expr(g, s, depth);
    }
}

static void gen_pending_call(Gen *g, Str *s, int depth) {
    if (rng_percent(&g->rng, 20)) {
        Str t = {0};
        gen_expr(g, &t, 0);
        str_printf(s, "pending((int)((%s) %% 4u), ", str_text(&t));
        free(t.data);
    } else {
        str_printf(s, "pending(%u, ", rng_below(&g->rng, 4));
    }
    Str v = {0};
    gen_expr(g, &v, depth);
    str_int_of(s, str_text(&v), 65536);
    str_printf(s, ")");
    free(v.data);
}

/* `callee(args)` for an await; f NULL means pending(). Accounts its cost. A writer's
 * first argument is `dst`, the pointer it writes through. Awaits nest in the
 * arguments at level 2 where F_AWAIT_ARGS allows; a callee with effects gets
 * arguments without any, so that the expression keeps its one effect. */
static void gen_call_to(Gen *g, Str *s, Fn *f, int depth, const char *dst) {
    bool saved_await_ok = g->await_ok;
    g->await_ok = g->await_ok && feature_on(g, F_AWAIT_ARGS);
    if (!f) {
        g->cost += g->mult;
        gen_pending_call(g, s, depth);
    } else {
        g->cost += g->mult * (f->cost + 1);
        int effects_after = g->effects_left - !f->pure;
        if (!f->pure)
            g->effects_left = 0;
        str_printf(s, "%s(%s", f->name, f->writer ? dst : "");
        gen_args(g, s, f, depth);
        str_printf(s, ")");
        if (!f->pure)
            g->effects_left = effects_after;
    }
    g->await_ok = saved_await_ok;
}

static void gen_call(Gen *g, Str *s, Fn *f, int depth) {
    gen_call_to(g, s, f, depth, NULL);
}

static Type callee_type(const Fn *f) {
    return f ? f->ret : TY_INT;
}

/* An await whose value is used inside an expression (level 2); cast to unsigned
 * when it is an int and cast is set. */
static void gen_await_value(Gen *g, Str *s, int depth, bool cast) {
    Fn *f = callee_pick(g, true);
    if (cast && callee_type(f) == TY_INT)
        str_printf(s, "(unsigned)");
    str_printf(s, "await(");
    gen_call(g, s, f, depth);
    str_printf(s, ")");
}

static void gen_atom(Gen *g, Str *s, int depth) {
    unsigned roll = rng_below(&g->rng, 100);
    if (g->await_ok && depth > 0 && roll < 25) {
        gen_await_value(g, s, depth - 1, true);
        return;
    }
    Var *v = roll < 70 ? var_pick(g, USE_READ) : NULL;
    if (v)
        gen_var_read(g, s, v, depth > 0 ? depth - 1 : 0);
    else
        gen_const(g, s);
}

static const char *const arith_ops[] = {"+", "-", "*", "^", "&", "|"};

/* bitmask false: no & or | on top, where gcc would call a comparison with a
 * constant tautological ("(x & 4u) == 9u"). */
static void gen_binary(Gen *g, Str *s, int depth, bool bitmask) {
    Str a = {0}, b = {0};
    gen_expr(g, &a, depth);
    gen_expr(g, &b, depth);
    switch (rng_below(&g->rng, 10)) {
    case 0:
        str_printf(s, "(%s / (%s | 1u))", str_text(&a), str_text(&b));
        break;
    case 1:
        str_printf(s, "(%s %% (%s | 1u))", str_text(&a), str_text(&b));
        break;
    case 2:
        str_printf(s, "(%s %s (%s & 31u))", str_text(&a), rng_percent(&g->rng, 50) ? "<<" : ">>",
                   str_text(&b));
        break;
    default:
        str_printf(s, "(%s %s %s)", str_text(&a), arith_ops[rng_below(&g->rng, bitmask ? 6 : 4)],
                   str_text(&b));
        break;
    }
    free(a.data);
    free(b.data);
}

/* Operators that sequence their operands: ?:, && and ||, and at level 2 the
 * comma after an await. */
static void gen_sequencing(Gen *g, Str *s, int depth) {
    Str a = {0}, b = {0}, c = {0};
    unsigned kind = rng_below(&g->rng, 3);
    if (kind == 1 && !g->await_ok)
        kind = 0;
    if (kind == 0 && !feature_on(g, F_TERNARY))
        kind = 2;
    switch (kind) {
    case 0:
        gen_cond(g, &c, depth, false);
        gen_expr(g, &a, depth);
        gen_expr(g, &b, depth);
        str_printf(s, "(%s ? %s : %s)", str_text(&c), str_text(&a), str_text(&b));
        break;
    case 1:
        gen_await_value(g, &a, depth, false); /* a discarded cast has no effect */
        gen_expr(g, &b, depth);
        str_printf(s, "(%s, %s)", str_text(&a), str_text(&b));
        break;
    default:
        /* scaled: a bare truth value compared with 9u or under ~ is a warning */
        gen_cond(g, &c, depth, false);
        str_printf(s, "((unsigned)%s * %uu)", str_text(&c), rng_range(&g->rng, 2, 9));
        break;
    }
    free(a.data);
    free(b.data);
    free(c.data);
}

/* An unsigned expression tree with no side effects but awaits (level 2). */
static void gen_expr(Gen *g, Str *s, int depth) {
    unsigned roll = rng_below(&g->rng, 100);
    if (depth <= 0 || roll < 35) {
        gen_atom(g, s, depth);
    } else if (roll < 45) {
        Str a = {0};
        gen_expr(g, &a, depth - 1);
        str_printf(s, "(%s%s)", rng_percent(&g->rng, 50) ? "~" : "-", str_text(&a));
        free(a.data);
    } else if (roll < 55) {
        gen_sequencing(g, s, depth - 1);
    } else {
        gen_binary(g, s, depth - 1, true);
    }
}

static const char *const compare_ops[] = {"<", "<=", ">", ">=", "==", "!="};

/* Whether two lists of lines (each line ended by '\n') share a line. */
static bool lines_intersect(const char *a, const char *b) {
    for (const char *p = a; *p; p = strchr(p, '\n') + 1) {
        size_t n = strcspn(p, "\n") + 1;
        for (const char *q = b; *q; q = strchr(q, '\n') + 1)
            if (strncmp(p, q, n) == 0)
                return true;
    }
    return false;
}

/* Adds to compared, one per line, the names an expression compared with a
 * constant reads (or the expression itself when it reads none). By names, not
 * text: gcc folds `(16u ^ x) == 14u` to `x == 30u` and calls `x == 71u &&` that
 * always false. */
static void add_compared(Str *compared, const char *expr) {
    size_t n;
    const char *p = next_name(expr, &n);
    if (!p)
        str_printf(compared, "%s\n", expr);
    for (; p; p = next_name(p + n, &n))
        str_printf(compared, "%.*s\n", (int)n, p);
}

/* A comparison against a constant; the names it compares are added to the lines
 * of compared. With assign_ok the compared value may be an assignment `(x = e)`:
 * only where every enclosing operator sequences it. */
static void gen_compare(Gen *g, Str *s, int depth, bool assign_ok, Str *compared) {
    Str e = {0};
    Var *target = assign_ok && rng_percent(&g->rng, 25) ? var_pick_scalar(g) : NULL;
    bool saved_await_ok = g->await_ok;
    if (target && target->type == TY_UNSIGNED)
        g->await_ok = g->await_ok && feature_on(g, F_AWAIT_ASSIGN);
    if (depth > 0 && rng_percent(&g->rng, 60))
        gen_binary(g, &e, depth - 1, false);
    else
        gen_atom(g, &e, depth);
    g->await_ok = saved_await_ok;
    const char *op = compare_ops[rng_below(&g->rng, 6)];
    unsigned k = rng_range(&g->rng, 1, 200);
    if (target && target->type == TY_UNSIGNED && strcmp(target->name, str_text(&e)) != 0)
        str_printf(s, "((%s = %s) %s %uu)", target->name, str_text(&e), op, k);
    else
        str_printf(s, "(%s %s %uu)", str_text(&e), op, k);
    add_compared(compared, str_text(&e));
    free(e.data);
}

/* Which variables are read: text that is generated and then dropped must not
 * count as a read, or a variable could end up unused. */
typedef struct ReadMarks {
    bool read[MAX_VARS];
} ReadMarks;

static void read_marks_save(const Gen *g, ReadMarks *m) {
    for (int i = 0; i < g->nvars; i++)
        m->read[i] = g->vars[i].read;
}

static void read_marks_restore(Gen *g, const ReadMarks *m) {
    for (int i = 0; i < g->nvars; i++)
        g->vars[i].read = m->read[i];
}

/* A condition; compared collects the names it compares with constants (see
 * add_compared). && and || never join two conditions that compare the same name: gcc and
 * clang warn that `x != 5u || x != 7u` is always true. */
static void gen_cond_comparing(Gen *g, Str *s, int depth, bool assign_ok, Str *compared) {
    unsigned roll = rng_below(&g->rng, 100);
    if (depth <= 0 || roll < 60) {
        gen_compare(g, s, depth, assign_ok, compared);
        return;
    }
    Str a = {0}, b = {0}, compared_b = {0};
    gen_cond_comparing(g, &a, depth - 1, assign_ok, compared);
    if (roll < 75) {
        str_printf(s, "(!%s)", str_text(&a));
    } else {
        ReadMarks marks;
        read_marks_save(g, &marks);
        gen_cond_comparing(g, &b, depth - 1, assign_ok, &compared_b);
        if (lines_intersect(str_text(compared), str_text(&compared_b))) {
            read_marks_restore(g, &marks);
            str_printf(s, "%s", str_text(&a));
        } else
            str_printf(s, "(%s %s %s)", str_text(&a), roll < 88 ? "&&" : "||", str_text(&b));
        str_printf(compared, "%s", str_text(&compared_b));
    }
    free(a.data);
    free(b.data);
    free(compared_b.data);
}

static void gen_cond(Gen *g, Str *s, int depth, bool assign_ok) {
    Str compared = {0};
    gen_cond_comparing(g, s, depth, assign_ok, &compared);
    free(compared.data);
}

/* Start of a full expression at a position (one of the F_AWAIT_ features): how
 * many calls with effects it may hold, and whether awaits may nest in it. */
static void expr_begin(Gen *g, int effects, Feature position) {
    g->await_ok = g->level >= 2 && feature_on(g, position);
    g->effects_left = effects;
}

static void gen_full_expr(Gen *g, Str *s, Feature position) {
    expr_begin(g, 1, position);
    gen_expr(g, s, (int)rng_range(&g->rng, 0, MAX_EXPR_DEPTH));
}

static void gen_full_cond(Gen *g, Str *s) {
    expr_begin(g, 1, F_AWAIT_COND);
    gen_cond(g, s, (int)rng_range(&g->rng, 0, 2), true);
}

/* A loop condition: the counter bound, and now and then more (not comparing the
 * counter again, see gen_cond_comparing). */
static void gen_loop_cond(Gen *g, Str *s, const char *counter, unsigned trips) {
    str_printf(s, "%s < %uu", counter, trips);
    if (rng_percent(&g->rng, 40)) {
        Str c = {0}, compared = {0}, bound = {0};
        ReadMarks marks;
        read_marks_save(g, &marks);
        str_printf(&bound, "%s\n", counter);
        expr_begin(g, 1, F_AWAIT_COND);
        gen_cond_comparing(g, &c, (int)rng_range(&g->rng, 0, 2), true, &compared);
        if (!lines_intersect(str_text(&bound), str_text(&compared)))
            str_printf(s, " && %s", str_text(&c));
        else
            read_marks_restore(g, &marks);
        free(c.data);
        free(compared.data);
        free(bound.data);
    }
}

/* ---- statements ------------------------------------------------------------------------- */

static void gen_stmts(Gen *g, int depth, int n);

static void scope_open(Gen *g) {
    g->scope++;
}

/* Read a variable nobody read, so that it is neither unused nor set-but-unused. */
static void var_read_stmt(Gen *g, Var *v) {
    if (v->kind == VAR_ARRAY)
        line(g, "acc += %s[0];", v->name);
    else
        line(g, "acc += %s%s;", v->type == TY_INT ? "(unsigned)" : "", v->name);
    v->read = true;
}

static void scope_close(Gen *g) {
    while (g->nvars > 0 && g->vars[g->nvars - 1].scope == g->scope) {
        Var *v = &g->vars[--g->nvars];
        if (!v->read)
            var_read_stmt(g, v);
    }
    g->scope--;
}

/* The statements of a braced body; the caller writes the braces. */
static void gen_body(Gen *g, int depth) {
    scope_open(g);
    g->indent++;
    gen_stmts(g, depth + 1, (int)rng_range(&g->rng, 1, 4));
    scope_close(g);
    g->indent--;
}

static void gen_decl(Gen *g) {
    char name[24];
    Str e = {0};
    gen_full_expr(g, &e, F_AWAIT_EXPR);
    var_fresh_name(g, name, sizeof name, str_text(&e));
    if (feature_on(g, F_INT) && rng_percent(&g->rng, 20)) {
        Str value = {0};
        str_int_of(&value, str_text(&e), 32768);
        line(g, "int %s = %s;", name, str_text(&value));
        free(value.data);
        var_add(g, name, TY_INT, VAR_SCALAR);
    } else {
        line(g, "unsigned %s = %s;", name, str_text(&e));
        var_add(g, name, TY_UNSIGNED, VAR_SCALAR);
    }
    free(e.data);
}

/* A local array, read and written through computed subscripts. */
static void gen_array_decl(Gen *g) {
    char name[24];
    snprintf(name, sizeof name, "arr%d", g->next_id++);
    Str e = {0};
    gen_full_expr(g, &e, F_AWAIT_INIT);
    line(g, "unsigned %s[4] = {%uu, %s, %uu, %uu};", name, rng_below(&g->rng, 50), str_text(&e),
         rng_below(&g->rng, 50), rng_below(&g->rng, 50));
    var_add(g, name, TY_UNSIGNED, VAR_ARRAY);
    free(e.data);
}

/* The text of an assignable place: a variable or an array element. */
static void gen_lvalue(Gen *g, Str *s, Var *v) {
    if (v->kind == VAR_ARRAY) {
        Str index = {0};
        gen_expr(g, &index, 1);
        str_printf(s, "%s[(%s) & 3u]", v->name, str_text(&index));
        free(index.data);
    } else {
        str_printf(s, "%s", v->name);
    }
}

static const char *const compound_ops[] = {"=", "+=", "-=", "*=", "^=", "|=", "&="};

static void gen_assign(Gen *g) {
    Var *v = var_pick(g, USE_WRITE);
    if (!v) {
        gen_decl(g);
        return;
    }
    Str lhs = {0}, e = {0};
    expr_begin(g, 1, F_AWAIT_EXPR);
    gen_lvalue(g, &lhs, v);
    gen_expr(g, &e, (int)rng_range(&g->rng, 0, MAX_EXPR_DEPTH));
    /* `x = x;` would be a self-assignment warning for clang. */
    const char *op = compound_ops[rng_below(&g->rng, 7)];
    if (strcmp(str_text(&lhs), str_text(&e)) == 0)
        op = "+=";
    if (v->type == TY_INT) {
        Str value = {0};
        str_int_of(&value, str_text(&e), 32768);
        line(g, "%s = %s;", str_text(&lhs), str_text(&value));
        free(value.data);
    } else {
        line(g, "%s %s %s;", str_text(&lhs), op, str_text(&e));
    }
    free(lhs.data);
    free(e.data);
}

static void gen_print(Gen *g) {
    Str e = {0};
    gen_full_expr(g, &e, F_AWAIT_EXPR);
    line(g, "printf(\"%s.%d %%u\\n\", %s);", g->fn->name, g->next_id++, str_text(&e));
    free(e.data);
}

/* The global checksum: its read must not race an effectful call, so none here. */
static void gen_global_update(Gen *g) {
    Str e = {0};
    expr_begin(g, 0, F_AWAIT_EXPR);
    gen_expr(g, &e, (int)rng_range(&g->rng, 0, MAX_EXPR_DEPTH));
    line(g, "g_sum = (g_sum * 31u) + %s;", str_text(&e));
    free(e.data);
}

/* await(call) as written at statement level: parenthesized now and then. */
static void gen_await_text(Gen *g, Str *s, Fn *f) {
    bool parens = rng_percent(&g->rng, 15);
    str_printf(s, "%sawait(", parens ? "(" : "");
    gen_call(g, s, f, (int)rng_range(&g->rng, 0, 2));
    str_printf(s, ")%s", parens ? ")" : "");
}

/* The level 1 forms: `await(c);`, `T v = await(c);`, `x = await(c);`. */
static void gen_await_stmt(Gen *g) {
    expr_begin(g, 1, F_AWAIT_ARGS); /* the only expressions are the arguments */
    Str a = {0};
    unsigned form = rng_below(&g->rng, 3);
    Var *target = form == 2 ? var_pick_scalar(g) : NULL;
    Fn *f = callee_pick(g, form != 0);
    gen_await_text(g, &a, f);
    if (form == 0) {
        line(g, "%s;", str_text(&a));
    } else if (target) {
        line(g, "%s = %s;", target->name, str_text(&a));
    } else {
        char name[24];
        var_fresh_name(g, name, sizeof name, str_text(&a));
        Type t = feature_on(g, F_INT) && rng_percent(&g->rng, 30) ? callee_type(f) : TY_UNSIGNED;
        line(g, "%s %s = %s;", type_name(t), name, str_text(&a));
        var_add(g, name, t, VAR_SCALAR);
    }
    free(a.data);
}

/* The value of a `return` in the current function, or "" for void. */
static void gen_return_value(Gen *g, Str *s) {
    Type ret = g->fn->ret;
    if (ret == TY_VOID)
        return;
    expr_begin(g, 1, F_AWAIT_EXPR);
    if (rng_percent(&g->rng, 35)) {
        gen_await_text(g, s, callee_pick(g, true));
        return;
    }
    Str e = {0};
    gen_expr(g, &e, (int)rng_range(&g->rng, 0, MAX_EXPR_DEPTH));
    if (ret == TY_INT) {
        Str value = {0};
        str_printf(&value, "acc ^ %s", str_text(&e));
        str_int_of(s, str_text(&value), 32768);
        free(value.data);
    } else
        str_printf(s, "acc + %s", str_text(&e));
    free(e.data);
}

/* `if (c) break;` and friends: leave early, now and then. */
static void gen_jump(Gen *g) {
    Str c = {0}, value = {0};
    gen_full_cond(g, &c);
    unsigned roll = rng_below(&g->rng, 100);
    bool breaks = feature_on(g, F_BREAK);
    if (breaks && g->breakables > 0 && roll < 30) {
        line(g, "if %s", str_text(&c));
        line(g, "    break;");
    } else if (breaks && g->loops > 0 && roll < 50) {
        line(g, "if %s", str_text(&c));
        line(g, "    continue;");
    } else if (g->exit_label && (roll < 70 || !feature_on(g, F_RETURN))) {
        line(g, "if %s", str_text(&c));
        line(g, "    goto %s;", g->exit_label);
        g->exit_label_used = true;
    } else if (feature_on(g, F_RETURN)) {
        gen_return_value(g, &value);
        line(g, "if %s", str_text(&c));
        line(g, "    return%s%s;", value.len ? " " : "", str_text(&value));
    }
    free(c.data);
    free(value.data);
}

static void gen_if(Gen *g, int depth) {
    Str c = {0};
    gen_full_cond(g, &c);
    line(g, "if %s {", str_text(&c));
    gen_body(g, depth);
    if (rng_percent(&g->rng, 50)) {
        line(g, "} else {");
        gen_body(g, depth);
    }
    line(g, "}");
    free(c.data);
}

/* A loop body runs `trips` times more often than the loop itself. */
static void loop_body(Gen *g, int depth, unsigned trips) {
    unsigned saved_mult = g->mult;
    g->mult *= trips;
    g->loops++;
    g->breakables++;
    gen_body(g, depth);
    g->breakables--;
    g->loops--;
    g->mult = saved_mult;
}

/* A label after the loop that `goto` in its body may leave through. */
static const char *exit_label_begin(Gen *g, char *buf, size_t size, const char **saved,
                                    bool *saved_used) {
    *saved = g->exit_label;
    *saved_used = g->exit_label_used;
    if (feature_on(g, F_GOTO) && rng_percent(&g->rng, 25)) {
        snprintf(buf, size, "out%d", g->next_id++);
        g->exit_label = buf;
        g->exit_label_used = false;
    }
    return g->exit_label;
}

static void exit_label_end(Gen *g, const char *mine, const char *saved, bool saved_used) {
    if (mine != saved && g->exit_label_used)
        line(g, "%s:;", mine);
    if (mine == saved)
        saved_used = saved_used || g->exit_label_used;
    g->exit_label = saved;
    g->exit_label_used = saved_used;
}

static void counter_declare(Gen *g, char *name, size_t size) {
    snprintf(name, size, "i%d", g->next_id++);
    line(g, "unsigned %s = 0u;", name);
    var_add(g, name, TY_UNSIGNED, VAR_COUNTER)->read = true;
}

static void gen_while(Gen *g, int depth) {
    char counter[24], label[24];
    const char *saved;
    bool saved_used;
    unsigned trips = rng_range(&g->rng, 1, MAX_TRIPS);
    counter_declare(g, counter, sizeof counter);
    Str c = {0};
    gen_loop_cond(g, &c, counter, trips);
    const char *mine = exit_label_begin(g, label, sizeof label, &saved, &saved_used);
    line(g, "while (%s) {", str_text(&c));
    line(g, "    %s++;", counter); /* first, so that `continue` cannot skip it */
    loop_body(g, depth, trips);
    line(g, "}");
    exit_label_end(g, mine, saved, saved_used);
    free(c.data);
}

static void gen_do(Gen *g, int depth) {
    char counter[24], label[24];
    const char *saved;
    bool saved_used;
    unsigned trips = rng_range(&g->rng, 1, MAX_TRIPS);
    counter_declare(g, counter, sizeof counter);
    const char *mine = exit_label_begin(g, label, sizeof label, &saved, &saved_used);
    line(g, "do {");
    line(g, "    %s++;", counter);
    loop_body(g, depth, trips);
    Str c = {0};
    gen_loop_cond(g, &c, counter, trips);
    line(g, "} while (%s);", str_text(&c));
    exit_label_end(g, mine, saved, saved_used);
    free(c.data);
}

/* for: the counter declared in the head or before it; at level 2 the head's
 * init and step may await (pending() of the very value they need). */
static void gen_for(Gen *g, int depth) {
    char counter[24], label[24], init[80], step[80];
    const char *saved;
    bool saved_used;
    unsigned trips = rng_range(&g->rng, 1, MAX_TRIPS);
    bool awaits = g->level >= 2 && feature_on(g, F_AWAIT_HEAD) && rng_percent(&g->rng, 50);
    snprintf(counter, sizeof counter, "i%d", g->next_id++);
    const char *zero = awaits ? "(unsigned)await(pending(1, 0))" : "0u";
    if (rng_percent(&g->rng, 50)) {
        snprintf(init, sizeof init, "unsigned %s = %s", counter, zero);
    } else {
        line(g, "unsigned %s;", counter);
        snprintf(init, sizeof init, "%s = %s", counter, zero);
    }
    if (awaits && rng_percent(&g->rng, 50))
        snprintf(step, sizeof step, "%s += (unsigned)await(pending(%u, 1))", counter,
                 rng_below(&g->rng, 3));
    else
        snprintf(step, sizeof step, "%s++", counter);
    scope_open(g); /* the head's declaration lives until the loop ends */
    var_add(g, counter, TY_UNSIGNED, VAR_COUNTER)->read = true;
    Str c = {0};
    gen_loop_cond(g, &c, counter, trips);
    const char *mine = exit_label_begin(g, label, sizeof label, &saved, &saved_used);
    line(g, "for (%s; %s; %s) {", init, str_text(&c), step);
    loop_body(g, depth, trips);
    line(g, "}");
    g->nvars--; /* the counter, read by the head */
    g->scope--;
    exit_label_end(g, mine, saved, saved_used);
    free(c.data);
}

/* switch with braced cases (declarations may follow a label only inside braces),
 * some falling through into the next. */
static void gen_switch(Gen *g, int depth) {
    unsigned ncases = rng_range(&g->rng, 2, 4);
    Str e = {0};
    gen_full_expr(g, &e, F_AWAIT_COND);
    line(g, "switch ((%s) %% %uu) {", str_text(&e), ncases + 1);
    g->breakables++;
    /* A constant selector must find its case (clang checks): a selector without
     * variables, or with an operator that may skip them (`,` `?:` `&&` `||`), gets
     * a default. */
    const char *text = str_text(&e);
    bool has_default = rng_percent(&g->rng, 60) || strpbrk(text, ",?") || strstr(text, "&&") ||
                       strstr(text, "||") || !text_has_variable(text);
    for (unsigned i = 0; i <= ncases; i++) {
        bool last = i == ncases;
        if (last && !has_default)
            break;
        if (last)
            line(g, "default: {");
        else
            line(g, "case %uu: {", i);
        gen_body(g, depth);
        if (last || rng_percent(&g->rng, 65)) {
            line(g, "} break;");
        } else {
            /* A statement after the body: gcc misreads a fall-through from a label. */
            line(g, "}");
            line(g, "    acc ^= %uu;", rng_below(&g->rng, 100));
            line(g, "    /* fall through */");
        }
    }
    g->breakables--;
    line(g, "}");
    free(e.data);
}

/* `if (c) goto L; { ... } L:;` - the skipped block declares nothing outside. */
static void gen_goto_forward(Gen *g, int depth) {
    char label[24];
    snprintf(label, sizeof label, "skip%d", g->next_id++);
    Str c = {0};
    gen_full_cond(g, &c);
    line(g, "if %s", str_text(&c));
    line(g, "    goto %s;", label);
    line(g, "{");
    gen_body(g, depth);
    line(g, "}");
    line(g, "%s:;", label);
    free(c.data);
}

/* A loop made of a backward goto, counted like the others. */
static void gen_goto_backward(Gen *g, int depth) {
    char counter[24], label[24];
    unsigned trips = rng_range(&g->rng, 1, MAX_TRIPS);
    counter_declare(g, counter, sizeof counter);
    snprintf(label, sizeof label, "again%d", g->next_id++);
    line(g, "%s:;", label);
    line(g, "%s++;", counter);
    line(g, "{");
    unsigned saved_mult = g->mult;
    g->mult *= trips;
    gen_body(g, depth);
    g->mult = saved_mult;
    line(g, "}");
    line(g, "if (%s < %uu)", counter, trips);
    line(g, "    goto %s;", label);
}

/* A function defined earlier that ok accepts, picked at random, or NULL. */
static Fn *fn_pick_earlier(Gen *g, bool (*ok)(const Gen *, const Fn *)) {
    int self = (int)(g->fn - g->fns);
    Fn *found[MAX_FNS];
    int n = 0;
    for (int i = 0; i < self; i++)
        if (ok(g, &g->fns[i]))
            found[n++] = &g->fns[i];
    return n ? found[rng_below(&g->rng, (unsigned)n)] : NULL;
}

/* A writer whose call fits the budget. */
static bool writer_ok(const Gen *g, const Fn *f) {
    return f->writer && g->cost + g->mult * (f->cost + 1) <= g->budget;
}

/* A writer gets a pointer to a local, suspends, and writes through it;
 * the local is read after it returns. */
static void gen_writer_call(Gen *g) {
    Fn *w = fn_pick_earlier(g, writer_ok);
    Var *v = w ? var_pick(g, USE_WRITE) : NULL;
    if (!v || v->type != TY_UNSIGNED || v->kind == VAR_DEREF) {
        gen_assign(g);
        return;
    }
    char dst[40];
    unsigned element = rng_below(&g->rng, 4);
    if (v->kind == VAR_ARRAY)
        snprintf(dst, sizeof dst, "&%s[%u]", v->name, element);
    else
        snprintf(dst, sizeof dst, "&%s", v->name);
    Str call = {0};
    expr_begin(g, 1, F_AWAIT_ARGS);
    gen_call_to(g, &call, w, 2, dst);
    line(g, "await(%s);", str_text(&call));
    if (v->kind == VAR_ARRAY)
        line(g, "acc ^= %s[%u];", v->name, element);
    else
        line(g, "acc ^= %s;", v->name);
    free(call.data);
}

/* A pure function with a value whose call fits the budget: what a task may run
 * (see the top of the file). */
static bool spawnee_ok(const Gen *g, const Fn *f) {
    return f->pure && fn_callable(g, f, true, true);
}

/* ac_spawn of a pure function; up to two statements without jumps (a yield, an
 * assignment, an await, a print), which run while the task may be running; then
 * the join, and its value mixed into acc. */
static void gen_spawn_join(Gen *g) {
    Fn *f = fn_pick_earlier(g, spawnee_ok);
    if (!f) {
        gen_assign(g);
        return;
    }
    int id = g->next_id++;
    Str call = {0};
    expr_begin(g, 1, F_AWAIT_ARGS);
    gen_call(g, &call, f, 2);
    line(g, "ac_task *task%d = ac_spawn(%s);", id, str_text(&call));
    free(call.data);
    for (unsigned n = rng_below(&g->rng, 3); n > 0; n--) {
        unsigned roll = rng_below(&g->rng, 4);
        if (roll == 0)
            line(g, "await(ac_yield());");
        else if (roll == 1)
            gen_assign(g);
        else if (roll == 2 || g->fn->pure)
            gen_await_stmt(g);
        else
            gen_print(g);
    }
    line(g, "%s joined%d = 0;", type_name(f->ret), id);
    line(g, "await(ac_join(task%d, &joined%d));", id, id);
    line(g, "acc += %sjoined%d;", f->ret == TY_INT ? "(unsigned)" : "", id);
}

typedef enum StmtKind {
    ST_DECL,
    ST_ASSIGN,
    ST_PRINT,
    ST_GLOBAL,
    ST_AWAIT,
    ST_JUMP,
    ST_ARRAY,
    ST_WRITER,
    ST_SPAWN,
    ST_IF,
    ST_WHILE,
    ST_DO,
    ST_FOR,
    ST_SWITCH,
    ST_GOTO_FWD,
    ST_GOTO_BACK,
    ST_BLOCK,
    ST_COUNT
} StmtKind;

/* Relative weights; compound statements only while depth allows. */
static const unsigned stmt_weights[ST_COUNT] = {
    [ST_DECL] = 10,     [ST_ASSIGN] = 14, [ST_PRINT] = 12, [ST_GLOBAL] = 4, [ST_AWAIT] = 22,
    [ST_JUMP] = 5,      [ST_ARRAY] = 3,   [ST_WRITER] = 4, [ST_SPAWN] = 3,  [ST_IF] = 8,
    [ST_WHILE] = 4,     [ST_DO] = 3,      [ST_FOR] = 4,    [ST_SWITCH] = 3, [ST_GOTO_FWD] = 2,
    [ST_GOTO_BACK] = 2, [ST_BLOCK] = 1,
};

static bool stmt_allowed(const Gen *g, StmtKind k, int depth) {
    bool effects = !g->fn->pure;
    switch (k) {
    case ST_PRINT:
    case ST_GLOBAL:
        return effects;
    case ST_ARRAY:
        return feature_on(g, F_ARRAY);
    case ST_WRITER:
        return feature_on(g, F_POINTER);
    case ST_SPAWN:
        return feature_on(g, F_TASKS);
    case ST_JUMP:
        return feature_on(g, F_RETURN) || feature_on(g, F_BREAK) || feature_on(g, F_GOTO);
    case ST_SWITCH:
        return feature_on(g, F_SWITCH) && depth < MAX_DEPTH && g->stmts_left > 2;
    case ST_GOTO_FWD:
    case ST_GOTO_BACK:
        return feature_on(g, F_GOTO) && depth < MAX_DEPTH && g->stmts_left > 2;
    default:
        /* compound statements, from ST_IF on */
        return k < ST_IF || (depth < MAX_DEPTH && g->stmts_left > 2);
    }
}

static StmtKind stmt_pick(Gen *g, int depth) {
    unsigned total = 0;
    for (int k = 0; k < ST_COUNT; k++)
        total += stmt_allowed(g, (StmtKind)k, depth) ? stmt_weights[k] : 0;
    unsigned roll = rng_below(&g->rng, total);
    for (int k = 0; k < ST_COUNT; k++) {
        unsigned w = stmt_allowed(g, (StmtKind)k, depth) ? stmt_weights[k] : 0;
        if (roll < w)
            return (StmtKind)k;
        roll -= w;
    }
    return ST_ASSIGN;
}

static void gen_stmt(Gen *g, int depth) {
    g->stmts_left--;
    g->cost += g->mult;
    switch (stmt_pick(g, depth)) {
    case ST_DECL:
        gen_decl(g);
        break;
    case ST_ASSIGN:
        gen_assign(g);
        break;
    case ST_PRINT:
        gen_print(g);
        break;
    case ST_GLOBAL:
        gen_global_update(g);
        break;
    case ST_AWAIT:
        gen_await_stmt(g);
        break;
    case ST_JUMP:
        gen_jump(g);
        break;
    case ST_ARRAY:
        gen_array_decl(g);
        break;
    case ST_WRITER:
        gen_writer_call(g);
        break;
    case ST_SPAWN:
        gen_spawn_join(g);
        break;
    case ST_IF:
        gen_if(g, depth);
        break;
    case ST_WHILE:
        gen_while(g, depth);
        break;
    case ST_DO:
        gen_do(g, depth);
        break;
    case ST_FOR:
        gen_for(g, depth);
        break;
    case ST_SWITCH:
        gen_switch(g, depth);
        break;
    case ST_GOTO_FWD:
        gen_goto_forward(g, depth);
        break;
    case ST_GOTO_BACK:
        gen_goto_backward(g, depth);
        break;
    case ST_BLOCK:
        line(g, "{");
        gen_body(g, depth);
        line(g, "}");
        break;
    case ST_COUNT:
        break;
    }
}

static void gen_stmts(Gen *g, int depth, int n) {
    for (int i = 0; i < n && g->stmts_left > 0; i++)
        gen_stmt(g, depth);
}

/* ---- functions ------------------------------------------------------------------------- */

static void fn_signature(const Fn *f, Str *s) {
    str_printf(s, "async %s %s(", type_name(f->ret), f->name);
    if (f->writer)
        str_printf(s, "unsigned *dst%s", f->nparams ? ", " : "");
    for (int i = 0; i < f->nparams; i++)
        str_printf(s, "%s%s a%d", i ? ", " : "", type_name(f->params[i]), i);
    if (!f->writer && f->nparams == 0)
        str_printf(s, "void");
    str_printf(s, ")");
}

static void fn_choose_shape(Gen *g, Fn *f, int index, bool entry) {
    snprintf(f->name, sizeof f->name, "f%d", index);
    f->writer = !entry && feature_on(g, F_POINTER) && rng_percent(&g->rng, 20);
    unsigned roll = rng_below(&g->rng, 100);
    f->ret = entry || roll < 55 ? TY_UNSIGNED : roll < 80 ? TY_INT : TY_VOID;
    if ((f->ret == TY_INT && !feature_on(g, F_INT)) ||
        (f->ret == TY_VOID && !feature_on(g, F_VOID)))
        f->ret = TY_UNSIGNED;
    if (f->writer)
        f->ret = TY_VOID;
    /* A void function has nothing to give but its effects. */
    f->pure = f->writer || (f->ret != TY_VOID && rng_percent(&g->rng, 45));
    f->nparams = (int)rng_range(&g->rng, f->writer ? 0 : 1, f->writer ? 1 : MAX_PARAMS);
    for (int i = 0; i < f->nparams; i++)
        f->params[i] = feature_on(g, F_INT) && rng_percent(&g->rng, 30) ? TY_INT : TY_UNSIGNED;
}

/* acc mixes every parameter, so each is read; the function's result builds on it. */
static void fn_prologue(Gen *g, Fn *f) {
    Str init = {0};
    str_printf(&init, "%uu", rng_below(&g->rng, 1000));
    if (f->writer) {
        str_printf(&init, " + *dst");
        var_add(g, "(*dst)", TY_UNSIGNED, VAR_DEREF)->read = true;
    }
    for (int i = 0; i < f->nparams; i++) {
        char name[16];
        snprintf(name, sizeof name, "a%d", i);
        str_printf(&init, " + %s%s", f->params[i] == TY_INT ? "(unsigned)" : "", name);
        var_add(g, name, f->params[i], VAR_SCALAR)->read = true;
    }
    line(g, "unsigned acc = %s;", str_text(&init));
    /* Every call counts, in a sum: order-free, so even pure functions may, and an
     * await run too often or too rarely shows. */
    line(g, "g_calls += acc;");
    var_add(g, "acc", TY_UNSIGNED, VAR_SCALAR)->read = true;
    if (!f->pure && feature_on(g, F_STATIC) && rng_percent(&g->rng, 40)) {
        line(g, "static unsigned calls = 0u;");
        line(g, "calls++;");
        line(g, "acc += calls;");
        var_add(g, "calls", TY_UNSIGNED, VAR_SCALAR)->read = true;
    }
    free(init.data);
}

static void fn_epilogue(Gen *g, Fn *f) {
    if (f->writer) {
        line(g, "*dst = (*dst * 7u) + acc;");
    } else if (f->ret == TY_VOID) {
        line(g, "g_sum = (g_sum * 31u) + acc;");
    } else {
        Str value = {0};
        gen_return_value(g, &value);
        /* acc must be read even when the value is an await (a compound assignment
         * is no read for clang's -Wunused-but-set-variable). */
        if (!strstr(str_text(&value), "acc"))
            line(g, "acc = (acc * 3u) + 1u;");
        line(g, "return %s;", str_text(&value));
        free(value.data);
    }
}

static void gen_function(Gen *g, int index, bool entry) {
    Fn *f = &g->fns[index];
    fn_choose_shape(g, f, index, entry);
    g->fn = f;
    g->nvars = 0;
    g->scope = g->indent = 0;
    g->loops = g->breakables = 0;
    g->exit_label = NULL;
    g->exit_label_used = false;
    g->mult = 1;
    g->cost = 1;
    g->budget = entry ? ENTRY_BUDGET : CALLEE_BUDGET;
    g->stmts_left = (int)rng_range(&g->rng, 4, entry ? 40 : 24);
    Str sig = {0};
    fn_signature(f, &sig);
    str_printf(&f->text, "%s {\n", str_text(&sig));
    free(sig.data);
    fn_prologue(g, f);
    gen_stmts(g, 0, 1000);
    /* Top-level locals nobody read: read them now (acc is always read). */
    for (int i = 0; i < g->nvars; i++)
        if (!g->vars[i].read)
            var_read_stmt(g, &g->vars[i]);
    fn_epilogue(g, f);
    str_printf(&f->text, "}\n");
    f->cost = g->cost;
}

/* ---- the whole program ------------------------------------------------------------------ */

static void gen_arg_values(Gen *g, const Fn *f, Str *args, Str *fmt) {
    for (int i = 0; i < f->nparams; i++) {
        const char *sep = i ? ", " : "";
        if (f->params[i] == TY_INT) {
            int v = (int)rng_range(&g->rng, 0, 1000) - 50;
            str_printf(args, "%s%d", sep, v);
            str_printf(fmt, "%s%d", sep, v);
        } else {
            unsigned v =
                rng_percent(&g->rng, 70) ? rng_below(&g->rng, 100) : (unsigned)rng_next(&g->rng);
            str_printf(args, "%s%uu", sep, v);
            str_printf(fmt, "%s%u", sep, v);
        }
    }
}

/* A block_on of f printed with its arguments. */
static void gen_main_call(Gen *g, Str *s, Fn *f) {
    Str args = {0}, shown = {0};
    gen_arg_values(g, f, &args, &shown);
    if (f->ret == TY_VOID)
        str_printf(s, "    ac_block_on(%s(%s));\n", f->name, str_text(&args));
    else
        str_printf(s, "    printf(\"%s(%s) = %s\\n\", ac_block_on(%s(%s)));\n", f->name,
                   str_text(&shown), f->ret == TY_INT ? "%d" : "%u", f->name, str_text(&args));
    free(args.data);
    free(shown.data);
}

static void gen_main(Gen *g, Str *s) {
    Fn *entry = &g->fns[g->nfns - 1];
    str_printf(s, "int main(void) {\n");
    unsigned calls = rng_range(&g->rng, 2, 4);
    for (unsigned i = 0; i < calls; i++)
        gen_main_call(g, s, entry);
    Fn *other = &g->fns[rng_below(&g->rng, (unsigned)g->nfns)];
    if (!other->writer)
        gen_main_call(g, s, other);
    str_printf(s, "    printf(\"g_sum = %%u, g_calls = %%u\\n\", g_sum, g_calls);\n");
    str_printf(s, "    return 0;\n}\n");
}

/* Whether another function or main calls f, in the text as written. */
static bool fn_used(const Gen *g, const Fn *f, const Str *main_text) {
    for (int i = 0; i < g->nfns; i++)
        if (&g->fns[i] != f && text_mentions(str_text(&g->fns[i].text), f->name))
            return true;
    return text_mentions(str_text(main_text), f->name);
}

/* An unused static function would be a warning: only used ones may be static. */
static void fns_choose_linkage(Gen *g, const Str *main_text) {
    for (int i = 0; i < g->nfns; i++)
        g->fns[i].is_static = fn_used(g, &g->fns[i], main_text) && rng_percent(&g->rng, 60);
}

static void print_fn_head(const Fn *f) {
    Str sig = {0};
    fn_signature(f, &sig);
    printf("%s%s", f->is_static ? "static " : "", str_text(&sig));
    free(sig.data);
}

/* Sometimes every function is declared first and defined in any order. */
static void print_functions(Gen *g) {
    int order[MAX_FNS];
    for (int i = 0; i < g->nfns; i++)
        order[i] = i;
    if (feature_on(g, F_PROTO) && rng_percent(&g->rng, 30)) {
        for (int i = 0; i < g->nfns; i++) {
            print_fn_head(&g->fns[i]);
            printf(";\n");
        }
        printf("\n");
        for (int i = g->nfns - 1; i > 0; i--) {
            int j = (int)rng_below(&g->rng, (unsigned)i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
    for (int i = 0; i < g->nfns; i++) {
        const Fn *f = &g->fns[order[i]];
        printf("%s%s\n", f->is_static ? "static " : "", str_text(&f->text));
    }
}

static void gen_program(Gen *g, uint64_t seed, unsigned index) {
    g->nfns = (int)rng_range(&g->rng, 2, MAX_FNS);
    for (int i = 0; i < g->nfns; i++)
        gen_function(g, i, i == g->nfns - 1);
    Str main_text = {0};
    gen_main(g, &main_text);
    fns_choose_linkage(g, &main_text);
    printf("/* asyncc_gen --seed %llu --index %u --level %d */\n", (unsigned long long)seed, index,
           g->level);
    printf("#include <stdio.h>\n\n#include <asyncc.h>\n\n#include \"pending.h\"\n\n");
    printf("static unsigned g_sum, g_calls;\n\n");
    print_functions(g);
    printf("%s", str_text(&main_text));
    free(main_text.data);
    for (int i = 0; i < g->nfns; i++)
        free(g->fns[i].text.data);
}

/* ---- command line ------------------------------------------------------------------------ */

static int usage(void) {
    fprintf(stderr, "usage: asyncc_gen --seed S --index I [--level 1|2] [--without F,...]\n"
                    "features:");
    for (int f = 0; f < F_COUNT; f++)
        fprintf(stderr, " %s", feature_names[f]);
    fprintf(stderr, "\n");
    return 2;
}

static bool parse_number(const char *s, unsigned long long *out) {
    char *end;
    *out = strtoull(s, &end, 0);
    return *s && !*end;
}

int main(int argc, char **argv) {
    static Gen g;
    unsigned long long seed = 0, index = 0, level = 1;
    bool have_seed = false, have_index = false;
    for (int i = 1; i < argc; i++) {
        unsigned long long *dst = NULL;
        if (strcmp(argv[i], "--without") == 0) {
            if (i + 1 == argc || !features_parse(argv[++i], &g.without))
                return usage();
            continue;
        }
        if (strcmp(argv[i], "--seed") == 0)
            dst = &seed, have_seed = true;
        else if (strcmp(argv[i], "--index") == 0)
            dst = &index, have_index = true;
        else if (strcmp(argv[i], "--level") == 0)
            dst = &level;
        if (!dst || i + 1 == argc || !parse_number(argv[++i], dst))
            return usage();
    }
    if (!have_seed || !have_index || level < 1 || level > 2)
        return usage();
    g.level = (int)level;
    /* Mix seed and index so that neighbouring programs are unrelated. */
    g.rng.state = seed * 0x9e3779b97f4a7c15u ^ (index + 1) * 0xd1b54a32d192ed03u;
    g.comment_rng.state = ~g.rng.state;
    gen_program(&g, seed, (unsigned)index);
    return 0;
}
