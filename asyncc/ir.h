/* ir.h - asyncc's program representation, shared by every stage.
 *
 * The pipeline, one file per stage, data flowing one way:
 *
 *     main.c     command line, drives the stages, writes the output file
 *     parse.c    libclang -> IR: async functions, their bodies, spawn/block_on sites
 *     lower.c    puts every await where a state can begin (statement level) or diagnoses it
 *     frame.c    liveness: which locals survive a suspension, which values clash; names
 *     layout.c   the frame's layout: values that never clash share storage (for frame.c)
 *     emit.c     IR -> C text: enum of states, frame struct, init, poll, drop, helpers
 *     diag.c     compiler-style diagnostics (file:line:col: error: ...)
 *     util.c     growable buffers and arrays, allocation that never returns NULL
 *     ctext.c    C text: the identifier rule, literals, lines and positions
 *
 * Expressions are kept as source text with holes ("templates"): the text between
 * the holes is copied from the user's file byte for byte (but for the names of the
 * types declared in an async function, which parse moves to file scope: see
 * Func.types), so generated code reads like the source. Holes are the things asyncc must rewrite:
 * references to locals and parameters (which may move into the frame), awaits, spawns and
 * block_ons, and the operators whose sequencing matters when an await sits below them.
 *
 * Memory: everything is allocated with xmalloc and lives until the process exits.
 */
#ifndef ASYNCC_IR_H
#define ASYNCC_IR_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef struct Func Func;
typedef struct Var Var;
typedef struct Expr Expr;
typedef struct Stmt Stmt;

/* A place in the main file. line and col count from 1; offset is the byte offset. */
typedef struct Pos {
    unsigned line, col, offset;
} Pos;

/* A type declared inside an async function that parse could not move to file scope
 * (see Func.types): a frame cannot name it. */
typedef struct Unhoisted {
    char *type; /* as the source spells it: "struct local" */
    char *why;  /* "its definition uses the local 'n'" */
    char *note; /* at pos: "'n' is used here" */
    Pos pos;
} Unhoisted;

/* A C type, printable as a declaration: pre + name + post ("int (*" "fp" ")(int)",
 * "char " "buf" "[16]"); the type name alone is pre + post. Top-level const is
 * removed (frame fields are assigned, never initialized); a variable's type keeps
 * volatile and restrict, a value's type (an expression's, a return type) has no
 * top-level qualifier. A typedef that hides a removed qualifier is spelled as the
 * type it names. */
typedef struct CType {
    char *pre, *post;
    char *canon; /* clang's canonical spelling, unqualified: equal strings mean the same type */
    bool is_void;
    bool is_array;
    bool is_vla;            /* variably modified: cannot live in a frame */
    const Unhoisted *local; /* names a type declared inside the function that stays
                               there, or an anonymous one: the frame cannot name it */
    bool is_qualified;      /* volatile or restrict at the top: a pointer to it is no plain T * */
    bool is_readonly;       /* a struct or union with a const member: cannot be assigned,
                               so it is copied with memcpy */
    long size, align;       /* bytes, from libclang; 0 when unknown (incomplete, variable) */
} CType;

/* ---- expressions ---------------------------------------------------------------- */

typedef enum ExprKind {
    EXPR_TEMPLATE, /* text[0] kid[0] text[1] ... kid[n-1] text[n]; n = nkids */
    EXPR_VAR,      /* a use of a local or parameter: var */
    EXPR_AWAIT,    /* await(callee(kids...)): kids are the arguments */
    EXPR_SPAWN,    /* ac_spawn(callee(kids...)) */
    EXPR_BLOCK_ON, /* ac_block_on(callee(kids...)) */
    EXPR_FUTURE,   /* ac_future_of(callee(kids...)) */
    EXPR_LITERAL,  /* a compound literal whose address is used: kid[0] is the literal
                      as written, var its storage (Var.is_literal) */
    EXPR_BRANCH,   /* a branch of a select, join or timeout (a kid of the EXPR_AWAIT whose
                      callee is the form): callee(kids...), its result stored through dest,
                      ok when cond holds */
    /* Sequencing operators, made only when an await is below them (otherwise the
     * operator is plain text of a template): */
    EXPR_AND,    /* kids[0] && kids[1] */
    EXPR_OR,     /* kids[0] || kids[1] */
    EXPR_COND,   /* kids[0] ? kids[1] : kids[2] */
    EXPR_COMMA,  /* kids[0] , kids[1] */
    EXPR_ASSIGN, /* kids[0] = kids[1] (plain '=' only) */
} ExprKind;

