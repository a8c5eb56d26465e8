/* lower.c - puts every await where a state can begin, or diagnoses it.
 *
 * A state begins at a statement boundary, so an await must be the whole of a
 * statement (after parentheses):
 *
 *     await(g(a));          T x = await(g(a));
 *     lhs = await(g(a));    return await(g(a));
 *
 * Every other position is reported here. A later version lifts those awaits into
 * temporaries (a Var with is_temp, declared by a new STMT_DECL before the
 * statement); that change belongs in reject_awaits, which today only diagnoses,
 * and in the statement walk, which visits every expression slot with the name of
 * its position.
 *
 * The stage also numbers the awaits of each function in source order (Func.awaits).
 */
#include <string.h>

#include "diag.h"
#include "ir.h"

/* The function being lowered (where lifted temporaries will be added). */
typedef struct Lower {
    Func *func;
} Lower;

/* ---- diagnostics -------------------------------------------------------------------- */

/* Where an await nested in an operator stands, for the message. */
static const char *operand_place(ExprKind kind) {
    switch (kind) {
    case EXPR_AND:
        return "an operand of '&&'";
    case EXPR_OR:
        return "an operand of '||'";
    case EXPR_COND:
        return "an operand of '?:'";
    case EXPR_COMMA:
        return "an operand of ','";
    case EXPR_ASSIGN:
        return "a nested assignment";
    case EXPR_SPAWN:
        return "an argument of ac_spawn";
    case EXPR_BLOCK_ON:
        return "an argument of ac_block_on";
    case EXPR_AWAIT:
        return "an argument of an awaited call";
    default:
        return "a larger expression";
    }
}

/* Diagnoses every outermost await below e. `place` names the position of e in its
 * statement; NULL means e is part of a statement-level expression, and the operator
 * right above the await names the position instead. */
static void reject_awaits(Lower *lw, Expr *e, const char *place) {
    if (!e)
        return;
    if (e->kind == EXPR_AWAIT) {
        error_at(e->pos, "await in %s is not supported yet", place ? place : "a larger expression");
        return;
    }
    const char *inner = place ? place : operand_place(e->kind);
    for (int i = 0; i < e->nkids; i++)
        reject_awaits(lw, e->kids[i], inner);
}

/* ---- accepted awaits ---------------------------------------------------------------- */

/* True when s holds only blanks and `paren` characters; counts the parens. */
static bool only_parens(const char *s, char paren, int *count) {
    *count = 0;
    for (; *s; s++) {
        if (*s == paren)
            ++*count;
        else if (!strchr(" \t\r\n", *s))
            return false;
    }
    return true;
}

/* e without the parentheses around it. */
static Expr *strip_parens(Expr *e) {
    int open, close;
    while (e && e->kind == EXPR_TEMPLATE && e->nkids == 1 && only_parens(e->text[0], '(', &open) &&
           only_parens(e->text[1], ')', &close) && open == close)
        e = e->kids[0];
    return e;
}

/* Records aw, standing as the whole of statement s, as the function's next await. */
static void accept_await(Lower *lw, Expr *aw, Stmt *s) {
    for (int i = 0; i < aw->nkids; i++)
        reject_awaits(lw, aw->kids[i], operand_place(EXPR_AWAIT));
    Func *f = lw->func;
    Await *a = xmalloc(sizeof *a);
    a->expr = aw;
    a->stmt = s;
    a->index = f->nawaits + 1;
    VEC_PUSH(&f->awaits, &f->nawaits, a);
}

/* The expression of a declaration or return: an await may be all of it. */
static void lower_value(Lower *lw, Stmt *s, Expr **slot) {
    Expr *e = strip_parens(*slot);
    if (e && e->kind == EXPR_AWAIT) {
        *slot = e;
        accept_await(lw, e, s);
    } else {
        reject_awaits(lw, *slot, NULL);
    }
}

/* An expression statement: `await(..);`, `lhs = await(..);` or no await at all. */
static void lower_expr_stmt(Lower *lw, Stmt *s) {
    Expr *e = strip_parens(s->expr);
    if (e && e->kind == EXPR_ASSIGN) {
        Expr *rhs = strip_parens(e->kids[1]);
        if (rhs->kind == EXPR_AWAIT) {
            reject_awaits(lw, e->kids[0], "the left side of an assignment");
            e->kids[1] = rhs;
            s->expr = e;
            accept_await(lw, rhs, s);
            return;
        }
    }
    lower_value(lw, s, &s->expr);
}

/* ---- the statement walk -------------------------------------------------------------- */

static void lower_stmt(Lower *lw, Stmt *s);

/* A for-loop initializer: an expression statement or declarations. */
static void lower_for_init(Lower *lw, Stmt *init) {
    if (!init)
        return;
    if (init->kind == STMT_BLOCK) {
        for (int i = 0; i < init->nkids; i++)
            lower_for_init(lw, init->kids[i]);
        return;
    }
    reject_awaits(lw, init->expr, "a for-loop initializer");
}

static void lower_decl(Lower *lw, Stmt *s) {
    if (s->var->init_is_list)
        reject_awaits(lw, s->expr, "an initializer list");
    else
        lower_value(lw, s, &s->expr);
}

static void lower_stmt(Lower *lw, Stmt *s) {
    if (!s)
        return;
    switch (s->kind) {
    case STMT_EXPR:
        lower_expr_stmt(lw, s);
        break;
    case STMT_DECL:
        lower_decl(lw, s);
        break;
    case STMT_RETURN:
        lower_value(lw, s, &s->expr);
        break;
    case STMT_TEXT:
        reject_awaits(lw, s->expr, "a declaration of several variables");
        break;
    case STMT_BLOCK:
        for (int i = 0; i < s->nkids; i++)
            lower_stmt(lw, s->kids[i]);
        break;
    case STMT_IF:
        reject_awaits(lw, s->expr, "an if condition");
        lower_stmt(lw, s->body);
        lower_stmt(lw, s->els);
        break;
    case STMT_WHILE:
        reject_awaits(lw, s->expr, "a while condition");
        lower_stmt(lw, s->body);
        break;
    case STMT_DO:
        lower_stmt(lw, s->body);
        reject_awaits(lw, s->expr, "a do-while condition");
        break;
    case STMT_FOR:
        lower_for_init(lw, s->init);
        reject_awaits(lw, s->expr, "a for condition");
        reject_awaits(lw, s->step, "a for-loop step");
        lower_stmt(lw, s->body);
        break;
    case STMT_SWITCH:
        reject_awaits(lw, s->expr, "a switch condition");
        lower_stmt(lw, s->body);
        break;
    case STMT_CASE:
        reject_awaits(lw, s->expr, "a case label");
        lower_stmt(lw, s->body);
        break;
    case STMT_DEFAULT:
    case STMT_LABEL:
        lower_stmt(lw, s->body);
        break;
    case STMT_GOTO:
    case STMT_BREAK:
    case STMT_CONTINUE:
    case STMT_ASM:
        break;
    }
}

bool lower_program(Program *prog) {
    int errors = diag_error_count();
    Lower lw = {NULL};
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        if (!f->is_defined)
            continue;
        lw.func = f;
        f->nawaits = 0;
        f->awaits = NULL;
        lower_stmt(&lw, f->body);
    }
    return diag_error_count() == errors;
}
