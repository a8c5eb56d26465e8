/* ac_net.h - sockets on ac_fd: TCP and Unix-domain streams (listen, accept, connect),
 * UDP and Unix-domain datagrams, and whole-buffer reads and writes for any stream
 * (sockets, pipes, stdin/stdout).
 *
 *     ac_addr a;
 *     ac_listener l;
 *     ac_addr_ip(&a, "127.0.0.1", 7000);             // or "::1"; ac_addr_unix for a path
 *     if (ac_listen(&l, &a, 128) != 0) ...;
 *     for (;;) {
 *         int fd = await(ac_accept(&l, NULL));       // a descriptor, or -errno
 *         if (fd >= 0)
 *             ac_detach(ac_spawn(serve(fd)));        // serve opens its own ac_fd on fd:
 *     }                                              // a handle never moves once open
 *
 * A connected stream is an ac_fd: ac_fd_read and ac_fd_write (ac_io.h) move what they
 * can, ac_fd_read_exact and ac_fd_write_all below move everything.
 *
 * Errors are values: every call returns 0 (or a byte count) or a negative errno, and end
 * of stream is 0 bytes, never an error. EINTR and EAGAIN never come out. Writes use
 * send(MSG_NOSIGNAL): a peer that vanished is -EPIPE or -ECONNRESET, never SIGPIPE, and
 * nothing changes the process's signal dispositions. (A pipe is written with write(2):
 * a pipe whose reader has gone raises SIGPIPE unless the program ignores it.)
 *
 * ---- addresses: plain functions, in every face ----------------------------------------
 *   int ac_addr_ip(ac_addr *a, const char *ip, unsigned port)   numeric IPv4 or IPv6
 *                                         ("127.0.0.1", "::1"); 0 or -EINVAL
 *   int ac_addr_unix(ac_addr *a, const char *path)   0, or -ENAMETOOLONG
 *   unsigned ac_addr_port(const ac_addr *a)          0 for a Unix address
 *   int ac_addr_format(const ac_addr *a, char *buf, size_t n)   "127.0.0.1:7000",
 *                                         "[::1]:7000", "unix:/path"; 0 or -ENOSPC
 *   int ac_local_addr(const ac_fd *h, ac_addr *a)   getsockname / getpeername:
 *   int ac_peer_addr(const ac_fd *h, ac_addr *a)    0 or a negative errno
 *
 * ---- streams (TCP, Unix) ------------------------------------------------------------------
 *   int ac_listen(ac_listener *l, const ac_addr *a, int backlog)   a listening socket
 *                                         bound to a (port 0: any; ac_local_addr tells
 *                                         which), watched by the loop; 0 or -errno
 *   void ac_listener_close(ac_listener *l)
 *   async int ac_accept(ac_listener *l, ac_addr *peer)   the next connection: its
 *                                         descriptor (close-on-exec; ac_fd_open it where
 *                                         it will stay), its address in peer unless NULL;
 *                                         or a negative errno
 *   async int ac_connect(ac_fd *conn, const ac_addr *a)   0 with conn open, or a
 *                                         negative errno (-ECONNREFUSED, -ENETUNREACH,
 *                                         ...) with conn closed (conn->fd is -1)
 *   int ac_shutdown(ac_fd *h, int how)    shutdown(2): SHUT_WR half-closes (the peer
 *                                         reads end of stream, and can still write)
 *
 * Out of descriptors: accept(2) failing with EMFILE or ENFILE leaves the connection
 * in the backlog, and an edge-triggered (or any) loop would retry it at once, forever.
 * ac_accept does what libuv does: each listener keeps a spare descriptor (on
 * /dev/null); on EMFILE/ENFILE it closes the spare, accepts and closes every pending
 * connection (their clients see end of stream or a reset), reopens the spare and
 * returns -EMFILE (or -ENFILE). The server sees the error as a value, and its next
 * ac_accept waits for a new connection instead of spinning. If the spare could not be
 * reopened (another thread took the slot), the next EMFILE is returned as is.
 *
 * ---- datagrams (UDP, Unix) ------------------------------------------------------------------
 *   int ac_dgram_open(ac_fd *h, int family, const ac_addr *local)   a datagram socket
 *                                         of family (AF_INET, AF_INET6, AF_UNIX) bound
 *                                         to local unless NULL; 0 or -errno
 *   int ac_dgram_connect(ac_fd *h, const ac_addr *peer)   fix the peer: then
 *                                         ac_fd_write sends to it and ac_fd_read
 *                                         receives only from it
 *   async ssize_t ac_send_to(ac_fd *h, const void *buf, size_t n, const ac_addr *to)
 *   async ssize_t ac_recv_from(ac_fd *h, void *buf, size_t n, ac_addr *from)
 *                                         one datagram: its size (a longer one is
 *                                         truncated to n), or a negative errno
 *
 * ---- whole buffers, for any stream ac_fd ----------------------------------------------------
 *   async ssize_t ac_fd_read_exact(ac_fd *h, void *buf, size_t n)   n bytes, or fewer
 *                                         if the stream ended first (the count read),
 *                                         or a negative errno
 *   async ssize_t ac_fd_write_all(ac_fd *h, const void *buf, size_t n)   n, or a
 *                                         negative errno
 *
 * stdin and stdout: ac_fd_open(&h, 0) works when descriptor 0 is a pipe, a socket or
 * a terminal, and fails with -EPERM when it is a regular file (epoll cannot watch
 * one: read it with read(2), which never blocks on a file). Making a descriptor
 * non-blocking sets O_NONBLOCK on the open file description, which a terminal or pipe
 * inherited from the parent shares with it: the parent (a shell) then sees EAGAIN on
 * its own reads until the flag is cleared. Clear it before exiting (fcntl F_SETFL) or
 * give the program its own descriptor (a pipe, or open("/dev/tty")).
 *
 * It includes <asyncc.h> and <ac_io.h> itself; three faces, like them. The sequential face
 * blocks in poll(2).
 */