struct Expr {
    ExprKind kind;
    Pos pos;    /* where the expression starts */
    CType type; /* type of the value (parse sets it on every expression; SPAWN: ac_task *) */
    int nkids;
    Expr **kids;
    char **text;  /* EXPR_TEMPLATE: nkids + 1 pieces, none NULL */
    Var *var;     /* EXPR_VAR, EXPR_LITERAL */
    Func *callee; /* EXPR_AWAIT, EXPR_SPAWN, EXPR_BLOCK_ON, EXPR_FUTURE, EXPR_BRANCH */
    bool addr_of; /* EXPR_VAR: the use is the operand of unary & (or an array that decays) */
    /* EXPR_BRANCH only. dest and cond are no kids: the poll after a resume reads them,
     * not the start of the form, which evaluates the kids. */
    Expr *dest;   /* a pointer the result is stored through; NULL: the result is dropped */
    Expr *cond;   /* read once the result is stored: the branch is ok; NULL: always */
    char *member; /* the branch frame's member in the form's struct (frame.c) */
};

/* ---- statements ----------------------------------------------------------------- */

typedef enum StmtKind {
    STMT_EXPR,    /* expr ;   (expr NULL for the empty statement) */
    STMT_DECL,    /* one declared variable: var [= expr] ; - for a static or extern
                     local (var->is_static) expr is instead the template of the whole
                     declaration, ';' included, to be emitted verbatim */
    STMT_TEXT,    /* kept verbatim: expr is a template of the whole text, ';' included.
                     A declaration that declares a function or a type that stays
                     in the function (Func.types moved the others), a variably
                     modified variable, or several variables one of them static
                     (its variables are still Vars, with decl = this statement);
                     or a statement written by a macro (do { ... } while (0)),
                     which parse checked has no await and no return inside */
    STMT_BLOCK,   /* { kids } */
    STMT_IF,      /* if (expr) body [else els] */
    STMT_WHILE,   /* while (expr) body */
    STMT_DO,      /* do body while (expr); */
    STMT_FOR,     /* for (init; expr; step) body - init is NULL, a STMT_EXPR or a
                     STMT_BLOCK of STMT_DECLs (always a block, even for one);
                     expr and step may be NULL */
    STMT_SWITCH,  /* switch (expr) body */
    STMT_CASE,    /* case text: body   (text: the case expression, verbatim) */
    STMT_DEFAULT, /* default: body */
    STMT_LABEL,   /* text: body */
    STMT_GOTO,    /* goto text; */
    STMT_BREAK,
    STMT_CONTINUE,
    STMT_RETURN,    /* return [expr]; */
    STMT_ASM,       /* inline assembly, verbatim in text (';' included); kept only if no
                       local moves. expr: the same text as a template whose holes are
                       the locals it uses */
    STMT_COMMENT,   /* a source comment, verbatim in text, that stands between the
                       statements of a block (a kid of it) or right after a label (a
                       kid of the CASE, DEFAULT or LABEL). Does nothing */
    STMT_DIRECTIVE, /* a #define, #undef or #pragma push_macro / pop_macro line that
                       stands where a comment may (above), verbatim in text: kept in
                       place, the code after it means what it means in the source */
} StmtKind;

struct Stmt {
    StmtKind kind;
    Pos pos; /* first token; emitted as #line */
    Expr *expr;
    Expr *step; /* STMT_FOR */
    Stmt *init; /* STMT_FOR */
    Stmt *body; /* IF then, loop and switch bodies, CASE/DEFAULT/LABEL sub-statement */
    Stmt *els;  /* STMT_IF */
    int nkids;  /* STMT_BLOCK; CASE, DEFAULT, LABEL: the comments after the label */
    Stmt **kids;
    Var *var;       /* STMT_DECL */
    char *text;     /* STMT_CASE, STMT_LABEL, STMT_GOTO, STMT_ASM, STMT_COMMENT,
                       STMT_DIRECTIVE */
    bool has_await; /* an await is somewhere inside (lower.c: awaits_mark) */
    bool trails;    /* STMT_COMMENT: code comes before it on its line */
    int time;       /* set by frame.c: order in the scope walk (after a for's declarations) */
};

/* ---- variables ------------------------------------------------------------------ */

