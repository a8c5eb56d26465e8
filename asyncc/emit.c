/* emit.c - writes the output file: the source with every async function replaced
 * by its state machine (grammar/abi.md has the shape, section by section).
 *
 * The output is the main file's bytes with edits, in file order:
 *   - an async definition becomes init, poll and drop (preceded by its interface
 *     when nothing earlier needed it);
 *   - an async prototype becomes forward declarations;
 *   - ac_spawn(f(a)) / ac_block_on(f(a)) in ordinary code become f_spawn(a) /
 *     f_block_on(a);
 *   - an interface (state enum, frame struct, prototypes, spawn/block_on helpers)
 *     is inserted before the first function whose code needs it complete, callees
 *     first, since a frame embeds the frames of its awaits by value.
 *
 * `#line` directives keep compiler messages and debuggers on the source's lines
 * (out.h): every statement's output is at the statement's line, asyncc's own code
 * at its line of the generated file.
 */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctext.h"
#include "emit_gdb.h"
#include "ir.h"
#include "out.h"

#ifndef ASYNCC_VERSION
#define ASYNCC_VERSION "0.1.0"
#endif

/* ---- types ------------------------------------------------------------------------------ */

/* The declaration of `name` with type t ("char buf[16]"). */
static char *decl_of(const CType *t, const char *name) {
    return xprintf("%s%s%s", t->pre, name, t->post);
}

/* The declaration of variable v as `name`, with its alignment specifiers. */
static char *var_decl_of(const Var *v, const char *name) {
    return xprintf("%s%s", v->align ? v->align : "", decl_of(&v->type, name));
}

/* The type alone ("char[16]", "int *", "int (*)(void)"). */
static char *type_name(const CType *t) {
    char *pre = xstrdup(t->pre);
    size_t n = strlen(pre);
    while (n > 0 && pre[n - 1] == ' ' && (t->post[0] == '[' || t->post[0] == '\0'))
        pre[--n] = '\0';
    return xprintf("%s%s", pre, t->post);
}

/* poll's result parameter: `T *out`, or `void *out` for a void function. */
static char *out_param(const Func *f) {
    if (f->ret.is_void)
        return xprintf("void *%s", f->out);
    return xprintf("%s*%s%s", f->ret.pre, f->out, f->ret.post);
}

/* A function defined in another file: its frame type is incomplete here, so awaits
 * box the frame on the heap, NAME_frame_size bytes (abi.md, section 8). */
static bool is_boxed(const Func *f) {
    return !f->frame_known;
}

/* The size of f's frame, as this file can spell it. */
static char *frame_size_of(const Func *f) {
    return is_boxed(f) ? xprintf("%s_frame_size", f->name) : xprintf("sizeof(%s_frame)", f->name);
}

static bool same_type(const CType *a, const CType *b) {
    return !a->is_void && !b->is_void && a->canon && b->canon && strcmp(a->canon, b->canon) == 0;
}

/* ---- the emitter ------------------------------------------------------------------------ */

typedef struct Line {
    unsigned start;  /* byte offset */
    bool in_comment; /* begins inside a block comment: no #line may go there */
} Line;

typedef struct Emitter {
    const Program *prog;
    Out out;
    int nlines;
    Line *lines;    /* lines[k] is source line k + 1 */
    bool *ready;    /* per Program.funcs index: interface written */
    bool *declared; /* per Program.funcs index: frame typedef and prototypes written */
} Emitter;

static int func_index(const Program *prog, const Func *f) {
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i] == f)
            return i;
    return 0;
}

static void add_line(Emitter *em, size_t start, bool in_comment) {
    Line l = {(unsigned)start, in_comment};
    VEC_PUSH(&em->lines, &em->nlines, l);
}

/* Finds the source lines, and which of them begin inside a block comment. */
static void index_lines(Emitter *em) {
    const char *src = em->prog->src;
    size_t len = em->prog->len;
    bool in_comment = false;
    add_line(em, 0, false);
    for (size_t i = 0; i < len;) {
        if (src[i] == '\n') {
            add_line(em, ++i, in_comment);
        } else if (in_comment) {
            in_comment = !(src[i] == '*' && i + 1 < len && src[i + 1] == '/');
            i += in_comment ? 1 : 2;
        } else if (src[i] == '/' && i + 1 < len && src[i + 1] == '*') {
            in_comment = true;
            i += 2;
        } else if (src[i] == '/' && i + 1 < len && src[i + 1] == '/') {
            while (i < len && src[i] != '\n')
                i++;
        } else if (src[i] == '"' || src[i] == '\'') {
            i += literal_len(src + i, len - i);
        } else {
            i++;
        }
    }
}

