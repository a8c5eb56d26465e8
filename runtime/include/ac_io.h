/* ac_io.h - any non-blocking file descriptor as an awaitable (smol's Async<T>).
 *
 * Users bring their own descriptor (a pipe, a socket, inotify, timerfd, a serial port,
 * a library's socket) and await readiness or the read and write calls themselves:
 *
 *     ac_fd in;
 *     if (ac_fd_open(&in, pipe_fd) != 0) ...;        // non-blocking, watched by the loop
 *     ssize_t n = await(ac_fd_read(&in, buf, sizeof buf));   // >0 bytes, 0 EOF, -errno
 *     ac_fd_close(&in);                              // stop watching, close(2)
 *
 *   int  ac_fd_open(ac_fd *h, int fd)     make fd non-blocking and watch it on this
 *                                         thread's loop (on a worker of a multi-thread
 *                                         runtime: in that runtime's reactor, for any of
 *                                         its tasks); 0, or a negative errno (-EBADF).
 *                                         A regular file is never watched: reading or
 *                                         writing it never waits (so stdin and stdout
 *                                         work redirected to files too). h must not move
 *                                         until ac_fd_close.
 *   void ac_fd_close(ac_fd *h)            stop watching, give the descriptor back the
 *                                         blocking mode open found (stdin shares it with
 *                                         the shell) and close it. Tasks still waiting on
 *                                         h are woken and their awaits return -EBADF; no
 *                                         other task is woken.
 *   async int ac_fd_readable(ac_fd *h)    0 once reading would not block (data, end of
 *   async int ac_fd_writable(ac_fd *h)    stream or an error to read), or -EBADF
 *   async ssize_t ac_fd_read(ac_fd *h, void *buf, size_t n)    read(2) without blocking
 *   async ssize_t ac_fd_write(ac_fd *h, const void *buf, size_t n)   the thread: bytes
 *                                         moved (possibly fewer than n), 0 at end of
 *                                         stream (read), or a negative errno. EINTR and
 *                                         EAGAIN never come out: they retry, or wait.
 *
 * Writes to a socket use send(MSG_NOSIGNAL): a vanished peer is -EPIPE, not SIGPIPE.
 * A pipe's writer gets SIGPIPE unless the program ignores it.
 *
 * It includes <asyncc.h> itself. Three faces, like <asyncc.h>: under ASYNCC_PARSE the
 * awaitable calls are declared async, with their frames complete so asyncc embeds
 * them; the ABI face (ASYNCC_LOWERED, or the runtime's own sources) declares the
 * leaves' init/poll/drop (grammar/abi.md, section 7); ASYNCC_SEQUENTIAL blocks in poll(2), the
 * sequential meaning.
 */
#ifndef AC_IO_H
#define AC_IO_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

/* Every face includes the same headers (the plain one needs them all), as <asyncc.h>
 * does, so a program sees the same declarations with asyncc and without. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Helpers of ac_fd_open and ac_fd_close, in every face. O_NONBLOCK belongs to the open
 * file description, which stdin shares with the shell that started the program: close
 * puts back the mode that open found. */
static inline int ac_fd_nonblock_(int fd, int *was_blocking) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -errno;
    *was_blocking = !(flags & O_NONBLOCK);
    return 0;
}

