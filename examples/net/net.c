/* net.c - the helpers of net.h, on ac_net.h. */
#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_net.h>

#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "workers.h"

/* "0".."65535": the port, or -1. */
static int net_port_parse(const char *s) {
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

size_t net_buf_room(net_buf *b) {
    if (b->start == b->end) {
        b->start = b->end = 0; /* all used: the usual case, nothing to move */
    } else if (b->start > 0) {
        memmove(b->data, b->data + b->start, b->end - b->start);
        b->end -= b->start;
        b->start = 0;
    }
    return sizeof b->data - b->end;
}

async ssize_t net_fill(ac_fd *h, net_buf *b) {
    size_t room = net_buf_room(b);
    if (room == 0)
        return -ENOBUFS;
    ssize_t n = await(ac_fd_read(h, b->data + b->end, room));
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

/* Listen on 127.0.0.1:port: 0 with the port bound in *port, or a negative errno. */
static int listener_open(ac_listener *l, int *port) {
    ac_addr a;
    int rc = ac_addr_ip(&a, "127.0.0.1", (unsigned)*port);
    if (rc == 0)
        rc = ac_listen(l, &a, 511);
    if (rc == 0 && (rc = ac_local_addr(&l->fd, &a)) != 0)
        ac_listener_close(l);
    if (rc == 0)
        *port = (int)ac_addr_port(&a);
    return rc;
}

async int net_serve(const char *name, int port, net_handler *handler) {
    ac_listener l;
    int rc = listener_open(&l, &port);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot listen on 127.0.0.1:%d: %s\n", name, port, strerror(-rc));
        return 1;
    }
    printf("%s: listening on 127.0.0.1:%d\n", name, port);
    fflush(stdout);
    for (;;) {
        int fd = await(ac_accept(&l, NULL));
        if (fd >= 0) {
            /* Replies go out whole, at once: no reason to let Nagle hold them. */
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            connection_start(handler, fd);
            continue;
        }
        fprintf(stderr, "%s: accept: %s\n", name, strerror(-fd));
        /* Out of descriptors, ac_accept shed the waiting connections: serve on. */
        if (fd != -EMFILE && fd != -ENFILE)
            break;
    }
    ac_listener_close(&l);
    return 1;
}

int net_main(int argc, char **argv, const char *name, net_handler *handler) {
    int port = net_port_arg(argc, argv, "PORT");
    return port < 0 ? 2 : workers_block_on(name, ac_future_of(net_serve(name, port, handler)));
}
