/* emit_html.c - asyncc --emit=html: one self-contained page (no fetches of any
 * kind: styles, script, data and drawings are inline) that shows the source on
 * the left and the generated C on the right, each function's state graph and its
 * frame as a picture of bytes. Selecting an await (a click, or #await=F.N in the
 * URL) highlights its state in the graph and in the enum, its resume label, the
 * callee's slot in the frame and the fields saved across it.
 *
 * The page carries the --emit=json document (grammar/inspect.md), which its
 * script reads; the drawings are SVG written here.
 */
#include <stdlib.h>
#include <string.h>

#include "ctext.h"
#include "inspect.h"

/* ---- text ------------------------------------------------------------------------------ */

static void html_text(Buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
        if (e)
            buf_put(out, e);
        else if (s[i] != '\r')
            buf_putn(out, s + i, 1);
    }
}

static void html_str(Buf *out, const char *s) {
    html_text(out, s, strlen(s));
}

/* ---- the source, with its awaits selectable -------------------------------------------- */

typedef struct Span {
    unsigned start, end; /* file offsets */
    const Func *f;
    int index;
} Span;

/* The end of the await whose keyword is at off in the file: after its ')'; 0 if
 * the file does not spell an await there (it came from a macro's expansion). */
static unsigned await_end(const Program *prog, unsigned off) {
    const char *s = prog->file_src;
    if (off + 5 > prog->file_len || strncmp(s + off, "await", 5) != 0)
        return 0;
    int depth = 0;
    for (unsigned i = off + 5; i < prog->file_len; i++) {
        if (s[i] == '"' || s[i] == '\'') {
            i += (unsigned)literal_len(s + i, prog->file_len - i) - 1;
            continue;
        }
        depth += (s[i] == '(') - (s[i] == ')');
        if (depth == 0 && s[i] == ')')
            return i + 1;
    }
    return 0;
}

static int span_cmp(const void *a, const void *b) {
    const Span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int spans_find(const Program *prog, Span **spans) {
    int n = 0;
    for (int i = 0; i < prog->nfuncs; i++)
        for (int k = 0; prog->funcs[i]->is_defined && k < prog->funcs[i]->nawaits; k++) {
            const Await *a = prog->funcs[i]->awaits[k];
            unsigned start = file_offset(prog, a->expr->pos.offset);
            unsigned end = await_end(prog, start);
            Span s = {start, end, prog->funcs[i], a->index};
            if (end)
                VEC_PUSH(spans, &n, s);
        }
    if (n > 1)
        qsort(*spans, (size_t)n, sizeof **spans, span_cmp);
    return n;
}

static void source_pane(Buf *out, const Program *prog) {
    Span *spans = NULL;
    int nspans = spans_find(prog, &spans), k = 0;
    const char *s = prog->file_src;
    unsigned line = 1, at = 0;
    buf_printf(out, "<pre class=\"code\"><span class=\"ln\" id=\"s1\" data-line=\"1\">");
    while (at < prog->file_len) {
        if (k < nspans && spans[k].start == at) {
            buf_printf(out, "<span class=\"await\" id=\"await-%s-%d\" title=\"select\">",
                       spans[k].f->name, spans[k].index);
            html_text(out, s + at, spans[k].end - at);
            buf_put(out, "</span>");
            at = spans[k++].end;
            continue;
        }
        if (s[at] == '\n') {
            line++;
            buf_printf(out, "</span>\n<span class=\"ln\" id=\"s%u\" data-line=\"%u\">", line, line);
        } else {
            html_text(out, s + at, 1);
        }
        at++;
    }
    buf_put(out, "</span></pre>\n");
}

static void generated_pane(Buf *out, const char *gen) {
    unsigned line = 1;
    buf_put(out, "<pre class=\"code\">");
    for (const char *l = gen; *l; line++) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        buf_printf(out, "<span class=\"ln\" id=\"g%u\" data-line=\"%u\">", line, line);
        html_text(out, l, n);
        buf_put(out, "</span>\n");
        if (!nl)
            break;
        l = nl + 1;
    }
    buf_put(out, "</pre>\n");
}

