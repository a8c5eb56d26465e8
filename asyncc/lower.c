/* lower.c - puts every await where a state can begin.
 *
 * A state begins at a statement boundary, so after this stage every await is the
 * whole of a statement (the forms emit.c writes as a suspension):
 *
 *     await(g(a));          T x = await(g(a));
 *     lhs = await(g(a));    return await(g(a));
 *
 * with no await in a, nor in lhs. An await anywhere else is lifted out of its
 * expression into a temporary (a Var with is_temp, declared by a new STMT_DECL right
 * before the statement), and the expression reads the temporary instead:
 *
 *     x = 1 + await(g());  ->  int g_result = await(g());
 *                              x = 1 + g_result;
 *
 * Operators that decide whether or when an operand runs become statements, so the
 * await runs exactly when C would evaluate it:
 *
 *     a && await(g())    ->  int and_result = 0;
 *                            if (a) { int g_result = await(g()); and_result = g_result != 0; }
 *     c ? await(g()) : e ->  T cond_result;
 *                            if (c) { cond_result = await(g()); } else { cond_result = e; }
 *     e1, await(g())     ->  e1; int g_result = await(g());
 *
 * Conditions of loops are evaluated inside the loop, and a `continue` that would skip
 * that evaluation jumps to it instead:
 *
 *     while (c) S        ->  for (;;) { pre(c); if (!(c')) break; S }
 *     do S while (c);    ->  for (;;) { S  loop_continue: ; pre(c); if (!(c')) break; }
 *     for (I; c; e) S    ->  { pre(I); I' for (;;) { pre(c); if (!(c')) break; S
 *                                                    loop_continue: ; pre(e); e'; } }
 *
 * (each part rewritten only when it holds an await). Operands whose order C leaves
 * unspecified keep their place: only awaits move, left to right. Values written
 * straight into a variable where that is the same (`int v = c ? await(g()) : 0;`
 * assigns v in both branches) keep the output close to the source.
 *
 * Generated names (temporaries, labels) are fresh in the function and join
 * Func.idents, so that the names the later stages make avoid them too. The awaits
 * of each function end up in Func.awaits in the order of the lowered body, an inner
 * await before the one whose arguments it is in.
 */
#include <ctype.h>
#include <string.h>

#include "ctext.h"
#include "ir.h"

typedef struct Lower {
    Func *func;
} Lower;

/* A growable list of statements: what goes before a statement, or a new block. */
typedef struct Stmts {
    int n;
    Stmt **items;
} Stmts;

static void stmts_push(Stmts *list, Stmt *s) {
    VEC_PUSH(&list->items, &list->n, s);
}

/* Is a value wanted, or only the effects? */
typedef enum Use { USE_VALUE, USE_EFFECT } Use;

/* ---- names ----------------------------------------------------------------------------- */

/* base, or base_2, base_3... whichever the function does not spell yet; taken. */
static char *name_fresh(Lower *lw, const char *base) {
    Func *f = lw->func;
    char *s = xstrdup(base);
    for (int k = 2; str_in(f->idents, f->nidents, s); k++)
        s = xprintf("%s_%d", base, k);
    VEC_PUSH(&f->idents, &f->nidents, s);
    return s;
}

/* ---- building expressions ---------------------------------------------------------------- */

static bool has_await(const Expr *e) {
    if (!e)
        return false;
    if (e->kind == EXPR_AWAIT)
        return true;
    for (int i = 0; i < e->nkids; i++)
        if (has_await(e->kids[i]))
            return true;
    return false;
}

static Expr *expr_make(ExprKind kind, Pos pos, CType type) {
    Expr *e = xmalloc(sizeof *e);
    e->kind = kind;
    e->pos = pos;
    e->type = type;
    return e;
}

static Expr *var_use(Var *v, Pos pos) {
    Expr *e = expr_make(EXPR_VAR, pos, v->type);
    e->var = v;
    return e;
}

/* A template: texts[0] kids[0] texts[1] ... kids[n-1] texts[n]. */
static Expr *template_make(Pos pos, CType type, int n, Expr *const *kids,
                           const char *const *texts) {
    Expr *e = expr_make(EXPR_TEMPLATE, pos, type);
    e->text = xmalloc(sizeof *e->text * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        e->text[i] = xstrdup(texts[i]);
        VEC_PUSH(&e->kids, &e->nkids, kids[i]);
    }
    e->text[n] = xstrdup(texts[n]);
    return e;
}

/* Plain text, no holes. */
static Expr *text_make(Pos pos, CType type, const char *text) {
    return template_make(pos, type, 0, NULL, &text);
}

/* `before kid after`. */
static Expr *wrap(Expr *kid, CType type, const char *before, const char *after) {
    const char *texts[] = {before, after};
    return template_make(kid->pos, type, 1, &kid, texts);
}

/* `l op r`. */
static Expr *join(Expr *l, const char *op, Expr *r, CType type) {
    Expr *kids[] = {l, r};
    const char *texts[] = {"", op, ""};
    return template_make(l->pos, type, 2, kids, texts);
}

