/* net.c - ac_net.h through asyncc, in an order whose sequential meaning runs too (a
 * spawned task runs to its end at once in plain C): the client connects (the backlog
 * completes it before any accept), writes its request and half-closes, then the server
 * task is spawned to echo it, then the client reads the echo to end of stream. Over
 * TCP on IPv4 and IPv6 loopback and a Unix-domain stream socket; UDP and Unix
 * datagrams; a refused connect; whole-buffer reads and writes on a pipe. */
#define _GNU_SOURCE 1 /* pipe2 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_net.h>

enum { REQUEST = 3000 };

static unsigned char byte_at(size_t i) {
    return (unsigned char)(i * 7 + i / 251);
}

/* Accept one connection and echo it until end of stream: the bytes echoed. */
async long echo_one(ac_listener *l) {
    ac_addr peer;
    int fd = await(ac_accept(l, &peer));
    if (fd < 0)
        return fd;
    ac_fd conn;
    if (ac_fd_open(&conn, fd) != 0)
        return -1;
    char buf[256];
    long total = 0;
    ssize_t n;
    while ((n = await(ac_fd_read(&conn, buf, sizeof buf))) > 0) {
        if (await(ac_fd_write_all(&conn, buf, (size_t)n)) != n)
            return -1;
        total += n;
    }
    ac_fd_close(&conn);
    return n < 0 ? n : total;
}