#ifndef AC_NET_H
#define AC_NET_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <ac_io.h>

/* ---- every face --------------------------------------------------------------------- */

typedef struct ac_addr {
    socklen_t len;
    struct sockaddr_storage ss;
} ac_addr;

typedef struct ac_listener {
    ac_fd fd;
    int spare; /* a descriptor given back when accept runs out of them; -1 if none */
} ac_listener;

int ac_addr_ip(ac_addr *a, const char *ip, unsigned port);
int ac_addr_unix(ac_addr *a, const char *path);
unsigned ac_addr_port(const ac_addr *a);
int ac_addr_format(const ac_addr *a, char *buf, size_t n);

/* A socket of family and type (SOCK_STREAM, SOCK_DGRAM), close-on-exec and bound to
 * local unless NULL (listening with backlog if backlog > 0): its descriptor, or a
 * negative errno. The raw step under ac_listen and ac_dgram_open. */
int ac_socket_bound(int family, int type, const ac_addr *local, int backlog);

static inline int ac_sock_result_(int r) {
    return r == 0 ? 0 : -errno;
}

static inline int ac_local_addr(const ac_fd *h, ac_addr *a) {
    a->len = sizeof a->ss;
    return ac_sock_result_(getsockname(h->fd, (struct sockaddr *)&a->ss, &a->len));
}

static inline int ac_peer_addr(const ac_fd *h, ac_addr *a) {
    a->len = sizeof a->ss;
    return ac_sock_result_(getpeername(h->fd, (struct sockaddr *)&a->ss, &a->len));
}

static inline int ac_shutdown(ac_fd *h, int how) {
    return ac_sock_result_(shutdown(h->fd, how));
}

static inline int ac_dgram_connect(ac_fd *h, const ac_addr *peer) {
    return ac_sock_result_(connect(h->fd, (const struct sockaddr *)&peer->ss, peer->len));
}

/* A descriptor on /dev/null, close-on-exec, or -1 (O_CLOEXEC is POSIX 2008, beyond what
 * a strict C11 program sees). */
static inline int ac_spare_open_(void) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

/* Open descriptor fd in h, or close it if that fails. */
static inline int ac_fd_adopt_(ac_fd *h, int fd) {
    if (fd < 0) {
        h->fd = -1;
        return fd;
    }
    int rc = ac_fd_open(h, fd);
    if (rc != 0)
        close(fd);
    return rc;
}

static inline int ac_listen(ac_listener *l, const ac_addr *a, int backlog) {
    l->spare = -1;
    int rc = ac_fd_adopt_(&l->fd, ac_socket_bound(a->ss.ss_family, SOCK_STREAM, a,
                                                  backlog > 0 ? backlog : SOMAXCONN));
    if (rc == 0)
        l->spare = ac_spare_open_();
    return rc;
}

static inline void ac_listener_close(ac_listener *l) {
    ac_fd_close(&l->fd);
    if (l->spare >= 0)
        close(l->spare);
    l->spare = -1;
}

static inline int ac_dgram_open(ac_fd *h, int family, const ac_addr *local) {
    return ac_fd_adopt_(h, ac_socket_bound(family, SOCK_DGRAM, local, 0));
}

/* Out of descriptors: give back the spare, accept and close what is pending, take the
 * spare again (see the file head). */
