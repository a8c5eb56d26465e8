/* emit_gdb.h - the facts of a frame's layout that gdb.py needs, written at the end of
 * the generated file by emit.c (see emit_gdb.c). */
#ifndef ASYNCC_EMIT_GDB_H
#define ASYNCC_EMIT_GDB_H

#include "ir.h"
#include "out.h"

void emit_gdb_script(Out *o, const Program *prog);

#endif
