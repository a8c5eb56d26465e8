/* test_http - the HTTP/1.1 code of examples/http: request and response heads (fields,
 * keep-alive rules, incomplete and malformed heads, the size limit) and the chunked
 * decoder fed the same body split at every point and one byte at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http.h"

static void test_request(void **state) {
    (void)state;
    const char req[] =
        "GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, Close\r\n\r\nGET";
    http_head h;
    long head = (long)strlen(req) - 3;
    assert_int_equal(http_request_parse(req, sizeof req - 1, &h), head);
    assert_true(http_span_is(h.method, "get"));
    assert_true(http_span_is(h.target, "/api/stats"));
    assert_int_equal(h.minor, 1);
    assert_int_equal(h.keep_alive, 0);
    assert_int_equal(h.content_length, -1);
    for (long n = 0; n < head; n++)
        assert_int_equal(http_request_parse(req, (size_t)n, &h), 0);
    /* HTTP/1.0 closes unless asked; bare LFs end lines too. */
    assert_int_equal(http_request_parse("HEAD / HTTP/1.0\n\n", 17, &h), 17);
    assert_int_equal(h.keep_alive, 0);
    assert_int_equal(http_request_parse("GET / HTTP/1.0\nConnection: keep-alive\n\n", 39, &h), 39);
    assert_int_equal(h.keep_alive, 1);
    assert_int_equal(http_request_parse("GET / HTTP/1.1\r\n\r\n", 18, &h), 18);
    assert_int_equal(h.keep_alive, 1);
}

static void test_request_errors(void **state) {
    (void)state;
    const char *bad[] = {"GET /\r\n\r\n",
                         "GET / HTTP/2.0\r\n\r\n",
                         "GET / HTTP/1.1\r\nno colon\r\n\r\n",
                         "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
                         "GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
                         "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                         " / HTTP/1.1\r\n\r\n"};
    http_head h;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(http_request_parse(bad[i], strlen(bad[i]), &h), HTTP_EBAD);
    static char big[HTTP_HEAD_MAX + 10];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    assert_int_equal(http_request_parse(big, HTTP_HEAD_MAX - 1, &h), 0);
    assert_int_equal(http_request_parse(big, sizeof big, &h), HTTP_ETOOLONG);
}

static void test_response(void **state) {
    (void)state;
    const char *r = "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n"
                    "Transfer-Encoding: gzip, chunked\r\n\r\n";
    http_head h;
    assert_int_equal(http_response_parse(r, strlen(r), &h), (long)strlen(r));
    assert_int_equal(h.status, 404);
    assert_int_equal(h.content_length, 10);
    assert_int_equal(h.chunked, 1);
    assert_int_equal(http_response_parse("HTTP/1.1 20x OK\r\n\r\n", 19, &h), HTTP_EBAD);
    assert_int_equal(http_response_parse("HTTP/1.1 099 Low\r\n\r\n", 20, &h), HTTP_EBAD);
    assert_int_equal(http_response_parse("HTTP/1.1 200\r\n\r\n", 16, &h), 16);
}

static const char chunked[] = "4\r\none\n\r\n8;name=v\r\ntwo two\n\r\n12\r\nthree three three\n\r\n"
                              "0\r\nTrailer: x\r\n\r\nNEXT";
static const char decoded[] = "one\ntwo two\nthree three three\n";

/* Decode chunked in pieces of the given sizes (cycled); the data and what was used. */
static void decode_pieces(size_t first, size_t rest) {
    char buf[sizeof chunked], data[sizeof chunked];
    size_t data_len = 0, at = 0, len = sizeof chunked - 1;
    http_chunked d;
    http_chunked_init(&d);
    while (!http_chunked_done(&d)) {
        assert_true(at < len);
        size_t n = at == 0 ? first : rest;
        n = n < len - at ? n : len - at;
        memcpy(buf, chunked + at, n);
        size_t out;
        long used = http_chunked_decode(&d, buf, n, &out);
        assert_true(used > 0 && (size_t)used <= n);
        memcpy(data + data_len, buf, out);
        data_len += out;
        at += (size_t)used;
    }
    assert_int_equal(data_len, sizeof decoded - 1);
    assert_memory_equal(data, decoded, data_len);
    assert_string_equal(chunked + at, "NEXT"); /* the next message is left alone */
}

static void test_chunked_splits(void **state) {
    (void)state;
    for (size_t first = 1; first < sizeof chunked; first++)
        decode_pieces(first, sizeof chunked);
    decode_pieces(1, 1);
    decode_pieces(3, 2);
}

static void test_chunked_errors(void **state) {
    (void)state;
    const char *bad[] = {"x\r\n",   "4\r\nabcdXY", "4\rX", "\r\n", "ffffffffffffffffff\r\n",
                         "0\r\n\rX"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[32];
        size_t out;
        http_chunked d;
        http_chunked_init(&d);
        strcpy(buf, bad[i]);
        assert_int_equal(http_chunked_decode(&d, buf, strlen(buf), &out), HTTP_EBAD);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),        cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_response),       cmocka_unit_test(test_chunked_splits),
        cmocka_unit_test(test_chunked_errors),
    };
    return cmocka_run_group_tests_name("apps.http", tests, NULL, NULL);
}