static CType int_type(void) {
    return (CType){.pre = "int ", .post = "", .canon = "int", .size = 4, .align = 4};
}

static bool same_type(const CType *a, const CType *b) {
    return a->canon && b->canon && strcmp(a->canon, b->canon) == 0;
}

/* ---- reading the text of expressions ------------------------------------------------------- */

static bool only_blanks(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return false;
    return true;
}

/* Is the text a postfix expression (name, number, call, subscript, member), which an
 * operator can take without parentheses? Holes count as names. */
static bool text_is_postfix(const char *s) {
    s += strspn(s, " \t\r\n");
    if (!*s)
        return false;
    while (*s) {
        if (*s == '(' || *s == '[')
            s = text_group_end(s);
        else if (*s == '"' || *s == '\'')
            s = literal_end(s);
        else if (is_ident_char((unsigned char)*s) || *s == '.')
            s++;
        else if (s[0] == '-' && s[1] == '>')
            s += 2;
        else if (isspace((unsigned char)*s) && only_blanks(s, strlen(s)))
            break;
        else
            return false;
    }
    return true;
}

/* The expression's text with every hole written as a name. */
static char *flat_text(const Expr *e) {
    if (e->kind != EXPR_TEMPLATE)
        return xstrdup("hole");
    Buf b = {0};
    for (int i = 0; i < e->nkids; i++) {
        buf_put(&b, e->text[i]);
        buf_put(&b, "hole");
    }
    buf_put(&b, e->text[e->nkids]);
    return b.data;
}

static bool is_postfix(const Expr *e) {
    return e->kind == EXPR_VAR || text_is_postfix(flat_text(e));
}

/* The operators of the text outside brackets and literals, as one string. */
static char *top_operators(const char *s) {
    Buf b = {0};
    buf_put(&b, "");
    while (*s) {
        if (*s == '(' || *s == '[')
            s = text_group_end(s);
        else if (*s == '"' || *s == '\'')
            s = literal_end(s);
        else if (is_ident_char((unsigned char)*s) || isspace((unsigned char)*s) || *s == '.')
            s++;
        else if (s[0] == '-' && s[1] == '>')
            s += 2;
        else
            buf_putn(&b, s++, 1);
    }
    return b.data;
}

/* Is e's value 0 or 1 already: a comparison or a logical operator at its top, or a
 * negation? (An operator of lower precedence, or one this does not know, says no.) */
static bool is_truth_value(const Expr *e) {
    static const char *const logical[] = {"==", "!=", "<=", ">=", "&&", "||"};
    char *ops = top_operators(flat_text(e));
    bool relational = false;
    for (char *s = ops; *s;) {
        size_t n = 0;
        for (size_t i = 0; i < sizeof logical / sizeof *logical; i++)
            n = strncmp(s, logical[i], 2) == 0 ? 2 : n;
        if (!n && (*s == '<' || *s == '>') && s[1] != *s)
            n = 1;
        if (!n && strchr("&|^?:=,<>", *s))
            return false;
        relational |= n > 0;
        s += n ? n : 1;
    }
    return relational || (ops[0] == '!' && strspn(ops, "!") == strlen(ops));
}

/* e, in parentheses unless it is a postfix expression. */
static Expr *operand(Expr *e) {
    return is_postfix(e) ? e : wrap(e, e->type, "(", ")");
}

/* e as 0 or 1: `e != 0` unless it is one already. */
static Expr *truth(Expr *e) {
    if (is_truth_value(e))
        return e;
    return join(operand(e), " != ", text_make(e->pos, int_type(), "0"), int_type());
}

/* Is evaluating e pointless: names and constants in parentheses, the value unused? */
static bool is_inert(const Expr *e) {
    if (e->kind == EXPR_VAR)
        return true;
    if (e->kind != EXPR_TEMPLATE)
        return false;
    char *text = flat_text(e);
    char prev = ' ';
    for (const char *s = text; *s; s++) {
        bool call = *s == '(' && (is_ident_char((unsigned char)prev) || prev == ')');
        if (call || (!is_ident_char((unsigned char)*s) && !strchr("() \t\r\n", *s)))
            return false;
        prev = isspace((unsigned char)*s) ? prev : *s;
    }
    for (int i = 0; i < e->nkids; i++)
        if (!is_inert(e->kids[i]))
            return false;
    return true;
}

/* Does s hold only blanks, '(' characters and `(void)` casts? */
static bool only_opening(const char *s) {
    while (*s) {
        if (strncmp(s, "(void)", 6) == 0)
            s += 6;
        else if (*s == '(' || isspace((unsigned char)*s))
            s++;
        else
            return false;
    }
    return true;
}

static bool only_closing(const char *s) {
    return strspn(s, ") \t\r\n") == strlen(s);
}

/* e without the parentheses and `(void)` casts around it: the same value, or the
 * same effects when the value is unused. `voided` is set when a cast was dropped. */
