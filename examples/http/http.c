/* http.c - the parsers of http.h. */
#include "http.h"

#include <string.h>

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int http_span_is(http_span span, const char *s) {
    size_t i = 0;
    for (; i < span.n && s[i]; i++)
        if (lower(span.s[i]) != lower(s[i]))
            return 0;
    return i == span.n && s[i] == '\0';
}

/* ---- heads --------------------------------------------------------------------------- */

/* A cursor over the head: the line it is on and what is left after it. */
typedef struct cursor {
    const char *p, *end;
} cursor;

/* The next line (without its CR LF) in *line; 0 if the LF has not arrived yet. */
static int line_next(cursor *c, http_span *line) {
    const char *lf = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!lf)
        return 0;
    *line = (http_span){c->p, (size_t)(lf - c->p)};
    if (line->n > 0 && lf[-1] == '\r')
        line->n--;
    c->p = lf + 1;
    return 1;
}

/* Split off the text up to the first space of *rest (the space is dropped). */
static http_span word_next(http_span *rest) {
    const char *sp = memchr(rest->s, ' ', rest->n);
    size_t n = sp ? (size_t)(sp - rest->s) : rest->n;
    http_span word = {rest->s, n};
    size_t skip = sp ? n + 1 : n;
    *rest = (http_span){rest->s + skip, rest->n - skip};
    return word;
}

/* "HTTP/1.x": x, or HTTP_EBAD. */
static int version_parse(http_span v) {
    if (v.n != 8 || memcmp(v.s, "HTTP/1.", 7) != 0 || v.s[7] < '0' || v.s[7] > '9')
        return HTTP_EBAD;
    return v.s[7] - '0';
}

