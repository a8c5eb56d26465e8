/* util.h - growable byte buffers, growable pointer arrays and allocation that
 * never returns NULL (asyncc exits with a message when memory runs out). */
#ifndef ASYNCC_UTIL_H
#define ASYNCC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Buf {
    char *data; /* always NUL-terminated */
    size_t len, cap;
} Buf;

void *xmalloc(size_t n); /* zero-filled */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xvprintf(const char *fmt, va_list ap);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void buf_put(Buf *b, const char *s);
void buf_putn(Buf *b, const char *s, size_t n);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string literal, quotes included. */
void buf_json_string(Buf *b, const char *s);

/* Append p to the array *items of *n elements. */
#define VEC_PUSH(items, n, p)                                                                      \
    do {                                                                                           \
        *(items) = xrealloc(*(items), sizeof **(items) * (size_t)(*(n) + 1));                      \
        (*(items))[(*(n))++] = (p);                                                                \
    } while (0)

bool str_in(char *const *names, int n, const char *s);

/* path from the current directory, or path itself when it is absolute. */
char *path_absolute(const char *path);

/* Bit sets: arrays of 64-bit words, bit i of word i / 64. */
uint64_t *bits_new(size_t nbits); /* all clear */
void bit_set(uint64_t *set, int i);
bool bit_has(const uint64_t *set, int i);

#endif
