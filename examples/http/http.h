/* http.h - HTTP/1.1 message heads and chunked bodies, parsed from byte buffers. Plain C,
 * no async: http_server.c and http_client.c do the I/O.
 *
 * Both parsers take the bytes received so far and return 0 until the head is complete,
 * so a caller reads, parses, and reads again. Lines end in LF with an optional CR
 * before it (RFC 9112 section 2.2). */
#ifndef EXAMPLES_HTTP_H
#define EXAMPLES_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* A head longer than this is refused (the server answers 431). */
#define HTTP_HEAD_MAX 8192
/* A malformed message, and a head longer than HTTP_HEAD_MAX. */
#define HTTP_EBAD (-1)
#define HTTP_ETOOLONG (-2)

typedef struct http_span {
    const char *s; /* into the parsed buffer, not NUL-terminated */
    size_t n;
} http_span;

typedef struct http_head {
    http_span method, target; /* requests */
    int status;               /* responses */
    int minor;                /* HTTP/1.<minor> */
    int keep_alive;           /* 1.1 unless "Connection: close", 1.0 only with keep-alive */
    int chunked;              /* Transfer-Encoding ends in chunked */
    int64_t content_length;   /* -1 without Content-Length */
} http_head;

/* Parse a request (or response) head at the start of buf[0..len): its length with the
 * empty line (> 0), 0 if incomplete, HTTP_EBAD, or HTTP_ETOOLONG when no end of head
 * is in the first HTTP_HEAD_MAX bytes. */
long http_request_parse(const char *buf, size_t len, http_head *h);
long http_response_parse(const char *buf, size_t len, http_head *h);

/* Whether span is the string s, in any case. */
int http_span_is(http_span span, const char *s);

/* A chunked body's decoder; it keeps its place between calls, so the body may arrive
 * split anywhere. */
typedef struct http_chunked {
    int state;
    uint64_t left; /* bytes of the current chunk still to come, or the size being read */
} http_chunked;

void http_chunked_init(http_chunked *d);
/* Decode buf[0..len) in place: the chunks' data goes to buf[0..*data_len). Returns the
 * bytes used, which is len unless the body ended before (the rest is the next message),
 * or HTTP_EBAD. */
long http_chunked_decode(http_chunked *d, char *buf, size_t len, size_t *data_len);
/* Whether the last chunk and the trailers have been read. */
int http_chunked_done(const http_chunked *d);

#endif