static inline void ac_fd_restore_(int fd, int was_blocking) {
    int flags = fcntl(fd, F_GETFL);
    if (was_blocking && flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

/* Whether fd is a socket (writes then use send, for MSG_NOSIGNAL). */
static inline int ac_fd_is_socket_(int fd) {
    int type;
    socklen_t len = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face --------------------------------------------------------------- */

#include "ac_runtime.h"

typedef struct ac_fd {
    int fd;                       /* -1 once closed */
    unsigned char is_socket;      /* writes use send(MSG_NOSIGNAL) */
    unsigned char was_blocking;   /* clear O_NONBLOCK again on close */
    unsigned char watched;        /* in the loop's backend (not a regular file) */
    unsigned char is_stream;      /* a stream socket or a pipe: a short read empties it */
    unsigned char drained;        /* a short read emptied it since the last readable edge */
    unsigned char read_closed;    /* the peer sends no more: reads never wait again */
    ac_waitlist readers, writers; /* tasks parked until the loop sees readiness */
    /* Opened on a worker of a multi-thread runtime (ac_mt.h): its registration in the
     * runtime's reactor, which holds the lists and readiness instead. NULL otherwise. */
    struct aci_fd_reg *reg;
} ac_fd;

int ac_fd_open(ac_fd *h, int fd);
void ac_fd_close(ac_fd *h);

/* The frames of the four leaves: what they wait for and their place in a waitlist. */
typedef struct ac_fd_wait_frame {
    ac_fd *h;
    ac_waiter waiter;
    struct aci_fd_reg *reg; /* where the waiter parked, on a multi-thread runtime */
    unsigned edge;          /* the readiness edges counted before the call (reactor.h) */
} ac_fd_wait_frame;
typedef ac_fd_wait_frame ac_fd_readable_frame;
typedef ac_fd_wait_frame ac_fd_writable_frame;

typedef struct ac_fd_read_frame {
    ac_fd_wait_frame wait;
    void *buf;
    size_t n;
} ac_fd_read_frame;

typedef struct ac_fd_write_frame {
    ac_fd_wait_frame wait;
    const void *buf;
    size_t n;
} ac_fd_write_frame;

#if defined(ASYNCC_PARSE)
async int ac_fd_readable(ac_fd *h);
async int ac_fd_writable(ac_fd *h);
async ssize_t ac_fd_read(ac_fd *h, void *buf, size_t n);
async ssize_t ac_fd_write(ac_fd *h, const void *buf, size_t n);
#else
/* The inits only store the arguments: inline, so that a read or write that completes
 * at once costs one call, its poll. A wait starts unparked, with no close seen (the
 * poll sets the other fields before it reads them). */
static inline void ac_fd_wait_init_(ac_fd_wait_frame *w, ac_fd *h) {
    w->h = h;
    w->waiter.list = NULL; /* not parked */
    w->waiter.reason = 0;  /* not woken by a close */
    w->reg = NULL;         /* parked on no reactor registration */
}
static inline void ac_fd_readable_init(ac_fd_readable_frame *f, ac_fd *h) {
    ac_fd_wait_init_(f, h);
}
static inline void ac_fd_writable_init(ac_fd_writable_frame *f, ac_fd *h) {
    ac_fd_wait_init_(f, h);
}
static inline void ac_fd_read_init(ac_fd_read_frame *f, ac_fd *h, void *buf, size_t n) {
    ac_fd_wait_init_(&f->wait, h);
    f->buf = buf;
    f->n = n;
}
static inline void ac_fd_write_init(ac_fd_write_frame *f, ac_fd *h, const void *buf, size_t n) {
    ac_fd_wait_init_(&f->wait, h);
    f->buf = buf;
    f->n = n;
}
ac_poll ac_fd_readable_poll(ac_fd_readable_frame *f, ac_cx *cx, int *out);
void ac_fd_readable_drop(ac_fd_readable_frame *f);
ac_poll ac_fd_writable_poll(ac_fd_writable_frame *f, ac_cx *cx, int *out);
void ac_fd_writable_drop(ac_fd_writable_frame *f);
ac_poll ac_fd_read_poll(ac_fd_read_frame *f, ac_cx *cx, ssize_t *out);
void ac_fd_read_drop(ac_fd_read_frame *f);
ac_poll ac_fd_write_poll(ac_fd_write_frame *f, ac_cx *cx, ssize_t *out);
void ac_fd_write_drop(ac_fd_write_frame *f);
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning, blocking in poll(2) ---------------------------- */

typedef struct ac_fd {
    int fd;
    int is_socket;
    int was_blocking;
} ac_fd;

static inline int ac_fd_open(ac_fd *h, int fd) {
    h->fd = -1; /* closed, as the runtime leaves it on failure */
    h->is_socket = 0;
    h->was_blocking = 0;
    int rc = ac_fd_nonblock_(fd, &h->was_blocking);
    if (rc != 0)
        return rc;
    h->fd = fd;
    h->is_socket = ac_fd_is_socket_(fd);
    return 0;
}

static inline void ac_fd_close(ac_fd *h) {
    if (h->fd < 0)
        return;
    ac_fd_restore_(h->fd, h->was_blocking);
    close(h->fd);
    h->fd = -1;
}

/* Block until fd is ready for events: 0, or a negative errno. */
static inline int ac_fd_block_(int fd, short events) {
    struct pollfd p = {fd, events, 0};
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR)
            return -errno;
    return (p.revents & POLLNVAL) ? -EBADF : 0;
}

/* After a read or write returned r: its result, or -EINTR to call it again (once fd is
 * ready for events if it would have blocked). */
static inline ssize_t ac_fd_settle_(ssize_t r, int fd, short events) {
    if (r >= 0)
        return r;
    if (errno == EINTR)
        return -EINTR;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        return -errno;
    int rc = ac_fd_block_(fd, events);
    return rc != 0 ? rc : -EINTR;
}

static inline int ac_fd_readable(ac_fd *h) {
    return ac_fd_block_(h->fd, POLLIN);
}

static inline int ac_fd_writable(ac_fd *h) {
    return ac_fd_block_(h->fd, POLLOUT);
}

static inline ssize_t ac_fd_read(ac_fd *h, void *buf, size_t n) {
    ssize_t r;
    while ((r = ac_fd_settle_(read(h->fd, buf, n), h->fd, POLLIN)) == -EINTR) {
    }
    return r;
}

static inline ssize_t ac_fd_write(ac_fd *h, const void *buf, size_t n) {
    ssize_t r;
    while (
        (r = ac_fd_settle_(h->is_socket ? send(h->fd, buf, n, MSG_NOSIGNAL) : write(h->fd, buf, n),
                           h->fd, POLLOUT)) == -EINTR) {
    }
    return r;
}

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif
#endif
