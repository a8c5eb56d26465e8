/* report.h - facts about the generated code as JSON lines (asyncc --frame-report). */
#ifndef ASYNCC_REPORT_H
#define ASYNCC_REPORT_H

#include "ir.h"

/* One line for an async function defined in prog's main file:
 *   {"function":"fetch","file":"fetch.c","line":44,"frame_size":160,"frame_align":8,
 *    "frame_bound":160,"frame_floor":160}
 * frame_size and frame_align as the C compiler lays NAME_frame out; frame_bound the
 * least size any layout could have given the values needed at each suspension point,
 * frame_floor given also those in use together between them (grammar/abi.md,
 * section 2). */
void report_frame(const Program *prog, const Func *f, Buf *out);

/* report_frame for every async function defined in the main file, in source order. */
void report_frames(const Program *prog, Buf *out);

#endif
