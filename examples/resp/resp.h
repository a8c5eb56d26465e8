/* resp.h - the Redis protocol (RESP2): commands parsed from a byte buffer, executed on a
 * table, replies written to a buffer. Plain C, no async: resp_server.c does the I/O.
 *
 * A command is a RESP array of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`, what
 * redis-cli and redis-benchmark send) or an inline line (`PING\r\n`, redis-benchmark's
 * PING_INLINE). Pipelining: the buffer may hold many commands and the last one may be
 * incomplete; resp_parse takes one at a time. */
#ifndef EXAMPLES_RESP_H
#define EXAMPLES_RESP_H

#include <stddef.h>

#include "table.h"

/* Arguments kept per command; a command with more is still parsed (and counted), and
 * every command this server knows fails its arity check with that many. */
#define RESP_MAX_ARGS 8

typedef struct resp_arg {
    const char *s; /* into the parsed buffer, not NUL-terminated */
    size_t n;
} resp_arg;

typedef struct resp_cmd {
    size_t argc; /* all the arguments, even those past RESP_MAX_ARGS */
    resp_arg argv[RESP_MAX_ARGS];
} resp_cmd;

/* A protocol error (the server replies with it and closes the connection). */
#define RESP_EPROTO (-1)

/* Parse one command at the start of buf[0..len): the bytes it took (> 0), 0 if the
 * command is not complete yet, or RESP_EPROTO. An empty inline line is a command of
 * argc 0 (ignored, as redis does). */
long resp_parse(const char *buf, size_t len, resp_cmd *cmd);

/* The largest reply resp_exec writes, beyond the length of one argument. */
#define RESP_REPLY_SLACK 128

typedef enum resp_status {
    RESP_CONTINUE, /* every complete command is answered: read more */
    RESP_OUT_FULL, /* send the replies, then call again */
    RESP_CLOSE     /* after QUIT or a protocol error: send the replies and close */
} resp_status;

/* Execute cmd on t and append its reply at out + *out_len, which must have room for
 * the longest argument or stored value + RESP_REPLY_SLACK bytes; *out_len grows by the
 * reply's length. RESP_CLOSE after QUIT, else RESP_CONTINUE. */
resp_status resp_exec(table *t, const resp_cmd *cmd, char *out, size_t *out_len);

/* A connection's input and replies. No argument or stored value is longer than
 * arg_max bytes (the server's input buffer); out holds out_cap bytes, at least
 * arg_max + RESP_REPLY_SLACK. */
typedef struct resp_io {
    const char *in;
    size_t start, end; /* in[start..end) not executed yet */
    size_t arg_max;
    char *out;
    size_t out_len, out_cap;
} resp_io;

/* Execute the complete commands of in[start..end) in order, advancing start and
 * appending their replies to out. A protocol error is answered "-ERR Protocol error"
 * and gives RESP_CLOSE. */
resp_status resp_serve(table *t, resp_io *io);

#endif
