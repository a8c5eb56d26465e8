/* net.c - the helpers of net.h: sockets set up by hand on ac_fd. */
#include <asyncc.h>
/* after <asyncc.h>, which defines async */
#include <ac_io.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int net_port_parse(const char *s) {
    char *end;
    long port = strtol(s, &end, 10);
    return *s && !*end && port >= 0 && port <= 65535 ? (int)port : -1;
}

int net_port_arg(int argc, char **argv, const char *usage) {
    int port = argc >= 2 ? net_port_parse(argv[argc - 1]) : -1;
    if (port < 0)
        fprintf(stderr, "usage: %s %s\n", argv[0], usage);
    return port;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* Bind and listen fd; its port in *bound. 0, or a negative errno. */
static int socket_listen(int fd, int port, int *bound) {
    int one = 1;
    struct sockaddr_in a = loopback(port);
    socklen_t len = sizeof a;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 511) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -errno;
    *bound = ntohs(a.sin_port);
    return 0;
}

int net_listen(ac_fd *l, int port, int *bound) {
    l->fd = -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int rc = socket_listen(fd, port, bound);
    if (rc == 0)
        rc = ac_fd_open(l, fd);
    if (rc != 0)
        close(fd);
    return rc;
}

async int net_accept(ac_fd *l) {
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return fd;
        }
        /* A connection reset while in the backlog is not the listener's error. */
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            return -errno;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = await(ac_fd_readable(l));
            if (rc != 0)
                return rc;
        }
    }
}

async int net_connect(ac_fd *h, int port) {
    h->fd = -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct sockaddr_in a = loopback(port);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a) == 0 || errno == EINPROGRESS ? 0 : -errno;
    if (rc == 0)
        rc = ac_fd_open(h, fd);
    if (rc != 0) {
        close(fd);
        return rc;
    }
    rc = await(ac_fd_writable(h));
    int err = 0;
    socklen_t len = sizeof err;
    if (rc == 0 && getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (rc == 0 && err != 0)
        rc = -err;
    if (rc != 0)
        ac_fd_close(h);
    return rc;
}

async ssize_t net_write_all(ac_fd *h, const char *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = await(ac_fd_write(h, buf + done, n - done));
        if (w < 0)
            return w;
        done += (size_t)w;
    }
    return (ssize_t)n;
}

async ssize_t net_fill(ac_fd *h, net_buf *b) {
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, b->end - b->start);
        b->end -= b->start;
        b->start = 0;
    }
    if (b->end == sizeof b->data)
        return -ENOBUFS;
    ssize_t n = await(ac_fd_read(h, b->data + b->end, sizeof b->data - b->end));
    if (n > 0)
        b->end += (size_t)n;
    return n;
}

/* Start handler(fd) as a detached task; without memory for it, close the connection. */
static void connection_start(net_handler *handler, int fd) {
    ac_task *t = ac_future_spawn(handler(fd));
    if (t)
        ac_detach(t);
    else
        close(fd);
}

async int net_serve(const char *name, int port, net_handler *handler) {
    ac_fd l;
    int rc = net_listen(&l, port, &port);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot listen on 127.0.0.1:%d: %s\n", name, port, strerror(-rc));
        return 1;
    }
    printf("%s: listening on 127.0.0.1:%d\n", name, port);
    fflush(stdout);
    for (;;) {
        int fd = await(net_accept(&l));
        if (fd >= 0) {
            connection_start(handler, fd);
            continue;
        }
        fprintf(stderr, "%s: accept: %s\n", name, strerror(-fd));
        if (fd != -EMFILE && fd != -ENFILE)
            break;
        /* Out of descriptors: give the connections being served time to end. */
        await(ac_sleep_ms(100));
    }
    ac_fd_close(&l);
    return 1;
}

int net_main(int argc, char **argv, const char *name, net_handler *handler) {
    int port = net_port_arg(argc, argv, "PORT");
    return port < 0 ? 2 : ac_block_on(net_serve(name, port, handler));
}
