/* inspect.h - asyncc --emit=dot|json|html: views of the state machines for people
 * and tools, made after emit.c from the program and the C it wrote.
 *
 *     states.c     each function's state graph: which suspension points follow
 *                  which, and the branch conditions on the way
 *     measure.c    the generated C as the compiler lays it out (libclang): frame
 *                  members with offset and size, and where each generated name is
 *     emit_dot.c   the state graphs for graphviz
 *     emit_json.c  everything above as one documented JSON document
 *     emit_html.c  one self-contained page: source, generated C, graph, bytes
 *
 * The formats are described in grammar/inspect.md.
 */
#ifndef ASYNCC_INSPECT_H
#define ASYNCC_INSPECT_H

#include "ir.h"

/* ---- states.c ------------------------------------------------------------------------- */

/* States are numbered 0 (START), 1..nawaits (suspended at await i: Func.awaits[i - 1]),
 * nawaits + 1 (DONE). */
typedef struct Edge {
    int from, to;
    char *label; /* the conditions on one way from `from` to `to` ("" when none),
                    in source spelling: "status != 200", "got >= len && !(ok)" */
    int order;   /* found order: edges go by from, to, then this */
} Edge;

typedef struct StateGraph {
    int nedges; /* by from, then to */
    Edge *edges;
} StateGraph;

StateGraph states_graph(const Func *f);
/* A state's name in the generated enum (f_START, an await's state, f_DONE). */
const char *state_name(const Func *f, int state);
/* An expression as source text with source names, on one line. */
char *expr_source(const Expr *e);
/* "await(request(id))", cut to max bytes (ending in "..." when cut). */
char *await_caption(const Await *a, size_t max);

/* ---- measure.c ------------------------------------------------------------------------ */

/* One member of a frame struct, or of its union of callee frames. */
typedef struct Member {
    char *name;
    long offset, size, align; /* bytes (offset within the enclosing struct or union) */
    unsigned line;            /* its line in the generated file */
    int nkids;                /* a union or struct member: its members */
    struct Member *kids;
} Member;

/* What the compiler makes of one async function's generated code. */
typedef struct Measured {
    const Func *func;
    bool found;       /* the frame struct was found in the generated code */
    long size, align; /* sizeof and _Alignof the frame */
    unsigned line;    /* `struct F_frame {` */
    int nmembers;
    Member *members;
    unsigned *state_line; /* per state: the enumerator's line (0: not found) */
    unsigned *label_line; /* per await: the resume label's line in poll */
    unsigned poll_line, init_line, drop_line;
} Measured;

/* Parses the generated text (as if it stood at the input's path, for its relative
 * includes) with the flags asyncc parsed the input with. false: libclang could not,
 * with an error reported. ms gets one Measured per defined function, in
 * Program.funcs order. */
bool measure_program(const Program *prog, const char *gen, size_t len, int nflags,
                     const char *const *flags, Measured **ms, int *nms);
/* The member of m named `name` (a frame field or "await"), or NULL. */
const Member *member_find(const Measured *m, const char *name);

/* ---- line map --------------------------------------------------------------------------- */

/* Generated lines gen .. gen + count - 1 stand for source lines source ..
 * source + count - 1 of the input (through its #line directives). */
typedef struct LineRun {
    unsigned gen, source, count;
} LineRun;

/* The runs of generated lines that the #line directives put on the input and
 * that hold code, or copy their source line as it is (labels, braces and blank
 * lines asyncc writes stand for nothing). */
int line_map(const Program *prog, const char *gen, LineRun **runs);

/* ---- emit_json.c ------------------------------------------------------------------------ */

/* The least size any layout of m's frame could have (layout_bound, with the sizes
 * the compiler gives): at each suspension point the state, the variables needed
 * there and the pending callee's frame, packed (their sizes' sum rounded up to the
 * largest alignment); the largest of these. */
long frame_lower_bound(const Measured *m);
/* The JSON document (grammar/inspect.md) of what measure_program found. */
void json_document(const Program *prog, const char *gen, const Measured *ms, int nms, Buf *out);

/* ---- the emitters ----------------------------------------------------------------------- */

void emit_dot(const Program *prog, Buf *out);
/* gen: the generated C (emit.c's output). */
bool emit_json(const Program *prog, const char *gen, size_t len, int nflags,
               const char *const *flags, Buf *out);
bool emit_html(const Program *prog, const char *gen, size_t len, int nflags,
               const char *const *flags, Buf *out);

#endif