struct Var {
    char *name; /* as in the source */
    CType type;
    Pos pos; /* the name (0 for the params of a header Func) */
    int id;  /* index in Func.vars */
    bool is_param;
    bool is_static;    /* static or extern local: stays where it is, never in the frame */
    bool is_temp;      /* made by lower.c for a value lifted out of an expression */
    bool init_is_list; /* STMT_DECL initializer is a { list } or a string for an array */
    bool addr_taken;   /* & applied somewhere (or an array used as a pointer) */
    bool is_literal;   /* the storage of a compound literal (EXPR_LITERAL), named
                          "literal": in the frame whenever the function awaits */
    char *align;       /* alignment specifiers as written ("_Alignas(16) "); NULL: none */
    char *cleanup;     /* __attribute__((cleanup(fn))): fn, called with &v when its scope
                          ends (a frame variable: by the generated code, also when the
                          frame is dropped in its scope); NULL: none */
    long align_bytes;  /* the largest number they spell (_Alignas(16), aligned(16)), or 0
                          (none, or spelled by a type or a name: the type's own is used) */
    Stmt *decl;        /* STMT_DECL or STMT_TEXT that declares it; NULL for params */
    /* set by frame.c */
    bool in_frame;
    char *field;    /* frame member name, unique in the frame */
    bool shares;    /* its member shares bytes with another value of the frame */
    int nheld;      /* the lines at whose start the member holds its value, increasing: */
    unsigned *held; /* a debugger shows it there only, when it shares (emit_gdb.c) */
};

/* ---- functions and the program ------------------------------------------------- */

/* An await point: where the function may suspend. One state each. lower.c makes
 * the list (Func.awaits) and numbers it; frame.c fills in the names. */
typedef struct Await {
    Expr *expr; /* the EXPR_AWAIT */
    Stmt *stmt; /* the statement it stands in after lowering */
    int index;  /* 1.. in the order of the lowered body */
    /* set by frame.c */
    char *state;        /* enumerator, e.g. fetch_AWAIT_request_2 */
    char *label;        /* resume label, e.g. resume_request_2 */
    char *member;       /* frame member holding the callee's frame (a form's struct of its
                           branches' frames), e.g. await_request; awaits of one callee that
                           are never pending together may share one */
    bool result_shares; /* the variable the result goes to shares storage with the
                           callee's frame: poll into a temporary, then assign it */
    int nlive;          /* the frame variables whose values are needed when it resumes */
    Var **live;
    int ncleanups;  /* the frame variables with a cleanup in scope here, in declaration */
    Var **cleanups; /* order: what a drop in this state must clean up after the callee */
} Await;

/* What an await awaits: a function, or one of the forms that run several calls at
 * once (<asyncc.h>: ac_select, ac_select_biased, ac_join_all, ac_try_join, ac_timeout
 * and ac_timeout_at). */
typedef enum Form {
    FORM_CALL,
    FORM_SELECT,
    FORM_SELECT_BIASED,
    FORM_JOIN_ALL,
    FORM_TRY_JOIN,
    FORM_TIMEOUT, /* a biased select of the branch and a sleep */
} Form;

/* The frame's storage, set by frame.c (layout.c arranges it): fields, and (when
 * nalts > 0) an anonymous union of alternatives, anonymous structs whose fields are
 * never in use at the same time as another alternative's bytes. Every name is unique
 * in the frame. A layout by offsets is one union whose alternatives each hold one
 * field after a pad: the field's offset in the union. */
typedef struct Layout Layout;

typedef struct Field {
    Var *var;         /* a variable in the frame, or */
    Await *await;     /* the callee's frame of this await (its pointer when boxed; a
                         form's struct of its branches), shared by the awaits of the same
                         callee that name this one's member, or */
    Layout *union_of; /* an anonymous union of union_of's alternatives */
    long size, align; /* as layout.c reckons them (the C compiler has the last word) */
    long pad;         /* bytes of a char array before it (the alternatives of a layout
                         by offsets: layout.c), named pad_name (frame.c); 0: none */
    char *pad_name;
    long offset; /* from the start of the frame, as layout.c reckons it */
} Field;

struct Layout {
    int nfields;
    Field *fields; /* in increasing alignment (no padding between them but the last) */
    int nalts;
    Layout **alts;
    int alts_at;       /* the union comes before fields[alts_at] (or last) */
    long size, align;  /* as layout.c reckons them */
    bool state_inside; /* the frame's layout by offsets is one union whose first member
                          is the state (pads count from the frame's start); else the
                          layout follows the state */
};

/* One Func per async declaration in the main file (a prototype and the definition
 * are two Funcs of the same name; callees point to the definition, or to the
 * prototype of a function defined in another file), then one per async function of
 * a header that is awaited, spawned, blocked on or made a future of (a leaf written
 * by hand, or a function of another file: in_main_file false, pos/start/end 0, no
 * body). */
