/* ctext.h - C source text: where lines start, and the position of a byte of the
 * text libclang parsed in the user's file (through the splices of macro
 * expansions, ir.h). */
#ifndef ASYNCC_CTEXT_H
#define ASYNCC_CTEXT_H

#include "ir.h"

#include <stdbool.h>

/* The one rule for identifiers: letters, digits, '_', '$' (a GNU extension gcc
 * and clang accept) and the bytes of UTF-8 characters; not a digit first. */
bool is_ident_start(unsigned char c);
bool is_ident_char(unsigned char c);
/* The position just after the string or character literal that starts at s (or
 * its NUL, unclosed). */
const char *literal_end(const char *s);

/* Sets prog->lines from prog->file_src. */
void lines_index(Program *prog);
/* The position in the file of byte off of prog->src: line and column in the
 * file, offset off itself. A byte of a splice is at the invocation it expands. */
Pos program_pos(const Program *prog, unsigned off);
/* The file offset of byte off of prog->src (a splice's: its invocation's start). */
unsigned file_offset(const Program *prog, unsigned off);

#endif