/* ---- the state graph ---------------------------------------------------------------------- */

#define NODE_H 36
#define ROW_H 84
#define CHAR_W 7
#define GRAPH_W 640

static int node_width(const Func *f, int s) {
    size_t n = s == 0 || s > f->nawaits ? 6 : strlen(await_caption(f->awaits[s - 1], 44));
    return (int)n * CHAR_W + 24;
}

static int node_y(int s) {
    return 16 + s * ROW_H;
}

static void graph_node(Buf *out, const Func *f, int s) {
    int w = node_width(f, s), x = GRAPH_W / 2 - w / 2, y = node_y(s);
    bool await = s >= 1 && s <= f->nawaits;
    buf_printf(out, "<g class=\"state%s\" id=\"state-%s-%d\"%s>", await ? " sel" : "", f->name, s,
               await ? xprintf(" data-await=\"%d\"", s) : "");
    buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"%d\"/>", x, y, w,
               NODE_H, await ? 4 : NODE_H / 2);
    buf_printf(out, "<text x=\"%d\" y=\"%d\">", GRAPH_W / 2, y + 15);
    html_str(out, s == 0 ? "START" : await ? await_caption(f->awaits[s - 1], 44) : "DONE");
    buf_printf(out, "</text><text class=\"small\" x=\"%d\" y=\"%d\">", GRAPH_W / 2, y + 29);
    html_str(out, await ? xprintf("line %u", f->awaits[s - 1]->expr->pos.line) : state_name(f, s));
    buf_put(out, "</text></g>\n");
}

/* Next state down: straight; further down: an arc on the right; back up (or to
 * itself): an arc on the left. The label sits at the arc's far point. */
static void graph_edge(Buf *out, const Func *f, const Edge *e) {
    int cx = GRAPH_W / 2, y0 = node_y(e->from), y1 = node_y(e->to), lx, ly;
    if (e->to == e->from + 1) {
        buf_printf(out, "<path d=\"M%d %d L%d %d\"/>", cx, y0 + NODE_H, cx, y1);
        lx = cx + 6;
        ly = (y0 + NODE_H + y1) / 2 + 4;
    } else {
        bool down = e->to > e->from;
        int side = down ? 1 : -1, span = down ? e->to - e->from : e->from - e->to + 1;
        int x0 = cx + side * node_width(f, e->from) / 2, x1 = cx + side * node_width(f, e->to) / 2;
        int far = (side > 0 ? (x0 > x1 ? x0 : x1) : (x0 < x1 ? x0 : x1)) + side * 36 * span;
        buf_printf(out, "<path d=\"M%d %d C%d %d %d %d %d %d\"/>", x0, y0 + NODE_H / 2, far,
                   y0 + NODE_H / 2, far, y1 + NODE_H / 2, x1, y1 + NODE_H / 2 + (down ? 0 : 6));
        lx = far - (side < 0 ? 4 : -4);
        ly = (y0 + y1 + NODE_H) / 2;
    }
    if (*e->label) {
        buf_printf(out, "<text class=\"edge%s\" x=\"%d\" y=\"%d\">", lx < cx ? " left" : "", lx,
                   ly);
        html_str(out, e->label);
        buf_put(out, "</text>");
    }
    buf_put(out, "\n");
}

