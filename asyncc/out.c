/* out.c - the generated text with its #line directives (out.h). */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctext.h"

Out out_new(Buf *buf, const char *path, const char *gen_path) {
    Out o = {0};
    o.buf = buf;
    o.path = quote_path(path);
    o.gen_path = quote_path(gen_path);
    o.map = MAP_GEN;
    o.start = buf->len;
    o.real = o.line = 1;
    o.in_gen = true;
    return o;
}

char *quote_path(const char *path) {
    Buf b = {0};
    buf_put(&b, "\"");
    for (const char *p = path; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_put(&b, "\\");
        buf_putn(&b, p, 1);
    }
    buf_put(&b, "\"");
    return b.data;
}

void out_sync(Out *o, unsigned line) {
    o->map = MAP_SOURCE;
    o->want = line;
}

void out_gen(Out *o) {
    o->map = MAP_GEN;
}

void out_quiet(Out *o) {
    o->map = MAP_QUIET;
}

/* ---- which lines need a directive --------------------------------------------------------- */

static bool is_label(const char *s, size_t n) {
    if (n < 2 || s[n - 1] != ':' || s[n - 2] == ':')
        return false;
    if ((n > 5 && strncmp(s, "case ", 5) == 0) || (n == 8 && strncmp(s, "default:", 8) == 0))
        return true;
    for (size_t i = 0; i + 1 < n; i++)
        if (!is_ident_char((unsigned char)s[i]))
            return false;
    return is_ident_start((unsigned char)s[0]);
}

bool line_holds_code(const char *s, size_t n) {
    static const char *const bare[] = {"{", "}", "} else {", "else {", "do {", "};"};
    size_t indent = strspn(s, " \t");
    if (indent > n)
        indent = n;
    const char *t = s + indent;
    size_t len = n - indent;
    while (len > 0 && strchr(" \t\r", t[len - 1]))
        len--;
    if (len == 0 || (len >= 2 && t[0] == '/' && (t[1] == '/' || t[1] == '*')))
        return false;
    if (len == 1 && t[0] == '}' && indent == 0)
        return true;
    for (size_t i = 0; i < sizeof bare / sizeof *bare; i++)
        if (strlen(bare[i]) == len && strncmp(t, bare[i], len) == 0)
            return false;
    return !is_label(t, len);
}

/* Puts directive d in front of the line being written. */
static void insert_directive(Out *o, const char *d) {
    size_t dl = strlen(d), tail = o->buf->len - o->start;
    buf_putn(o->buf, d, dl);
    memmove(o->buf->data + o->start + dl, o->buf->data + o->start, tail);
    memcpy(o->buf->data + o->start, d, dl);
    o->start += dl;
    o->real++;
}

/* The directive the line being written needs, if it holds code the compiler would
 * count as another line than the one it stands for. */
static void line_check(Out *o) {
    const char *s = o->buf->data + o->start;
    size_t n = o->buf->len - o->start;
    if (n > 0 && s[n - 1] == '\n')
        n--;
    if (o->continued || o->map == MAP_QUIET || !line_holds_code(s, n))
        return;
    if (o->map == MAP_SOURCE && (o->in_gen || o->line != o->want)) {
        char *d =
            o->in_gen ? xprintf("#line %u %s\n", o->want, o->path) : xprintf("#line %u\n", o->want);
        insert_directive(o, d);
        free(d);
        o->in_gen = false;
        o->line = o->want;
    } else if (o->map == MAP_GEN && (!o->in_gen || o->line != o->real)) {
        char *d = xprintf("#line %u %s\n", o->real + 1, o->gen_path);
        insert_directive(o, d);
        free(d);
        o->in_gen = true;
        o->line = o->real;
    }
}

/* The line before buf's last byte, a newline, is complete. */
static void line_done(Out *o) {
    line_check(o);
    o->last = (OutMark){o->start, o->real, o->line, o->want, o->in_gen, o->continued};
    size_t end = o->buf->len - 1;
    o->continued = end > o->start && o->buf->data[end - 1] == '\\';
    o->real++;
    o->line++;
    if (o->verbatim && o->map == MAP_SOURCE)
        o->want++;
    o->start = o->buf->len;
}

void out_reopen(Out *o) {
    o->buf->data[--o->buf->len] = '\0';
    o->start = o->last.start;
    o->real = o->last.real;
    o->line = o->last.line;
    o->want = o->last.want;
    o->in_gen = o->last.in_gen;
    o->continued = o->last.continued;
}

void out_finish(Out *o) {
    if (o->buf->len > o->start)
        line_check(o);
}

/* ---- writing ---------------------------------------------------------------------------- */

void out_putn(Out *o, const char *s, size_t n) {
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        buf_putn(o->buf, s, k);
        if (nl)
            line_done(o);
        s += k;
        n -= k;
    }
}

void out_put(Out *o, const char *s) {
    out_putn(o, s, strlen(s));
}

void out_source(Out *o, const char *s) {
    o->verbatim = true;
    out_put(o, s);
    o->verbatim = false;
}

static void out_vprintf(Out *o, const char *fmt, va_list ap) {
    char *s = xvprintf(fmt, ap);
    out_put(o, s);
    free(s);
}

void out_printf(Out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(o, fmt, ap);
    va_end(ap);
}

bool out_at_line_start(const Out *o) {
    return o->buf->len == 0 || o->buf->data[o->buf->len - 1] == '\n';
}

void out_newline_if_needed(Out *o) {
    if (!out_at_line_start(o))
        out_put(o, "\n");
}

void out_blank_line(Out *o) {
    out_newline_if_needed(o);
    size_t n = o->buf->len;
    if (n >= 2 && o->buf->data[n - 2] != '\n')
        out_put(o, "\n");
}

void out_indent(Out *o, int level) {
    for (int i = 0; i < level; i++)
        out_put(o, "    ");
}

void out_line(Out *o, int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    out_indent(o, level);
    out_vprintf(o, fmt, ap);
    out_put(o, "\n");
    va_end(ap);
}

void out_label(Out *o, int level, const char *text) {
    out_indent(o, level > 0 ? level - 1 : 0);
    out_printf(o, "%s:\n", text);
}
