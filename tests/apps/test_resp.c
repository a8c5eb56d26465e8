/* test_resp - the Redis-protocol code of examples/resp: parsing (arrays, inline lines,
 * every split point, malformed input), the commands' exact replies, pipelining through
 * resp_serve, and the hash table under growth and deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "resp.h"
#include "table.h"

/* Run every complete command of in on t (as a server would, in one batch) and return
 * the replies, NUL-terminated, in a static buffer. */
static const char *serve(table *t, const char *in, resp_status *status) {
    static char out[4096];
    resp_io io = {in, 0, strlen(in), 1024, out, 0, sizeof out - 1};
    *status = resp_serve(t, &io);
    out[io.out_len] = '\0';
    return out;
}

static void expect_replies(table *t, const char *in, const char *replies) {
    resp_status status;
    assert_string_equal(serve(t, in, &status), replies);
    assert_int_equal(status, RESP_CONTINUE);
}

static void test_parse_array(void **state) {
    (void)state;
    const char cmd[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\r\nl\r\n";
    resp_cmd c;
    assert_int_equal(resp_parse(cmd, sizeof cmd - 1, &c), sizeof cmd - 1);
    assert_int_equal(c.argc, 3);
    assert_memory_equal(c.argv[2].s, "va\r\nl", 5); /* binary-safe */
    /* Every proper prefix is incomplete, never an error. */
    for (size_t n = 0; n < sizeof cmd - 1; n++)
        assert_int_equal(resp_parse(cmd, n, &c), 0);
}

static void test_parse_inline(void **state) {
    (void)state;
    resp_cmd c;
    assert_int_equal(resp_parse("  ECHO  hi\tthere\r\nPING", 22, &c), 18);
    assert_int_equal(c.argc, 3);
    assert_memory_equal(c.argv[2].s, "there", 5);
    assert_int_equal(resp_parse("\r\n", 2, &c), 2);
    assert_int_equal(c.argc, 0);
    assert_int_equal(resp_parse("PING", 4, &c), 0);
}

static void test_parse_errors(void **state) {
    (void)state;
    const char *bad[] = {"*1\r\n:3\r\n",
                         "*x\r\n",
                         "*1\r\n$-1\r\n",
                         "*1\r\n$1\r\nab\r\n",
                         "*1\r\n$999999999999\r\n",
                         "*-2\r\n",
                         "*1\r\n$3\r\nabcXY"};
    resp_cmd c;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(resp_parse(bad[i], strlen(bad[i]), &c), RESP_EPROTO);
    assert_int_equal(resp_parse("*-1\r\n", 5, &c), 5); /* a null array: nothing to do */
    assert_int_equal(c.argc, 0);
}

static void test_commands(void **state) {
    (void)state;
    table t;
    table_init(&t);
    expect_replies(&t, "PING\r\n*2\r\n$4\r\nping\r\n$2\r\nhi\r\n", "+PONG\r\n$2\r\nhi\r\n");
    expect_replies(&t, "SET k v1\r\nGET k\r\nGET nope\r\n", "+OK\r\n$2\r\nv1\r\n$-1\r\n");
    expect_replies(&t, "SET n 41\r\nINCR n\r\nINCR m\r\nGET n\r\n",
                   "+OK\r\n:42\r\n:1\r\n$2\r\n42\r\n");
    expect_replies(&t, "INCR k\r\n", "-ERR value is not an integer or out of range\r\n");
    expect_replies(&t, "SET big 9223372036854775807\r\nINCR big\r\n",
                   "+OK\r\n-ERR increment or decrement would overflow\r\n");
    expect_replies(&t, "SET z -0\r\nINCR z\r\nSET y -5\r\nINCR y\r\n",
                   "+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n:-4\r\n");
    expect_replies(&t, "EXISTS k k nope\r\nDEL k nope k\r\nEXISTS k\r\n", ":2\r\n:1\r\n:0\r\n");
    expect_replies(&t, "ECHO hello\r\n", "$5\r\nhello\r\n");
    expect_replies(&t, "get\r\nSET a\r\nPING a b\r\n",
                   "-ERR wrong number of arguments for 'get' command\r\n"
                   "-ERR wrong number of arguments for 'set' command\r\n"
                   "-ERR wrong number of arguments for 'ping' command\r\n");
    expect_replies(&t, "FLUSHALL\r\n", "-ERR unknown command 'FLUSHALL'\r\n");
    /* Names are matched whole, in any case: a prefix or an extension of one is unknown. */
    expect_replies(&t, "gEt k\r\nPiNg\r\nGE k\r\nGETS k\r\nPIN\r\n",
                   "$-1\r\n+PONG\r\n-ERR unknown command 'GE'\r\n"
                   "-ERR unknown command 'GETS'\r\n-ERR unknown command 'PIN'\r\n");
    expect_replies(&t, "DEL a b c d e f g h\r\n",
                   "-ERR wrong number of arguments for 'del' command\r\n"); /* > RESP_MAX_ARGS */
    resp_status status;
    assert_string_equal(serve(&t, "PING\r\nQUIT\r\nPING\r\n", &status), "+PONG\r\n+OK\r\n");
    assert_int_equal(status, RESP_CLOSE);
    assert_string_equal(serve(&t, "PING\r\n*1\r\n#\r\n", &status),
                        "+PONG\r\n-ERR Protocol error\r\n");
    assert_int_equal(status, RESP_CLOSE);
    table_free(&t);
}

/* A pipelined batch whose replies outgrow out: resp_serve stops with RESP_OUT_FULL where
 * the next reply might not fit, and resumes where it stopped. */
static void test_pipeline_out_full(void **state) {
    (void)state;
    table t;
    table_init(&t);
    char in[700 * 6 + 1] = "";
    for (int i = 0; i < 700; i++)
        strcat(in, "PING\r\n");
    char out[2048];
    resp_io io = {in, 0, strlen(in), 256, out, 0, sizeof out};
    size_t pongs = 0, rounds = 0;
    resp_status status;
    while ((status = resp_serve(&t, &io)) == RESP_OUT_FULL) {
        assert_true(io.out_len + 256 + RESP_REPLY_SLACK > sizeof out);
        pongs += io.out_len / 7;
        io.out_len = 0;
        rounds++;
    }
    pongs += io.out_len / 7;
    assert_int_equal(status, RESP_CONTINUE);
    assert_int_equal(pongs, 700);
    assert_int_equal(io.start, strlen(in));
    assert_true(rounds >= 2);
    table_free(&t);
}

static void test_table(void **state) {
    (void)state;
    table t;
    table_init(&t);
    char key[32], value[32];
    size_t n;
    for (int i = 0; i < 5000; i++) {
        int kn = snprintf(key, sizeof key, "key:%d", i),
            vn = snprintf(value, sizeof value, "%d", i * 7);
        assert_int_equal(table_set(&t, key, (size_t)kn, value, (size_t)vn), 0);
    }
    /* Delete every third key: backward shifts must keep every other key findable. */
    for (int i = 0; i < 5000; i += 3) {
        int kn = snprintf(key, sizeof key, "key:%d", i);
        assert_int_equal(table_del(&t, key, (size_t)kn), 1);
        assert_int_equal(table_del(&t, key, (size_t)kn), 0);
    }
    for (int i = 0; i < 5000; i++) {
        int kn = snprintf(key, sizeof key, "key:%d", i),
            vn = snprintf(value, sizeof value, "%d", i * 7);
        const char *v = table_get(&t, key, (size_t)kn, &n);
        if (i % 3 == 0) {
            assert_null(v);
            continue;
        }
        assert_non_null(v);
        assert_int_equal(n, (size_t)vn);
        assert_memory_equal(v, value, n);
    }
    assert_int_equal(t.count, 5000 - 1667);
    assert_int_equal(table_set(&t, "key:1", 5, "", 0), 0); /* replace, with an empty value */
    assert_non_null(table_get(&t, "key:1", 5, &n));
    assert_int_equal(n, 0);
    assert_int_equal(t.count, 5000 - 1667);
    table_free(&t);
    assert_null(table_get(&t, "key:1", 5, &n));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_array),       cmocka_unit_test(test_parse_inline),
        cmocka_unit_test(test_parse_errors),      cmocka_unit_test(test_commands),
        cmocka_unit_test(test_pipeline_out_full), cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests_name("apps.resp", tests, NULL, NULL);
}