static void graph_svg(Buf *out, const Func *f) {
    int h = node_y(f->nawaits + 2);
    buf_printf(out, "<svg class=\"graph\" viewBox=\"-200 0 %d %d\" width=\"%d\" height=\"%d\">\n",
               GRAPH_W + 400, h, GRAPH_W + 400, h);
    buf_put(out, "<defs><marker id=\"arrow-");
    buf_printf(
        out,
        "%s\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"8\" "
        "markerHeight=\"8\" orient=\"auto\"><path d=\"M0 0 L8 4 L0 8 z\"/></marker></defs>\n",
        f->name);
    StateGraph g = states_graph(f);
    buf_printf(out, "<g class=\"edges\" marker-end=\"url(#arrow-%s)\">\n", f->name);
    for (int i = 0; i < g.nedges; i++)
        graph_edge(out, f, &g.edges[i]);
    buf_put(out, "</g>\n");
    for (int s = 0; s <= f->nawaits + 1; s++)
        graph_node(out, f, s);
    buf_put(out, "</svg>\n");
}

/* ---- the frame as bytes ------------------------------------------------------------------- */

#define CELL 14
#define PER_ROW 16
#define MAX_CELLS 2048

/* The classes of the bytes [off, off + scale) of the frame: the fields and union
 * members that cover them. */
static char *byte_classes(const Measured *m, long off, long scale) {
    Buf b = {0};
    buf_put(&b, "b");
    for (int i = 0; i < m->nmembers; i++) {
        const Member *mb = &m->members[i];
        if (off + scale <= mb->offset || off >= mb->offset + mb->size)
            continue;
        buf_printf(&b, " f-%s-%s", m->func->name, mb->name);
        for (int k = 0; k < mb->nkids; k++)
            if (off < mb->offset + mb->kids[k].offset + mb->kids[k].size)
                buf_printf(&b, " m-%s-%s", m->func->name, mb->kids[k].name);
    }
    return b.data;
}

static void frame_svg(Buf *out, const Measured *m) {
    long scale = (m->size + MAX_CELLS - 1) / MAX_CELLS;
    scale = scale < 1 ? 1 : scale;
    long cells = (m->size + scale - 1) / scale, rows = (cells + PER_ROW - 1) / PER_ROW;
    buf_printf(out, "<p class=\"note\">%ld bytes (lower bound %ld)%s</p>\n", m->size,
               frame_lower_bound(m), scale > 1 ? xprintf("; one cell is %ld bytes", scale) : "");
    buf_printf(out, "<svg class=\"bytes\" width=\"%d\" height=\"%ld\">\n", 40 + PER_ROW * CELL,
               rows * CELL + 2);
    for (long r = 0; r < rows; r++)
        buf_printf(out, "<text class=\"small\" x=\"34\" y=\"%ld\">%ld</text>", r * CELL + 11,
                   r * PER_ROW * scale);
    for (long c = 0; c < cells; c++) {
        char *cls = byte_classes(m, c * scale, scale);
        buf_printf(out, "<rect class=\"%s%s\" x=\"%ld\" y=\"%ld\" width=\"%d\" height=\"%d\"/>",
                   cls, strcmp(cls, "b") == 0 ? " pad" : "", 40 + (c % PER_ROW) * CELL,
                   (c / PER_ROW) * CELL + 1, CELL - 1, CELL - 1);
    }
    buf_put(out, "\n</svg>\n");
}

static void field_row(Buf *out, const Func *f, const Member *mb, const char *id, int depth) {
    buf_printf(out, "<tr id=\"row-%s-%s\"><td>%s", f->name, id, depth ? "&nbsp;&nbsp;" : "");
    html_str(out, mb->name);
    buf_printf(out, "</td><td>%ld</td><td>%ld</td></tr>\n", mb->offset, mb->size);
}

static void frame_table(Buf *out, const Measured *m) {
    buf_put(out, "<table class=\"fields\"><tr><th>field</th><th>offset</th><th>size</th></tr>\n");
    for (int i = 0; i < m->nmembers; i++) {
        const Member *mb = &m->members[i];
        field_row(out, m->func, mb, mb->name, 0);
        for (int k = 0; k < mb->nkids; k++)
            field_row(out, m->func, &mb->kids[k], xprintf("%s-%s", mb->name, mb->kids[k].name), 1);
    }
    buf_put(out, "</table>\n");
}

