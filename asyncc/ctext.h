/* ctext.h - the one home of C's lexical rules in asyncc: identifiers, literals,
 * comments, tokens and brackets of the text libclang parsed, and positions: where
 * the file's lines start, and where a byte of the parsed text is in the user's
 * file (through the splices of macro expansions, ir.h). */
#ifndef ASYNCC_CTEXT_H
#define ASYNCC_CTEXT_H

#include "ir.h"

#include <stdbool.h>

/* The one rule for identifiers: letters, digits, '_', '$' (a GNU extension gcc
 * and clang accept) and the bytes of UTF-8 characters; not a digit first. */
bool is_ident_start(unsigned char c);
bool is_ident_char(unsigned char c);
/* The length of the string or character literal whose quote is s[0], of the n
 * bytes at s: to its closing quote, or (unclosed) to the end of its line. */
size_t literal_len(const char *s, size_t n);
/* The same in a NUL-terminated text: the position just after the literal. */
const char *literal_end(const char *s);
/* After the bracketed group that starts at s (brackets of every kind, literals
 * skipped), in a NUL-terminated text (a template's). */
const char *text_group_end(const char *s);

/* The tokens of prog->src (offsets into it). Comments, whitespace and line
 * splices are blank. */
typedef enum TokKind { TOK_END, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_CHAR, TOK_PUNCT } TokKind;

typedef struct Tok {
    TokKind kind;
    unsigned start, end;
} Tok;
bool is_comment_start(const Program *prog, unsigned off);
/* The offset after the comment that starts at off (a line comment ends before its
 * newline). */
unsigned comment_end(const Program *prog, unsigned off);
/* The next offset from off that is not blank. */
unsigned skip_blank(const Program *prog, unsigned off);
/* End of the quoted literal whose opening quote is at off. */
unsigned quoted_end(const Program *prog, unsigned off);
/* The token that starts exactly at off (which must not be blank), and the next
 * token from off. */
Tok tok_at(const Program *prog, unsigned off);
Tok tok_next(const Program *prog, unsigned off);
bool tok_is(const Program *prog, Tok t, const char *text);
/* Opening and closing brackets of every kind. */
bool is_open(char c);
bool is_close(char c);
/* Walks the tokens of [start, end) keeping brackets on a stack: with
 * stop_at_close, returns the end of the token that closes the bracket the first
 * token opens; otherwise end when the range is balanced. 0 when brackets do not
 * match. */
unsigned brackets_walk(const Program *prog, unsigned start, unsigned end, bool stop_at_close);
/* End of the bracket group opened at off, or 0. */
unsigned tok_group_end(const Program *prog, unsigned off);

/* Sets prog->lines from prog->file_src. */
void lines_index(Program *prog);
/* The position in the file of byte off of prog->src: line and column in the
 * file, offset off itself. A byte of a splice is at the invocation it expands. */
Pos program_pos(const Program *prog, unsigned off);
/* The file offset of byte off of prog->src (a splice's: its invocation's start). */
unsigned file_offset(const Program *prog, unsigned off);

#endif
