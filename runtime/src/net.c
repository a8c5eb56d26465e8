/* net.c - the sockets of ac_net.h: addresses, bound sockets, and the leaves accept,
 * connect, send_to, recv_from, read_exact and write_all. Each leaf makes one call per
 * poll (the step ac_net.h shares with the sequential face) through aci_fd_poll, which
 * parks it on the handle's readers or writers when the call would block.
 */
#define _GNU_SOURCE 1 /* MSG_NOSIGNAL, SOCK_CLOEXEC */

#include "io.h"

#include <stdio.h>
#include <string.h>

#include "ac_net.h"
#include "backend.h"

/* ---- addresses ------------------------------------------------------------------------ */

int ac_addr_ip(ac_addr *a, const char *ip, unsigned port) {
    memset(a, 0, sizeof *a);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
    if (port > 65535)
        return -EINVAL;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        a->len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        a->len = sizeof *v6;
        return 0;
    }
    return -EINVAL;
}

int ac_addr_unix(ac_addr *a, const char *path) {
    memset(a, 0, sizeof *a);
    struct sockaddr_un *u = (struct sockaddr_un *)&a->ss;
    size_t n = strlen(path);
    if (n >= sizeof u->sun_path)
        return -ENAMETOOLONG;
    u->sun_family = AF_UNIX;
    memcpy(u->sun_path, path, n + 1);
    a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return 0;
}

unsigned ac_addr_port(const ac_addr *a) {
    if (a->ss.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    if (a->ss.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    return 0;
}

int ac_addr_format(const ac_addr *a, char *buf, size_t n) {
    char ip[INET6_ADDRSTRLEN];
    int len;
    if (a->ss.ss_family == AF_UNIX) {
        const struct sockaddr_un *u = (const struct sockaddr_un *)&a->ss;
        size_t path = a->len > offsetof(struct sockaddr_un, sun_path)
                          ? a->len - offsetof(struct sockaddr_un, sun_path)
                          : 0;
        len = snprintf(buf, n, "unix:%.*s", (int)strnlen(u->sun_path, path), u->sun_path);
    } else if (a->ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr, ip, sizeof ip);
        len = snprintf(buf, n, "%s:%u", ip, ac_addr_port(a));
    } else if (a->ss.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, ip, sizeof ip);
        len = snprintf(buf, n, "[%s]:%u", ip, ac_addr_port(a));
    } else {
        return -EAFNOSUPPORT;
    }
    return len >= 0 && (size_t)len < n ? 0 : -ENOSPC;
}