struct Func {
    char *name;
    CType ret;
    bool is_static;
    bool is_defined;     /* has a body in the main file */
    bool in_main_file;   /* declared in the main file (not in a header) */
    bool frame_known;    /* NAME_frame is a complete type here (defined in this file, or a
                            header defines it): awaits embed the frame; otherwise it is
                            defined in another file and awaits box it (abi.md, section 8) */
    Pos pos;             /* the name */
    unsigned start, end; /* byte range of the definition or prototype to replace,
                            from its first token (async/static/type) to '}' or ';' */
    int nparams;
    Var **params;
    Stmt *body; /* NULL unless is_defined */
    int nvars;  /* params, locals and temps */
    Var **vars;
    int nawaits; /* lower.c, in the order of the lowered body */
    Await **awaits;
    int nidents;   /* every identifier spelled in the definition, and the names of its
                      hoisted types: generated */
    char **idents; /* names (self, cx, out, labels) must avoid these */
    /* The types declared in the body (struct, union, enum, typedef) that parse moved
     * to file scope, each under a name unique in the file (NAME_tag, NAME_typedef,
     * NAME_ENUMERATOR), so that a frame can name them: each a declaration to write
     * before the frame, ';' included, in source order after forward declarations of
     * the tags declared but not defined. The body spells them by these names, and
     * keeps none of their definitions. */
    int ntypes;
    Expr **types; /* EXPR_TEMPLATE without holes, its lines indented as at file scope;
                     pos: the declaration in the body */
    /* set by frame.c */
    char *self, *cx, *out; /* poll's parameter names */
    int ncallees;          /* distinct functions awaited, in first-await order */
    Func **callees;
    int nlive_start; /* the parameters whose values the body reads before it suspends */
    Var **live_start;
    /* set by parse.c, where it reads the markers: */
    bool uses_spawn, uses_block_on; /* someone spawns / blocks on this function */
    bool uses_future;               /* someone makes a future of it */
    /* Not FORM_CALL: no function but one select, join or timeout, the callee of its
     * own await, whose kids are the branches (EXPR_BRANCH). Its name ("select",
     * "join", "try_join", "timeout", made unique by frame.c) names the state, the
     * resume label and the member of the await union that holds the branches. */
    Form form;
    const char *macro; /* the form as written ("ac_select"), for diagnostics */
    /* frame size and alignment: from its typedef for a leaf whose header defines it
     * (parse), from the layout for a function defined here (frame.c) */
    long frame_size, frame_align;
    long frame_bound; /* the least size any layout could have: at each suspension point,
                         the values needed across it (frame.c, abi.md section 2) */
    long frame_floor; /* the same counting also the places between suspension points
                         where values are in use together (>= frame_bound) */
    Layout *layout;   /* set by frame.c for a function defined here */
};

/* A spawn, block_on or ac_future_of in ordinary (non-async) code: the emitter
 * replaces the bytes [start, end) with a call of the generated helper. */
typedef struct Site {
    Expr *expr; /* EXPR_SPAWN, EXPR_BLOCK_ON or EXPR_FUTURE */
    unsigned start, end;
    Func *in_func;       /* NULL: ordinary functions have no Func (func_start places helpers).
                            A spawn nested in another site's arguments is a hole of that
                            site's expression, not a site of its own. */
    unsigned func_start; /* byte offset where that function's definition starts */
} Site;

/* A macro invocation in an async body that parse replaced by its expansion
 * (parse.c, "Macro expansion"): [start, end) of src stands for [file_start,
 * file_end) of the file, and every position inside it is the invocation's. */
typedef struct Splice {
    unsigned start, end;
    unsigned file_start, file_end;
} Splice;

typedef struct Program {
    const char *path; /* the main file, as named on the command line */
    char *src;        /* the text libclang parsed: its bytes with the splices applied
                         (the same lines: a splice keeps the newlines it replaces) */
    size_t len;
    char *file_src; /* the file's own bytes, which diagnostics quote */
    size_t file_len;
    unsigned *lines; /* where each line of file_src starts (ctext.c) */
    int nlines;
    int nsplices; /* in order, none overlapping */
    Splice *splices;
    int nfuncs; /* every async function declared or defined, main file first */
    Func **funcs;
    int nsites;
    Site **sites;
    long pointer_size;              /* bytes, on the target (the layout's sizes) */
    long select_size, select_align; /* ac_select's, from <asyncc.h> (a form's struct) */
    int nincludes; /* every file the main file includes, directly or not (--depfile) */
    char **includes;
} Program;

/* Stages. Each returns false after reporting errors through diag.c; lowering and
 * emitting cannot fail (parse and frame rejected what they cannot do), and
 * emitting changes nothing in the program. */
bool parse_program(Program *prog, const char *path, int nargs, const char *const *args);
void lower_program(Program *prog);
bool frame_program(Program *prog);
/* output: the generated file's name, for the #line directives of asyncc's own code. */
void emit_program(const Program *prog, const char *output, Buf *out);

#endif
