/* out.h - the generated text, line by line, with the #line directives that make
 * compilers and debuggers see each line where it comes from.
 *
 * The emitter says what the lines it writes stand for (out_sync: a statement of
 * the source, out_gen: asyncc's own code, out_quiet: a comment) and writes them;
 * each line, once complete, gets a directive in front of it when it holds code and
 * the compiler would otherwise count it as another line. So every line of code
 * the user wrote stays at its line; every line an await or a return expands into
 * is at the line of that statement (a breakpoint there stops once, `next` goes
 * over all of it); and init, drop, the frame struct and the helpers are at their
 * own lines of the generated file (`#line N "file.gen.c"`), never at a user line.
 */
#ifndef ASYNCC_OUT_H
#define ASYNCC_OUT_H

#include "util.h"

typedef enum Mapping {
    MAP_QUIET,  /* no directive (comments: one could fall inside them) */
    MAP_SOURCE, /* the source line `want` */
    MAP_GEN,    /* the generated file's own line */
} Mapping;

/* Where a complete line was, for out_reopen. */
typedef struct OutMark {
    size_t start;
    unsigned real, line, want;
    bool in_gen, continued;
} OutMark;

typedef struct Out {
    Buf *buf;
    char *path;     /* the main file as a C string literal */
    char *gen_path; /* the generated file as a C string literal */
    Mapping map;
    unsigned want;  /* MAP_SOURCE: the source line of the lines being written */
    size_t start;   /* where the line being written starts in buf */
    unsigned real;  /* its line in the generated file */
    unsigned line;  /* the line the compiler counts it as */
    bool in_gen;    /* the compiler's file for it is the generated file */
    bool continued; /* the line before ended in a backslash */
    bool verbatim;  /* writing source text: its newlines advance want */
    OutMark last;   /* the last complete line */
} Out;

/* An Out writing to buf; the compiler starts at line 1 of the generated file. */
Out out_new(Buf *buf, const char *path, const char *gen_path);
/* path as a C string literal. */
char *quote_path(const char *path);

/* What the lines written next stand for. */
void out_sync(Out *o, unsigned line);
void out_gen(Out *o);
void out_quiet(Out *o);

void out_putn(Out *o, const char *s, size_t n);
void out_put(Out *o, const char *s);
/* Source text: a newline in it moves `want` on by one, as it does in the source. */
void out_source(Out *o, const char *s);
void out_printf(Out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool out_at_line_start(const Out *o);
void out_newline_if_needed(Out *o);
/* Ends the current line and leaves an empty one, unless the output already ends
 * in one: generated blocks are set apart from what precedes them. */
void out_blank_line(Out *o);
void out_indent(Out *o, int level);
/* One whole line of generated code at `level`. */
void out_line(Out *o, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A label or case: one level left of the statements around it. */
void out_label(Out *o, int level, const char *text);
/* Takes back the newline of the last complete line, to write more on it. */
void out_reopen(Out *o);
/* Checks the last line, if it has no newline (the end of the file). */
void out_finish(Out *o);

/* Does line [s, s + n) make code the compiler places at its line? Not blank lines,
 * comments, labels or braces alone (`}` at the start of a line ends a function:
 * its return is there). */
bool line_holds_code(const char *s, size_t n);

#endif
