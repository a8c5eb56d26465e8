#define _POSIX_C_SOURCE 200809L /* getcwd */

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(void) {
    fputs("asyncc: error: out of memory\n", stderr);
    exit(1);
}

void *xmalloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrndup(const char *s, size_t n) {
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    return d;
}

char *xstrdup(const char *s) {
    return xstrndup(s, strlen(s));
}

char *xvprintf(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *xprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvprintf(fmt, ap);
    va_end(ap);
    return s;
}

void buf_putn(Buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    if (n) /* s may be NULL then (an empty file's bytes) */
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_put(Buf *b, const char *s) {
    buf_putn(b, s, strlen(s));
}

void buf_printf(Buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvprintf(fmt, ap);
    va_end(ap);
    buf_put(b, s);
    free(s);
}

void buf_json_string(Buf *b, const char *s) {
    buf_put(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c == '\n')
            buf_put(b, "\\n");
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_putn(b, s, 1);
    }
    buf_put(b, "\"");
}

bool str_in(char *const *names, int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

char *path_absolute(const char *path) {
    char cwd[4096];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return xstrdup(path);
    return xprintf("%s/%s", cwd, path);
}

uint64_t *bits_new(size_t nbits) {
    return xmalloc((nbits / 64 + 1) * sizeof(uint64_t));
}

void bit_set(uint64_t *set, int i) {
    set[i / 64] |= (uint64_t)1 << (i % 64);
}

bool bit_has(const uint64_t *set, int i) {
    return (set[i / 64] >> (i % 64)) & 1;
}