static Expr *strip_wrappers(Expr *e, bool *voided) {
    while (e->kind == EXPR_TEMPLATE && e->nkids == 1 && only_opening(e->text[0]) &&
           only_closing(e->text[1])) {
        *voided |= strstr(e->text[0], "(void)") != NULL;
        e = e->kids[0];
    }
    return e;
}

/* e without the parentheses around it. */
static Expr *strip_parens(Expr *e) {
    if (!e)
        return NULL;
    bool voided = false;
    Expr *inner = strip_wrappers(e, &voided);
    return voided ? e : inner;
}

/* Drops the grouping parentheses that a template kept around kid i, now that the
 * kid is a postfix expression: `(n = await(..)) > 0` reads `n > 0`, not `(n) > 0`.
 * A '(' after a name, a hole, ')' or ']' opens a call's arguments (after a string,
 * an asm operand) and stays. */
static void parens_drop(Expr *e, int i) {
    char *before = e->text[i], *after = e->text[i + 1];
    size_t n = strlen(before);
    while (n > 0 && isspace((unsigned char)before[n - 1]))
        n--;
    size_t skip = strspn(after, " \t\r\n");
    if (n == 0 || before[n - 1] != '(' || after[skip] != ')')
        return;
    size_t m = n - 1;
    while (m > 0 && isspace((unsigned char)before[m - 1]))
        m--;
    bool call = m > 0 ? is_ident_char((unsigned char)before[m - 1]) || strchr(")]\"", before[m - 1])
                      : i > 0; /* right after a hole: a variable or a call's value */
    if (call)
        return;
    before[n - 1] = '\0';
    memmove(after, after + skip + 1, strlen(after + skip + 1) + 1);
}

/* ---- making statements ----------------------------------------------------------------------- */

static Stmt *stmt_make(StmtKind kind, Pos pos) {
    Stmt *s = xmalloc(sizeof *s);
    s->kind = kind;
    s->pos = pos;
    return s;
}

static Stmt *expr_stmt(Expr *e) {
    Stmt *s = stmt_make(STMT_EXPR, e->pos);
    s->expr = e;
    return s;
}

static Stmt *block_of(Stmts *list, Pos pos) {
    Stmt *s = stmt_make(STMT_BLOCK, pos);
    s->nkids = list->n;
    s->kids = list->items;
    return s;
}

/* Does the '(' at text[0] close at the very end of text? String and character
 * literals are skipped, so a parenthesis inside one does not count. */
static bool wholly_parenthesized(const char *text) {
    size_t n = strlen(text);
    if (n < 2 || text[0] != '(' || text[n - 1] != ')')
        return false;
    int depth = 0;
    for (const char *s = text; *s;) {
        if (*s == '"' || *s == '\'') {
            s = literal_end(s);
            continue;
        }
        depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
        if (depth == 0 && s[1])
            return false;
        s++;
    }
    return depth == 0;
}

/* The condition of a generated if, without the parentheses the source put around
 * it: `if (c)`, not `if ((a == b))`, which clang flags (-Wparentheses-equality). */
static Expr *condition(Expr *c) {
    c = strip_parens(c);
    if (c->kind != EXPR_TEMPLATE || !wholly_parenthesized(flat_text(c)))
        return c;
    Expr *bare = xmalloc(sizeof *bare);
    *bare = *c;
    bare->text = xmalloc(sizeof *bare->text * (size_t)(c->nkids + 1));
    for (int i = 0; i <= c->nkids; i++)
        bare->text[i] = c->text[i];
    bare->text[0] = xstrdup(c->text[0] + 1);
    size_t last = strlen(bare->text[c->nkids]);
    bare->text[c->nkids] = xstrndup(bare->text[c->nkids], last - 1);
    return bare;
}

static Stmt *if_make(Expr *cond, Stmt *then, Stmt *els) {
    Stmt *s = stmt_make(STMT_IF, cond->pos);
    s->expr = condition(cond);
    s->body = then;
    s->els = els;
    return s;
}

/* `!c`, or `!(c)`. */
static Expr *negate(Expr *c) {
    return wrap(operand(c), int_type(), "!", "");
}

/* Where generated glue (a break, a label) stands: on no line of its own, so that no
 * #line directive is written for it. */
static const Pos nowhere = {0, 0, 0};

/* `if (!(c)) break;` */
static Stmt *break_unless(Expr *c) {
    return if_make(negate(c), stmt_make(STMT_BREAK, nowhere), NULL);
}

/* `label: ;` */
static Stmt *label_make(char *label) {
    Stmt *s = stmt_make(STMT_LABEL, nowhere);
    s->text = label;
    s->body = stmt_make(STMT_EXPR, nowhere);
    return s;
}

/* ---- awaits and temporaries ------------------------------------------------------------------ */

/* Records aw, now the whole of statement s, as an await of the function. */
static void await_accept(Lower *lw, Expr *aw, Stmt *s) {
    Func *f = lw->func;
    Await *a = xmalloc(sizeof *a);
    a->expr = aw;
    a->stmt = s;
    VEC_PUSH(&f->awaits, &f->nawaits, a);
}

