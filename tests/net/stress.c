/* stress.c - ac_net.h at its edges, on loopback; each case checks itself and exits 0 only
 * when everything it saw was right:
 *
 *   stress many N     N clients at once against an in-process echo server, every byte
 *                     checked (raises RLIMIT_NOFILE to fit 2N descriptors)
 *   stress partial    1 MB through 4 KB socket buffers: writes move part of what they
 *                     are given, reads get pieces; the checksum must match
 *   stress reset      a client that reads a little and resets: the server's write gets
 *                     -ECONNRESET or -EPIPE, and no SIGPIPE kills the process
 *   stress emfile     accept with no descriptor left: -EMFILE once, the pending
 *                     clients shed (they see end of stream or a reset), the next accept
 *                     waits (no spinning) and succeeds once descriptors are free again */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_net.h>

#include "listen_any.h"

enum { MESSAGE = 64 };

static int fail(const char *what, long value) {
    printf("FAIL: %s (%ld)\n", what, value);
    return 1;
}

static int nofile_at_least(rlim_t n) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return -1;
    if (r.rlim_cur >= n)
        return 0;
    r.rlim_cur = n < r.rlim_max ? n : r.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur >= n ? 0 : -1;
}

/* ---- many ------------------------------------------------------------------------------- */

async void echo(int fd) {
    ac_fd conn;
    if (ac_fd_open(&conn, fd) != 0) {
        close(fd);
        return;
    }
    char buf[MESSAGE];
    ssize_t n;
    while ((n = await(ac_fd_read(&conn, buf, sizeof buf))) > 0)
        if (await(ac_fd_write_all(&conn, buf, (size_t)n)) < 0)
            break;
    ac_fd_close(&conn);
}

async int accept_n(ac_listener *l, long n) {
    for (long i = 0; i < n; i++) {
        int fd = await(ac_accept(l, NULL));
        if (fd < 0)
            return fd;
        ac_detach(ac_spawn(echo(fd)));
    }
    return 0;
}

/* One client: 0 when its message came back intact. */
async int client(const ac_addr *server, long id) {
    ac_fd conn;
    unsigned char out[MESSAGE], in[MESSAGE];
    for (int i = 0; i < MESSAGE; i++)
        out[i] = (unsigned char)(id * 31 + i);
    if (await(ac_connect(&conn, server)) != 0)
        return 1;
    int bad = await(ac_fd_write_all(&conn, out, sizeof out)) != MESSAGE ||
              await(ac_fd_read_exact(&conn, in, sizeof in)) != MESSAGE ||
              memcmp(in, out, sizeof in) != 0;
    ac_fd_close(&conn);
    return bad;
}

async int many(long n) {
    ac_listener l;
    ac_addr server;
    ac_task **clients = calloc((size_t)n, sizeof *clients);
    if (!clients || nofile_at_least((rlim_t)(2 * n + 64)) != 0 || listen_any(&l, &server) != 0)
        return fail("setup", n);
    ac_task *acceptor = ac_spawn(accept_n(&l, n));
    for (long i = 0; i < n; i++)
        clients[i] = ac_spawn(client(&server, i));
    long bad = 0;
    for (long i = 0; i < n; i++) {
        int b = 1;
        await(ac_join(clients[i], &b));
        bad += b;
    }
    int rc = 0;
    await(ac_join(acceptor, &rc));
    free(clients);
    ac_listener_close(&l);
    printf("many: %ld clients, %ld failed, acceptor %d\n", n, bad, rc);
    return bad != 0 || rc != 0;
}

/* ---- partial ----------------------------------------------------------------------------- */

enum { TOTAL = 1 << 20, SMALL = 4096 };

static unsigned char byte_at(long i) {
    return (unsigned char)(i * 13 + i / 4093);
}