/* ---- the page ----------------------------------------------------------------------------- */

static const char page_style[] =
    "body{font:14px sans-serif;margin:0;color:#222}\n"
    "header{padding:8px 12px;background:#334;color:#fff}\n"
    "#selection{padding:6px 12px;background:#ffd;min-height:1.2em;font-family:monospace}\n"
    ".panes{display:flex;gap:8px;padding:8px}\n"
    ".pane{flex:1;min-width:0}\n"
    ".pane .code{height:60vh;overflow:auto;border:1px solid #ccc;margin:0;"
    "font:12px monospace;counter-reset:none}\n"
    ".ln{white-space:pre}\n"
    ".ln::before{content:attr(data-line);display:inline-block;width:4em;color:#999;"
    "text-align:right;margin-right:1em}\n"
    ".await{background:#def;cursor:pointer;border-bottom:1px dotted #36c}\n"
    ".hl,.ln.hl{background:#fc6 !important}\n"
    ".map{background:#eef}\n"
    ".function{display:flex;flex-wrap:wrap;gap:16px;padding:8px 12px;border-top:1px solid #ccc}\n"
    "svg text{font:12px monospace;text-anchor:middle}\n"
    "svg text.small{font-size:10px;fill:#666}\n"
    "svg text.edge{text-anchor:start;fill:#336}\n"
    "svg text.edge.left{text-anchor:end}\n"
    ".bytes text.small{text-anchor:end}\n"
    ".state rect{fill:#fff;stroke:#334}\n"
    ".state.sel{cursor:pointer}\n"
    ".state.hl rect{fill:#fc6}\n"
    ".edges path{fill:none;stroke:#556}\n"
    "rect.b{fill:#9bd;stroke:#fff}\n"
    "rect.pad{fill:#eee}\n"
    "rect.b.hl{fill:#f93}\n"
    ".fields td{font-family:monospace;padding:0 8px}\n"
    ".fields tr.hl{background:#fc6}\n"
    ".note{margin:4px 0;color:#555}\n";

static const char page_script[] =
    "(function () {\n"
    "  try {\n"
    "    var data = JSON.parse(document.getElementById('data').textContent);\n"
    "    var funcs = {};\n"
    "    data.functions.forEach(function (f) { funcs[f.name] = f; });\n"
    "    var byId = function (id) { return document.getElementById(id); };\n"
    "    var mark = function (el) { if (el) el.classList.add('hl'); };\n"
    "    var markAll = function (sel) { document.querySelectorAll(sel).forEach(mark); };\n"
    "    var gen = function (n) { return n ? byId('g' + n) : null; };\n"
    "    function select(name, index) {\n"
    "      var f = funcs[name], a = f.awaits[index - 1], saved = [];\n"
    "      document.querySelectorAll('.hl').forEach(function (e) { e.classList.remove('hl'); });\n"
    "      mark(byId('await-' + name + '-' + index));\n"
    "      mark(byId('state-' + name + '-' + a.state));\n"
    "      mark(gen(f.states[a.state].enum_line));\n"
    "      mark(gen(a.label_line));\n"
    "      (f.frame ? f.frame.fields : []).forEach(function (fd) {\n"
    "        var kept = a.live.indexOf(fd.name) >= 0;\n"
    "        if (!kept && fd.name !== a.member) return;\n"
    "        if (kept) saved.push(fd.name);\n"
    "        mark(gen(fd.line));\n"
    "        mark(byId('row-' + name + '-' + fd.name));\n"
    "        markAll('.f-' + name + '-' + fd.name);\n"
    "      });\n"
    "      byId('selection').textContent = name + ': ' + a.text + ' (line ' + a.line +\n"
    "        '): state ' + f.states[a.state].name + ', resumes at ' + a.label +\n"
    "        ', callee frame in ' + a.member + ', saves ' +\n"
    "        (saved.length ? saved.join(', ') : 'nothing');\n"
    "      [gen(a.label_line), byId('await-' + name + '-' + index)].forEach(function (el) {\n"
    "        var pre = el && el.closest('pre');\n"
    "        if (pre) pre.scrollTop = el.offsetTop - pre.offsetTop - 150;\n"
    "      });\n"
    "    }\n"
    "    document.querySelectorAll('.await').forEach(function (el) {\n"
    "      var p = el.id.split('-');\n"
    "      el.addEventListener('click', function () { select(p[1], +p[2]); });\n"
    "    });\n"
    "    document.querySelectorAll('.state.sel').forEach(function (el) {\n"
    "      var p = el.id.split('-');\n"
    "      el.addEventListener('click', function () { select(p[1], +p[2]); });\n"
    "    });\n"
    "    document.querySelectorAll('#source .ln').forEach(function (el) {\n"
    "      el.addEventListener('click', function () {\n"
    "        var n = +el.dataset.line;\n"
    "        document.querySelectorAll('.map').forEach(function (e) { e.classList.remove('map'); "
    "});\n"
    "        data.line_map.forEach(function (r) {\n"
    "          if (n >= r.source && n < r.source + r.count) {\n"
    "            var g = gen(r.generated + n - r.source);\n"
    "            if (g) g.classList.add('map');\n"
    "          }\n"
    "        });\n"
    "      });\n"
    "    });\n"
    "    var want = /^#await=([A-Za-z_$0-9]+)\\.([0-9]+)$/.exec(location.hash);\n"
    "    if (want) byId('await-' + want[1] + '-' + want[2]).click();\n"
    "    document.body.dataset.ready = '1';\n"
    "  } catch (e) {\n"
    "    document.body.dataset.error = String(e);\n"
    "  }\n"
    "})();\n";

