/* resp.c - parsing, executing and replying to RESP commands (resp.h). */
#include "resp.h"

#include <stdint.h>
#include <string.h>

/* Bounds of what a client may announce: as redis's defaults (1M arguments, 512 MB). */
#define ARGS_LIMIT (1024L * 1024)
#define BULK_LIMIT (512L * 1024 * 1024)
#define DIGITS_LIMIT 18 /* 18 decimal digits never overflow a long */

/* ---- parsing ------------------------------------------------------------------------ */

/* A line `<c><decimal>\r\n` at p (p[0] is the type byte, already checked): its length
 * with the CRLF, 0 if incomplete, RESP_EPROTO if not a number in [-1, limit]. */
static long line_number(const char *p, const char *end, long limit, long *value) {
    const char *q = p + 1;
    int neg = q < end && *q == '-';
    q += neg;
    long v = 0;
    const char *digits = q;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        if (q - digits >= DIGITS_LIMIT)
            return RESP_EPROTO;
        v = v * 10 + (*q - '0');
    }
    if (q + 1 >= end) /* the CRLF is not all there yet */
        return q - p > DIGITS_LIMIT + 2 ? RESP_EPROTO : 0;
    if (q == digits || q[0] != '\r' || q[1] != '\n' || v > limit || (neg && v != 1))
        return RESP_EPROTO;
    *value = neg ? -1 : v;
    return q + 2 - p;
}

/* Keep argument i of cmd if there is room for it. */
static void cmd_add(resp_cmd *cmd, const char *s, size_t n) {
    if (cmd->argc < RESP_MAX_ARGS)
        cmd->argv[cmd->argc] = (resp_arg){s, n};
    cmd->argc++;
}

/* `*N\r\n` then N bulk strings `$len\r\n<bytes>\r\n`. */
static long parse_array(const char *buf, const char *end, resp_cmd *cmd) {
    long count;
    long r = line_number(buf, end, ARGS_LIMIT, &count);
    if (r <= 0)
        return r;
    const char *p = buf + r;
    for (long i = 0; i < count; i++) {
        long len;
        if (p >= end)
            return 0;
        if (*p != '$')
            return RESP_EPROTO;
        r = line_number(p, end, BULK_LIMIT, &len);
        if (r <= 0 || len < 0)
            return r < 0 || len < 0 ? RESP_EPROTO : 0;
        p += r;
        if (end - p < len + 2)
            return 0;
        if (p[len] != '\r' || p[len + 1] != '\n')
            return RESP_EPROTO;
        cmd_add(cmd, p, (size_t)len);
        p += len + 2;
    }
    return p - buf;
}

/* An inline command: words separated by spaces, up to LF (a CR before it is dropped).
 * Quotes are not interpreted (README, known limits). */
static long parse_inline(const char *buf, const char *end, resp_cmd *cmd) {
    const char *lf = memchr(buf, '\n', (size_t)(end - buf));
    if (!lf)
        return 0;
    const char *stop = lf > buf && lf[-1] == '\r' ? lf - 1 : lf;
    for (const char *p = buf; p < stop;) {
        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        const char *word = p;
        while (p < stop && *p != ' ' && *p != '\t')
            p++;
        cmd_add(cmd, word, (size_t)(p - word));
    }
    return lf + 1 - buf;
}

long resp_parse(const char *buf, size_t len, resp_cmd *cmd) {
    cmd->argc = 0;
    if (len == 0)
        return 0;
    const char *end = buf + len;
    return buf[0] == '*' ? parse_array(buf, end, cmd) : parse_inline(buf, end, cmd);
}

/* ---- replies ------------------------------------------------------------------------ */

/* Append n bytes. */
static void out_put(char *out, size_t *len, const char *s, size_t n) {
    memcpy(out + *len, s, n);
    *len += n;
}

static void out_str(char *out, size_t *len, const char *s) {
    out_put(out, len, s, strlen(s));
}

/* Append `<type><v>\r\n`. */
static void out_number(char *out, size_t *len, char type, int64_t v) {
    char digits[24];
    size_t n = sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        digits[--n] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        digits[--n] = '-';
    out[(*len)++] = type;
    out_put(out, len, digits + n, sizeof digits - n);
    out_put(out, len, "\r\n", 2);
}

static void out_bulk(char *out, size_t *len, const char *s, size_t n) {
    out_number(out, len, '$', (int64_t)n);
    out_put(out, len, s, n);
    out_put(out, len, "\r\n", 2);
}

/* `-ERR <a><b (at most 64 bytes)><c>\r\n` */
static void out_error(char *out, size_t *len, const char *a, const resp_arg *b, const char *c) {
    out_str(out, len, "-ERR ");
    out_str(out, len, a);
    if (b)
        out_put(out, len, b->s, b->n < 64 ? b->n : 64);
    out_str(out, len, c);
    out_put(out, len, "\r\n", 2);
}

/* ---- commands ----------------------------------------------------------------------- */

typedef struct reply {
    char *out;
    size_t *len;
} reply;

typedef void command_fn(table *t, const resp_cmd *cmd, reply r);

static void cmd_ping(table *t, const resp_cmd *cmd, reply r) {
    (void)t;
    if (cmd->argc == 2)
        out_bulk(r.out, r.len, cmd->argv[1].s, cmd->argv[1].n);
    else
        out_str(r.out, r.len, "+PONG\r\n");
}

static void cmd_echo(table *t, const resp_cmd *cmd, reply r) {
    (void)t;
    out_bulk(r.out, r.len, cmd->argv[1].s, cmd->argv[1].n);
}