/* Trim spaces and tabs on both sides. */
static http_span span_trim(http_span s) {
    while (s.n > 0 && (s.s[0] == ' ' || s.s[0] == '\t'))
        s.s++, s.n--;
    while (s.n > 0 && (s.s[s.n - 1] == ' ' || s.s[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* Whether the comma-separated list has token tok (any case). */
static int list_has(http_span list, const char *tok) {
    while (list.n > 0) {
        const char *comma = memchr(list.s, ',', list.n);
        size_t n = comma ? (size_t)(comma - list.s) : list.n;
        if (http_span_is(span_trim((http_span){list.s, n}), tok))
            return 1;
        list.s += comma ? n + 1 : n;
        list.n -= comma ? n + 1 : n;
    }
    return 0;
}

/* Whether the list's last token is tok (Transfer-Encoding: chunked must come last). */
static int list_ends_with(http_span list, const char *tok) {
    size_t i = list.n;
    while (i > 0 && list.s[i - 1] != ',')
        i--;
    return http_span_is(span_trim((http_span){list.s + i, list.n - i}), tok);
}

/* Content-Length: digits only; a second, different value makes the message bad. */
static int length_parse(http_span v, int64_t *length) {
    if (v.n == 0 || v.n > 15)
        return HTTP_EBAD;
    int64_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.s[i] < '0' || v.s[i] > '9')
            return HTTP_EBAD;
        n = n * 10 + (v.s[i] - '0');
    }
    if (*length >= 0 && *length != n)
        return HTTP_EBAD;
    *length = n;
    return 0;
}

/* One header line: the fields of h it sets. */
static int header_parse(http_span line, http_head *h) {
    const char *colon = memchr(line.s, ':', line.n);
    if (!colon || colon == line.s || line.s[0] == ' ' || line.s[0] == '\t')
        return HTTP_EBAD;
    http_span name = {line.s, (size_t)(colon - line.s)};
    http_span value = span_trim((http_span){colon + 1, line.n - name.n - 1});
    if (http_span_is(name, "content-length"))
        return length_parse(value, &h->content_length);
    if (http_span_is(name, "transfer-encoding"))
        h->chunked = list_ends_with(value, "chunked");
    else if (http_span_is(name, "connection") && list_has(value, "close"))
        h->keep_alive = 0;
    else if (http_span_is(name, "connection") && list_has(value, "keep-alive"))
        h->keep_alive = 1;
    return 0;
}

/* The headers after the start line, up to the empty line. */
static long headers_parse(cursor *c, const char *start, http_head *h) {
    h->keep_alive = h->minor >= 1;
    h->chunked = 0;
    h->content_length = -1;
    http_span line;
    while (line_next(c, &line)) {
        if (line.n == 0)
            return c->p - start;
        if (header_parse(line, h) != 0)
            return HTTP_EBAD;
    }
    return 0;
}

/* The start line, then the headers. */
static long head_parse(const char *buf, size_t len, http_head *h,
                       int (*start_line)(http_span, http_head *)) {
    cursor c = {buf, buf + (len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX)};
    http_span line;
    long r = 0;
    if (line_next(&c, &line))
        r = start_line(line, h) != 0 ? HTTP_EBAD : headers_parse(&c, buf, h);
    return r == 0 && len >= HTTP_HEAD_MAX ? HTTP_ETOOLONG : r;
}

/* "GET /path HTTP/1.1" */
static int request_line(http_span line, http_head *h) {
    h->method = word_next(&line);
    h->target = word_next(&line);
    h->minor = version_parse(line);
    h->status = 0;
    return h->method.n == 0 || h->target.n == 0 || h->minor < 0 ? HTTP_EBAD : 0;
}

/* "HTTP/1.1 200 OK" */
static int status_line(http_span line, http_head *h) {
    h->minor = version_parse(word_next(&line));
    http_span code = word_next(&line);
    h->method = h->target = (http_span){NULL, 0};
    if (h->minor < 0 || code.n != 3)
        return HTTP_EBAD;
    h->status = 0;
    for (size_t i = 0; i < 3; i++) {
        if (code.s[i] < '0' || code.s[i] > '9')
            return HTTP_EBAD;
        h->status = h->status * 10 + (code.s[i] - '0');
    }
    return h->status < 100 ? HTTP_EBAD : 0;
}

long http_request_parse(const char *buf, size_t len, http_head *h) {
    return head_parse(buf, len, h, request_line);
}

long http_response_parse(const char *buf, size_t len, http_head *h) {
    return head_parse(buf, len, h, status_line);
}

/* ---- chunked bodies ------------------------------------------------------------------ */

enum chunk_state {
    CHUNK_SIZE_FIRST, /* the first hex digit of a chunk size */
    CHUNK_SIZE,       /* more hex digits, an extension, or the end of the line */
    CHUNK_EXT,        /* ";name=value" after the size, skipped to the LF */
    CHUNK_SIZE_LF,    /* the LF after the size line's CR */
    CHUNK_DATA,
    CHUNK_DATA_CR, /* the CR LF after a chunk's data */
    CHUNK_DATA_LF,
    CHUNK_TRAILER,      /* the start of a trailer line, or the final empty line */
    CHUNK_TRAILER_LINE, /* a trailer field, skipped */
    CHUNK_FINAL_LF,
    CHUNK_DONE
};

void http_chunked_init(http_chunked *d) {
    *d = (http_chunked){CHUNK_SIZE_FIRST, 0};
}

int http_chunked_done(const http_chunked *d) {
    return d->state == CHUNK_DONE;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* After the size line: the data, or the trailers after the last (empty) chunk. */
static int size_line_end(const http_chunked *d) {
    return d->left == 0 ? CHUNK_TRAILER : CHUNK_DATA;
}

/* One byte of framing (not chunk data): the next state, or HTTP_EBAD. */
static int framing_step(http_chunked *d, char c) {
    int hex = hex_value(c);
    switch (d->state) {
    case CHUNK_SIZE_FIRST:
        d->left = (uint64_t)hex;
        return hex < 0 ? HTTP_EBAD : CHUNK_SIZE;
    case CHUNK_SIZE:
        if (hex >= 0 && d->left >> 56 == 0) {
            d->left = d->left * 16 + (uint64_t)hex;
            return CHUNK_SIZE;
        }
        if (c == ';' || c == ' ' || c == '\t')
            return CHUNK_EXT;
        return c == '\r' ? CHUNK_SIZE_LF : c == '\n' ? size_line_end(d) : HTTP_EBAD;
    case CHUNK_EXT:
        return c == '\n' ? size_line_end(d) : CHUNK_EXT;
    case CHUNK_SIZE_LF:
        return c == '\n' ? size_line_end(d) : HTTP_EBAD;
    case CHUNK_DATA_CR:
        return c == '\r' ? CHUNK_DATA_LF : c == '\n' ? CHUNK_SIZE_FIRST : HTTP_EBAD;
    case CHUNK_DATA_LF:
        return c == '\n' ? CHUNK_SIZE_FIRST : HTTP_EBAD;
    case CHUNK_TRAILER:
        return c == '\r' ? CHUNK_FINAL_LF : c == '\n' ? CHUNK_DONE : CHUNK_TRAILER_LINE;
    case CHUNK_TRAILER_LINE:
        return c == '\n' ? CHUNK_TRAILER : CHUNK_TRAILER_LINE;
    case CHUNK_FINAL_LF:
        return c == '\n' ? CHUNK_DONE : HTTP_EBAD;
    default:
        return HTTP_EBAD;
    }
}

long http_chunked_decode(http_chunked *d, char *buf, size_t len, size_t *data_len) {
    size_t in = 0, out = 0;
    while (in < len && d->state != CHUNK_DONE) {
        if (d->state == CHUNK_DATA) {
            size_t n = len - in < d->left ? len - in : (size_t)d->left;
            memmove(buf + out, buf + in, n);
            in += n, out += n;
            d->left -= n;
            if (d->left == 0)
                d->state = CHUNK_DATA_CR;
            continue;
        }
        int next = framing_step(d, buf[in++]);
        if (next < 0)
            return HTTP_EBAD;
        d->state = next;
    }
    *data_len = out;
    return (long)in;
}
