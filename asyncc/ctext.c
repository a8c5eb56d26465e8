#include "ctext.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool is_ident_start(unsigned char c) {
    return isalpha(c) || c == '_' || c == '$' || c >= 0x80;
}

bool is_ident_char(unsigned char c) {
    return is_ident_start(c) || isdigit(c);
}

size_t literal_len(const char *s, size_t n) {
    size_t i = 1;
    while (i < n && s[i] != s[0] && s[i] != '\n')
        i += s[i] == '\\' && i + 1 < n ? 2 : 1;
    return i < n && s[i] == s[0] ? i + 1 : i;
}

const char *literal_end(const char *s) {
    return s + literal_len(s, strlen(s));
}

/* After the bracketed group starting at s (brackets of every kind, literals skipped). */
const char *text_group_end(const char *s) {
    int depth = 0;
    do {
        if (*s == '"' || *s == '\'') {
            s = literal_end(s);
            continue;
        }
        depth += strchr("([{", *s) ? 1 : strchr(")]}", *s) ? -1 : 0;
        s++;
    } while (*s && depth > 0);
    return s;
}

/* ---- tokens of the program's text ---- */

bool is_comment_start(const Program *prog, unsigned off) {
    return prog->src[off] == '/' && off + 1 < prog->len &&
           (prog->src[off + 1] == '/' || prog->src[off + 1] == '*');
}

/* The offset after the comment that starts at off (a line comment ends before its
 * newline; its line splices are inside it). */
unsigned comment_end(const Program *prog, unsigned off) {
    const char *s = prog->src;
    unsigned n = (unsigned)prog->len;
    if (s[off + 1] == '/') {
        while (off < n && s[off] != '\n')
            off += s[off] == '\\' && off + 1 < n ? 2 : 1;
        return off;
    }
    off += 2;
    while (off + 1 < n && !(s[off] == '*' && s[off + 1] == '/'))
        off++;
    return off + 2 < n ? off + 2 : n;
}

/* Whitespace, comments and line splices from off; returns the next offset that is
 * none of them. */
unsigned skip_blank(const Program *prog, unsigned off) {
    const char *s = prog->src;
    unsigned n = (unsigned)prog->len;
    while (off < n) {
        if (isspace((unsigned char)s[off]))
            off++;
        else if (s[off] == '\\' && off + 1 < n && (s[off + 1] == '\n' || s[off + 1] == '\r'))
            off += 2;
        else if (is_comment_start(prog, off))
            off = comment_end(prog, off);
        else
            break;
    }
    return off;
}

/* End of the quoted literal whose opening quote is at off. */
unsigned quoted_end(const Program *prog, unsigned off) {
    return off + (unsigned)literal_len(prog->src + off, prog->len - off);
}

static unsigned number_end(const Program *prog, unsigned off) {
    const char *s = prog->src;
    unsigned n = (unsigned)prog->len;
    off++;
    while (off < n) {
        char c = s[off];
        if ((c == '+' || c == '-') && strchr("eEpP", s[off - 1]))
            off++;
        else if (is_ident_char((unsigned char)c) || c == '.')
            off++;
        else
            break;
    }
    return off;
}

static unsigned punct_len(const char *s, size_t avail) {
    static const char *const puncts[] = {"...", "<<=", ">>=", "->", "++", "--", "<<", ">>",
                                         "<=",  ">=",  "==",  "!=", "&&", "||", "*=", "/=",
                                         "%=",  "+=",  "-=",  "&=", "^=", "|=", "##"};
    for (size_t i = 0; i < sizeof puncts / sizeof *puncts; i++) {
        size_t len = strlen(puncts[i]);
        if (len <= avail && memcmp(s, puncts[i], len) == 0)
            return (unsigned)len;
    }
    return 1;
}

/* The token that starts exactly at off (which must not be blank). */
Tok tok_at(const Program *prog, unsigned off) {
    const char *s = prog->src;
    unsigned n = (unsigned)prog->len;
    Tok t = {TOK_END, off, off};
    if (off >= n)
        return t;
    unsigned char c = (unsigned char)s[off];
    unsigned prefix = 0; /* encoding prefix of a string or character literal */
    if (c == 'u' && off + 2 < n && s[off + 1] == '8' && (s[off + 2] == '"' || s[off + 2] == '\''))
        prefix = 2;
    else if (strchr("LuU", c) && off + 1 < n && (s[off + 1] == '"' || s[off + 1] == '\''))
        prefix = 1;
    if (prefix || c == '"' || c == '\'') {
        t.kind = s[off + prefix] == '"' ? TOK_STRING : TOK_CHAR;
        t.end = quoted_end(prog, off + prefix);
    } else if (is_ident_start(c)) {
        t.kind = TOK_IDENT;
        for (t.end = off + 1; t.end < n && is_ident_char((unsigned char)s[t.end]); t.end++) {
        }
    } else if (isdigit(c) || (c == '.' && off + 1 < n && isdigit((unsigned char)s[off + 1]))) {
        t.kind = TOK_NUMBER;
        t.end = number_end(prog, off);
    } else {
        t.kind = TOK_PUNCT;
        t.end = off + punct_len(s + off, n - off);
    }
    return t;
}

Tok tok_next(const Program *prog, unsigned off) {
    return tok_at(prog, skip_blank(prog, off));
}

bool tok_is(const Program *prog, Tok t, const char *text) {
    size_t len = strlen(text);
    return t.kind != TOK_END && t.end - t.start == len &&
           memcmp(prog->src + t.start, text, len) == 0;
}

bool is_open(char c) {
    return c == '(' || c == '[' || c == '{';
}
bool is_close(char c) {
    return c == ')' || c == ']' || c == '}';
}
static char closer_of(char c) {
    return c == '(' ? ')' : c == '[' ? ']' : '}';
}

/* Walks the tokens of [start, end) keeping brackets on a stack. With
 * stop_at_close, returns the end of the token that closes the bracket opened by
 * the first token; otherwise returns end when the whole range is balanced. 0 when
 * the brackets do not match. */
unsigned brackets_walk(const Program *prog, unsigned start, unsigned end, bool stop_at_close) {
    char *stack = NULL;
    int depth = 0;
    bool bad = false;
    for (unsigned off = skip_blank(prog, start); off < end && !bad; off = skip_blank(prog, off)) {
        Tok t = tok_at(prog, off);
        char c = prog->src[t.start];
        off = t.end;
        if (t.end > end)
            bad = true;
        else if (t.kind == TOK_PUNCT && is_open(c))
            VEC_PUSH(&stack, &depth, closer_of(c));
        else if (t.kind == TOK_PUNCT && is_close(c)) {
            bad = depth == 0 || stack[depth - 1] != c;
            if (!bad && --depth == 0 && stop_at_close) {
                free(stack);
                return t.end;
            }
        }
    }
    free(stack);
    return !bad && !stop_at_close && depth == 0 ? end : 0;
}

/* End of the bracket group opened at off, or 0. */
unsigned tok_group_end(const Program *prog, unsigned off) {
    return brackets_walk(prog, off, (unsigned)prog->len, true);
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
