/* diag.h - compiler-style diagnostics:
 *
 *     file.c:12:9: error: await outside an async function
 *         int x = await(f());
 *                 ^~~~~~~~~~
 *
 * Every stage reports through here; main.c exits non-zero and writes no output
 * when any error was reported. */
#ifndef ASYNCC_DIAG_H
#define ASYNCC_DIAG_H

#include "ir.h"

/* The file whose lines are quoted under each message (the main file). */
void diag_set_source(const char *path, const char *src, size_t len);
void error_at(Pos pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void note_at(Pos pos, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error about the source range [pos, end), underlined as clang does (^~~~)
 * when it is on one line. */
void error_range(Pos pos, Pos end, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A note whose fix is mechanical: the source range [pos, end) is to be replaced by
 * text (pos == end: text is inserted there), shown under the underlined range. */
void note_fixit(Pos pos, Pos end, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A diagnostic in any file (e.g. a header, from libclang), with no source line. */
void diag_raw(const char *file, unsigned line, unsigned col, const char *severity, const char *msg);
int diag_error_count(void);
/* Diagnostics from diag_hold on are kept back; diag_release prints them (show) or
 * forgets them and the errors among them (a parse that will be done again). */
void diag_hold(void);
void diag_release(bool show);

#endif