/* A new local of the function, declared by the STMT_DECL returned (not yet placed). */
static Stmt *temp_make(Lower *lw, const char *base, CType type, Pos pos) {
    Func *f = lw->func;
    Var *v = xmalloc(sizeof *v);
    v->name = name_fresh(lw, base);
    v->type = type;
    v->pos = pos;
    v->id = f->nvars;
    v->is_temp = true;
    VEC_PUSH(&f->vars, &f->nvars, v);
    Stmt *decl = stmt_make(STMT_DECL, pos);
    decl->var = v;
    v->decl = decl;
    return decl;
}

/* Places the statement s, which may be an await's own. */
static void place(Lower *lw, Stmts *pre, Stmt *s) {
    Expr *e = s->expr;
    if (e && e->kind == EXPR_ASSIGN)
        e = e->kids[1];
    if (e && e->kind == EXPR_AWAIT)
        await_accept(lw, e, s);
    stmts_push(pre, s);
}

/* Where a value is to be written: a variable, declared by `decl` at the first write
 * unless decl is NULL (declared already). */
typedef struct Target {
    Var *var;
    Stmt *decl;
} Target;

/* Places the declaration if it is not yet: the first write is not at this level. */
static void target_declare(Lower *lw, Target *tg, Stmts *pre) {
    if (tg->decl)
        place(lw, pre, tg->decl);
    tg->decl = NULL;
}

/* `T copy = value;` placed, then `memcpy(&var, &copy, sizeof var)` returned: var
 * is a structure with a const member, which cannot be assigned. */
static Expr *copy_into(Lower *lw, Var *var, Expr *value, Stmts *pre) {
    Stmt *decl = temp_make(lw, "copy", var->type, value->pos);
    decl->expr = value;
    place(lw, pre, decl);
    Expr *kids[] = {var_use(var, value->pos), var_use(decl->var, value->pos),
                    var_use(var, value->pos)};
    const char *texts[] = {"memcpy(&", ", &", ", sizeof ", ")"};
    return template_make(value->pos, var->type, 3, kids, texts);
}

/* `var = value;` (or the declaration with value as its initializer). */
static void target_set(Lower *lw, Target *tg, Expr *value, Stmts *pre) {
    if (tg->decl) {
        tg->decl->expr = value;
        target_declare(lw, tg, pre);
        return;
    }
    Expr *lhs = var_use(tg->var, value->pos);
    Expr *e;
    if (value->kind == EXPR_AWAIT) {
        Expr *kids[] = {lhs, value};
        e = expr_make(EXPR_ASSIGN, value->pos, tg->var->type);
        for (int i = 0; i < 2; i++)
            VEC_PUSH(&e->kids, &e->nkids, kids[i]);
    } else if (tg->var->type.is_readonly) {
        e = copy_into(lw, tg->var, value, pre);
    } else {
        e = join(lhs, " = ", value, tg->var->type);
    }
    place(lw, pre, expr_stmt(e));
}

/* A temporary holding a value of type `type`, to be written. */
static Target temp_target(Lower *lw, const char *base, CType type, Pos pos) {
    Stmt *decl = temp_make(lw, base, type, pos);
    return (Target){decl->var, decl};
}

/* ---- expressions --------------------------------------------------------------------------- */

static Expr *lift(Lower *lw, Expr *e, Use use, Stmts *pre);
static void lift_into(Lower *lw, Expr *e, Target *tg, Stmts *pre);

/* Statements evaluating e for its effects, unless it has none. */
static void lift_effects(Lower *lw, Expr *e, Stmts *pre) {
    Expr *rest = lift(lw, e, USE_EFFECT, pre);
    if (rest && !is_inert(rest))
        stmts_push(pre, expr_stmt(rest));
}

/* The statements of e's effects, as a block. */
static Stmt *effects_block(Lower *lw, Expr *e) {
    Stmts list = {0};
    lift_effects(lw, e, &list);
    return block_of(&list, e->pos);
}

/* Lifts the awaits out of every kid, left to right. */
static void lift_kids(Lower *lw, Expr *e, Stmts *pre) {
    for (int i = 0; i < e->nkids; i++)
        e->kids[i] = lift(lw, e->kids[i], USE_VALUE, pre);
}

static Expr *lift_await(Lower *lw, Expr *e, Use use, Stmts *pre) {
    lift_kids(lw, e, pre);
    if (use == USE_EFFECT || e->callee->ret.is_void) {
        place(lw, pre, expr_stmt(e));
        return use == USE_EFFECT ? NULL : text_make(e->pos, e->type, "(void)0");
    }
    Target tg = temp_target(lw, xprintf("%s_result", e->callee->name), e->callee->ret, e->pos);
    target_set(lw, &tg, e, pre);
    return var_use(tg.var, e->pos);
}