static inline void ac_listener_shed_(ac_listener *l) {
    close(l->spare);
    int fd;
    while ((fd = accept(l->fd.fd, NULL, NULL)) >= 0 || errno == EINTR)
        if (fd >= 0)
            close(fd);
    l->spare = ac_spare_open_();
}

/* One accept(2): the new descriptor (close-on-exec), or -EAGAIN, or a negative errno. */
static inline int ac_accept_fd_(ac_listener *l, ac_addr *peer) {
    ac_addr ignored;
    ac_addr *to = peer ? peer : &ignored;
    int fd;
    do {
        to->len = sizeof to->ss;
        fd = accept(l->fd.fd, (struct sockaddr *)&to->ss, &to->len);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }
    int err = errno;
    if ((err == EMFILE || err == ENFILE) && l->spare >= 0)
        ac_listener_shed_(l);
    return err == EWOULDBLOCK ? -EAGAIN : -err;
}

/* Start connecting conn to a: 0 (connected), -EINPROGRESS (wait until writable, then
 * ac_connect_result_), or a negative errno with conn closed. */
static inline int ac_connect_start_(ac_fd *conn, const ac_addr *a) {
    int rc = ac_fd_adopt_(conn, ac_socket_bound(a->ss.ss_family, SOCK_STREAM, NULL, 0));
    if (rc != 0)
        return rc;
    while ((rc = connect(conn->fd, (const struct sockaddr *)&a->ss, a->len)) != 0 &&
           errno == EINTR) {
    }
    if (rc == 0 || errno == EINPROGRESS)
        return rc == 0 ? 0 : -EINPROGRESS;
    rc = -errno;
    ac_fd_close(conn);
    return rc;
}

/* After a connect in progress made conn writable: 0, or its error with conn closed. */
static inline int ac_connect_result_(ac_fd *conn) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(conn->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err != 0)
        ac_fd_close(conn);
    return -err;
}

