/* emit_dot.c - asyncc --emit=dot: the state graph of every async function defined
 * in the file, one cluster each, for graphviz (`dot -Tsvg`).
 *
 * Node ids are the generated state names (unique in the file); an await's node
 * shows the await as written, its source line and its state; edges carry the
 * branch conditions that lead from one state to the next (states.c).
 */
#include <string.h>

#include "inspect.h"

/* Longest await text shown in a node; longer ones end in "...". */
#define AWAIT_TEXT_MAX 48

/* s as the body of a DOT string: quotes and backslashes escaped, newlines as \n. */
static void dot_text(Buf *out, const char *s) {
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_printf(out, "\\%c", *s);
        else if (*s == '\n')
            buf_put(out, "\\n");
        else
            buf_putn(out, s, 1);
    }
}

static void dot_node(Buf *out, const Program *prog, const Func *f, int state) {
    buf_put(out, "    \"");
    dot_text(out, state_name(f, state));
    buf_put(out, "\" [label=\"");
    if (state == 0) {
        buf_printf(out, "START\\n%s:%u", prog->path, f->pos.line);
    } else if (state > f->nawaits) {
        buf_put(out, "DONE");
    } else {
        const Await *a = f->awaits[state - 1];
        dot_text(out, await_caption(a, AWAIT_TEXT_MAX));
        buf_printf(out, "\\nline %u\\n%s", a->expr->pos.line, a->state);
    }
    buf_printf(out, "\", shape=%s];\n",
               state == 0           ? "oval"
               : state > f->nawaits ? "doublecircle"
                                    : "box");
}

static void dot_function(Buf *out, const Program *prog, const Func *f) {
    buf_put(out, "  subgraph \"cluster_");
    dot_text(out, f->name);
    buf_put(out, "\" {\n    label=\"");
    dot_text(out, f->name);
    buf_put(out, "\";\n");
    for (int s = 0; s <= f->nawaits + 1; s++)
        dot_node(out, prog, f, s);
    StateGraph g = states_graph(f);
    for (int i = 0; i < g.nedges; i++) {
        const Edge *e = &g.edges[i];
        buf_put(out, "    \"");
        dot_text(out, state_name(f, e->from));
        buf_put(out, "\" -> \"");
        dot_text(out, state_name(f, e->to));
        buf_put(out, "\"");
        if (*e->label) {
            buf_put(out, " [label=\"");
            dot_text(out, e->label);
            buf_put(out, "\"]");
        }
        buf_put(out, ";\n");
    }
    buf_put(out, "  }\n");
}

void emit_dot(const Program *prog, Buf *out) {
    buf_put(out, "digraph \"");
    dot_text(out, prog->path);
    buf_put(out, "\" {\n  node [fontname=\"monospace\"];\n  edge [fontname=\"monospace\"];\n");
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i]->is_defined)
            dot_function(out, prog, prog->funcs[i]);
    buf_put(out, "}\n");
}