static Expr *lift_template(Lower *lw, Expr *e, Use use, Stmts *pre) {
    bool voided = false;
    Expr *inner = strip_wrappers(e, &voided);
    if (use == USE_EFFECT && inner != e) {
        Expr *rest = lift(lw, inner, USE_EFFECT, pre);
        return !rest || is_inert(rest) ? NULL : voided ? wrap(rest, e->type, "(void)(", ")") : rest;
    }
    for (int i = 0; i < e->nkids; i++) {
        bool moved = has_await(e->kids[i]);
        e->kids[i] = lift(lw, e->kids[i], USE_VALUE, pre);
        if (moved && is_postfix(e->kids[i]))
            parens_drop(e, i);
    }
    return e;
}

/* A destination that means the same whenever its branch finishes: a variable, or the
 * address of one (which then lives in the frame). */
static bool is_fixed_place(Expr *e) {
    e = strip_parens(e);
    if (e->kind == EXPR_VAR)
        return true;
    return e->kind == EXPR_TEMPLATE && e->nkids == 1 && e->kids[0]->kind == EXPR_VAR &&
           strcmp(e->text[0] + strspn(e->text[0], " \t\r\n"), "&") == 0 &&
           only_blanks(e->text[1], strlen(e->text[1]));
}

/* A branch of a select, join or timeout: its destination, then its arguments, are
 * evaluated when the form starts, left to right; a destination other than a fixed
 * place goes into a pointer temporary, which the poll that sees the branch finish
 * reads. */
static Expr *lift_branch(Lower *lw, Expr *e, Stmts *pre) {
    if (e->dest && !is_fixed_place(e->dest)) {
        Target tg = temp_target(lw, "dest", e->dest->type, e->dest->pos);
        lift_into(lw, e->dest, &tg, pre);
        e->dest = var_use(tg.var, e->dest->pos);
    }
    lift_kids(lw, e, pre);
    return e;
}

/* a && b, a || b. */
static void logic_into(Lower *lw, Expr *e, Target *tg, Stmts *pre) {
    bool is_and = e->kind == EXPR_AND;
    Expr *a = lift(lw, e->kids[0], USE_VALUE, pre);
    target_set(lw, tg, text_make(e->pos, int_type(), is_and ? "0" : "1"), pre);
    Stmts then = {0};
    ExprKind inner = strip_parens(e->kids[1])->kind;
    bool logical = inner == EXPR_AND || inner == EXPR_OR; /* 0 or 1 already */
    Expr *b = lift(lw, e->kids[1], USE_VALUE, &then);
    target_set(lw, tg, logical ? b : truth(b), &then);
    stmts_push(pre, if_make(is_and ? a : negate(a), block_of(&then, b->pos), NULL));
}

static Expr *lift_logic(Lower *lw, Expr *e, Use use, Stmts *pre) {
    bool is_and = e->kind == EXPR_AND;
    if (!has_await(e->kids[1])) {
        Expr *a = lift(lw, e->kids[0], USE_VALUE, pre);
        return join(a, is_and ? " && " : " || ", lift(lw, e->kids[1], USE_VALUE, pre), e->type);
    }
    if (use == USE_EFFECT) {
        Expr *a = lift(lw, e->kids[0], USE_VALUE, pre);
        stmts_push(pre, if_make(is_and ? a : negate(a), effects_block(lw, e->kids[1]), NULL));
        return NULL;
    }
    Target tg = temp_target(lw, is_and ? "and_result" : "or_result", int_type(), e->pos);
    logic_into(lw, e, &tg, pre);
    return var_use(tg.var, e->pos);
}

/* c ? a : b with an await in a branch; tg is NULL when only effects count. */
static void cond_branches(Lower *lw, Expr *e, Target *tg, Stmts *pre) {
    Expr *c = lift(lw, e->kids[0], USE_VALUE, pre);
    Stmt *branch[2];
    if (tg)
        target_declare(lw, tg, pre);
    for (int i = 0; i < 2; i++) {
        Expr *k = e->kids[i + 1];
        Stmts list = {0};
        if (tg)
            lift_into(lw, k, tg, &list);
        else
            lift_effects(lw, k, &list);
        branch[i] = list.n ? block_of(&list, k->pos) : NULL;
    }
    if (!branch[0]) /* `c ? e : await(..)` with e's value unused */
        stmts_push(pre, if_make(negate(c), branch[1], NULL));
    else
        stmts_push(pre, if_make(c, branch[0], branch[1]));
}

static Expr *lift_cond(Lower *lw, Expr *e, Use use, Stmts *pre) {
    if (!has_await(e->kids[1]) && !has_await(e->kids[2])) {
        Expr *c = lift(lw, e->kids[0], USE_VALUE, pre);
        Expr *kids[] = {c, lift(lw, e->kids[1], USE_VALUE, pre),
                        lift(lw, e->kids[2], USE_VALUE, pre)};
        const char *texts[] = {"", " ? ", " : ", ""};
        return template_make(e->pos, e->type, 3, kids, texts);
    }
    if (use == USE_EFFECT || e->type.is_void) {
        cond_branches(lw, e, NULL, pre);
        return use == USE_EFFECT ? NULL : text_make(e->pos, e->type, "(void)0");
    }
    Target tg = temp_target(lw, "cond_result", e->type, e->pos);
    cond_branches(lw, e, &tg, pre);
    return var_use(tg.var, e->pos);
}

