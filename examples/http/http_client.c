/* http_client - fetch one resource from 127.0.0.1 and print its body: the classic
 * fetch_data of async tutorials, which awaits the response head, then the body
 * (Content-Length, chunked, or up to the end of the stream).
 *
 *     http_client PATH PORT
 *
 * stdout: the body. stderr: "http_client: <status>, <n> bytes (<framing>)". Exit status
 * 0 for a 2xx response, 1 otherwise or on an error (named on stderr). */
#include <asyncc.h>
/* after <asyncc.h>, which defines async */
#include <ac_io.h>
#include <ac_net.h>

#include <stdio.h>
#include <string.h>

#include "http.h"
#include "net.h"

/* The largest body kept. */
#define BODY_MAX (1024 * 1024)

/* Await a complete response head in in: its length with the head in *head, or a
 * negative value (an errno, HTTP_EBAD, HTTP_ETOOLONG, or -EPIPE at an early end). */
async long fetch_head(ac_fd *h, net_buf *in, http_head *head) {
    long r;
    while ((r = http_response_parse(in->data + in->start, in->end - in->start, head)) == 0) {
        ssize_t n = await(net_fill(h, in));
        if (n <= 0)
            return n == 0 ? -EPIPE : n;
    }
    if (r > 0)
        in->start += (size_t)r;
    return r;
}

/* Move what in holds of the body to body[*len..cap) (decoding chunks). 0, or a negative
 * value. */
static long body_take(net_buf *in, const http_head *head, http_chunked *dec, char *body, size_t cap,
                      size_t *len) {
    char *p = in->data + in->start;
    size_t n = in->end - in->start, used = n;
    if (head->chunked) {
        long r = http_chunked_decode(dec, p, n, &n);
        if (r < 0)
            return r;
        used = (size_t)r;
    } else if (head->content_length >= 0 && (uint64_t)head->content_length - *len < n) {
        n = used = (size_t)head->content_length - *len;
    }
    if (n > cap - *len)
        return -EFBIG;
    memcpy(body + *len, p, n);
    *len += n;
    in->start += used;
    return 0;
}

/* Whether the body is complete. */
static int body_done(const http_head *head, const http_chunked *dec, size_t len) {
    if (head->chunked)
        return http_chunked_done(dec);
    return head->content_length >= 0 && (uint64_t)len == (uint64_t)head->content_length;
}

/* Await the body after the head: its length, or a negative value. Without a length
 * and not chunked, the body runs to the end of the stream. */
async ssize_t fetch_body(ac_fd *h, net_buf *in, const http_head *head, char *body, size_t cap) {
    http_chunked dec;
    http_chunked_init(&dec);
    size_t len = 0;
    for (;;) {
        long r = body_take(in, head, &dec, body, cap, &len);
        if (r < 0)
            return r;
        if (body_done(head, &dec, len))
            return (ssize_t)len;
        ssize_t n = await(net_fill(h, in));
        if (n < 0)
            return n;
        if (n == 0)
            return head->chunked || head->content_length >= 0 ? -EPIPE : (ssize_t)len;
    }
}

/* GET path from 127.0.0.1:port: the body's length in body (the head in *head), or a
 * negative value. */
async ssize_t fetch_data(int port, const char *path, http_head *head, char *body, size_t cap) {
    ac_addr a;
    ac_fd h;
    int rc = ac_addr_ip(&a, "127.0.0.1", (unsigned)port);
    if (rc == 0)
        rc = await(ac_connect(&h, &a));
    if (rc != 0)
        return rc;
    char request[512];
    int n =
        snprintf(request, sizeof request,
                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path, port);
    ssize_t r = n > 0 && (size_t)n < sizeof request ? 0 : -ENAMETOOLONG;
    if (r == 0)
        r = await(ac_fd_write_all(&h, request, (size_t)n));
    net_buf in;
    in.start = in.end = 0;
    if (r >= 0)
        r = await(fetch_head(&h, &in, head));
    if (r >= 0)
        r = await(fetch_body(&h, &in, head, body, cap));
    ac_fd_close(&h);
    return r;
}

static const char *error_name(ssize_t r) {
    return r == HTTP_EBAD ? "malformed response" : strerror((int)-r);
}

static char body[BODY_MAX];

int main(int argc, char **argv) {
    int port = net_port_arg(argc, argv, "PATH PORT");
    if (port < 0 || argc != 3)
        return 2;
    http_head head;
    ssize_t n = ac_block_on(fetch_data(port, argv[1], &head, body, sizeof body));
    if (n < 0) {
        fprintf(stderr, "http_client: %s\n", error_name(n));
        return 1;
    }
    fwrite(body, 1, (size_t)n, stdout);
    fprintf(stderr, "http_client: %d, %zd bytes (%s)\n", head.status, n,
            head.chunked               ? "chunked"
            : head.content_length >= 0 ? "Content-Length"
                                       : "to the end");
    return head.status >= 200 && head.status < 300 ? 0 : 1;
}