static inline ssize_t ac_send_to_(ac_fd *h, const void *buf, size_t n, const ac_addr *to) {
    ssize_t r;
    while ((r = sendto(h->fd, buf, n, MSG_NOSIGNAL, (const struct sockaddr *)&to->ss, to->len)) <
               0 &&
           errno == EINTR) {
    }
    return r >= 0 ? r : errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static inline ssize_t ac_recv_from_(ac_fd *h, void *buf, size_t n, ac_addr *from) {
    ac_addr ignored;
    ac_addr *to = from ? from : &ignored;
    ssize_t r;
    do {
        to->len = sizeof to->ss;
        r = recvfrom(h->fd, buf, n, 0, (struct sockaddr *)&to->ss, &to->len);
    } while (r < 0 && errno == EINTR);
    return r >= 0 ? r : errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face ----------------------------------------------------------------- */

typedef struct ac_accept_frame {
    ac_fd_wait_frame wait;
    ac_listener *listener;
    ac_addr *peer;
} ac_accept_frame;

typedef struct ac_connect_frame {
    ac_fd_wait_frame wait;
    const ac_addr *addr;
    int state; /* 0 not started, 1 connecting, 2 finished */
} ac_connect_frame;

/* send_to and recv_from: the datagram's buffer and its destination or source. */
typedef struct ac_dgram_frame {
    ac_fd_wait_frame wait;
    void *buf;
    size_t n;
    ac_addr *addr;
} ac_dgram_frame;
typedef ac_dgram_frame ac_send_to_frame;
typedef ac_dgram_frame ac_recv_from_frame;

/* read_exact and write_all: the buffer, its size, and how much has moved. */
typedef struct ac_fd_whole_frame {
    ac_fd_wait_frame wait;
    unsigned char *buf;
    size_t n, done;
} ac_fd_whole_frame;
typedef ac_fd_whole_frame ac_fd_read_exact_frame;
typedef ac_fd_whole_frame ac_fd_write_all_frame;

#if defined(ASYNCC_PARSE)
async int ac_accept(ac_listener *l, ac_addr *peer);
async int ac_connect(ac_fd *conn, const ac_addr *a);
async ssize_t ac_send_to(ac_fd *h, const void *buf, size_t n, const ac_addr *to);
async ssize_t ac_recv_from(ac_fd *h, void *buf, size_t n, ac_addr *from);
async ssize_t ac_fd_read_exact(ac_fd *h, void *buf, size_t n);
async ssize_t ac_fd_write_all(ac_fd *h, const void *buf, size_t n);
#else
/* The inits only store the arguments, inline as ac_io.h's are. */
static inline void ac_accept_init(ac_accept_frame *f, ac_listener *l, ac_addr *peer) {
    ac_fd_wait_init_(&f->wait, &l->fd);
    f->listener = l;
    f->peer = peer;
}
static inline void ac_connect_init(ac_connect_frame *f, ac_fd *conn, const ac_addr *a) {
    ac_fd_wait_init_(&f->wait, conn);
    f->addr = a;
    f->state = 0;
}
static inline void ac_dgram_init_(ac_dgram_frame *f, ac_fd *h, const void *buf, size_t n,
                                  const ac_addr *addr) {
    ac_fd_wait_init_(&f->wait, h);
    f->buf = (void *)buf; /* send_to only reads through it */
    f->n = n;
    f->addr = (ac_addr *)addr; /* and only reads the destination */
}
static inline void ac_send_to_init(ac_send_to_frame *f, ac_fd *h, const void *buf, size_t n,
                                   const ac_addr *to) {
    ac_dgram_init_(f, h, buf, n, to);
}
static inline void ac_recv_from_init(ac_recv_from_frame *f, ac_fd *h, void *buf, size_t n,
                                     ac_addr *from) {
    ac_dgram_init_(f, h, buf, n, from);
}
static inline void ac_fd_whole_init_(ac_fd_whole_frame *f, ac_fd *h, const void *buf, size_t n) {
    ac_fd_wait_init_(&f->wait, h);
    f->buf = (unsigned char *)buf; /* write_all only reads through it */
    f->n = n;
    f->done = 0;
}
static inline void ac_fd_read_exact_init(ac_fd_read_exact_frame *f, ac_fd *h, void *buf, size_t n) {
    ac_fd_whole_init_(f, h, buf, n);
}
static inline void ac_fd_write_all_init(ac_fd_write_all_frame *f, ac_fd *h, const void *buf,
                                        size_t n) {
    ac_fd_whole_init_(f, h, buf, n);
}
ac_poll ac_accept_poll(ac_accept_frame *f, ac_cx *cx, int *out);
void ac_accept_drop(ac_accept_frame *f);
ac_poll ac_connect_poll(ac_connect_frame *f, ac_cx *cx, int *out);
void ac_connect_drop(ac_connect_frame *f);
ac_poll ac_send_to_poll(ac_send_to_frame *f, ac_cx *cx, ssize_t *out);
void ac_send_to_drop(ac_send_to_frame *f);
ac_poll ac_recv_from_poll(ac_recv_from_frame *f, ac_cx *cx, ssize_t *out);
void ac_recv_from_drop(ac_recv_from_frame *f);
ac_poll ac_fd_read_exact_poll(ac_fd_read_exact_frame *f, ac_cx *cx, ssize_t *out);
void ac_fd_read_exact_drop(ac_fd_read_exact_frame *f);
ac_poll ac_fd_write_all_poll(ac_fd_write_all_frame *f, ac_cx *cx, ssize_t *out);
void ac_fd_write_all_drop(ac_fd_write_all_frame *f);
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning, blocking in poll(2) -------------------------------- */

static inline int ac_accept(ac_listener *l, ac_addr *peer) {
    int fd;
    while ((fd = ac_accept_fd_(l, peer)) == -EAGAIN) {
        int rc = ac_fd_block_(l->fd.fd, POLLIN);
        if (rc != 0)
            return rc;
    }
    return fd;
}

static inline int ac_connect(ac_fd *conn, const ac_addr *a) {
    int rc = ac_connect_start_(conn, a);
    if (rc != -EINPROGRESS)
        return rc;
    rc = ac_fd_block_(conn->fd, POLLOUT);
    if (rc != 0) {
        ac_fd_close(conn);
        return rc;
    }
    return ac_connect_result_(conn);
}

static inline ssize_t ac_send_to(ac_fd *h, const void *buf, size_t n, const ac_addr *to) {
    ssize_t r;
    while ((r = ac_send_to_(h, buf, n, to)) == -EAGAIN)
        if ((r = ac_fd_block_(h->fd, POLLOUT)) != 0)
            break;
    return r;
}

static inline ssize_t ac_recv_from(ac_fd *h, void *buf, size_t n, ac_addr *from) {
    ssize_t r;
    while ((r = ac_recv_from_(h, buf, n, from)) == -EAGAIN)
        if ((r = ac_fd_block_(h->fd, POLLIN)) != 0)
            break;
    return r;
}

static inline ssize_t ac_fd_read_exact(ac_fd *h, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = ac_fd_read(h, (unsigned char *)buf + done, n - done);
        if (r <= 0)
            return r < 0 ? r : (ssize_t)done;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

static inline ssize_t ac_fd_write_all(ac_fd *h, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = ac_fd_write(h, (const unsigned char *)buf + done, n - done);
        if (r < 0)
            return r;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif
#endif
