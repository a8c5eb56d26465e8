#include "diag.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *diag_path = "<input>";
static const char *diag_src;
static size_t diag_len;
static int nerrors;
/* While held, diagnostics go to `held` instead of stderr (diag_hold). */
static bool holding;
static Buf held;
static int held_errors;

/* Everything diagnostics print goes through here. */
__attribute__((format(printf, 1, 2))) static void diag_print(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvprintf(fmt, ap);
    va_end(ap);
    if (holding)
        buf_put(&held, s);
    else
        fputs(s, stderr);
    free(s);
}

void diag_hold(void) {
    holding = true;
    held.len = 0;
    held_errors = nerrors;
}

void diag_release(bool show) {
    holding = false;
    if (show && held.len)
        fputs(held.data, stderr);
    else if (!show)
        nerrors = held_errors;
    held.len = 0;
}

void diag_set_source(const char *path, const char *src, size_t len) {
    diag_path = path;
    diag_src = src;
    diag_len = len;
}

/* What is marked under the quoted line: a caret at the position, '~' under the
 * rest of the range, and a fix-it's text (what the range becomes) on the line below. */
typedef struct Mark {
    Pos pos;
    unsigned len;       /* columns of the range, the caret's included (0 or 1: caret only) */
    const char *insert; /* fix-it: the range's replacement, or NULL */
} Mark;

/* Print line pos.line of the file, the caret and the range under it, and the
 * fix-it's text. */
static void quote_line(Mark m) {
    Pos pos = m.pos;
    if (!diag_src || pos.line == 0)
        return;
    size_t start = 0;
    for (unsigned line = 1; line < pos.line && start < diag_len; start++)
        line += diag_src[start] == '\n';
    size_t end = start;
    while (end < diag_len && diag_src[end] != '\n')
        end++;
    size_t at = start + pos.col - 1;
    if (at > end)
        return;
    diag_print("%.*s\n", (int)(end - start), diag_src + start);
    Buf indent = {0};
    for (size_t i = start; i < at; i++)
        buf_put(&indent, diag_src[i] == '\t' ? "\t" : " ");
    diag_print("%s^", indent.data ? indent.data : "");
    for (size_t i = at + 1; i < at + m.len && i < end; i++)
        diag_print("~");
    diag_print("\n");
    if (m.insert)
        diag_print("%s%s\n", indent.data ? indent.data : "", m.insert);
    free(indent.data);
}

static void report(Mark m, const char *severity, const char *fmt, va_list ap) {
    char *msg = xvprintf(fmt, ap);
    diag_print("%s:%u:%u: %s: %s\n", diag_path, m.pos.line, m.pos.col, severity, msg);
    free(msg);
    quote_line(m);
}

void error_at(Pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report((Mark){pos, 0, NULL}, "error", fmt, ap);
    va_end(ap);
    nerrors++;
}

/* Columns of [pos, end) when it is on one line, else 0 (a caret only). */
static unsigned range_len(Pos pos, Pos end) {
    return end.line == pos.line && end.col > pos.col ? end.col - pos.col : 0;
}

void error_range(Pos pos, Pos end, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report((Mark){pos, range_len(pos, end), NULL}, "error", fmt, ap);
    va_end(ap);
    nerrors++;
}

void note_at(Pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report((Mark){pos, 0, NULL}, "note", fmt, ap);
    va_end(ap);
}

void note_fixit(Pos pos, Pos end, const char *text, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report((Mark){pos, range_len(pos, end), text}, "note", fmt, ap);
    va_end(ap);
}

void diag_raw(const char *file, unsigned line, unsigned col, const char *severity,
              const char *msg) {
    if (line)
        diag_print("%s:%u:%u: %s: %s\n", file, line, col, severity, msg);
    else
        diag_print("%s: %s: %s\n", file, severity, msg);
    if (severity[0] == 'e' || severity[0] == 'f')
        nerrors++;
}

int diag_error_count(void) {
    return nerrors;
}