static Expr *lift_comma(Lower *lw, Expr *e, Use use, Stmts *pre) {
    lift_effects(lw, e->kids[0], pre);
    return lift(lw, e->kids[1], use, pre);
}

/* Does e read v (a hole of v anywhere)? */
static bool mentions(const Expr *e, const Var *v) {
    if (e->kind == EXPR_VAR && e->var == v)
        return true;
    for (int i = 0; i < e->nkids; i++)
        if (mentions(e->kids[i], v))
            return true;
    return false;
}

/* Operators that become statements of their own. */
static bool is_branching(const Expr *e) {
    return ((e->kind == EXPR_AND || e->kind == EXPR_OR) && has_await(e->kids[1])) ||
           (e->kind == EXPR_COND && (has_await(e->kids[1]) || has_await(e->kids[2])));
}

/* Can `v = e` (or `T v = e`) write v where e's value is made (in its branches, after
 * its commas) instead of through a temporary? Only when nothing could see v change
 * early and no conversion differs. */
static bool writes_directly(const Var *v, Expr *e) {
    if (v->addr_taken || v->type.is_array || mentions(e, v))
        return false;
    bool comma = false;
    for (e = strip_parens(e); e->kind == EXPR_COMMA; e = strip_parens(e->kids[1]))
        comma = true;
    CType i = int_type();
    if (e->kind == EXPR_AWAIT)
        return comma && !e->callee->ret.is_void;
    return is_branching(e) && same_type(&v->type, e->kind == EXPR_COND ? &e->type : &i);
}

static Expr *lift_assign(Lower *lw, Expr *e, Use use, Stmts *pre) {
    Expr *lhs = e->kids[0], *rhs = strip_parens(e->kids[1]);
    bool to_var = lhs->kind == EXPR_VAR;
    if (!has_await(lhs) && rhs->kind == EXPR_AWAIT && (use == USE_EFFECT || to_var)) {
        lift_kids(lw, rhs, pre);
        e->kids[0] = lift(lw, lhs, USE_VALUE, pre);
        e->kids[1] = rhs;
        place(lw, pre, expr_stmt(e));
        return use == USE_EFFECT ? NULL : var_use(lhs->var, e->pos);
    }
    if (use == USE_EFFECT && to_var && writes_directly(lhs->var, rhs)) {
        Target tg = {lhs->var, NULL};
        lift_into(lw, rhs, &tg, pre);
        return NULL;
    }
    Expr *l = lift(lw, lhs, USE_VALUE, pre);
    return join(l, " = ", lift(lw, e->kids[1], USE_VALUE, pre), e->type);
}

/* Writes e's value to the target, through the branches of e when it has some. */
static void lift_into(Lower *lw, Expr *e, Target *tg, Stmts *pre) {
    e = strip_parens(e);
    if (e->kind == EXPR_AWAIT && !e->callee->ret.is_void) {
        lift_kids(lw, e, pre);
        target_set(lw, tg, e, pre);
    } else if (e->kind == EXPR_COMMA) {
        lift_effects(lw, e->kids[0], pre);
        lift_into(lw, e->kids[1], tg, pre);
    } else if (is_branching(e) && e->kind != EXPR_COND) {
        logic_into(lw, e, tg, pre);
    } else if (is_branching(e)) {
        cond_branches(lw, e, tg, pre);
    } else {
        target_set(lw, tg, lift(lw, e, USE_VALUE, pre), pre);
    }
}

/* e with its awaits lifted into statements of pre: an expression with no await, or
 * NULL when only effects were wanted and none are left. */
static Expr *lift(Lower *lw, Expr *e, Use use, Stmts *pre) {
    if (!e)
        return NULL;
    switch (e->kind) {
    case EXPR_TEMPLATE:
        return lift_template(lw, e, use, pre);
    case EXPR_VAR:
        return e;
    case EXPR_AWAIT:
        return lift_await(lw, e, use, pre);
    case EXPR_BRANCH:
        return lift_branch(lw, e, pre);
    case EXPR_SPAWN:
    case EXPR_BLOCK_ON:
    case EXPR_FUTURE:
    case EXPR_LITERAL:
        lift_kids(lw, e, pre);
        return e;
    case EXPR_AND:
    case EXPR_OR:
        return lift_logic(lw, e, use, pre);
    case EXPR_COND:
        return lift_cond(lw, e, use, pre);
    case EXPR_COMMA:
        return lift_comma(lw, e, use, pre);
    case EXPR_ASSIGN:
        return lift_assign(lw, e, use, pre);
    }
    return e;
}

/* ---- statements ---------------------------------------------------------------------------- */

