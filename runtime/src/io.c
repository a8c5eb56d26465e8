/* io.c - ac_fd: any non-blocking descriptor, awaitable (ac_io.h has the API).
 *
 * An ac_fd is added to the loop's backend once, for both directions, edge-triggered
 * (backend_epoll.c says why). Each leaf first makes its call (read, write, or a
 * poll(2) look for readable/writable); only on EAGAIN does it park its waiter on the
 * handle's readers or writers list. An edge wakes that whole list, each woken leaf
 * makes its call again, and the ones that meet EAGAIN park again: the tasks woken are
 * exactly those waiting on that descriptor in that direction. A poll that finds its
 * waiter still parked was not woken by the descriptor (a spurious poll) and makes no
 * call. The loop counts parked waiters (io_waiters): while there are some, an empty
 * run queue is a wait, not a deadlock.
 *
 * On a worker of a multi-thread runtime, ac_fd_open registers the descriptor in the
 * runtime's reactor (reactor.c) instead, and the handle's lists and readiness live in
 * that registration, under its lock: the task that parks, the worker that sees the edge
 * and the one that closes may be three threads. A leaf parks only if no edge came since
 * its call started (the registration counts them), so none is lost in between. A handle
 * serves the executor it was opened on: a task of the other kind gets -EOPNOTSUPP.
 */
#define _GNU_SOURCE 1 /* MSG_NOSIGNAL */

#include "io.h"

#include "backend.h"
#include "mt.h"
#include "reactor.h"
#include "spinlock.h"
#include "waitlist.h"

#include <sys/stat.h>

/* ---- the handle --------------------------------------------------------------------------- */

/* Whether a read returning less than it asked for leaves fd empty: true of a stream
 * socket and a pipe, not of a datagram socket (one datagram per read) nor a terminal
 * (one line per read). */
static int fd_is_stream(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 0;
    if (S_ISFIFO(st.st_mode))
        return 1;
    int type = 0;
    socklen_t len = sizeof type;
    return S_ISSOCK(st.st_mode) && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
           type == SOCK_STREAM;
}

/* Watch fd in this thread's loop, or in its runtime's reactor on a worker. */
static int fd_watch(ac_fd *h, int fd) {
    if (aci_loop_this.worker)
        return aci_reactor_add(aci_mt_reactor(), fd, &h->reg);
    int rc = 0;
    aci_backend *b = aci_loop_backend(&rc);
    if (!b)
        return rc;
    rc = aci_backend_add(b, fd, h);
    aci_loop_this.fds_registered += rc == 0;
    return rc;
}

int ac_fd_open(ac_fd *h, int fd) {
    *h = (ac_fd){-1, 0, 0, 0, 0, 0, 0, {NULL, NULL}, {NULL, NULL}, NULL};
    int was_blocking = 0;
    int rc = ac_fd_nonblock_(fd, &was_blocking);
    if (rc == 0)
        rc = fd_watch(h, fd);
    if (rc != 0 && rc != -EPERM) /* EPERM: a regular file, always ready */
        return rc;
    h->fd = fd;
    h->is_socket = (unsigned char)ac_fd_is_socket_(fd);
    h->was_blocking = (unsigned char)was_blocking;
    h->watched = rc == 0;
    h->is_stream = h->watched && fd_is_stream(fd);
    return 0;
}

void ac_fd_close(ac_fd *h) {
    if (h->fd < 0)
        return;
    if (h->reg) {
        aci_reactor_remove(h->reg, h->fd, -EBADF);
    } else if (h->watched) {
        aci_backend_remove(aci_loop_this.backend, h->fd);
        aci_loop_this.fds_registered--;
    }
    ac_fd_restore_(h->fd, h->was_blocking);
    close(h->fd);
    h->fd = -1;
    h->drained = 0;
    h->watched = 0;
    h->reg = NULL;
    aci_fd_wake(&h->readers, -EBADF);
    aci_fd_wake(&h->writers, -EBADF);
}

/* ---- the leaves ---------------------------------------------------------------------------- */

