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

/* Print line pos.line of the file and a caret under column pos.col. */
static void quote_line(Pos pos) {
    if (!diag_src || pos.line == 0)
        return;
    size_t start = 0;
    for (unsigned line = 1; line < pos.line && start < diag_len; start++)
        line += diag_src[start] == '\n';
    size_t end = start;
    while (end < diag_len && diag_src[end] != '\n')
        end++;
    if (start + pos.col - 1 > end)
        return;
    diag_print("%.*s\n", (int)(end - start), diag_src + start);
    for (size_t i = start; i < start + pos.col - 1; i++)
        diag_print("%c", diag_src[i] == '\t' ? '\t' : ' ');
    diag_print("^\n");
}

static void report(Pos pos, const char *severity, const char *fmt, va_list ap) {
    char *msg = xvprintf(fmt, ap);
    diag_print("%s:%u:%u: %s: %s\n", diag_path, pos.line, pos.col, severity, msg);
    free(msg);
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
        diag_print("%s:%u:%u: %s: %s\n", file, line, col, severity, msg);
    else
        diag_print("%s: %s: %s\n", file, severity, msg);
    if (severity[0] == 'e' || severity[0] == 'f')
        nerrors++;
}

int diag_error_count(void) {
    return nerrors;
}