static void lower_into(Lower *lw, Stmt *s, Stmts *out);

/* s lowered, as one statement (a block when lowering made several). */
static Stmt *lower_one(Lower *lw, Stmt *s) {
    if (!s)
        return NULL;
    Stmts list = {0};
    lower_into(lw, s, &list);
    return list.n == 1 ? list.items[0] : block_of(&list, s->pos);
}

/* Does the block declare a variable with a cleanup (whose scope must end with it)? */
static bool declares_cleanup(const Stmt *block) {
    for (int i = 0; block && block->kind == STMT_BLOCK && i < block->nkids; i++)
        if (block->kids[i]->kind == STMT_DECL && block->kids[i]->var->cleanup)
            return true;
    return false;
}

/* The statements of body (a block's, spliced) lowered into list. A block that
 * declares a variable with a cleanup stays a block: its scope, which ends before
 * a do's condition or a for's step, runs the cleanup there. */
static void lower_body(Lower *lw, Stmt *body, Stmts *list) {
    if (body && body->kind == STMT_BLOCK && !declares_cleanup(body))
        for (int i = 0; i < body->nkids; i++)
            lower_into(lw, body->kids[i], list);
    else if (body)
        lower_into(lw, body, list);
}

static bool is_loop(const Stmt *s) {
    return s->kind == STMT_WHILE || s->kind == STMT_DO || s->kind == STMT_FOR;
}

/* Turns the `continue`s of the loop whose body is s into `goto label;` (label NULL:
 * only says whether there are any). */
static bool continues_redirect(Stmt *s, const char *label) {
    if (!s || is_loop(s))
        return false;
    if (s->kind == STMT_CONTINUE) {
        if (label) {
            s->kind = STMT_GOTO;
            s->text = xstrdup(label);
        }
        return true;
    }
    /* every continue is turned, so no short circuit */
    int any = continues_redirect(s->body, label);
    any += continues_redirect(s->els, label);
    for (int i = 0; i < s->nkids; i++)
        any += continues_redirect(s->kids[i], label);
    return any > 0;
}

/* The end of a loop body that `continue` must reach: a label, when the body has a
 * continue, before what follows. */
static void continue_point(Lower *lw, Stmt *body, Stmts *list) {
    if (!continues_redirect(body, NULL))
        return;
    char *label = name_fresh(lw, "loop_continue");
    continues_redirect(body, label);
    stmts_push(list, label_make(label));
}

/* `pre(c); if (!(c')) break;` */
static void exit_unless(Lower *lw, Expr *c, Stmts *list) {
    Expr *rest = lift(lw, c, USE_VALUE, list);
    stmts_push(list, break_unless(rest));
}

/* `while (c) S` -> `for (;;) { pre(c); if (!(c')) break; S }` */
static void lower_while(Lower *lw, Stmt *s, Stmts *out) {
    Stmts body = {0};
    exit_unless(lw, s->expr, &body);
    lower_body(lw, s->body, &body);
    Stmt *loop = stmt_make(STMT_FOR, s->pos);
    loop->body = block_of(&body, s->body ? s->body->pos : s->pos);
    stmts_push(out, loop);
}

/* `do S while (c);` -> `for (;;) { S [loop_continue: ;] pre(c); if (!(c')) break; }` */
static void lower_do(Lower *lw, Stmt *s, Stmts *out) {
    Stmts body = {0}, tail = {0};
    continue_point(lw, s->body, &tail);
    lower_body(lw, s->body, &body);
    for (int i = 0; i < tail.n; i++)
        stmts_push(&body, tail.items[i]);
    exit_unless(lw, s->expr, &body);
    Stmt *loop = stmt_make(STMT_FOR, s->pos);
    loop->body = block_of(&body, s->pos);
    stmts_push(out, loop);
}

/* Lowers a for loop's initializer into list; true if it must leave the clause. */
static bool lower_for_init(Lower *lw, Stmt *init, Stmts *list) {
    if (!init)
        return false;
    bool moves = false;
    Stmt **kids = init->kind == STMT_BLOCK ? init->kids : &init;
    int n = init->kind == STMT_BLOCK ? init->nkids : 1;
    for (int i = 0; i < n; i++)
        moves |= has_await(kids[i]->expr);
    for (int i = 0; moves && i < n; i++)
        lower_into(lw, kids[i], list);
    return moves;
}

/* Does the list declare something (whose scope a block must then end)? */
static bool declares(const Stmts *list) {
    for (int i = 0; i < list->n; i++)
        if (list->items[i]->kind == STMT_DECL || list->items[i]->kind == STMT_TEXT)
            return true;
    return false;
}

/* The initializer goes before the loop (in a block, for the scope of its variables)
 * when it awaits; an awaiting condition or step moves into the body. */
