/* http_server - an HTTP/1.1 server on 127.0.0.1: a static page, a small JSON endpoint
 * and a chunked one, with keep-alive (and pipelined requests), one task per connection.
 *
 *     http_server PORT         (0: any free port; the line printed names it)
 *
 *   GET /            the page below (text/html)
 *   GET /api/stats   {"connections":C,"requests":R}: connections accepted and requests
 *                    answered so far, this one included
 *   GET /chunked     a text body sent with Transfer-Encoding: chunked, in three chunks
 *   HEAD of each; anything else is 404 (unknown path), 405 (another method), 400
 *   (malformed), 431 (head over 8 KiB) or 501 (a request with a body). */
#include <asyncc.h>
/* after <asyncc.h>, which defines async */
#include <ac_io.h>
#include <ac_net.h>

#include <stdio.h>
#include <string.h>

#include "http.h"
#include "net.h"

static const char page[] = "<!doctype html>\n"
                           "<html><head><title>asyncc</title></head>\n"
                           "<body><h1>Hello from asyncc</h1>\n"
                           "<p>Served by a C state machine.</p></body></html>\n";

/* The chunked body, framed: what a client must decode to "one\ntwo two\nthree three three\n". */
static const char chunked_body[] =
    "4\r\none\n\r\n8\r\ntwo two\n\r\n12\r\nthree three three\n\r\n0\r\n\r\n";

/* Atomic: the connections' tasks may run on several workers (ASYNCC_WORKERS). */
static _Atomic unsigned long connections, requests;

/* A response as the route chose it. */
typedef struct response {
    int status;
    const char *reason, *type;
    const char *body; /* NULL: no body (HEAD, or an error without one) */
    size_t length;
    int chunked; /* body is already chunked: no Content-Length */
} response;

static response response_text(int status, const char *reason, const char *type, const char *body,
                              size_t length) {
    return (response){status, reason, type, body, length, 0};
}

/* The response to a well-formed request; stats holds the JSON body. */
static response route(const http_head *req, char *stats, size_t cap) {
    if (req->content_length > 0 || req->chunked)
        return response_text(501, "Not Implemented", "text/plain", "request bodies: no\n", 19);
    if (!http_span_is(req->method, "GET") && !http_span_is(req->method, "HEAD"))
        return response_text(405, "Method Not Allowed", "text/plain", "GET or HEAD\n", 12);
    if (http_span_is(req->target, "/"))
        return response_text(200, "OK", "text/html", page, sizeof page - 1);
    if (http_span_is(req->target, "/api/stats")) {
        int n =
            snprintf(stats, cap, "{\"connections\":%lu,\"requests\":%lu}\n", (unsigned long)connections,
                     (unsigned long)requests);
        return response_text(200, "OK", "application/json", stats, (size_t)n);
    }
    if (http_span_is(req->target, "/chunked"))
        return (response){200, "OK", "text/plain", chunked_body, sizeof chunked_body - 1, 1};
    return response_text(404, "Not Found", "text/plain", "not found\n", 10);
}

/* Write the response into out: its length, or 0 if it does not fit. */
static size_t response_write(const response *r, int keep_alive, int head_only, char *out,
                             size_t cap) {
    char length[48] = "Transfer-Encoding: chunked";
    if (!r->chunked)
        snprintf(length, sizeof length, "Content-Length: %zu", r->length);
    int n = snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%s\r\nConnection: %s\r\n\r\n",
                     r->status, r->reason, r->type, length, keep_alive ? "keep-alive" : "close");
    size_t body = head_only ? 0 : r->length;
    if (n < 0 || (size_t)n + body > cap)
        return 0;
    memcpy(out + n, r->body, body);
    return (size_t)n + body;
}

/* The response to what the head parser returned: r > 0 for a request, else an error. */
static size_t respond(long r, const http_head *req, char *out, size_t cap, int *keep_alive) {
    char stats[64];
    response res = response_text(400, "Bad Request", "text/plain", "bad request\n", 12);
    if (r == HTTP_ETOOLONG)
        res = response_text(431, "Request Header Fields Too Large", "text/plain", "", 0);
    *keep_alive = 0;
    if (r > 0) {
        requests++;
        res = route(req, stats, sizeof stats);
        *keep_alive = req->keep_alive && res.status != 501;
    }
    return response_write(&res, *keep_alive, r > 0 && http_span_is(req->method, "HEAD"), out, cap);
}

async int conn_serve(int fd) {
    ac_fd h;
    if (ac_fd_open(&h, fd) != 0) {
        close(fd);
        return -1;
    }
    connections++;
    net_buf in;
    in.start = in.end = 0;
    char out[1024];
    int keep_alive = 1;
    while (keep_alive) {
        http_head req;
        long r;
        while ((r = http_request_parse(in.data + in.start, in.end - in.start, &req)) == 0)
            if (await(net_fill(&h, &in)) <= 0)
                goto done;
        if (r > 0)
            in.start += (size_t)r;
        size_t n = respond(r, &req, out, sizeof out, &keep_alive);
        if (await(ac_fd_write_all(&h, out, n)) < 0)
            break;
    }
done:
    ac_fd_close(&h);
    return 0;
}

static ac_future conn_start(int fd) {
    return ac_future_of(conn_serve(fd));
}

int main(int argc, char **argv) {
    return net_main(argc, argv, "http_server", conn_start);
}
