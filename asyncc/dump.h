/* dump.h - the IR as indented text (asyncc --dump-ir), for debugging and teaching. */
#ifndef ASYNCC_DUMP_H
#define ASYNCC_DUMP_H

#include "ir.h"

/* Appends every function (variables, awaits, statement tree) and site to out,
 * under a title line "== title ==". */
void dump_program(const Program *prog, const char *title, Buf *out);

#endif