static void lower_for(Lower *lw, Stmt *s, Stmts *out) {
    Stmts before = {0};
    bool outside = lower_for_init(lw, s->init, &before);
    if (outside)
        s->init = NULL;
    Stmts body = {0};
    if (has_await(s->expr)) {
        exit_unless(lw, s->expr, &body);
        s->expr = NULL;
    }
    if (has_await(s->step)) {
        Stmts tail = {0};
        continue_point(lw, s->body, &tail);
        lower_body(lw, s->body, &body);
        for (int i = 0; i < tail.n; i++)
            stmts_push(&body, tail.items[i]);
        lift_effects(lw, s->step, &body);
        s->step = NULL;
    } else {
        lower_body(lw, s->body, &body);
    }
    s->body = block_of(&body, s->body ? s->body->pos : s->pos);
    if (!declares(&before)) {
        for (int i = 0; i < before.n; i++)
            stmts_push(out, before.items[i]);
        stmts_push(out, s);
        return;
    }
    stmts_push(&before, s);
    stmts_push(out, block_of(&before, s->pos));
}

/* A declaration: `T v = await(..)` stays; branches may write v directly. */
static void lower_decl(Lower *lw, Stmt *s, Stmts *out) {
    Var *v = s->var;
    Expr *init = strip_parens(s->expr);
    if (v->is_static || !has_await(init)) {
        stmts_push(out, s);
    } else if (init->kind == EXPR_AWAIT) {
        s->expr = init;
        lift_into(lw, init, &(Target){v, s}, out);
    } else if (!v->init_is_list && writes_directly(v, init)) {
        s->expr = NULL;
        lift_into(lw, init, &(Target){v, s}, out);
    } else {
        s->expr = lift(lw, s->expr, USE_VALUE, out);
        stmts_push(out, s);
    }
}

/* return await(..) stays; any other value is lifted. */
static void lower_return(Lower *lw, Stmt *s, Stmts *out) {
    Expr *e = strip_parens(s->expr);
    if (e && e->kind == EXPR_AWAIT) {
        lift_kids(lw, e, out);
        s->expr = e;
        place(lw, out, s);
        return;
    }
    s->expr = lift(lw, s->expr, USE_VALUE, out);
    stmts_push(out, s);
}

/* The statement's own expression (condition, declaration text) with awaits lifted. */
static void lower_head(Lower *lw, Stmt *s, Stmts *out) {
    if (has_await(s->expr))
        s->expr = lift(lw, s->expr, USE_VALUE, out);
}

static void lower_into(Lower *lw, Stmt *s, Stmts *out) {
    switch (s->kind) {
    case STMT_EXPR:
        if (has_await(s->expr))
            lift_effects(lw, s->expr, out);
        else
            stmts_push(out, s);
        return;
    case STMT_DECL:
        lower_decl(lw, s, out);
        return;
    case STMT_RETURN:
        lower_return(lw, s, out);
        return;
    case STMT_BLOCK: {
        Stmts kids = {0};
        for (int i = 0; i < s->nkids; i++)
            lower_into(lw, s->kids[i], &kids);
        s->nkids = kids.n;
        s->kids = kids.items;
        break;
    }
    case STMT_WHILE:
        if (has_await(s->expr)) {
            lower_while(lw, s, out);
            return;
        }
        s->body = lower_one(lw, s->body);
        break;
    case STMT_DO:
        if (has_await(s->expr)) {
            lower_do(lw, s, out);
            return;
        }
        s->body = lower_one(lw, s->body);
        break;
    case STMT_FOR:
        lower_for(lw, s, out);
        return;
    case STMT_IF:
    case STMT_SWITCH:
    case STMT_TEXT:
    case STMT_ASM:
        lower_head(lw, s, out);
        s->body = lower_one(lw, s->body);
        s->els = lower_one(lw, s->els);
        break;
    case STMT_CASE:
    case STMT_DEFAULT:
    case STMT_LABEL:
        s->body = lower_one(lw, s->body);
        break;
    case STMT_GOTO:
    case STMT_BREAK:
    case STMT_CONTINUE:
    case STMT_COMMENT:
    case STMT_DIRECTIVE:
        break;
    }
    stmts_push(out, s);
}

/* Sets has_await on s and below; returns it. */
static bool awaits_mark(Stmt *s) {
    if (!s)
        return false;
    /* every statement is marked, so no short circuit */
    int any = has_await(s->expr) || has_await(s->step);
    any += awaits_mark(s->init);
    any += awaits_mark(s->body);
    any += awaits_mark(s->els);
    for (int i = 0; i < s->nkids; i++)
        any += awaits_mark(s->kids[i]);
    s->has_await = any > 0;
    return s->has_await;
}

/* The awaits numbered from 1 in the order the lowered body runs them within a
 * statement and writes them (the order they were placed in). */
static void awaits_number(Func *f) {
    for (int i = 0; i < f->nawaits; i++)
        f->awaits[i]->index = i + 1;
}

void lower_program(Program *prog) {
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        if (!f->is_defined)
            continue;
        Lower lw = {f};
        f->nawaits = 0;
        f->awaits = NULL;
        f->body = lower_one(&lw, f->body);
        awaits_number(f);
        awaits_mark(f->body);
    }
}