/* Read to end of stream: the count, with wrong bytes counted in *wrong. */
async long drain(ac_fd *conn, long *wrong) {
    unsigned char buf[512];
    long got = 0;
    ssize_t n;
    while ((n = await(ac_fd_read_exact(conn, buf, sizeof buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            *wrong += buf[i] != byte_at((size_t)got + (size_t)i);
        got += n;
        if (n < (ssize_t)sizeof buf)
            break; /* the stream ended inside this read */
    }
    return n < 0 ? n : got;
}

async int stream_round_trip(const char *name, const ac_addr *where) {
    ac_listener l;
    ac_addr bound, local, peer;
    int rc = ac_listen(&l, where, 16);
    if (rc != 0) {
        printf("%s: listen: %s\n", name, strerror(-rc));
        return 1;
    }
    ac_local_addr(&l.fd, &bound);
    ac_fd conn;
    if ((rc = await(ac_connect(&conn, &bound))) != 0) {
        printf("%s: connect: %s\n", name, strerror(-rc));
        return 1;
    }
    /* before the exchange: once both sides closed, TCP's end is in TIME_WAIT, unnamed */
    int same = ac_peer_addr(&conn, &peer) == 0 && ac_local_addr(&conn, &local) == 0 &&
               peer.ss.ss_family == bound.ss.ss_family &&
               local.ss.ss_family == bound.ss.ss_family &&
               ac_addr_port(&peer) == ac_addr_port(&bound);
    unsigned char *req = malloc(REQUEST);
    for (size_t i = 0; i < REQUEST; i++)
        req[i] = byte_at(i);
    ssize_t sent = await(ac_fd_write_all(&conn, req, REQUEST));
    free(req);
    ac_shutdown(&conn, SHUT_WR);
    ac_task *server = ac_spawn(echo_one(&l));
    long wrong = 0;
    long got = await(drain(&conn, &wrong));
    long echoed = 0;
    await(ac_join(server, &echoed));
    printf("%s: sent %zd, echoed %ld, got %ld, %ld wrong, peer is the listener: %s\n", name, sent,
           echoed, got, wrong, same ? "yes" : "no");
    ac_fd_close(&conn);
    ac_listener_close(&l);
    return got != REQUEST || wrong != 0 || !same;
}

async int datagram_round_trip(const char *name, int family, const ac_addr *a, const ac_addr *b) {
    ac_fd x, y;
    ac_addr bx, by, from;
    char buf[64] = {0};
    if (ac_dgram_open(&x, family, a) != 0 || ac_dgram_open(&y, family, b) != 0) {
        printf("%s: cannot open\n", name);
        return 1;
    }
    ac_local_addr(&x, &bx);
    ac_local_addr(&y, &by);
    ssize_t s = await(ac_send_to(&x, "ping", 4, &by));
    ssize_t r = await(ac_recv_from(&y, buf, sizeof buf, &from));
    printf("%s: sent %zd, received %zd '%s', from x: %s\n", name, s, r, buf,
           from.len == bx.len && memcmp(&from.ss, &bx.ss, bx.len) == 0 ? "yes" : "no");
    /* connected: plain reads and writes */
    int rc = ac_dgram_connect(&y, &bx);
    s = await(ac_fd_write(&y, "pong!", 5));
    r = await(ac_fd_read(&x, buf, sizeof buf));
    buf[r > 0 ? r : 0] = 0;
    printf("%s: connected %d, wrote %zd, read %zd '%s'\n", name, rc, s, r, buf);
    ac_fd_close(&x);
    ac_fd_close(&y);
    return r != 5;
}

async int refused(void) {
    /* a bound port with no listener refuses connections */
    ac_addr a;
    ac_fd idle, conn;
    ac_addr_ip(&a, "127.0.0.1", 0);
    int fd = ac_socket_bound(AF_INET, SOCK_STREAM, &a, 0);
    if (fd < 0 || ac_fd_open(&idle, fd) != 0 || ac_local_addr(&idle, &a) != 0)
        return 1;
    int rc = await(ac_connect(&conn, &a));
    printf("connect to a port nobody listens on: %s, handle closed: %s\n", strerror(-rc),
           conn.fd == -1 ? "yes" : "no");
    ac_fd_close(&idle);
    return rc != -ECONNREFUSED;
}

async int pipe_whole(void) {
    int p[2];
    ac_fd rd, wr;
    char buf[16] = {0};
    if (pipe2(p, O_CLOEXEC) != 0 || ac_fd_open(&rd, p[0]) != 0 || ac_fd_open(&wr, p[1]) != 0)
        return 1;
    ssize_t w = await(ac_fd_write_all(&wr, "0123456789", 10));
    ac_fd_close(&wr);
    ssize_t r1 = await(ac_fd_read_exact(&rd, buf, 4));
    ssize_t r2 = await(ac_fd_read_exact(&rd, buf + 4, 10));
    ssize_t r3 = await(ac_fd_read_exact(&rd, buf, 4));
    printf("pipe: wrote %zd, read exactly %zd then %zd before the end (%s), then %zd\n", w, r1, r2,
           buf, r3);
    ac_fd_close(&rd);
    return r2 != 6 || r3 != 0;
}

async int run(const char *dir) {
    ac_addr v4, v6, un, ua, ub;
    char path[3][256];
    snprintf(path[0], sizeof path[0], "%s/stream.sock", dir);
    snprintf(path[1], sizeof path[1], "%s/a.sock", dir);
    snprintf(path[2], sizeof path[2], "%s/b.sock", dir);
    ac_addr_ip(&v4, "127.0.0.1", 0);
    ac_addr_ip(&v6, "::1", 0);
    ac_addr_unix(&un, path[0]);
    ac_addr_unix(&ua, path[1]);
    ac_addr_unix(&ub, path[2]);
    int bad = await(stream_round_trip("tcp4", &v4));
    bad += await(stream_round_trip("tcp6", &v6));
    bad += await(stream_round_trip("unix", &un));
    bad += await(datagram_round_trip("udp4", AF_INET, &v4, &v4));
    bad += await(datagram_round_trip("udp6", AF_INET6, &v6, &v6));
    bad += await(datagram_round_trip("unix-dgram", AF_UNIX, &ua, &ub));
    bad += await(refused());
    bad += await(pipe_whole());
    for (int i = 0; i < 3; i++)
        unlink(path[i]);
    return bad;
}

int main(void) {
    char dir[] = "/tmp/asyncc-net-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    int bad = ac_block_on(run(dir));
    rmdir(dir);
    printf("run: %d\n", bad);
    return bad != 0;
}