/* A listener on a TCP port that a server just left in TIME_WAIT can bind it again. */
static int socket_prepare(int fd, int family, int type) {
    int one = 1;
    if (type == SOCK_STREAM && family != AF_UNIX &&
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        return -errno;
    return 0;
}

int ac_socket_bound(int family, int type, const ac_addr *local, int backlog) {
    int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    int rc = socket_prepare(fd, family, type);
    if (rc == 0 && local && bind(fd, (const struct sockaddr *)&local->ss, local->len) != 0)
        rc = -errno;
    if (rc == 0 && backlog > 0 && listen(fd, backlog) != 0)
        rc = -errno;
    if (rc != 0) {
        close(fd);
        return rc;
    }
    return fd;
}

/* ---- accept ---------------------------------------------------------------------------- */

static ssize_t call_accept(void *frame) {
    ac_accept_frame *f = frame;
    return ac_accept_fd_(f->listener, f->peer);
}

ac_poll ac_accept_poll(ac_accept_frame *f, ac_cx *cx, int *out) {
    ssize_t r = 0;
    ac_poll p = aci_fd_poll(&f->wait, ACI_READABLE, cx, call_accept, f, &r);
    *out = (int)r;
    return p;
}

void ac_accept_drop(ac_accept_frame *f) {
    aci_fd_unpark(&f->wait);
}

/* ---- connect ----------------------------------------------------------------------------- */

/* Connecting: done once the socket is writable (poll(2) says so), then SO_ERROR. */
static ssize_t call_connect(void *frame) {
    ac_connect_frame *f = frame;
    struct pollfd p = {f->wait.h->fd, POLLOUT, 0};
    int n;
    while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    if (n == 0)
        return -EAGAIN;
    return ac_connect_result_(f->wait.h);
}

ac_poll ac_connect_poll(ac_connect_frame *f, ac_cx *cx, int *out) {
    ssize_t r = 0;
    if (f->state == 0) {
        f->state = 1;
        r = ac_connect_start_(f->wait.h, f->addr);
        if (r != -EINPROGRESS) {
            f->state = 2;
            *out = (int)r;
            return AC_READY;
        }
    }
    if (aci_fd_poll(&f->wait, ACI_WRITABLE, cx, call_connect, f, &r) == AC_PENDING)
        return AC_PENDING;
    f->state = 2;
    *out = (int)r;
    return AC_READY;
}

/* A connect cancelled half-way closes the socket: the caller never got it. */
void ac_connect_drop(ac_connect_frame *f) {
    aci_fd_unpark(&f->wait);
    if (f->state == 1)
        ac_fd_close(f->wait.h);
}

/* ---- datagrams --------------------------------------------------------------------------- */

static ssize_t call_send_to(void *frame) {
    ac_dgram_frame *f = frame;
    return ac_send_to_(f->wait.h, f->buf, f->n, f->addr);
}

static ssize_t call_recv_from(void *frame) {
    ac_dgram_frame *f = frame;
    return ac_recv_from_(f->wait.h, f->buf, f->n, f->addr);
}

ac_poll ac_send_to_poll(ac_send_to_frame *f, ac_cx *cx, ssize_t *out) {
    return aci_fd_poll(&f->wait, ACI_WRITABLE, cx, call_send_to, f, out);
}

void ac_send_to_drop(ac_send_to_frame *f) {
    aci_fd_unpark(&f->wait);
}

ac_poll ac_recv_from_poll(ac_recv_from_frame *f, ac_cx *cx, ssize_t *out) {
    return aci_fd_poll(&f->wait, ACI_READABLE, cx, call_recv_from, f, out);
}

void ac_recv_from_drop(ac_recv_from_frame *f) {
    aci_fd_unpark(&f->wait);
}

/* ---- whole buffers ------------------------------------------------------------------------ */

/* One read or write of what is left. */
static ssize_t whole_step(ac_fd_whole_frame *f, int writing) {
    const ac_fd *h = f->wait.h;
    unsigned char *at = f->buf + f->done;
    size_t left = f->n - f->done;
    if (!writing)
        return read(h->fd, at, left);
    return h->is_socket ? send(h->fd, at, left, MSG_NOSIGNAL) : write(h->fd, at, left);
}

/* Move bytes until all n have moved, the stream ends (a read of 0), an error or EAGAIN;
 * the count so far stays in the frame for the next call. */
static ssize_t whole_move(ac_fd_whole_frame *f, int writing) {
    while (f->done < f->n) {
        ssize_t r = whole_step(f, writing);
        if (r == 0)
            break;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return aci_call_result(r);
        f->done += (size_t)r;
    }
    return (ssize_t)f->done;
}

static ssize_t call_read_exact(void *frame) {
    return whole_move(frame, 0);
}

static ssize_t call_write_all(void *frame) {
    return whole_move(frame, 1);
}

ac_poll ac_fd_read_exact_poll(ac_fd_read_exact_frame *f, ac_cx *cx, ssize_t *out) {
    return aci_fd_poll(&f->wait, ACI_READABLE, cx, call_read_exact, f, out);
}

void ac_fd_read_exact_drop(ac_fd_read_exact_frame *f) {
    aci_fd_unpark(&f->wait);
}

ac_poll ac_fd_write_all_poll(ac_fd_write_all_frame *f, ac_cx *cx, ssize_t *out) {
    return aci_fd_poll(&f->wait, ACI_WRITABLE, cx, call_write_all, f, out);
}

void ac_fd_write_all_drop(ac_fd_write_all_frame *f) {
    aci_fd_unpark(&f->wait);
}
