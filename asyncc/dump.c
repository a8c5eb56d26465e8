/* dump.c - the IR as indented text (asyncc --dump-ir).
 *
 * Expressions print on one line: template text as written (newlines as \n) with
 * every hole in braces - {var x}, {await f(args)}, {and: lhs, rhs} - so the holes
 * asyncc will rewrite stand out from the text it copies. Statements print one per
 * line, indented by nesting, with their position and [await] when an await is
 * inside. Fields set by the later stages (frame names, states) print when set.
 */
#include "dump.h"

static void text_put(Buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '\n')
            buf_put(b, "\\n");
        else if (*s == '\t')
            buf_put(b, "\\t");
        else
            buf_putn(b, s, 1);
    }
}

static void type_put(Buf *b, const CType *t) {
    size_t start = b->len;
    buf_printf(b, "%s%s", t->pre ? t->pre : "", t->post ? t->post : "");
    while (b->len > start && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
    const struct {
        bool on;
        const char *name;
    } flags[] = {{t->is_void, "void"},
                 {t->is_array, "array"},
                 {t->is_vla, "vla"},
                 {t->local != NULL, "local"}};
    bool any = false;
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (flags[i].on) {
            buf_printf(b, "%s%s", any ? " " : " <", flags[i].name);
            any = true;
        }
    if (any)
        buf_put(b, ">");
}

static void expr_put(Buf *b, const Expr *e);

static void kids_put(Buf *b, const Expr *e) {
    for (int i = 0; i < e->nkids; i++) {
        buf_put(b, i ? ", " : "");
        expr_put(b, e->kids[i]);
    }
}

static void expr_put(Buf *b, const Expr *e) {
    static const char *const ops[] = {[EXPR_AND] = "and",
                                      [EXPR_OR] = "or",
                                      [EXPR_COND] = "cond",
                                      [EXPR_COMMA] = "comma",
                                      [EXPR_ASSIGN] = "assign"};
    switch (e->kind) {
    case EXPR_TEMPLATE:
        for (int i = 0; i < e->nkids; i++) {
            text_put(b, e->text[i]);
            expr_put(b, e->kids[i]);
        }
        text_put(b, e->text[e->nkids]);
        return;
    case EXPR_VAR:
        buf_printf(b, "{var %s%s}", e->var->name, e->addr_of ? " addr" : "");
        return;
    case EXPR_LITERAL:
        buf_put(b, "{literal ");
        expr_put(b, e->kids[0]);
        buf_put(b, "}");
        return;
    case EXPR_AWAIT:
    case EXPR_SPAWN:
    case EXPR_BLOCK_ON:
    case EXPR_FUTURE:
        buf_printf(b, "{%s %s(",
                   e->kind == EXPR_AWAIT      ? "await"
                   : e->kind == EXPR_SPAWN    ? "spawn"
                   : e->kind == EXPR_BLOCK_ON ? "block_on"
                                              : "future",
                   e->callee->name);
        kids_put(b, e);
        buf_put(b, ")}");
        return;
    case EXPR_BRANCH: /* {on f(args) -> dest if cond} */
        buf_printf(b, "{on %s(", e->callee->name);
        kids_put(b, e);
        buf_put(b, ")");
        if (e->dest) {
            buf_put(b, " -> ");
            expr_put(b, e->dest);
        }
        if (e->cond) {
            buf_put(b, " if ");
            expr_put(b, e->cond);
        }
        buf_put(b, "}");
        return;
    default:
        buf_printf(b, "{%s: ", ops[e->kind]);
        kids_put(b, e);
        buf_put(b, "}");
        return;
    }
}

static void indent_put(Buf *b, int depth) {
    for (int i = 0; i < depth; i++)
        buf_put(b, "  ");
}

static void stmt_put(Buf *b, const Stmt *s, int depth);

/* A sub-statement under a label line ("then:", "body:"), one level deeper. */
static void part_put(Buf *b, const char *label, const Stmt *s, int depth) {
    if (!s)
        return;
    indent_put(b, depth);
    buf_printf(b, "%s\n", label);
    stmt_put(b, s, depth + 1);
}

static void expr_line_put(Buf *b, const char *label, const Expr *e, int depth) {
    if (!e)
        return;
    indent_put(b, depth);
    buf_printf(b, "%s ", label);
    expr_put(b, e);
    buf_put(b, "\n");
}

/* The statement's first line: kind and what fits on one line. */
static void stmt_head_put(Buf *b, const Stmt *s) {
    static const char *const names[] = {[STMT_EXPR] = "expr",
                                        [STMT_DECL] = "decl",
                                        [STMT_TEXT] = "text",
                                        [STMT_BLOCK] = "block",
                                        [STMT_IF] = "if",
                                        [STMT_WHILE] = "while",
                                        [STMT_DO] = "do",
                                        [STMT_FOR] = "for",
                                        [STMT_SWITCH] = "switch",
                                        [STMT_CASE] = "case",
                                        [STMT_DEFAULT] = "default",
                                        [STMT_LABEL] = "label",
                                        [STMT_GOTO] = "goto",
                                        [STMT_BREAK] = "break",
                                        [STMT_CONTINUE] = "continue",
                                        [STMT_RETURN] = "return",
                                        [STMT_ASM] = "asm",
                                        [STMT_COMMENT] = "comment",
                                        [STMT_DIRECTIVE] = "directive"};
    buf_put(b, names[s->kind]);
    if (s->kind == STMT_DECL) {
        buf_printf(b, " %s%s: ", s->var->is_static ? "static " : "", s->var->name);
        type_put(b, &s->var->type);
        buf_put(b, s->expr ? (s->var->is_static ? " is" : " =") : "");
    }
    if (s->text) {
        buf_put(b, " ");
        text_put(b, s->text);
    }
    if (s->expr && s->kind != STMT_FOR) {
        buf_put(b, " ");
        expr_put(b, s->expr);
    }
    buf_printf(b, "  @%u:%u%s\n", s->pos.line, s->pos.col, s->has_await ? " [await]" : "");
}

static void stmt_put(Buf *b, const Stmt *s, int depth) {
    indent_put(b, depth);
    stmt_head_put(b, s);
    for (int i = 0; i < s->nkids; i++)
        stmt_put(b, s->kids[i], depth + 1);
    if (s->kind == STMT_FOR) {
        part_put(b, "init:", s->init, depth + 1);
        expr_line_put(b, "cond:", s->expr, depth + 1);
        expr_line_put(b, "step:", s->step, depth + 1);
    }
    part_put(b, s->kind == STMT_IF ? "then:" : "body:", s->body, depth + 1);
    part_put(b, "else:", s->els, depth + 1);
}

static void var_put(Buf *b, const Var *v) {
    buf_printf(b, "  var #%d %s: ", v->id, v->name);
    type_put(b, &v->type);
    buf_printf(b, "  @%u:%u", v->pos.line, v->pos.col);
    const struct {
        bool on;
        const char *name;
    } flags[] = {{v->is_param, "param"},    {v->is_static, "static"}, {v->is_temp, "temp"},
                 {v->init_is_list, "list"}, {v->addr_taken, "addr"},  {v->in_frame, "frame"}};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
        if (flags[i].on)
            buf_printf(b, " %s", flags[i].name);
    if (v->field)
        buf_printf(b, " field=%s", v->field);
    buf_put(b, "\n");
}

static void await_put(Buf *b, const Await *a) {
    buf_printf(b, "  await #%d %s @%u:%u", a->index, a->expr->callee->name, a->expr->pos.line,
               a->expr->pos.col);
    if (a->stmt)
        buf_printf(b, " in stmt @%u:%u", a->stmt->pos.line, a->stmt->pos.col);
    if (a->state)
        buf_printf(b, " state=%s", a->state);
    if (a->label)
        buf_printf(b, " label=%s", a->label);
    if (a->member)
        buf_printf(b, " member=%s", a->member);
    buf_put(b, "\n");
}

static void func_put(Buf *b, const Func *f) {
    buf_printf(b, "func %s%s%s%s%s: ", f->name, f->is_static ? " static" : "",
               f->is_defined ? " defined" : "", f->in_main_file ? "" : " header",
               f->frame_known ? "" : " boxed");
    type_put(b, &f->ret);
    buf_put(b, " (");
    for (int i = 0; i < f->nparams; i++) {
        buf_put(b, i ? ", " : "");
        type_put(b, &f->params[i]->type);
    }
    buf_printf(b, ")  @%u:%u bytes [%u, %u)\n", f->pos.line, f->pos.col, f->start, f->end);
    if (f->self)
        buf_printf(b, "  poll(%s, %s, %s)\n", f->self, f->cx, f->out ? f->out : "-");
    for (int i = 0; i < f->ntypes; i++) {
        buf_put(b, "  type ");
        text_put(b, f->types[i]->text[0]);
        buf_printf(b, "  @%u:%u\n", f->types[i]->pos.line, f->types[i]->pos.col);
    }
    for (int i = 0; i < f->nvars; i++)
        var_put(b, f->vars[i]);
    for (int i = 0; i < f->nawaits; i++)
        await_put(b, f->awaits[i]);
    if (f->ncallees) {
        buf_put(b, "  callees:");
        for (int i = 0; i < f->ncallees; i++)
            buf_printf(b, " %s", f->callees[i]->name);
        buf_put(b, "\n");
    }
    if (f->uses_spawn || f->uses_block_on || f->uses_future)
        buf_printf(b, "  used by%s%s%s\n", f->uses_spawn ? " spawn" : "",
                   f->uses_block_on ? " block_on" : "", f->uses_future ? " future" : "");
    if (f->nidents) {
        buf_put(b, "  idents:");
        for (int i = 0; i < f->nidents; i++)
            buf_printf(b, " %s", f->idents[i]);
        buf_put(b, "\n");
    }
    if (f->body)
        stmt_put(b, f->body, 1);
}

void dump_program(const Program *prog, const char *title, Buf *out) {
    buf_printf(out, "== %s: %s ==\n", title, prog->path);
    for (int i = 0; i < prog->nfuncs; i++)
        func_put(out, prog->funcs[i]);
    for (int i = 0; i < prog->nsites; i++) {
        const Site *s = prog->sites[i];
        buf_printf(out, "site bytes [%u, %u) in function at byte %u: ", s->start, s->end,
                   s->func_start);
        expr_put(out, s->expr);
        buf_put(out, "\n");
    }
}
