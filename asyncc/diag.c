#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

static const char *diag_path = "<input>";
static const char *diag_src;
static size_t diag_len;
static int nerrors;

void diag_set_source(const char *path, const char *src, size_t len) {
    diag_path = path;
    diag_src = src;
    diag_len = len;
}

/* Print the source line holding pos and a caret under its column. */
static void quote_line(Pos pos) {
    if (!diag_src || pos.offset > diag_len)
        return;
    size_t start = pos.offset, end = pos.offset;
    while (start > 0 && diag_src[start - 1] != '\n')
        start--;
    while (end < diag_len && diag_src[end] != '\n')
        end++;
    fprintf(stderr, "%.*s\n", (int)(end - start), diag_src + start);
    for (size_t i = start; i < pos.offset; i++)
        fputc(diag_src[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
}

static void report(Pos pos, const char *severity, const char *fmt, va_list ap) {
    fprintf(stderr, "%s:%u:%u: %s: ", diag_path, pos.line, pos.col, severity);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    quote_line(pos);
}

void error_at(Pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(pos, "error", fmt, ap);
    va_end(ap);
    nerrors++;
}

void note_at(Pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(pos, "note", fmt, ap);
    va_end(ap);
}

void diag_raw(const char *file, unsigned line, unsigned col, const char *severity,
              const char *msg) {
    if (line)
        fprintf(stderr, "%s:%u:%u: %s: %s\n", file, line, col, severity, msg);
    else
        fprintf(stderr, "%s: %s: %s\n", file, severity, msg);
    if (severity[0] == 'e' || severity[0] == 'f')
        nerrors++;
}

int diag_error_count(void) {
    return nerrors;
}