static void cmd_set(table *t, const resp_cmd *cmd, reply r) {
    const resp_arg *a = cmd->argv;
    if (table_set(t, a[1].s, a[1].n, a[2].s, a[2].n) != 0)
        out_str(r.out, r.len, "-ERR out of memory\r\n");
    else
        out_str(r.out, r.len, "+OK\r\n");
}

static void cmd_get(table *t, const resp_cmd *cmd, reply r) {
    size_t n;
    const char *v = table_get(t, cmd->argv[1].s, cmd->argv[1].n, &n);
    if (v)
        out_bulk(r.out, r.len, v, n);
    else
        out_str(r.out, r.len, "$-1\r\n");
}

/* DEL and EXISTS: how many of the keys there are (DEL removes them). A key named twice
 * counts twice for EXISTS, once for DEL, as in redis. */
static void cmd_keys(table *t, const resp_cmd *cmd, reply r, int remove) {
    int64_t n = 0;
    for (size_t i = 1; i < cmd->argc; i++) {
        size_t vlen;
        const resp_arg *k = &cmd->argv[i];
        n += remove ? table_del(t, k->s, k->n) : table_get(t, k->s, k->n, &vlen) != NULL;
    }
    out_number(r.out, r.len, ':', n);
}

static void cmd_del(table *t, const resp_cmd *cmd, reply r) {
    cmd_keys(t, cmd, r, 1);
}

static void cmd_exists(table *t, const resp_cmd *cmd, reply r) {
    cmd_keys(t, cmd, r, 0);
}

/* A decimal int64 as redis writes them (no sign '+', no leading zero, no spaces): 0, or
 * -1 if s is not one. */
static int parse_i64(const char *s, size_t n, int64_t *v) {
    int neg = n > 0 && s[0] == '-';
    size_t i = (size_t)neg;
    if (i == n || n - i > 19 || (s[i] == '0' && n - i > 1) || (neg && s[i] == '0'))
        return -1;
    uint64_t u = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        u = u * 10 + (uint64_t)(s[i] - '0');
    }
    if (u > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    *v = neg ? (int64_t)(0 - u) : (int64_t)u;
    return 0;
}

static void cmd_incr(table *t, const resp_cmd *cmd, reply r) {
    const resp_arg *k = &cmd->argv[1];
    size_t n;
    const char *v = table_get(t, k->s, k->n, &n);
    int64_t value = 0;
    if (v && parse_i64(v, n, &value) != 0) {
        out_str(r.out, r.len, "-ERR value is not an integer or out of range\r\n");
        return;
    }
    if (value == INT64_MAX) {
        out_str(r.out, r.len, "-ERR increment or decrement would overflow\r\n");
        return;
    }
    size_t start = *r.len;
    out_number(r.out, r.len, ':', value + 1);
    /* The reply's digits are the new value. */
    const char *digits = r.out + start + 1;
    if (table_set(t, k->s, k->n, digits, *r.len - start - 3) != 0) {
        *r.len = start;
        out_str(r.out, r.len, "-ERR out of memory\r\n");
    }
}

static void cmd_quit(table *t, const resp_cmd *cmd, reply r) {
    (void)t, (void)cmd;
    out_str(r.out, r.len, "+OK\r\n");
}

typedef struct command {
    const char *name;          /* lower case */
    size_t name_len;           /* compared first: most names differ in length */
    size_t min_argc, max_argc; /* with the name; max 0: any */
    command_fn *run;
} command;

#define NAME(s) s, sizeof s - 1 /* a name and its length */
static const command commands[] = {
    {NAME("get"), 2, 2, cmd_get},   {NAME("set"), 3, 3, cmd_set},
    {NAME("ping"), 1, 2, cmd_ping}, {NAME("incr"), 2, 2, cmd_incr},
    {NAME("del"), 2, 0, cmd_del},   {NAME("exists"), 2, 0, cmd_exists},
    {NAME("echo"), 2, 2, cmd_echo}, {NAME("quit"), 1, 0, cmd_quit},
};

/* Whether the argument is c's name, in any case. */
static int arg_is(const resp_arg *a, const command *c) {
    if (a->n != c->name_len)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        char ch = a->s[i];
        if ((ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch) != c->name[i])
            return 0;
    }
    return 1;
}

static const command *command_find(const resp_arg *name) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (arg_is(name, &commands[i]))
            return &commands[i];
    return NULL;
}

resp_status resp_exec(table *t, const resp_cmd *cmd, char *out, size_t *out_len) {
    if (cmd->argc == 0)
        return RESP_CONTINUE;
    const command *c = command_find(&cmd->argv[0]);
    if (!c) {
        out_error(out, out_len, "unknown command '", &cmd->argv[0], "'");
        return RESP_CONTINUE;
    }
    if (cmd->argc < c->min_argc || (c->max_argc && cmd->argc > c->max_argc) ||
        cmd->argc > RESP_MAX_ARGS) {
        resp_arg name = {c->name, c->name_len};
        out_error(out, out_len, "wrong number of arguments for '", &name, "' command");
        return RESP_CONTINUE;
    }
    c->run(t, cmd, (reply){out, out_len});
    return c->run == cmd_quit ? RESP_CLOSE : RESP_CONTINUE;
}

resp_status resp_serve(table *t, resp_io *io) {
    while (io->out_len + io->arg_max + RESP_REPLY_SLACK <= io->out_cap) {
        resp_cmd cmd;
        long r = resp_parse(io->in + io->start, io->end - io->start, &cmd);
        if (r == 0)
            return RESP_CONTINUE;
        if (r < 0) {
            out_str(io->out, &io->out_len, "-ERR Protocol error\r\n");
            return RESP_CLOSE;
        }
        io->start += (size_t)r;
        if (resp_exec(t, &cmd, io->out, &io->out_len) == RESP_CLOSE)
            return RESP_CLOSE;
    }
    return RESP_OUT_FULL;
}
