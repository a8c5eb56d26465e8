/* io.c - ac_fd through asyncc: a spawned writer and an awaiting reader on a socketpair
 * and a pipe, partial reads of a message bigger than the buffer, end of stream, and
 * readiness waits. In plain C a spawned task runs to its end at once, so the writer is
 * spawned first and never needs the reader to make progress (the message fits the
 * socket buffer); only what the reader sees is printed. */
#define _GNU_SOURCE 1 /* pipe2 */

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>

/* <ac_io.h> before <asyncc.h> on purpose: it includes <asyncc.h> itself, so the
 * order of a program's includes does not matter. */
#include <ac_io.h>
#include <asyncc.h>

enum { MESSAGE = 6000 };

static unsigned char byte_at(size_t i) {
    return (unsigned char)(i * 31 + i / 97);
}

/* Writes MESSAGE bytes in chunks of chunk, then closes: returns the bytes written. */
async long send_all(ac_fd *h, size_t chunk) {
    unsigned char buf[512];
    size_t sent = 0;
    while (sent < MESSAGE) {
        size_t n = MESSAGE - sent < chunk ? MESSAGE - sent : chunk;
        for (size_t i = 0; i < n; i++)
            buf[i] = byte_at(sent + i);
        size_t done = 0;
        while (done < n) {
            ssize_t w = await(ac_fd_write(h, buf + done, n - done));
            if (w < 0)
                return w;
            done += (size_t)w;
        }
        sent += n;
    }
    ac_fd_close(h);
    return (long)sent;
}

/* Reads until end of stream with a small buffer; prints what it checked. */
async int receive_all(const char *name, ac_fd *h) {
    unsigned char buf[100];
    size_t got = 0;
    int bad = 0;
    if (await(ac_fd_readable(h)) != 0)
        return -1;
    for (;;) {
        ssize_t n = await(ac_fd_read(h, buf, sizeof buf));
        if (n < 0) {
            printf("%s: error %zd\n", name, n);
            return -1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            bad += buf[i] != byte_at(got + (size_t)i);
        got += (size_t)n;
    }
    printf("%s: %zu bytes, %d wrong, then end of stream\n", name, got, bad);
    ac_fd_close(h);
    return bad;
}

async int exchange(const char *name, int rd, int wr, size_t chunk) {
    ac_fd in, out;
    if (ac_fd_open(&in, rd) != 0)
        return -1;
    if (ac_fd_open(&out, wr) != 0)
        return -1;
    if (await(ac_fd_writable(&out)) != 0)
        return -1;
    ac_task *writer = ac_spawn(send_all(&out, chunk));
    int bad = await(receive_all(name, &in));
    long sent = 0;
    await(ac_join(writer, &sent));
    printf("%s: writer sent %ld\n", name, sent);
    return bad;
}

async int run(void) {
    int s[2], p[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0 || pipe2(p, O_CLOEXEC) != 0)
        return -1;
    int bad = await(exchange("socketpair", s[0], s[1], 512));
    bad += await(exchange("pipe", p[0], p[1], 77));
    return bad;
}

int main(void) {
    int bad = ac_block_on(run());
    printf("run: %d\n", bad);
    return bad != 0;
}
