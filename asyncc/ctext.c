#include "ctext.h"

#include <ctype.h>
#include <stdlib.h>

bool is_ident_start(unsigned char c) {
    return isalpha(c) || c == '_' || c == '$' || c >= 0x80;
}

bool is_ident_char(unsigned char c) {
    return is_ident_start(c) || isdigit(c);
}

const char *literal_end(const char *s) {
    char quote = *s++;
    while (*s && *s != quote)
        s += s[0] == '\\' && s[1] ? 2 : 1;
    return *s ? s + 1 : s;
}

void lines_index(Program *prog) {
    free(prog->lines);
    prog->lines = NULL;
    prog->nlines = 0;
    VEC_PUSH(&prog->lines, &prog->nlines, 0u);
    for (unsigned i = 0; i < prog->file_len; i++)
        if (prog->file_src[i] == '\n')
            VEC_PUSH(&prog->lines, &prog->nlines, i + 1);
}

unsigned file_offset(const Program *prog, unsigned off) {
    long delta = 0; /* file offset minus src offset, after the splices before off */
    for (int i = 0; i < prog->nsplices; i++) {
        const Splice *s = &prog->splices[i];
        if (off < s->start)
            break;
        if (off < s->end)
            return s->file_start;
        delta = (long)s->file_end - (long)s->end;
    }
    return (unsigned)((long)off + delta);
}

Pos program_pos(const Program *prog, unsigned off) {
    unsigned at = file_offset(prog, off);
    int lo = 0, hi = prog->nlines - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (prog->lines[mid] <= at)
            lo = mid;
        else
            hi = mid - 1;
    }
    Pos pos = {(unsigned)lo + 1, at - prog->lines[lo] + 1, off};
    return pos;
}