/* Whether w is parked on g, looked at under g's lock (the reactor unlinks it). */
static int reg_parked(aci_fd_reg *g, ac_waiter *w) {
    aci_spin_lock(&g->lock);
    int parked = aci_waiter_parked(w);
    aci_spin_unlock(&g->lock);
    return parked;
}

/* Park w on g's list for direction d unless an edge came since the call started: 1 if
 * parked, 0 to make the call again. */
static int reg_park(aci_fd_reg *g, unsigned d, ac_fd_wait_frame *wait, ac_task *task) {
    aci_spin_lock(&g->lock);
    int quiet = atomic_load_explicit(&g->edges[d], memory_order_relaxed) == wait->edge;
    if (quiet)
        aci_waitlist_push(d ? &g->writers : &g->readers, &wait->waiter, task);
    aci_spin_unlock(&g->lock);
    if (quiet)
        wait->reg = g;
    return quiet;
}

/* Out of line: inlined into a leaf of this file, it would give the loop's path a stack
 * frame too. */
ACI_NOINLINE ac_poll aci_fd_poll_shared(ac_fd_wait_frame *wait, unsigned direction, ac_cx *cx,
                                        aci_fd_call_fn *call, void *frame, ssize_t *out) {
    aci_fd_reg *g = wait->h->reg;
    unsigned d = direction == ACI_READABLE ? 0 : 1;
    if (!aci_task_is_mt(cx->task)) {
        *out = -EOPNOTSUPP;
        return AC_READY;
    }
    if (!aci_coop_take(cx))
        return AC_PENDING;
    if (wait->reg && reg_parked(wait->reg, &wait->waiter))
        return AC_PENDING; /* a spurious poll */
    ssize_t r = wait->waiter.reason;
    while (r == 0) {
        wait->edge = atomic_load_explicit(&g->edges[d], memory_order_acquire);
        r = call(frame); /* may close the handle: g is not touched again unless -EAGAIN */
        if (r != -EAGAIN)
            break;
        if (reg_park(g, d, wait, cx->task))
            return AC_PENDING;
        r = 0;
    }
    *out = r;
    return AC_READY;
}

void aci_fd_unpark(ac_fd_wait_frame *wait) {
    ac_waiter *w = &wait->waiter;
    aci_fd_reg *g = wait->reg;
    if (g) {
        aci_spin_lock(&g->lock);
        aci_waiter_cancel(w); /* no-op once woken */
        aci_spin_unlock(&g->lock);
        return;
    }
    if (!aci_waiter_parked(w))
        return;
    aci_waitlist_unlink(w);
    aci_loop_this.io_waiters--;
}

