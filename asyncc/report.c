/* report.c - facts about the generated code as JSON lines. */
#include "report.h"

/* s as a JSON string. */
static void json_string(Buf *out, const char *s) {
    buf_put(out, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(out, "\\%c", c);
        else if (c < 0x20)
            buf_printf(out, "\\u%04x", c);
        else
            buf_putn(out, s, 1);
    }
    buf_put(out, "\"");
}

void report_frame(const Program *prog, const Func *f, Buf *out) {
    buf_put(out, "{\"function\":");
    json_string(out, f->name);
    buf_put(out, ",\"file\":");
    json_string(out, prog->path);
    buf_printf(out, ",\"line\":%u,\"frame_size\":%ld,\"frame_align\":%ld,\"frame_bound\":%ld}\n",
               f->pos.line, f->frame_size, f->frame_align, f->frame_bound);
}

void report_frames(const Program *prog, Buf *out) {
    for (int i = 0; i < prog->nfuncs; i++)
        if (prog->funcs[i]->is_defined)
            report_frame(prog, prog->funcs[i], out);
}
