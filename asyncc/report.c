/* report.c - facts about the generated code as JSON lines. */
#include "report.h"

void report_frame(const Program *prog, const Func *f, Buf *out) {
    buf_put(out, "{\"function\":");
    buf_json_string(out, f->name);
    buf_put(out, ",\"file\":");
    buf_json_string(out, prog->path);
    buf_printf(out,
               ",\"line\":%u,\"frame_size\":%ld,\"frame_align\":%ld,\"frame_bound\":%ld,"
               "\"frame_floor\":%ld}\n",
               f->pos.line, f->frame_size, f->frame_align, f->frame_bound, f->frame_floor);
}

void report_frames(const Program *prog, Buf *out) {
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i]->is_defined)
            report_frame(prog, prog->funcs[i], out);
}