/* The index in em->lines of the line holding byte `offset`. */
static int line_index(const Emitter *em, size_t offset) {
    int lo = 0, hi = em->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (em->lines[mid].start <= offset)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Copies source bytes [from, to): each line that starts in the output is at its
 * source line, unless it starts inside a comment (no directive may go there). The
 * rest of a line the emitter began keeps the emitter's mapping. */
static void copy_source(Emitter *em, size_t from, size_t to) {
    const char *src = em->prog->src;
    while (from < to) {
        const char *nl = memchr(src + from, '\n', to - from);
        size_t stop = nl ? (size_t)(nl - src) + 1 : to;
        int k = line_index(em, from);
        bool in_comment = em->lines[k].start == from && em->lines[k].in_comment;
        if (out_at_line_start(&em->out) && in_comment)
            out_quiet(&em->out);
        else if (out_at_line_start(&em->out))
            out_sync(&em->out, (unsigned)k + 1);
        out_putn(&em->out, src + from, stop - from);
        from = stop;
    }
}

/* ---- expressions ------------------------------------------------------------------------ */

/* What a poll body is being written for. f is NULL for ordinary code (sites). */
typedef struct Poll {
    Emitter *em;
    Out *out;
    Func *f;
    char *result; /* name of the block-local temporary receiving an await's value */
    char *init;   /* name of the block-local copy of a frame array's initializer */
    bool falls;   /* the case label about to be written is reached by falling through */
    /* The statement a label labels, innermost, and where its output starts: the
     * code a comment on its line trails. */
    const Stmt *labeled;
    size_t labeled_mark;
    /* The frame variables with a cleanup whose scope the code being written is in,
     * in declaration order; the scope a break and a continue leave begins at brk and
     * cont; each label's scope, for the gotos (cleanup_labels). */
    const Var **scope;
    int nscope, brk, cont;
    int nlabels;
    struct LabelScope *labels;
} Poll;

typedef struct LabelScope {
    const char *name;
    int nscope;
    const Var **scope;
} LabelScope;

/* How a variable is spelled in poll: its frame field, or itself. */
static char *var_ref(const Poll *p, const Var *v) {
    return v->in_frame ? xprintf("%s->%s", p->f->self, v->field) : v->name;
}

static void emit_expr(Poll *p, const Expr *e);

/* A call's arguments, each after ", " except a first one that leads the list. */
static void emit_args(Poll *p, const Expr *e, bool leads) {
    for (int i = 0; i < e->nkids; i++) {
        if (i > 0 || !leads)
            out_put(p->out, ", ");
        emit_expr(p, e->kids[i]);
    }
}

static void emit_literal(Poll *p, const Expr *e);

static void emit_expr(Poll *p, const Expr *e) {
    switch (e->kind) {
    case EXPR_TEMPLATE:
        for (int i = 0; i < e->nkids; i++) {
            out_source(p->out, e->text[i]);
            emit_expr(p, e->kids[i]);
        }
        out_source(p->out, e->text[e->nkids]);
        return;
    case EXPR_VAR:
        out_put(p->out, var_ref(p, e->var));
        return;
    case EXPR_LITERAL:
        emit_literal(p, e);
        return;
    case EXPR_SPAWN:
    case EXPR_BLOCK_ON:
    case EXPR_FUTURE:
        out_printf(p->out, "%s_%s(", e->callee->name,
                   e->kind == EXPR_SPAWN      ? "spawn"
                   : e->kind == EXPR_BLOCK_ON ? "block_on"
                                              : "future");
        emit_args(p, e, true);
        out_put(p->out, ")");
        return;
    case EXPR_AWAIT:
    case EXPR_BRANCH:
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_COND:
    case EXPR_COMMA:
    case EXPR_ASSIGN:
        break;
    }
    /* parse makes the operator nodes only above an await, and lower.c leaves an await
     * only as a whole statement (`lhs = await(..)` is taken apart by emit_await) */
    assert(!"an await inside an expression");
}

/* A compound literal kept as written, or when its storage is in the frame, written
 * there where the literal is evaluated and used in place as `*&storage`, an lvalue
 * of the literal's type: `(*(self->literal = (struct pt){1, 2}, &self->literal))`.
 * An array or a structure with a const member is copied in with memcpy. */
static void emit_literal(Poll *p, const Expr *e) {
    const Var *v = e->var;
    if (!v->in_frame) {
        emit_expr(p, e->kids[0]);
        return;
    }
    char *ref = var_ref(p, v);
    if (v->type.is_array || v->type.is_readonly) {
        out_printf(p->out, "(*(memcpy(&%s, &", ref);
        emit_expr(p, e->kids[0]);
        out_printf(p->out, ", sizeof %s), &%s))", ref, ref);
    } else {
        out_printf(p->out, "(*(%s = ", ref);
        emit_expr(p, e->kids[0]);
        out_printf(p->out, ", &%s))", ref);
    }
}

/* ---- statements ------------------------------------------------------------------------- */

static void emit_stmt(Poll *p, Stmt *s, int level);
static void emit_head(Poll *p, int level, const char *head, const Expr *e, const char *tail);

static const Await *await_of(const Func *f, const Expr *e) {
    for (int i = 0; i < f->nawaits; i++)
        if (f->awaits[i]->expr == e)
            return f->awaits[i];
    assert(!"every await was numbered by lower.c");
    return NULL;
}

/* ---- task-local bindings (<ac_local.h>) --------------------------------------------- */

/* A frame variable declared by ac_local_scope: its cleanup is the runtime's
 * ac_local_exit. */
static bool is_local_binding(const Var *v) {
    return strcmp(v->cleanup, "ac_local_exit") == 0;
}

/* The bindings in scope at await a leave the thread's stack of bindings in force when
 * poll returns AC_PENDING there (innermost first), and join it again where the next
 * poll, on whatever thread, resumes there (outermost first): the stack holds the scopes
 * the running code is inside, which is what ac_local_get reads. */
static void emit_bindings(Out *o, const Func *f, const Await *a, bool resume, int level) {
    for (int k = 0; k < a->ncleanups; k++) {
        const Var *v = a->cleanups[resume ? k : a->ncleanups - 1 - k];
        if (is_local_binding(v))
            out_line(o, level, "%s(&%s->%s);", resume ? "ac_local_resume" : "ac_local_suspend",
                     f->self, v->field);
    }
}

static void emit_form(Poll *p, const Expr *aw, const char *dest, int level);
static char *fresh_local(const Func *f, const char *base);

/* `g_init(frame, args);` for the call e of g, allocating a boxed frame first. */
static void emit_start(Poll *p, const Expr *e, const char *frame, int level) {
    const Func *g = e->callee;
    if (is_boxed(g))
        out_line(p->out, level, "%s = ac_frame_new(%s, \"%s\");", frame, frame_size_of(g), g->name);
    out_indent(p->out, level);
    out_printf(p->out, "%s_init(%s", g->name, frame);
    emit_args(p, e, false);
    out_put(p->out, ");\n");
}

/* Starts the awaited call and polls it, suspending while it is pending. `dest` is
 * poll's result pointer. A poll that answers AC_READY has written it: a generated
 * poll has no other way to answer it (emit_dispatch), so the compiler, inlining the
 * callee's poll, sees the result written before it is read, without a clearing.
 * A boxed callee's frame is allocated before its init and freed once it is ready;
 * every path out of poll changes the state first, so drop never sees it freed. */
static void emit_suspend(Poll *p, const Expr *aw, const char *dest, int level) {
    const Func *f = p->f, *g = aw->callee;
    if (g->form != FORM_CALL) {
        emit_form(p, aw, dest, level);
        return;
    }
    const Await *a = await_of(f, aw);
    bool boxed = is_boxed(g);
    char *frame = xprintf("%s%s->%s", boxed ? "" : "&", f->self, a->member);
    emit_start(p, aw, frame, level);
    out_line(p->out, level, "%s->state = %s;", f->self, a->state);
    out_label(p->out, level, a->label);
    out_line(p->out, level, "if (%s_poll(%s, %s, %s) == AC_PENDING) {", g->name, frame, f->cx,
             dest);
    emit_bindings(p->out, f, a, false, level + 1);
    out_line(p->out, level + 1, "return AC_PENDING;");
    out_line(p->out, level, "}");
    if (boxed)
        out_line(p->out, level, "ac_frame_free(%s);", frame);
}

/* ---- select, join and timeout ------------------------------------------------------ */

/* The ac_select mode of a form (ac_timeout is a biased select of its branch and a
 * sleep). */
static const char *form_mode(Form form) {
    switch (form) {
    case FORM_SELECT:
        return "AC_SELECT_FAIR";
    case FORM_JOIN_ALL:
        return "AC_SELECT_JOIN_ALL";
    case FORM_TRY_JOIN:
        return "AC_SELECT_TRY_JOIN";
    default:
        return "AC_SELECT_BIASED";
    }
}

/* The form's bookkeeping, `&self->await_select.sel`. */
static char *form_sel(const Func *f, const Expr *form) {
    return xprintf("&%s->%s.sel", f->self, await_of(f, form)->member);
}

/* Branch b's frame, `&self->await_select.recv` (the pointer itself when boxed). */
static char *branch_frame(const Func *f, const Expr *form, const Expr *b) {
    return xprintf("%s%s->%s.%s", is_boxed(b->callee) ? "" : "&", f->self,
                   await_of(f, form)->member, b->member);
}

/* `g_drop(frame);`, and the free of a boxed frame. */
static void emit_callee_drop(Out *o, int level, const Func *g, const char *frame) {
    out_line(o, level, "%s_drop(%s);", g->name, frame);
    if (is_boxed(g))
        out_line(o, level, "ac_frame_free(%s);", frame);
}

/* The branches still running, dropped where they stopped: the losers when the form
 * is decided, every one when the caller is dropped. */
static void emit_branch_drops(Out *o, const Func *f, const Expr *form, int level) {
    char *sel = form_sel(f, form);
    for (int i = 0; i < form->nkids; i++) {
        out_line(o, level, "if (ac_select_running(%s, %d)) {", sel, i);
        emit_callee_drop(o, level + 1, form->kids[i]->callee, branch_frame(f, form, form->kids[i]));
        out_line(o, level, "}");
    }
}

/* `case i:` polling branch i: into its destination, or a local that drops the result;
 * when it is ready, the form learns whether it is ok. */
static void emit_branch_poll(Poll *p, const Expr *form, int i, const char *discarded, int level) {
    const Func *f = p->f;
    const Expr *b = form->kids[i];
    const Func *g = b->callee;
    char *frame = branch_frame(f, form, b);
    bool scratch = !b->dest && !g->ret.is_void;
    out_line(p->out, level - 1, "case %d:%s", i, scratch ? " {" : "");
    out_indent(p->out, level);
    if (scratch) {
        out_printf(p->out, "%s;\n", decl_of(&g->ret, discarded));
        out_indent(p->out, level);
    }
    out_printf(p->out, "if (%s_poll(%s, %s, ", g->name, frame, f->cx);
    if (b->dest)
        emit_expr(p, b->dest);
    else
        out_put(p->out, scratch ? xprintf("&%s", discarded) : "NULL");
    out_put(p->out, ") == AC_READY) {\n");
    if (is_boxed(g))
        out_line(p->out, level + 1, "ac_frame_free(%s);", frame);
    out_indent(p->out, level + 1);
    out_printf(p->out, "ac_select_done(%s, %d, ", form_sel(f, form), i);
    if (b->cond)
        emit_expr(p, b->cond);
    else
        out_put(p->out, "1");
    out_put(p->out, ");\n");
    out_line(p->out, level, "}");
    out_line(p->out, level, "break;");
    if (scratch)
        out_line(p->out, level - 1, "}");
}

/* A select, join or timeout (ac_runtime.h, ac_select): every branch started, then at
 * each poll a round over the running ones; once decided, the losers are dropped and
 * the value (the deciding branch, or AC_NONE) goes through dest (NULL: unused). */
static void emit_form(Poll *p, const Expr *aw, const char *dest, int level) {
    const Func *f = p->f;
    const Await *a = await_of(f, aw);
    char *sel = form_sel(f, aw), *branch = fresh_local(f, "branch");
    for (int i = 0; i < aw->nkids; i++)
        emit_start(p, aw->kids[i], branch_frame(f, aw, aw->kids[i]), level);
    out_line(p->out, level, "ac_select_begin(%s, %d, %s);", sel, aw->nkids,
             form_mode(aw->callee->form));
    out_line(p->out, level, "%s->state = %s;", f->self, a->state);
    out_label(p->out, level, a->label);
    out_line(p->out, level, "for (int %s; (%s = ac_select_next(%s)) >= 0;) {", branch, branch, sel);
    out_line(p->out, level + 1, "switch (%s) {", branch);
    for (int i = 0; i < aw->nkids; i++)
        emit_branch_poll(p, aw, i, fresh_local(f, "discarded"), level + 2);
    out_line(p->out, level + 1, "}");
    out_line(p->out, level, "}");
    out_line(p->out, level, "if (ac_select_pending(%s)) {", sel);
    emit_bindings(p->out, f, a, false, level + 1);
    out_line(p->out, level + 1, "return AC_PENDING;");
    out_line(p->out, level, "}");
    if (aw->callee->form != FORM_JOIN_ALL) /* a join ends when none is left */
        emit_branch_drops(p->out, f, aw, level);
    if (dest && !aw->callee->ret.is_void)
        out_line(p->out, level, "%s = ac_select_result(%s);",
                 dest[0] == '&' ? dest + 1 : xprintf("*%s", dest), sel);
}

/* Where an await's value goes; all unset: nowhere. */
typedef struct Dest {
    const Var *var;  /* x = await(..) and T x = await(..) */
    const Expr *lhs; /* lhs = await(..) with any other lhs */
    bool out;        /* return await(..) in a function with a value */
} Dest;

/* `dest = result;`, or a byte copy where dest has a const member and cannot be
 * assigned. */
static void emit_store(Poll *p, const char *dest, bool readonly, int level) {
    if (readonly)
        out_line(p->out, level, "memcpy(&%s, &%s, sizeof %s);", dest, p->result, p->result);
    else
        out_line(p->out, level, "%s = %s;", dest, p->result);
}

/* The await, polled straight into its destination when that is a variable of the
 * callee's type (or poll's own out), else into a block-local temporary: always when
 * the variable shares storage with the callee's frame (Await.result_shares). */
static void emit_await(Poll *p, const Expr *aw, Dest d, int level) {
    const CType *type = &aw->callee->ret;
    if (type->is_void) {
        emit_suspend(p, aw, "NULL", level);
        return;
    }
    if (aw->callee->form != FORM_CALL && !d.var && !d.lhs && !d.out) {
        emit_form(p, aw, NULL, level); /* its value unused */
        return;
    }
    if (d.var && same_type(&d.var->type, type) && !d.var->type.is_qualified &&
        !await_of(p->f, aw)->result_shares) {
        char *ref = var_ref(p, d.var);
        emit_suspend(p, aw, xprintf("&%s", ref), level);
        return;
    }
    if (d.out && same_type(&p->f->ret, type)) {
        emit_suspend(p, aw, p->f->out, level);
        return;
    }
    out_line(p->out, level, "{");
    out_line(p->out, level + 1, "%s;", decl_of(type, p->result));
    emit_suspend(p, aw, xprintf("&%s", p->result), level + 1);
    if (d.var) {
        emit_store(p, var_ref(p, d.var), d.var->type.is_readonly, level + 1);
    } else if (d.lhs) {
        out_indent(p->out, level + 1);
        emit_expr(p, d.lhs);
        out_printf(p->out, " = %s;\n", p->result);
    } else if (d.out) {
        emit_store(p, xprintf("*%s", p->f->out), p->f->ret.is_readonly, level + 1);
    }
    out_line(p->out, level, "}");
}

/* A frame variable that cannot be assigned gets its initializer by a copy from a
 * local of poll: an array (a brace list or a string), or a structure with a const
 * member. (Copied from a compound literal instead, gcc 12 may take the literal for
 * a dangling pointer near a goto: -Wdangling-pointer.) */
static bool is_copied_init(const Var *v, const Expr *init) {
    return v->in_frame && init && (v->type.is_array || v->type.is_readonly);
}

/* The object `dest` of type t, at address `addr`, set to init through a block-local
 * copy. */
static void emit_copy_init(Poll *p, const CType *t, const char *dest, const char *addr,
                           const Expr *init, int level) {
    out_line(p->out, level, "{");
    out_indent(p->out, level + 1);
    out_printf(p->out, "%s = ", decl_of(t, p->init));
    emit_expr(p, init);
    out_put(p->out, ";\n");
    out_line(p->out, level + 1, "memcpy(%s, %s%s, sizeof %s);", addr, t->is_array ? "" : "&",
             p->init, dest);
    out_line(p->out, level, "}");
}

/* ---- cleanups: __attribute__((cleanup(fn))) on frame variables ----------------------- */

/* A frame variable keeps no attribute (poll returns at every suspension, which must
 * not end its scope): its cleanup is called where its scope ends - the end of its
 * block, a break, continue, goto or return that leaves it - and by the drop of a
 * frame suspended inside it (emit_drop). A local that stays in poll keeps the
 * attribute, and the compiler calls it. */
static bool has_frame_cleanup(const Var *v) {
    return v && v->cleanup && v->in_frame;
}

static void scope_push(Poll *p, const Var *v) {
    VEC_PUSH(&p->scope, &p->nscope, v);
}

/* `fn(&self->v);` for the variables in scope from index `from` on, the last declared
 * first (as C runs cleanups). */
static void emit_cleanups(Out *o, const Func *f, const Var *const *vars, int from, int n,
                          int level) {
    for (int i = n - 1; i >= from; i--)
        out_line(o, level, "%s(&%s->%s);", vars[i]->cleanup, f->self, vars[i]->field);
}

static void scope_leave(Poll *p, int from, int level) {
    emit_cleanups(p->out, p->f, p->scope, from, p->nscope, level);
}

/* The scope of every label of s, as the walk that writes it will see it. */
static void cleanup_labels(Poll *p, const Stmt *s) {
    if (!s)
        return;
    int mark = p->nscope;
    if (s->kind == STMT_DECL && has_frame_cleanup(s->var))
        scope_push(p, s->var);
    if (s->kind == STMT_LABEL) {
        LabelScope l = {s->text, p->nscope, xmalloc(sizeof(Var *) * ((size_t)p->nscope + 1))};
        for (int i = 0; i < p->nscope; i++)
            l.scope[i] = p->scope[i];
        VEC_PUSH(&p->labels, &p->nlabels, l);
    }
    for (int i = 0; s->init && s->init->kind == STMT_BLOCK && i < s->init->nkids; i++)
        cleanup_labels(p, s->init->kids[i]); /* in scope for the whole loop */
    cleanup_labels(p, s->body);
    cleanup_labels(p, s->els);
    for (int i = 0; i < s->nkids; i++)
        cleanup_labels(p, s->kids[i]);
    if (s->kind == STMT_BLOCK || s->kind == STMT_FOR)
        p->nscope = mark;
}

/* A goto leaves the scopes its label is not in. */
static void emit_goto(Poll *p, const char *label, int level) {
    int common = 0;
    for (int i = 0; i < p->nlabels; i++)
        if (strcmp(p->labels[i].name, label) == 0)
            while (common < p->nscope && common < p->labels[i].nscope &&
                   p->labels[i].scope[common] == p->scope[common])
                common++;
    scope_leave(p, common, level);
    out_line(p->out, level, "goto %s;", label);
}

static void emit_done(Poll *p, int level) {
    scope_leave(p, 0, level);
    out_line(p->out, level, "%s->state = %s_DONE;", p->f->self, p->f->name);
    out_line(p->out, level, "return AC_READY;");
}

static void emit_return(Poll *p, const Stmt *s, int level) {
    const Expr *e = s->expr;
    bool value = !p->f->ret.is_void;
    if (e && e->kind == EXPR_AWAIT) {
        emit_await(p, e, (Dest){.out = value}, level);
    } else if (e && value && p->f->ret.is_readonly) {
        emit_copy_init(p, &p->f->ret, xprintf("*%s", p->f->out), p->f->out, e, level);
    } else if (e) {
        out_indent(p->out, level);
        if (value)
            out_printf(p->out, "*%s = ", p->f->out);
        emit_expr(p, e);
        out_put(p->out, ";\n");
    }
    emit_done(p, level);
}

static void emit_expr_stmt(Poll *p, const Stmt *s, int level) {
    const Expr *e = s->expr;
    if (e && e->kind == EXPR_AWAIT) {
        emit_await(p, e, (Dest){0}, level);
    } else if (e && e->kind == EXPR_ASSIGN && e->kids[1]->kind == EXPR_AWAIT) {
        const Expr *lhs = e->kids[0];
        Dest d = lhs->kind == EXPR_VAR ? (Dest){.var = lhs->var} : (Dest){.lhs = lhs};
        emit_await(p, e->kids[1], d, level);
    } else {
        out_indent(p->out, level);
        if (e)
            emit_expr(p, e);
        out_put(p->out, ";\n");
    }
}

/* A frame variable's declaration as an expression assigning its initializer; a
 * brace list becomes a compound literal. (Arrays go through emit_array_init.) */
static void emit_frame_init(Poll *p, const Var *v, const Expr *init) {
    out_printf(p->out, "%s = ", var_ref(p, v));
    if (v->init_is_list)
        out_printf(p->out, "(%s)", type_name(&v->type));
    emit_expr(p, init);
}

/* A variable that stays a local of poll, declared as in the source; `shared`: only
 * its declarator, after another one of the same base type. */
static void emit_local_decl(Poll *p, const Var *v, const Expr *init, bool shared) {
    if (shared)
        out_printf(p->out, ", %s%s", v->name, v->type.post);
    else
        out_printf(p->out, "%s%s",
                   v->cleanup ? xprintf("__attribute__((cleanup(%s))) ", v->cleanup) : "",
                   var_decl_of(v, v->name));
    if (init) {
        out_put(p->out, " = ");
        emit_expr(p, init);
    }
}

static void emit_decl_as(Poll *p, const Stmt *s, int level);

/* A declaration; a frame variable with a cleanup is in scope after it. */
static void emit_decl(Poll *p, const Stmt *s, int level) {
    emit_decl_as(p, s, level);
    if (has_frame_cleanup(s->var))
        scope_push(p, s->var);
}

static void emit_decl_as(Poll *p, const Stmt *s, int level) {
    const Var *v = s->var;
    const Expr *init = s->expr;
    if (init && init->kind == EXPR_AWAIT) {
        if (!v->in_frame)
            out_line(p->out, level, "%s;", var_decl_of(v, v->name));
        emit_await(p, init, (Dest){.var = v}, level);
        return;
    }
    if (v->is_static) {
        /* parse keeps the whole declaration as text: it stays as it is */
        emit_head(p, level, "", init, "");
        return;
    }
    if (v->in_frame && !init)
        return;
    if (is_copied_init(v, init)) {
        char *ref = var_ref(p, v);
        emit_copy_init(p, &v->type, ref, v->type.is_array ? ref : xprintf("&%s", ref), init, level);
        return;
    }
    out_indent(p->out, level);
    if (v->in_frame)
        emit_frame_init(p, v, init);
    else
        emit_local_decl(p, v, init, false);
    out_put(p->out, ";\n");
}

/* A comment or a directive: no code of its own, no #line before it. */
static bool is_inert(const Stmt *s) {
    return s->kind == STMT_COMMENT || s->kind == STMT_DIRECTIVE;
}

/* The last statement of a block that is not inert; NULL if none is. */
static const Stmt *last_stmt(const Stmt *block) {
    for (int i = block->nkids - 1; i >= 0; i--)
        if (!is_inert(block->kids[i]))
            return block->kids[i];
    return NULL;
}

/* Can control run off the end of s into what follows? (Conservative: yes unless
 * s ends in a jump.) */
static bool may_fall(const Stmt *s) {
    while (s->kind == STMT_CASE || s->kind == STMT_DEFAULT || s->kind == STMT_LABEL)
        s = s->body;
    if (s->kind == STMT_BLOCK) {
        const Stmt *last = last_stmt(s);
        return !last || may_fall(last);
    }
    return s->kind != STMT_BREAK && s->kind != STMT_CONTINUE && s->kind != STMT_RETURN &&
           s->kind != STMT_GOTO;
}

static bool is_case(const Stmt *s) {
    return s->kind == STMT_CASE || s->kind == STMT_DEFAULT;
}

/* ---- comments --------------------------------------------------------------------------- */

/* A comment on lines of its own; the later lines of a block comment keep their
 * indentation relative to its first. Lines end in '\n' like the rest of the
 * output, whatever the source's line ends. */
static void emit_comment(Poll *p, const Stmt *s, int level) {
    const char *t = s->text;
    Mapping map = p->out->map;
    out_quiet(p->out);
    out_indent(p->out, level);
    for (const char *nl; (nl = strchr(t, '\n')) != NULL;) {
        out_putn(p->out, t, (size_t)(nl - t) - (nl > t && nl[-1] == '\r'));
        out_put(p->out, "\n");
        t = nl + 1;
        for (unsigned col = 1; col < s->pos.col && (*t == ' ' || *t == '\t'); col++)
            t++;
        if (*t != '\n' && *t != '\0')
            out_indent(p->out, level);
    }
    out_printf(p->out, "%s\n", t);
    p->out->map = map;
}

/* A directive as written, from the start of its line (with its splices); its
 * lines end in '\n' like the rest of the output. */
static void emit_directive(Poll *p, const Stmt *s) {
    const char *t = s->text;
    Mapping map = p->out->map;
    out_quiet(p->out);
    for (const char *nl; (nl = strchr(t, '\n')) != NULL; t = nl + 1) {
        out_putn(p->out, t, (size_t)(nl - t) - (nl > t && nl[-1] == '\r'));
        out_put(p->out, "\n");
    }
    out_printf(p->out, "%s\n", t);
    p->out->map = map;
}

/* Whether the output from mark on ends with a whole line of code: not blank, not a
 * directive, not a lone brace. */
static bool ends_with_code(const Out *o, size_t mark) {
    const char *b = o->buf->data;
    size_t len = o->buf->len, start = len - 1;
    if (mark >= len || b[len - 1] != '\n')
        return false;
    while (start > mark && b[start - 1] != '\n')
        start--;
    while (b[start] == ' ')
        start++;
    return b[start] != '#' && b[start] != '\n' && !(b[start] == '}' && start == len - 2);
}

/* A comment that trails the code of prev on its line goes at the end of what prev
 * became (its output began at mark), when that ends with a line of code; otherwise
 * it goes on lines of its own. */
static bool emit_trailing(Poll *p, const Stmt *c, const Stmt *prev, size_t mark) {
    if (!c->trails || !prev || prev->pos.line != c->pos.line || !ends_with_code(p->out, mark))
        return false;
    out_reopen(p->out);
    out_printf(p->out, " %s\n", c->text);
    return true;
}

/* The source's fall-through comment before a case gives way to the one asyncc
 * writes right above the label, where gcc's -Wimplicit-fallthrough looks. */
static bool is_fallthrough_comment(const Stmt *s, const Stmt *next) {
    if (!next || !is_case(next))
        return false;
    char *lower = xstrdup(s->text);
    for (char *c = lower; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    bool is = strstr(lower, "fall") && strstr(lower, "thr");
    free(lower);
    return is;
}

/* Statements in sequence. prev is the statement whose output started at mark, if
 * a comment may trail it (a label's). */
static void emit_stmts(Poll *p, Stmt **kids, int n, int level, const Stmt *prev, size_t mark) {
    const Stmt *code = NULL; /* the last statement that is not inert */
    for (int i = 0; i < n; i++) {
        Stmt *k = kids[i];
        bool code_falls = code && may_fall(code);
        p->falls = is_case(k) && code_falls;
        if (k->kind == STMT_COMMENT &&
            (emit_trailing(p, k, prev, mark) ||
             (code_falls && is_fallthrough_comment(k, i + 1 < n ? kids[i + 1] : NULL))))
            continue;
        mark = p->out->buf->len;
        emit_stmt(p, k, level);
        prev = k;
        if (k->kind == STMT_CASE || k->kind == STMT_DEFAULT || k->kind == STMT_LABEL) {
            prev = p->labeled; /* a comment on its line trails it, not the label */
            mark = p->labeled_mark;
        }
        code = is_inert(k) ? code : k;
    }
}

/* The statements of a body, inside braces the caller writes. */
static void emit_body(Poll *p, Stmt *s, int level) {
    int mark = p->nscope;
    if (s && s->kind == STMT_BLOCK)
        emit_stmts(p, s->kids, s->nkids, level, NULL, 0);
    else if (s)
        emit_stmt(p, s, level);
    if (s && may_fall(s))
        scope_leave(p, mark, level);
    p->nscope = mark;
}

/* The body of a loop (or of a switch: loop false), where break (and continue) leave
 * the scopes the body opens. */
static void emit_loop_body(Poll *p, Stmt *body, int level, bool loop) {
    int brk = p->brk, cont = p->cont;
    p->brk = p->nscope;
    if (loop)
        p->cont = p->nscope;
    emit_body(p, body, level);
    p->brk = brk;
    p->cont = cont;
}

/* head + expression + tail on one line: "while (" e ") {". */
static void emit_head(Poll *p, int level, const char *head, const Expr *e, const char *tail) {
    out_indent(p->out, level);
    out_put(p->out, head);
    if (e)
        emit_expr(p, e);
    out_put(p->out, tail);
    out_put(p->out, "\n");
}

static void emit_if(Poll *p, const Stmt *s, int level) {
    emit_head(p, level, "if (", s->expr, ") {");
    emit_body(p, s->body, level + 1);
    const Stmt *els = s->els;
    for (; els && els->kind == STMT_IF; els = els->els) {
        out_sync(p->out, els->pos.line);
        emit_head(p, level, "} else if (", els->expr, ") {");
        emit_body(p, els->body, level + 1);
    }
    if (els) {
        out_line(p->out, level, "} else {");
        emit_body(p, (Stmt *)els, level + 1);
    }
    out_line(p->out, level, "}");
}

/* A for-loop's declarations: none, one (STMT_DECL) or a block of them. */
static Stmt **for_decls(Stmt *s, int *n) {
    *n = 0;
    if (!s->init || s->init->kind == STMT_EXPR)
        return NULL;
    if (s->init->kind == STMT_DECL) {
        *n = 1;
        return &s->init;
    }
    *n = s->init->nkids;
    return s->init->kids;
}

/* The initializer clause: an expression, the declarations that stay local, or the
 * frame variables' initializations joined by commas (emit_for sees that the
 * declarations are all of one kind). */
static void emit_for_init(Poll *p, Stmt *s) {
    int n;
    Stmt **decls = for_decls(s, &n);
    if (!decls) {
        if (s->init && s->init->expr)
            emit_expr(p, s->init->expr);
        return;
    }
    bool first = true;
    for (int i = 0; i < n; i++) {
        const Var *v = decls[i]->var;
        if (!v->in_frame) {
            emit_local_decl(p, v, decls[i]->expr, i > 0);
        } else if (decls[i]->expr) {
            out_put(p->out, first ? "" : ", ");
            emit_frame_init(p, v, decls[i]->expr);
            first = false;
        }
    }
}

static void emit_for_loop(Poll *p, Stmt *s, int level, bool with_init) {
    out_indent(p->out, level);
    out_put(p->out, "for (");
    if (with_init)
        emit_for_init(p, s);
    out_put(p->out, s->expr ? "; " : ";");
    if (s->expr)
        emit_expr(p, s->expr);
    out_put(p->out, s->step ? "; " : ";");
    if (s->step)
        emit_expr(p, s->step);
    out_put(p->out, ") {\n");
    emit_loop_body(p, s->body, level + 1, true);
    out_line(p->out, level, "}");
}

/* Do the local declarations all start with one plain base type ("int ") and no
 * alignment specifier, so that
 * they can share a declaration (`int i = 0, j = n`)? */
static bool same_base(Stmt **decls, int n) {
    const char *base = decls[0]->var->type.pre;
    for (int i = 0; i < n; i++)
        if (decls[i]->var->in_frame || decls[i]->var->align ||
            strcmp(decls[i]->var->type.pre, base) != 0)
            return false;
    return !strpbrk(base, "*(");
}

/* Can the declarations stay in the clause? Not frame variables next to locals, nor
 * locals of different types, nor a frame array or a structure with a const member
 * (its initialization is statements). */
static bool fits_clause(Stmt **decls, int n) {
    int local = 0;
    for (int i = 0; i < n; i++) {
        if (is_copied_init(decls[i]->var, decls[i]->expr) || decls[i]->var->cleanup)
            return false;
        local += !decls[i]->var->in_frame;
    }
    return local == 0 || n == 1 || same_base(decls, n);
}

/* Declarations that do not fit the clause go in a block around the loop. */
static void emit_for(Poll *p, Stmt *s, int level) {
    int n;
    Stmt **decls = for_decls(s, &n);
    if (fits_clause(decls, n)) {
        emit_for_loop(p, s, level, true);
        return;
    }
    int mark = p->nscope;
    out_line(p->out, level, "{");
    for (int i = 0; i < n; i++)
        emit_stmt(p, decls[i], level + 1);
    emit_for_loop(p, s, level + 1, false);
    scope_leave(p, mark, level + 1);
    p->nscope = mark;
    out_line(p->out, level, "}");
}

static void emit_labeled(Poll *p, const char *label, Stmt *s, int level) {
    if (p->falls)
        out_line(p->out, level, "/* fall through */");
    size_t mark = p->out->buf->len;
    out_label(p->out, level, label);
    emit_stmts(p, s->kids, s->nkids, level, s, mark);
    p->falls = false;
    p->labeled = s->body ? s->body : s;
    p->labeled_mark = s->body ? p->out->buf->len : mark;
    if (s->body)
        emit_stmt(p, s->body, level); /* a label in there sets p->labeled again */
}

static void emit_stmt(Poll *p, Stmt *s, int level) {
    /* A comment needs no #line (labels and the fall-through comment above a case
     * hold no code: no directive comes between the comment and its case). */
    if (!is_inert(s))
        out_sync(p->out, s->pos.line);
    switch (s->kind) {
    case STMT_EXPR:
        emit_expr_stmt(p, s, level);
        return;
    case STMT_DECL:
        emit_decl(p, s, level);
        return;
    case STMT_TEXT:
        emit_head(p, level, "", s->expr, "");
        return;
    case STMT_BLOCK:
        out_line(p->out, level, "{");
        emit_body(p, s, level + 1);
        out_line(p->out, level, "}");
        return;
    case STMT_IF:
        emit_if(p, s, level);
        return;
    case STMT_WHILE:
    case STMT_SWITCH:
        emit_head(p, level, s->kind == STMT_WHILE ? "while (" : "switch (", s->expr, ") {");
        emit_loop_body(p, s->body, level + 1, s->kind == STMT_WHILE);
        out_line(p->out, level, "}");
        return;
    case STMT_DO:
        out_line(p->out, level, "do {");
        emit_loop_body(p, s->body, level + 1, true);
        out_sync(p->out, s->expr->pos.line);
        emit_head(p, level, "} while (", s->expr, ");");
        return;
    case STMT_FOR:
        emit_for(p, s, level);
        return;
    case STMT_CASE:
        emit_labeled(p, xprintf("case %s", s->text), s, level);
        return;
    case STMT_DEFAULT:
        emit_labeled(p, "default", s, level);
        return;
    case STMT_LABEL:
        emit_labeled(p, s->text, s, level);
        return;
    case STMT_GOTO:
        emit_goto(p, s->text, level);
        return;
    case STMT_BREAK:
        scope_leave(p, p->brk, level);
        out_line(p->out, level, "break;");
        return;
    case STMT_CONTINUE:
        scope_leave(p, p->cont, level);
        out_line(p->out, level, "continue;");
        return;
    case STMT_RETURN:
        emit_return(p, s, level);
        return;
    case STMT_ASM: /* its operands are holes: they follow variables into the frame */
        if (s->expr)
            emit_head(p, level, "", s->expr, "");
        else
            out_line(p->out, level, "%s", s->text);
        return;
    case STMT_COMMENT:
        emit_comment(p, s, level);
        return;
    case STMT_DIRECTIVE:
        emit_directive(p, s);
        return;
    }
}

/* ---- functions -------------------------------------------------------------------------- */

static const char *linkage(const Func *f) {
    return f->is_static ? "static " : "";
}

/* A parameter as declared: its name, or only its type when a prototype omits it. */
static char *param_decl(const Var *v) {
    return v->name && *v->name ? decl_of(&v->type, v->name) : type_name(&v->type);
}

/* init's parameter list: the frame, then the function's parameters. */
static char *init_params(const Func *f) {
    Buf b = {0};
    buf_printf(&b, "%s_frame *%s", f->name, f->self);
    for (int i = 0; i < f->nparams; i++)
        buf_printf(&b, ", %s", param_decl(f->params[i]));
    return b.data;
}

/* The frame typedef and the prototypes of init, poll and drop, once per function
 * name (a prototype or the interface writes them, whichever comes first). The last
 * line ends with `end`. */
static void emit_declarations(Emitter *em, const Func *f, const char *end) {
    for (int j = 0; j < em->prog->nfuncs; j++)
        if (em->declared[j] && strcmp(em->prog->funcs[j]->name, f->name) == 0)
            return;
    em->declared[func_index(em->prog, f)] = true;
    Out *o = &em->out;
    const char *storage = linkage(f);
    out_newline_if_needed(o);
    out_printf(o, "typedef struct %s_frame %s_frame;\n", f->name, f->name);
    out_printf(o, "%svoid %s_init(%s);\n", storage, f->name, init_params(f));
    out_printf(o, "%sac_poll %s_poll(%s_frame *%s, ac_cx *%s, %s);\n", storage, f->name, f->name,
               f->self, f->cx, out_param(f));
    out_printf(o, "%svoid %s_drop(%s_frame *%s);", storage, f->name, f->name, f->self);
    if (is_boxed(f))
        out_printf(o, "\nextern const size_t %s_frame_size;", f->name);
    out_put(o, end);
}

/* The types parse moved out of f's body (Func.types), at file scope, each line at
 * its line of the source. */
static void emit_types(Out *o, const Func *f) {
    for (int i = 0; i < f->ntypes; i++) {
        out_sync(o, f->types[i]->pos.line);
        out_source(o, f->types[i]->text[0]);
        out_put(o, "\n");
    }
    if (f->ntypes > 0)
        out_put(o, "\n");
    out_gen(o);
}

static void emit_state_enum(Out *o, const Func *f) {
    Buf one = {0};
    buf_printf(&one, "enum %s_state { %s_START, ", f->name, f->name);
    for (int i = 0; i < f->nawaits; i++)
        buf_printf(&one, "%s, ", f->awaits[i]->state);
    buf_printf(&one, "%s_DONE };", f->name);
    if (one.len <= 100) {
        out_printf(o, "%s\n", one.data);
        return;
    }
    out_printf(o, "enum %s_state {\n", f->name);
    out_line(o, 1, "%s_START,", f->name);
    for (int i = 0; i < f->nawaits; i++)
        out_line(o, 1, "%s,", f->awaits[i]->state);
    out_line(o, 1, "%s_DONE", f->name);
    out_put(o, "};\n");
}

/* `g_frame *g;` for a boxed callee, `g_frame g;` otherwise, at `level`. */
static void emit_frame_member(Out *o, int level, const Func *g, const char *member) {
    out_line(o, level, "%s_frame %s%s;", g->name, is_boxed(g) ? "*" : "", member);
}

/* The member of await a: the callee's frame, or a form's struct of its branches'
 * frames. */
static void emit_await_member(Out *o, const Await *a, int level) {
    const Expr *aw = a->expr;
    if (aw->callee->form == FORM_CALL) {
        emit_frame_member(o, level, aw->callee, a->member);
        return;
    }
    out_line(o, level, "struct {");
    out_line(o, level + 1, "ac_select sel;");
    for (int i = 0; i < aw->nkids; i++)
        emit_frame_member(o, level + 1, aw->kids[i]->callee, aw->kids[i]->member);
    out_line(o, level, "} %s;", a->member);
}

static void emit_union(Out *o, const char *first, const Layout *l, int level);

static void emit_field(Out *o, const Field *m, int level) {
    if (m->pad > 0)
        out_line(o, level, "char %s[%ld];", m->pad_name, m->pad);
    if (m->union_of)
        emit_union(o, NULL, m->union_of, level);
    else if (m->await)
        emit_await_member(o, m->await, level);
    else
        out_line(o, level, "%s;", var_decl_of(m->var, m->var->field));
}

static void emit_layout(Out *o, const Layout *l, int level);

/* Alternatives never needed at the same time: an anonymous union of anonymous
 * structs (an alternative of one field without a pad is that field), after the
 * member `first` if there is one. */
static void emit_union(Out *o, const char *first, const Layout *l, int level) {
    out_line(o, level, "union {");
    if (first)
        out_line(o, level + 1, "%s", first);
    for (int i = 0; i < l->nalts; i++) {
        const Layout *alt = l->alts[i];
        if (alt->nfields == 1 && alt->nalts == 0 && alt->fields[0].pad == 0) {
            emit_field(o, &alt->fields[0], level + 1);
            continue;
        }
        out_line(o, level + 1, "struct {");
        emit_layout(o, alt, level + 2);
        out_line(o, level + 1, "};");
    }
    out_line(o, level, "};");
}

static void emit_layout(Out *o, const Layout *l, int level) {
    for (int i = 0; i <= l->nfields; i++) {
        if (i == l->alts_at && l->nalts > 0)
            emit_union(o, NULL, l, level);
        if (i < l->nfields)
            emit_field(o, &l->fields[i], level);
    }
}

/* The frame: the state, then the layout frame.c chose, or the state as the first
 * member of its union (abi.md, section 2). */
static void emit_frame_struct(Out *o, const Func *f) {
    out_printf(o, "struct %s_frame {\n", f->name);
    char *state = xprintf("enum %s_state state;", f->name);
    if (f->layout->state_inside)
        emit_union(o, state, f->layout->fields[0].union_of, 1);
    else {
        out_line(o, 1, "%s", state);
        emit_layout(o, f->layout, 1);
    }
    out_put(o, "};\n");
}

/* ---- spawn and block_on helpers --------------------------------------------------------- */

/* The helpers' parameters: as in the function, unnamed ones named argN. */
static char *helper_param_name(const Func *f, int i) {
    const Var *v = f->params[i];
    return v->name && *v->name ? v->name : xprintf("arg%d", i + 1);
}

static char *helper_params(const Func *f) {
    if (f->nparams == 0)
        return "void";
    Buf b = {0};
    for (int i = 0; i < f->nparams; i++)
        buf_printf(&b, "%s%s", i ? ", " : "",
                   decl_of(&f->params[i]->type, helper_param_name(f, i)));
    return b.data;
}

/* A helper's local: base, with '_' appended while a parameter has that name. */
static char *helper_local(const Func *f, const char *base) {
    char *s = xstrdup(base);
    for (int i = 0; i < f->nparams; i++)
        if (strcmp(helper_param_name(f, i), s) == 0)
            return helper_local(f, xprintf("%s_", s));
    return s;
}

/* `f_init(frame, a, b);` */
static void emit_init_call(Out *o, int level, const Func *f, const char *frame) {
    out_indent(o, level);
    out_printf(o, "%s_init(%s", f->name, frame);
    for (int i = 0; i < f->nparams; i++)
        out_printf(o, ", %s", helper_param_name(f, i));
    out_put(o, ");\n");
}

/* `static const ac_fn_state f_states[] = {{line, "callee"}, ...};`: what ac_task_dump
 * says of each state of f (START, the awaits, DONE), for the infos of its vtables. */
static void emit_states_table(Out *o, const Func *f) {
    out_printf(o, "static const ac_fn_state %s_states[] = {\n", f->name);
    out_line(o, 1, "{%u, \"\"},", f->pos.line);
    for (int i = 0; i < f->nawaits; i++) {
        const Expr *e = f->awaits[i]->expr;
        out_line(o, 1, "{%u, \"%s\"},", e->pos.line, e->callee->name);
    }
    out_line(o, 1, "{%u, \"\"},", f->pos.line);
    out_put(o, "};\n\n");
}

/* `static const ac_fn_info f_<what>_info = {...};` for a vtable of f, whose frame
 * (boxed: behind a pointer) asyncc wrote here after f_states; returns "&" and its
 * name, or "NULL" for a function of another file, whose states this file does not
 * know. */
static char *emit_fn_info(Out *o, const Func *f, const char *what, bool boxed) {
    if (!f->is_defined)
        return "NULL";
    char *info = xprintf("%s_%s_info", f->name, what);
    out_printf(o, "static const ac_fn_info %s = {\"%s\", %s, %d, %d, %s_states};\n", info, f->name,
               o->path, f->nawaits + 2, boxed, f->name);
    return xprintf("&%s", info);
}

/* `static const ac_vtable f_<what> = {f_poll_<kind>, f_drop_<kind>, frame_size, result
 * size, info};`, its operands wrapped under the brace when the line is too long. */
static void emit_vtable_object(Out *o, const Func *f, const char *what, const char *kind,
                               const char *frame_size) {
    const char *n = f->name;
    char *info = emit_fn_info(o, f, what, strcmp(kind, "boxed") == 0);
    char *head = xprintf("static const ac_vtable %s_%s = {", n, what);
    char *fns = xprintf("%s_poll_%s, %s_drop_%s,", n, kind, n, kind);
    char *sizes = xprintf("%s, %s, %s};", frame_size,
                          f->ret.is_void ? "0" : xprintf("sizeof(%s)", type_name(&f->ret)), info);
    if (strlen(head) + strlen(fns) + 1 + strlen(sizes) <= 100)
        out_printf(o, "%s%s %s\n\n", head, fns, sizes);
    else
        out_printf(o, "%s%s\n%*s%s\n\n", head, fns, (int)strlen(head), "", sizes);
}

static void emit_vtable(Out *o, const Func *f) {
    const char *n = f->name;
    out_printf(o, "static ac_poll %s_poll_erased(void *frame, ac_cx *cx, void *out) {\n", n);
    out_line(o, 1, "return %s_poll(frame, cx, out);", n);
    out_put(o, "}\n\n");
    out_printf(o, "static void %s_drop_erased(void *frame) {\n", n);
    out_line(o, 1, "%s_drop(frame);", n);
    out_put(o, "}\n\n");
    emit_vtable_object(o, f, "vtable", "erased", frame_size_of(f));
}

static void emit_spawn_helper(Out *o, const Func *f) {
    char *task = helper_local(f, "task");
    out_printf(o, "static ac_task *%s_spawn(%s) {\n", f->name, helper_params(f));
    out_line(o, 1, "ac_task *%s = ac_task_new(&%s_vtable);", task, f->name);
    out_line(o, 1, "if (%s) {", task);
    emit_init_call(o, 2, f, xprintf("ac_task_frame(%s)", task));
    out_line(o, 2, "ac_task_spawn(%s);", task);
    out_line(o, 1, "}");
    out_line(o, 1, "return %s;", task);
    out_put(o, "}\n\n");
}

/* Polls the frame, a local, directly in a loop, waiting on the executor between
 * polls (ac_root_*): no task block, no vtable, so the compiler can inline the whole
 * chain of polls and keep the frames in registers. The frame starts zeroed: with the
 * polls inlined, gcc cannot see that fields read after a resume were set by an
 * earlier poll, and warns. The result stays zero when the call cannot run (a block_on
 * inside a poll) or deadlocks (then the frame is dropped); the runtime says which on
 * stderr. */
static void emit_block_on_helper(Out *o, const Func *f) {
    char *frame = helper_local(f, "frame"), *result = helper_local(f, "result");
    char *root = helper_local(f, "root");
    bool value = !f->ret.is_void;
    out_printf(o, "static %s %s_block_on(%s) {\n", value ? type_name(&f->ret) : "void", f->name,
               helper_params(f));
    out_line(o, 1, "%s_frame %s;", f->name, frame);
    out_line(o, 1, "memset(&%s, 0, sizeof %s);", frame, frame);
    if (value) {
        out_line(o, 1, "%s;", decl_of(&f->ret, result));
        out_line(o, 1, "memset(&%s, 0, sizeof %s);", result, result);
    }
    out_line(o, 1, "ac_root %s;", root);
    out_line(o, 1, "if (ac_root_enter(&%s, \"%s\") != 0) {", root, f->name);
    out_line(o, 2, "return%s%s;", value ? " " : "", value ? result : "");
    out_line(o, 1, "}");
    emit_init_call(o, 1, f, xprintf("&%s", frame));
    out_line(o, 1, "while (%s_poll(&%s, &%s.cx, %s%s) == AC_PENDING) {", f->name, frame, root,
             value ? "&" : "", value ? result : "NULL");
    out_line(o, 2, "if (ac_root_wait(&%s) != 0) {", root);
    out_line(o, 3, "%s_drop(&%s);", f->name, frame);
    out_line(o, 3, "break;");
    out_line(o, 2, "}");
    out_line(o, 1, "}");
    out_line(o, 1, "ac_root_leave(&%s);", root);
    if (value)
        out_line(o, 1, "return %s;", result);
    out_put(o, "}\n\n");
}

/* ---- futures: frames on the heap behind a slot ---------------------------------------------- */

/* The helpers' arguments, as they call on: "a, b". */
static char *helper_args(const Func *f) {
    Buf b = {0};
    buf_put(&b, ""); /* "" rather than NULL for no parameters */
    for (int i = 0; i < f->nparams; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", helper_param_name(f, i));
    return b.data;
}

/* The slot functions of f's futures (ac_runtime.h, ac_future): poll and drop the frame
 * a `void *` points to, and free it when it is finished. */
static void emit_slot_functions(Out *o, const Func *f) {
    const char *n = f->name;
    bool value = !f->ret.is_void;
    out_printf(o, "static ac_poll %s_poll_boxed(void *slot, ac_cx *cx, void *out) {\n", n);
    out_line(o, 1, "%s_frame **frame = slot;", n);
    if (value)
        out_line(o, 1, "%s;", decl_of(&f->ret, "discarded"));
    out_line(o, 1, "if (%s_poll(*frame, cx, %s) == AC_PENDING) {", n,
             value ? "out ? out : &discarded" : "out");
    out_line(o, 2, "return AC_PENDING;");
    out_line(o, 1, "}");
    out_line(o, 1, "ac_frame_free(*frame);");
    out_line(o, 1, "*frame = NULL;");
    out_line(o, 1, "return AC_READY;");
    out_put(o, "}\n\n");
    out_printf(o, "static void %s_drop_boxed(void *slot) {\n", n);
    out_line(o, 1, "%s_frame **frame = slot;", n);
    out_line(o, 1, "if (*frame) {");
    out_line(o, 2, "%s_drop(*frame);", n);
    out_line(o, 2, "ac_frame_free(*frame);");
    out_line(o, 2, "*frame = NULL;");
    out_line(o, 1, "}");
    out_put(o, "}\n\n");
}

/* f_future(args): ac_future_of(f(args)), the call started in a frame of its own (an
 * empty future when memory is exhausted). */
static void emit_future_helper(Out *o, const Func *f) {
    char *future = helper_local(f, "future");
    emit_slot_functions(o, f);
    emit_vtable_object(o, f, "future_vtable", "boxed", "sizeof(void *)");
    out_printf(o, "static ac_future %s_future(%s) {\n", f->name, helper_params(f));
    out_line(o, 1, "ac_future %s = {&%s_future_vtable, ac_frame_alloc(%s)};", future, f->name,
             frame_size_of(f));
    out_line(o, 1, "if (%s.frame) {", future);
    emit_init_call(o, 2, f, xprintf("%s.frame", future));
    out_line(o, 1, "}");
    out_line(o, 1, "return %s;", future);
    out_put(o, "}\n\n");
}

/* A boxed function cannot be put in a task block or a local frame of unknown size:
 * spawning and blocking on it go through its future (one more allocation). */
static void emit_boxed_spawn_helper(Out *o, const Func *f) {
    out_printf(o, "static ac_task *%s_spawn(%s) {\n", f->name, helper_params(f));
    out_line(o, 1, "return ac_future_spawn(%s_future(%s));", f->name, helper_args(f));
    out_put(o, "}\n\n");
}

/* The result stays zero when the call cannot run, as for ac_task_block_on. */
static void emit_boxed_block_on_helper(Out *o, const Func *f) {
    char *result = helper_local(f, "result");
    bool value = !f->ret.is_void;
    out_printf(o, "static %s %s_block_on(%s) {\n", value ? type_name(&f->ret) : "void", f->name,
               helper_params(f));
    if (value) {
        out_line(o, 1, "%s;", decl_of(&f->ret, result));
        out_line(o, 1, "memset(&%s, 0, sizeof %s);", result, result);
    }
    out_line(o, 1, "ac_future_block_on(%s_future(%s), %s%s);", f->name, helper_args(f),
             value ? "&" : "", value ? result : "NULL");
    if (value)
        out_line(o, 1, "return %s;", result);
    out_put(o, "}\n\n");
}

/* ---- interfaces ------------------------------------------------------------------------- */

static void ensure_interface(Emitter *em, Func *f);

/* What needs f's interface first: its callees' frames, embedded in its own. */
static void emit_interface(Emitter *em, Func *f) {
    Out *o = &em->out;
    out_gen(o);
    for (int i = 0; i < f->nawaits; i++) {
        Expr *aw = f->awaits[i]->expr;
        if (aw->callee->form == FORM_CALL)
            ensure_interface(em, aw->callee);
        for (int k = 0; aw->callee->form != FORM_CALL && k < aw->nkids; k++)
            ensure_interface(em, aw->kids[k]->callee);
    }
    out_blank_line(o);
    bool boxed = is_boxed(f);
    if (f->is_defined) {
        emit_types(o, f);
        emit_state_enum(o, f);
        emit_declarations(em, f, "\n");
        emit_frame_struct(o, f);
        if (!f->is_static) /* for the files that await it boxed */
            out_printf(o, "const size_t %s_frame_size = sizeof(%s_frame);\n", f->name, f->name);
        out_put(o, "\n");
    } else if (boxed) {
        emit_declarations(em, f, "\n\n");
    }
    if (f->is_defined && (f->uses_future || f->uses_spawn))
        emit_states_table(o, f); /* for the vtables below */
    if (f->uses_future || (boxed && (f->uses_spawn || f->uses_block_on)))
        emit_future_helper(o, f);
    if (f->uses_spawn && boxed) {
        emit_boxed_spawn_helper(o, f);
    } else if (f->uses_spawn) {
        emit_vtable(o, f);
        emit_spawn_helper(o, f);
    }
    if (f->uses_block_on && boxed)
        emit_boxed_block_on_helper(o, f);
    else if (f->uses_block_on)
        emit_block_on_helper(o, f);
}

/* Writes f's interface unless it is out already. A leaf from a header has its frame
 * there: it gets only its helpers. A function of another file gets its declarations
 * (the header's async prototype declares none of the four parts). */
static void ensure_interface(Emitter *em, Func *f) {
    int i = func_index(em->prog, f);
    if (em->ready[i])
        return;
    em->ready[i] = true;
    if (f->is_defined || f->uses_spawn || f->uses_block_on || f->uses_future || is_boxed(f))
        emit_interface(em, f);
}

/* The interfaces of everything spawned or blocked on below e. */
static void ensure_called(Emitter *em, Expr *e) {
    if (!e)
        return;
    if (e->kind == EXPR_SPAWN || e->kind == EXPR_BLOCK_ON || e->kind == EXPR_FUTURE)
        ensure_interface(em, e->callee);
    for (int i = 0; i < e->nkids; i++)
        ensure_called(em, e->kids[i]);
}

static void ensure_called_in(Emitter *em, Stmt *s) {
    if (!s)
        return;
    ensure_called(em, s->expr);
    ensure_called(em, s->step);
    ensure_called_in(em, s->init);
    ensure_called_in(em, s->body);
    ensure_called_in(em, s->els);
    for (int i = 0; i < s->nkids; i++)
        ensure_called_in(em, s->kids[i]);
}

/* ---- init, poll, drop ------------------------------------------------------------------- */

static void emit_init(Out *o, const Func *f) {
    out_printf(o, "%svoid %s_init(%s) {\n", linkage(f), f->name, init_params(f));
    out_line(o, 1, "%s->state = %s_START;", f->self, f->name);
    for (int i = 0; i < f->nparams; i++) {
        const Var *v = f->params[i];
        if (v->type.is_readonly)
            out_line(o, 1, "memcpy(&%s->%s, &%s, sizeof %s->%s);", f->self, v->field, v->name,
                     f->self, v->field);
        else
            out_line(o, 1, "%s->%s = %s;", f->self, v->field, v->name);
    }
    out_put(o, "}\n");
}

/* Does some return hand back a value (through out)? */
static bool returns_value(const Stmt *s) {
    if (!s)
        return false;
    if (s->kind == STMT_RETURN && s->expr)
        return true;
    if (returns_value(s->body) || returns_value(s->els))
        return true;
    for (int i = 0; i < s->nkids; i++)
        if (returns_value(s->kids[i]))
            return true;
    return false;
}

static bool ends_with_return(const Stmt *body) {
    const Stmt *last = last_stmt(body);
    return last && last->kind == STMT_RETURN;
}

/* A name for poll's temporaries that the function does not spell. */
static char *fresh_local(const Func *f, const char *base) {
    char *s = xstrdup(base);
    while (str_in(f->idents, f->nidents, s))
        s = xprintf("%s_", s);
    return s;
}

/* Resumes where the last poll stopped. Any other state (finished, dropped, or not a
 * frame's) is a caller's bug, reported by ac_poll_finished, which does not return:
 * so AC_READY always comes with the result written (emit_suspend). */
static void emit_dispatch(Out *o, const Func *f) {
    out_line(o, 1, "switch (%s->state) {", f->self);
    out_line(o, 1, "case %s_START:", f->name);
    out_line(o, 2, "break;");
    for (int i = 0; i < f->nawaits; i++) {
        out_line(o, 1, "case %s:", f->awaits[i]->state);
        emit_bindings(o, f, f->awaits[i], true, 2);
        out_line(o, 2, "goto %s;", f->awaits[i]->label);
    }
    out_line(o, 1, "default:");
    out_line(o, 2, "ac_poll_finished(\"%s\");", f->name);
    out_line(o, 1, "}");
}

/* Does the frame hold an array or a structure (which may hold one)? */
static bool frame_has_buffers(const Func *f) {
    for (int i = 0; i < f->nvars; i++) {
        const CType *t = &f->vars[i]->type;
        bool record =
            (strncmp(t->canon, "struct ", 7) == 0 || strncmp(t->canon, "union ", 6) == 0) &&
            !strpbrk(t->canon, "*(");
        if (f->vars[i]->in_frame && (t->is_array || record))
            return true;
    }
    return false;
}

/* Buffers that were separate objects in the source are members of one frame now,
 * and gcc's -Wrestrict takes strcpy(self->a, self->b) for a possible overlap. */
static void emit_restrict_pragma(Out *o, bool push) {
    out_put(o, "#if defined(__GNUC__) && !defined(__clang__)\n");
    if (push)
        out_put(o, "#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored \"-Wrestrict\"\n");
    else
        out_put(o, "#pragma GCC diagnostic pop\n");
    out_put(o, "#endif\n");
}

/* poll's head, dispatch and prologue are at the function's line, its end at the
 * closing brace's: a breakpoint on the function stops at each poll, `finish` and
 * a return show the closing brace. */
static void emit_poll(Emitter *em, Func *f) {
    Out *o = &em->out;
    unsigned end_line = program_pos(em->prog, f->end > 0 ? f->end - 1 : 0).line;
    Poll p = {.em = em,
              .out = o,
              .f = f,
              .result = fresh_local(f, "result"),
              .init = fresh_local(f, "init")};
    bool quiet = frame_has_buffers(f);
    out_gen(o);
    if (quiet)
        emit_restrict_pragma(o, true);
    out_sync(o, f->pos.line);
    out_printf(o, "%sac_poll %s_poll(%s_frame *%s, ac_cx *%s, %s) {\n", linkage(f), f->name,
               f->name, f->self, f->cx, out_param(f));
    if (f->nawaits == 0)
        out_line(o, 1, "(void)%s;", f->cx);
    if (f->ret.is_void || !returns_value(f->body))
        out_line(o, 1, "(void)%s;", f->out);
    emit_dispatch(o, f);
    cleanup_labels(&p, f->body);
    p.nscope = 0;
    /* the body's own scope ends at a return, or at the end (emit_done) */
    emit_stmts(&p, f->body->kids, f->body->nkids, 1, NULL, 0);
    out_sync(o, end_line);
    if (!ends_with_return(f->body))
        emit_done(&p, 1);
    out_put(o, "}\n");
    out_gen(o);
    if (quiet)
        emit_restrict_pragma(o, false);
}

/* Do awaits i and k share a case of drop: the same member, no cleanups? */
static bool drop_shared(const Func *f, int i, int k) {
    const Await *a = f->awaits[i], *b = f->awaits[k];
    return a->ncleanups == 0 && b->ncleanups == 0 && strcmp(a->member, b->member) == 0;
}

/* The case of drop for await i, unless an earlier await's case is its own: the
 * awaits holding their callees' frames in one member share it, unless a state has
 * cleanups to run. */
static void emit_drop_case(Out *o, const Func *f, int i) {
    const Await *a = f->awaits[i];
    const Func *g = a->expr->callee;
    for (int k = 0; k < i; k++)
        if (drop_shared(f, k, i))
            return;
    for (int k = i; k < f->nawaits; k++)
        if (k == i || drop_shared(f, i, k))
            out_line(o, 1, "case %s:", f->awaits[k]->state);
    if (g->form != FORM_CALL)
        emit_branch_drops(o, f, a->expr, 2);
    else
        emit_callee_drop(o, 2, g, xprintf("%s%s->%s", is_boxed(g) ? "" : "&", f->self, a->member));
    emit_cleanups(o, f, (const Var *const *)a->cleanups, 0, a->ncleanups, 2);
    out_line(o, 2, "break;");
}

/* Cancels: drops the frame of the await it is suspended in, then runs the cleanups
 * of the frame variables in scope there. */
static void emit_drop(Out *o, const Func *f) {
    out_printf(o, "%svoid %s_drop(%s_frame *%s) {\n", linkage(f), f->name, f->name, f->self);
    if (f->nawaits > 0) {
        out_line(o, 1, "switch (%s->state) {", f->self);
        for (int i = 0; i < f->nawaits; i++)
            emit_drop_case(o, f, i);
        out_line(o, 1, "default:");
        out_line(o, 2, "break;");
        out_line(o, 1, "}");
    }
    out_line(o, 1, "%s->state = %s_DONE;", f->self, f->name);
    out_put(o, "}");
}

/* ---- edits of the source ------------------------------------------------------------------ */

typedef enum EditKind {
    EDIT_NEED,       /* insert the interfaces a function with sites needs */
    EDIT_DEFINITION, /* an async definition */
    EDIT_PROTOTYPE,  /* an async prototype */
    EDIT_SITE,       /* ac_spawn / ac_block_on in ordinary code */
} EditKind;

typedef struct Edit {
    size_t start, end;
    EditKind kind;
    int seq; /* ties keep the order edits were found in */
    Func *func;
    Site *site;
} Edit;

static int edit_cmp(const void *a, const void *b) {
    const Edit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return x->seq - y->seq;
}

static void add_edit(Edit **edits, int *n, Edit e) {
    e.seq = *n;
    VEC_PUSH(edits, n, e);
}

static int collect_edits(const Program *prog, Edit **edits) {
    int n = 0;
    for (int i = 0; i < prog->nfuncs; i++) {
        Func *f = prog->funcs[i];
        if (f->in_main_file)
            add_edit(edits, &n,
                     (Edit){f->start, f->end, f->is_defined ? EDIT_DEFINITION : EDIT_PROTOTYPE, 0,
                            f, NULL});
    }
    for (int i = 0; i < prog->nsites; i++) {
        Site *s = prog->sites[i];
        add_edit(edits, &n, (Edit){s->func_start, s->func_start, EDIT_NEED, 0, NULL, s});
        add_edit(edits, &n, (Edit){s->start, s->end, EDIT_SITE, 0, NULL, s});
    }
    if (n > 1) /* with none, *edits is NULL, which qsort must not get */
        qsort(*edits, (size_t)n, sizeof **edits, edit_cmp);
    return n;
}

static void apply_definition(Emitter *em, Func *f) {
    Out *o = &em->out;
    ensure_interface(em, f);
    ensure_called_in(em, f->body);
    out_gen(o);
    out_blank_line(o);
    emit_init(o, f);
    out_put(o, "\n");
    emit_poll(em, f);
    out_put(o, "\n");
    emit_drop(o, f);
}

/* The line after the prototype goes on as in the source. */
static void apply_prototype(Emitter *em, Func *f) {
    out_gen(&em->out);
    emit_declarations(em, f, "");
}

static void apply_edit(Emitter *em, const Edit *e) {
    switch (e->kind) {
    case EDIT_NEED:
        ensure_interface(em, e->site->expr->callee);
        return;
    case EDIT_DEFINITION:
        apply_definition(em, e->func);
        return;
    case EDIT_PROTOTYPE:
        apply_prototype(em, e->func);
        return;
    case EDIT_SITE: {
        Poll p = {.em = em, .out = &em->out};
        emit_expr(&p, e->site->expr);
        return;
    }
    }
}

void emit_program(const Program *prog, const char *output, Buf *out) {
    Emitter em = {prog, out_new(out, prog->path, output), 0, NULL, NULL, NULL};
    em.ready = xmalloc(sizeof(bool) * ((size_t)prog->nfuncs + 1));
    em.declared = xmalloc(sizeof(bool) * ((size_t)prog->nfuncs + 1));
    index_lines(&em);
    out_printf(&em.out, "/* Generated by asyncc %s from %s: edit that file, not this one. */\n",
               ASYNCC_VERSION, prog->path);
    out_printf(&em.out, "#define ASYNCC_LOWERED 1\n#line 1 %s\n", em.out.path);
    em.out.in_gen = false; /* what the directive just written says */
    em.out.line = 1;
    Edit *edits = NULL;
    int n = collect_edits(prog, &edits);
    size_t done = 0;
    for (int i = 0; i < n; i++) {
        /* A site inside another site's arguments is written with it. */
        if (edits[i].start < done && edits[i].kind != EDIT_NEED)
            continue;
        if (edits[i].start > done) {
            copy_source(&em, done, edits[i].start);
            done = edits[i].start;
        }
        apply_edit(&em, &edits[i]);
        if (edits[i].end > done)
            done = edits[i].end;
    }
    copy_source(&em, done, prog->len);
    emit_gdb_script(&em.out, prog);
    out_finish(&em.out);
}