/* The JSON inside <script>: "</" cannot appear there; "<\/" is the same JSON. */
static void data_script(Buf *out, const Buf *json) {
    buf_put(out, "<script type=\"application/json\" id=\"data\">\n");
    for (const char *s = json->data; *s; s++) {
        if (s[0] == '<' && s[1] == '/')
            buf_put(out, "<\\");
        else
            buf_putn(out, s, 1);
    }
    buf_put(out, "</script>\n");
}

static void function_section(Buf *out, const Measured *m) {
    buf_printf(out, "<section class=\"function\" id=\"func-%s\">\n<div><h3>%s: states</h3>\n",
               m->func->name, m->func->name);
    graph_svg(out, m->func);
    buf_printf(out, "</div>\n<div><h3>%s_frame</h3>\n", m->func->name);
    if (m->found) {
        frame_svg(out, m);
        frame_table(out, m);
    }
    buf_put(out, "</div>\n</section>\n");
}

bool emit_html(const Program *prog, const char *gen, size_t len, int nflags,
               const char *const *flags, Buf *out) {
    Measured *ms;
    int nms;
    if (!measure_program(prog, gen, len, nflags, flags, &ms, &nms))
        return false;
    Buf json = {0};
    json_document(prog, gen, ms, nms, &json);
    buf_put(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    html_str(out, xprintf("asyncc: %s", prog->path));
    buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>", page_style);
    html_str(out, xprintf("asyncc --emit=html %s", prog->path));
    buf_put(out, " &mdash; click an await</header>\n<div id=\"selection\"></div>\n");
    buf_put(out, "<div class=\"panes\">\n<div class=\"pane\" id=\"source\"><h3>");
    html_str(out, prog->path);
    buf_put(out, "</h3>\n");
    source_pane(out, prog);
    buf_put(out, "</div>\n<div class=\"pane\" id=\"generated\"><h3>generated C</h3>\n");
    generated_pane(out, gen);
    buf_put(out, "</div>\n</div>\n");
    for (int i = 0; i < nms; i++)
        function_section(out, &ms[i]);
    data_script(out, &json);
    buf_printf(out, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
    return true;
}
