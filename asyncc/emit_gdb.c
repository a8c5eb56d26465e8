/* emit_gdb.c - what gdb needs to read frames that share storage.
 *
 * gdb.py (runtime/src/gdb.py, in every program's .debug_gdb_scripts) names a frame's
 * members by their source names. Two facts of the layout are not in the debug
 * information, so the generated file carries them in an inline script of its own in
 * that section, which registers them for gdb.py:
 *   - the member that holds the callee's frame in each await's state (awaits of one
 *     callee that are never pending together share a member);
 *   - for each variable whose member shares bytes with other values, the lines at
 *     whose start it holds the variable's value (Var.held). Elsewhere gdb.py shows it
 *     as <optimized out>, as gdb does for a variable of optimized code, rather than
 *     the bytes of whatever value uses them then;
 *   - the pads that put members at their offsets (a layout by offsets), which are
 *     no locals.
 * The script's name is the source file's, so that each file's script runs once.
 */
#include <ctype.h>
#include <string.h>

#include "emit_gdb.h"

/* "11-14 20": the lines as ranges. */
static char *line_ranges(const Var *v) {
    Buf b = {0};
    for (int i = 0; i < v->nheld;) {
        int k = i;
        while (k + 1 < v->nheld && v->held[k + 1] == v->held[k] + 1)
            k++;
        buf_printf(&b, k > i ? "%s%u-%u" : "%s%u", i ? " " : "", v->held[i], v->held[k]);
        i = k + 1;
    }
    return b.data ? b.data : xstrdup("");
}

/* One line of the script: `.ascii "text\n"` in the asm statement. */
static void script_line(Out *o, const char *text) {
    out_line(o, 2, "\".ascii \\\"%s\\\\n\\\"\\n\"", text);
}

/* `'pad', ` for each pad of l's fields, and of everything in it. */
static void script_pads(Buf *b, const Layout *l) {
    for (int i = 0; i < l->nfields; i++)
        if (l->fields[i].union_of)
            script_pads(b, l->fields[i].union_of);
        else if (l->fields[i].pad > 0)
            buf_printf(b, "'%s', ", l->fields[i].pad_name);
    for (int a = 0; a < l->nalts; a++)
        script_pads(b, l->alts[a]);
}

/* `'f': ({state: member, ...}, {field: lines, ...}, {pad, ...}),` for async function
 * f, one entry a line but the pads. */
static void script_func(Out *o, const Func *f) {
    script_line(o, xprintf("'%s': ({", f->name));
    for (int i = 0; i < f->nawaits; i++)
        script_line(o, xprintf("    '%s': '%s',", f->awaits[i]->state, f->awaits[i]->member));
    script_line(o, "}, {");
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame && f->vars[i]->shares)
            script_line(o, xprintf("    '%s': '%s',", f->vars[i]->field, line_ranges(f->vars[i])));
    Buf pads = {0};
    buf_put(&pads, "}, {");
    script_pads(&pads, f->layout);
    buf_put(&pads, "}),");
    script_line(o, pads.data);
}

/* The file name in the script's name, with anything an assembler string or a
 * script name could mind made '_'. */
static char *script_name(const char *path) {
    char *name = xstrdup(path);
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
            *p = '_';
    return name;
}

static bool needs_script(const Func *f) {
    if (!f->is_defined || !f->layout)
        return false;
    for (int i = 0; i < f->nvars; i++)
        if (f->vars[i]->in_frame && f->vars[i]->shares)
            return true;
    return f->nawaits > 0;
}

void emit_gdb_script(Out *o, const Program *prog) {
    int n = 0;
    for (int i = 0; i < prog->nfuncs; i++)
        n += needs_script(prog->funcs[i]);
    if (n == 0)
        return;
    out_quiet(o);
    out_blank_line(o);
    out_put(o, "/* For gdb: each await's callee member, and where shared members hold their "
               "variable. */\n");
    out_gen(o);
    out_put(o, "#if defined(__ELF__)\n");
    out_line(o, 0,
             "__asm__(\".pushsection \\\".debug_gdb_scripts\\\", \\\"MS\\\", %%progbits, 1\\n\"");
    out_line(o, 2, "\".byte 4\\n\"");
    script_line(o, xprintf("asyncc-frames-%s", script_name(prog->path)));
    script_line(o, "import gdb");
    script_line(o, "gdb.__dict__.setdefault('asyncc_frames', {}).update({");
    for (int i = 0; i < prog->nfuncs; i++)
        if (needs_script(prog->funcs[i]))
            script_func(o, prog->funcs[i]);
    script_line(o, "})");
    out_line(o, 2, "\".byte 0\\n\"");
    out_line(o, 2, "\".popsection\\n\");");
    out_put(o, "#endif\n");
}
