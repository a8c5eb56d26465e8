/* gdb.c - what gdb needs to debug async programs, linked into every program built from
 * asyncc's output (asyncc.h's lowered face refers to ac_gdb_info).
 *
 * The script gdb.py rides in the .debug_gdb_scripts section as an inline Python script
 * (gdb's "Python Text" entry: 4, the script's name on its first line, the script,
 * a NUL), which gdb runs when it loads the program, if auto-load allows it: it names
 * frame locals by their source names and lists the live tasks (see gdb.py). The
 * section is mergeable, so the script appears once however many objects carry it.
 *
 * ac_gdb_info tells the script the layout of task blocks, which are preprocessor
 * constants that the debug information does not keep.
 */
#include "internal.h"

#include <stdint.h>

struct ac_gdb_info {
    uint32_t task_header_size; /* a task's frame starts this many bytes into its block */
    uint32_t pool_class_step;  /* class i of the pool holds blocks of (i + 1) * this */
    uint32_t pool_classes;
    uint32_t task_finished; /* the flag of a finished task, whose frame may hold its result */
};

const struct ac_gdb_info ac_gdb_info = {ACI_TASK_HEADER_SIZE, ACI_MAX_ALIGN, ACI_POOL_CLASSES,
                                        TASK_FINISHED};

__asm__(".pushsection \".debug_gdb_scripts\", \"MS\", %progbits, 1\n"
        ".byte 4\n"
        ".ascii \"asyncc-gdb\\n\"\n"
        ".incbin \"" ACI_GDB_SCRIPT "\"\n"
        ".byte 0\n"
        ".popsection\n");