ssize_t aci_call_result(ssize_t r) {
    if (r >= 0)
        return r;
    return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

/* A zero-timeout poll(2): 0 if fd is ready for events (or has an error or a hang-up to
 * report), -EAGAIN if not. Readiness itself comes from edges; this look tells whether
 * an earlier edge still holds, which the edge alone cannot. */
static ssize_t fd_look(int fd, short events) {
    struct pollfd p = {fd, events, 0};
    int n;
    while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    if (n < 0)
        return -errno;
    if (p.revents & POLLNVAL)
        return -EBADF;
    return n > 0 ? 0 : -EAGAIN;
}

static ssize_t call_readable(void *frame) {
    return fd_look(((ac_fd_wait_frame *)frame)->h->fd, POLLIN);
}

static ssize_t call_writable(void *frame) {
    return fd_look(((ac_fd_wait_frame *)frame)->h->fd, POLLOUT);
}

static ssize_t call_read(void *frame) {
    ac_fd_read_frame *f = frame;
    ssize_t r;
    while ((r = read(f->wait.h->fd, f->buf, f->n)) < 0 && errno == EINTR) {
    }
    return aci_call_result(r);
}

static ssize_t call_write(void *frame) {
    ac_fd_write_frame *f = frame;
    const ac_fd *h = f->wait.h;
    ssize_t r;
    do
        r = h->is_socket ? send(h->fd, f->buf, f->n, MSG_NOSIGNAL) : write(h->fd, f->buf, f->n);
    while (r < 0 && errno == EINTR);
    return aci_call_result(r);
}

/* readable and writable: an int result */
static ac_poll wait_poll(ac_fd_wait_frame *f, ac_cx *cx, int *out, unsigned direction) {
    ssize_t r = 0;
    ac_poll p = aci_fd_poll(f, direction, cx,
                            direction == ACI_READABLE ? call_readable : call_writable, f, &r);
    if (p == AC_READY)
        *out = (int)r;
    return p;
}

ac_poll ac_fd_readable_poll(ac_fd_readable_frame *f, ac_cx *cx, int *out) {
    return wait_poll(f, cx, out, ACI_READABLE);
}

void ac_fd_readable_drop(ac_fd_readable_frame *f) {
    aci_fd_unpark(f);
}

ac_poll ac_fd_writable_poll(ac_fd_writable_frame *f, ac_cx *cx, int *out) {
    return wait_poll(f, cx, out, ACI_WRITABLE);
}

void ac_fd_writable_drop(ac_fd_writable_frame *f) {
    ac_fd_readable_drop(f);
}

/* call_read_unless_drained on a reactor's handle: "drained" holds for the readable
 * edge count the read started at, so an edge that comes during or after the read ends
 * it (whichever worker sees it). */
static ssize_t call_read_unless_drained_shared(void *frame) {
    ac_fd_read_frame *f = frame;
    aci_fd_reg *g = f->wait.h->reg;
    uint64_t mark = UINT64_C(1) << 32 | f->wait.edge;
    if (atomic_load_explicit(&g->drained_at, memory_order_relaxed) == mark)
        return -EAGAIN;
    ssize_t r = call_read(f);
    int drained = f->wait.h->is_stream &&
                  !atomic_load_explicit(&g->read_closed, memory_order_relaxed) && r > 0 &&
                  (size_t)r < f->n;
    atomic_store_explicit(&g->drained_at, drained ? mark : 0, memory_order_relaxed);
    return r;
}

/* A read of a loop's handle that marks it drained after a short read of a stream (see
 * ac_fd_read_poll), and the end of the poll: out of line, so that a drained read parks
 * with no stack frame. */
static ACI_NOINLINE ac_poll read_marking_drained(ac_fd_read_frame *f, ac_cx *cx, ssize_t *out) {
    ac_fd *h = f->wait.h;
    ssize_t r = call_read(f);
    h->drained = h->is_stream && !h->read_closed && r > 0 && (size_t)r < f->n;
    return aci_fd_poll_end(&f->wait, ACI_READABLE, cx, r, out);
}

/* After a short read of a stream the next read would only say EAGAIN (the request
 * and response rhythm of a server): it parks at once instead, until the next edge.
 * Not once the peer has closed its side: the end of stream may already be behind the
 * bytes just read, and no edge will come for it (tokio keeps its closed bits so too). */
ac_poll ac_fd_read_poll(ac_fd_read_frame *f, ac_cx *cx, ssize_t *out) {
    if (f->wait.h->reg)
        return aci_fd_poll_shared(&f->wait, ACI_READABLE, cx, call_read_unless_drained_shared, f,
                                  out);
    int begun = aci_fd_poll_begin(&f->wait, cx, out);
    if (begun != ACI_FD_CALL)
        return (ac_poll)begun;
    if (f->wait.h->drained)
        return aci_fd_poll_end(&f->wait, ACI_READABLE, cx, -EAGAIN, out);
    return read_marking_drained(f, cx, out);
}

void ac_fd_read_drop(ac_fd_read_frame *f) {
    ac_fd_readable_drop(&f->wait);
}

ac_poll ac_fd_write_poll(ac_fd_write_frame *f, ac_cx *cx, ssize_t *out) {
    return aci_fd_poll(&f->wait, ACI_WRITABLE, cx, call_write, f, out);
}

void ac_fd_write_drop(ac_fd_write_frame *f) {
    ac_fd_readable_drop(&f->wait);
}