static void small_buffers(int fd) {
    int size = SMALL;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/* Write TOTAL bytes 64 KB at a time with ac_fd_write: how many writes moved less. */
async long write_pieces(ac_fd *conn) {
    static unsigned char chunk[1 << 16];
    long sent = 0, partial = 0;
    while (sent < TOTAL) {
        size_t n = TOTAL - sent < (long)sizeof chunk ? (size_t)(TOTAL - sent) : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = byte_at(sent + (long)i);
        ssize_t w = await(ac_fd_write(conn, chunk, n));
        if (w <= 0)
            return -1;
        partial += (size_t)w < n;
        sent += w;
    }
    ac_shutdown(conn, SHUT_WR);
    return partial;
}

async int partial(void) {
    ac_listener l;
    ac_addr server;
    ac_fd out, in;
    if (listen_any(&l, &server) != 0)
        return fail("listen", 0);
    small_buffers(l.fd.fd); /* accepted sockets inherit them */
    if (await(ac_connect(&out, &server)) != 0)
        return fail("connect", 0);
    small_buffers(out.fd);
    int fd = await(ac_accept(&l, NULL));
    if (fd < 0 || ac_fd_open(&in, fd) != 0)
        return fail("accept", fd);
    ac_task *writer = ac_spawn(write_pieces(&out));
    unsigned char buf[1000];
    long got = 0, wrong = 0, reads = 0;
    ssize_t n;
    while ((n = await(ac_fd_read(&in, buf, sizeof buf))) > 0) {
        for (ssize_t i = 0; i < n; i++)
            wrong += buf[i] != byte_at(got + i);
        got += n;
        reads++;
    }
    long partial_writes = -1;
    await(ac_join(writer, &partial_writes));
    printf("partial: %ld bytes in %s reads, %s partial writes, %ld wrong, end: %zd\n", got,
           reads > TOTAL / 1000 ? "many" : "few", partial_writes > 0 ? "some" : "no", wrong, n);
    ac_fd_close(&in);
    ac_fd_close(&out);
    ac_listener_close(&l);
    return got != TOTAL || wrong != 0 || n != 0 || partial_writes <= 0;
}

/* ---- reset ------------------------------------------------------------------------------- */

/* Read a little, then close with a reset (SO_LINGER 0). */
async int resetting_client(const ac_addr *server) {
    ac_fd conn;
    char buf[1000];
    if (await(ac_connect(&conn, server)) != 0)
        return 1;
    ssize_t n = await(ac_fd_read_exact(&conn, buf, sizeof buf));
    struct linger now = {1, 0};
    setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    ac_fd_close(&conn);
    return n != (ssize_t)sizeof buf;
}

async int reset(void) {
    static unsigned char big[8 << 20];
    ac_listener l;
    ac_addr server;
    ac_fd conn;
    if (listen_any(&l, &server) != 0)
        return fail("listen", 0);
    ac_task *c = ac_spawn(resetting_client(&server));
    int fd = await(ac_accept(&l, NULL));
    if (fd < 0 || ac_fd_open(&conn, fd) != 0)
        return fail("accept", fd);
    ssize_t w = await(ac_fd_write_all(&conn, big, sizeof big));
    ssize_t again = await(ac_fd_write(&conn, big, 10));
    int cbad = 1;
    await(ac_join(c, &cbad));
    printf("reset: write_all %s, the next write %s, client %s\n",
           w == -ECONNRESET || w == -EPIPE ? "failed with ECONNRESET or EPIPE" : "did not fail",
           again == -EPIPE || again == -ECONNRESET ? "failed too" : "did not fail",
           cbad ? "failed" : "read 1000 bytes");
    ac_fd_close(&conn);
    ac_listener_close(&l);
    return (w != -ECONNRESET && w != -EPIPE) || (again != -EPIPE && again != -ECONNRESET) || cbad;
}

/* ---- emfile ------------------------------------------------------------------------------ */

enum { PENDING = 3, FILLERS_MAX = 1024 };

async int accept_one(ac_listener *l) {
    return await(ac_accept(l, NULL));
}

/* Open /dev/null until no descriptor is left: how many were opened. */
static int fill(int *fds) {
    int n = 0;
    while (n < FILLERS_MAX && (fds[n] = open("/dev/null", O_RDONLY)) >= 0)
        n++;
    return n;
}

async int emfile(void) {
    ac_listener l;
    ac_addr server;
    ac_fd pending[PENDING], late;
    static int fillers[FILLERS_MAX];
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = 128;
    if (setrlimit(RLIMIT_NOFILE, &r) != 0 || listen_any(&l, &server) != 0)
        return fail("setup", 0);
    for (int i = 0; i < PENDING; i++)
        if (await(ac_connect(&pending[i], &server)) != 0)
            return fail("connect", i);
    int filled = fill(fillers);
    if (filled == FILLERS_MAX || errno != EMFILE)
        return fail("fill", filled);
    int first = await(ac_accept(&l, NULL));
    long shed = 0;
    for (int i = 0; i < PENDING; i++) {
        char c;
        ssize_t n = await(ac_fd_read(&pending[i], &c, 1));
        shed += n == 0 || n == -ECONNRESET;
        ac_fd_close(&pending[i]);
    }
    /* the backlog is empty: the next accept waits (a spinning one would return now) */
    ac_task *next = ac_spawn(accept_one(&l));
    await(ac_sleep_ms(50));
    close(fillers[--filled]);
    close(fillers[--filled]);
    int rc = await(ac_connect(&late, &server));
    int fd = -1;
    await(ac_join(next, &fd));
    printf("emfile: first accept %s, %ld of %d pending clients shed, next accept %s\n",
           first == -EMFILE ? "-EMFILE" : "other", shed, PENDING,
           fd >= 0 ? "waited, then accepted" : "failed");
    while (filled > 0)
        close(fillers[--filled]);
    if (fd >= 0)
        close(fd);
    ac_fd_close(&late);
    ac_listener_close(&l);
    return first != -EMFILE || shed != PENDING || rc != 0 || fd < 0;
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    int bad;
    if (strcmp(what, "many") == 0 && argc == 3)
        bad = ac_block_on(many(strtol(argv[2], NULL, 10)));
    else if (strcmp(what, "partial") == 0)
        bad = ac_block_on(partial());
    else if (strcmp(what, "reset") == 0)
        bad = ac_block_on(reset());
    else if (strcmp(what, "emfile") == 0)
        bad = ac_block_on(emfile());
    else {
        fprintf(stderr, "usage: stress many N | partial | reset | emfile\n");
        return 2;
    }
    return bad != 0;
}
