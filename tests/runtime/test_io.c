/* test_io.c - ac_fd on pipes and socketpairs: readiness wakes exactly the waiting
 * task, closing and dropping with parked waiters, end of stream, full buffers,
 * deadlock detection with descriptors, and timers interleaved with I/O. */
#define _GNU_SOURCE 1 /* pipe2 */

#include "internal.h"
#include "machines.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define NS_PER_MS UINT64_C(1000000)

static int setup(void **state) {
    (void)state;
    trace_reset();
    return 0;
}

/* Both ends of a pipe: ends[0] read, ends[1] write, each an open ac_fd. */
static void pipe_open(ac_fd ends[2]) {
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    assert_int_equal(ac_fd_open(&ends[0], fds[0]), 0);
    assert_int_equal(ac_fd_open(&ends[1], fds[1]), 0);
}

static void pair_open(ac_fd ends[2]) {
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    assert_int_equal(ac_fd_open(&ends[0], fds[0]), 0);
    assert_int_equal(ac_fd_open(&ends[1], fds[1]), 0);
}

static void ends_close(ac_fd ends[2]) {
    ac_fd_close(&ends[0]);
    ac_fd_close(&ends[1]);
}

static void assert_loop_idle(void) {
    assert_int_equal(aci_loop_this.io_waiters, 0);
    assert_int_equal(aci_loop_this.fds_registered, 0);
    assert_int_equal(aci_tasks_live(), 0);
}

static void call_rewind(void *fd, ac_task *self) {
    (void)self;
    assert_int_equal(lseek(((ac_fd *)fd)->fd, 0, SEEK_SET), 0);
}

static void call_write_byte(void *fd, ac_task *self) {
    (void)self;
    assert_int_equal(write(((ac_fd *)fd)->fd, "x", 1), 1);
}

static void call_close(void *fd, ac_task *self) {
    (void)self;
    ac_fd_close(fd);
}

/* ---- readiness ---------------------------------------------------------------------------- */

/* Two readers parked on two pipes: a byte on pipe B wakes B's reader only (A's is not
 * polled again), then a byte on A wakes A's. */
static void test_readiness_wakes_exactly_the_waiting_task(void **state) {
    (void)state;
    ac_fd a[2], b[2];
    pipe_open(a);
    pipe_open(b);
    char ba[4] = {0}, bb[4] = {0};
    ssize_t ra = 0, rb = 0;
    task_stats sa = {0}, sb = {0};
    step read_a[] = {S_READ(&a[0], ba, sizeof ba, &ra), S_CALL(call_trace, "A"), S_END(0)};
    step read_b[] = {S_READ(&b[0], bb, sizeof bb, &rb), S_CALL(call_trace, "B"), S_END(0)};
    ac_task *ta = script_spawn(read_a, &sa), *tb = script_spawn(read_b, &sb);
    step root[] = {S_YIELD(),         S_CALL(call_write_byte, &b[1]),
                   S_JOIN(&tb, NULL), S_CALL(call_write_byte, &a[1]),
                   S_JOIN(&ta, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "B A");
    assert_int_equal(sb.polls, 2); /* parked once, woken once */
    assert_int_equal(sa.polls, 2);
    assert_int_equal(ra, 1);
    assert_int_equal(rb, 1);
    ends_close(a);
    ends_close(b);
    assert_loop_idle();
}

/* Several readers on one descriptor: one byte wakes them all; the one that gets it
 * finishes, the others park again (and end with the closing of the pipe: EOF). */
static void test_readers_of_one_descriptor_share_its_edge(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    char buf[3][4];
    ssize_t r[3] = {-1, -1, -1};
    step readers[3][2] = {{S_READ(&p[0], buf[0], 4, &r[0]), S_END(0)},
                          {S_READ(&p[0], buf[1], 4, &r[1]), S_END(0)},
                          {S_READ(&p[0], buf[2], 4, &r[2]), S_END(0)}};
    ac_task *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = script_spawn(readers[i], NULL);
    step root[] = {S_YIELD(),           S_CALL(call_write_byte, &p[1]),
                   S_SLEEP(5),          S_CALL(call_close, &p[1]),
                   S_JOIN(&t[0], NULL), S_JOIN(&t[1], NULL),
                   S_JOIN(&t[2], NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(r[0] + r[1] + r[2], 1); /* one byte, two ends of stream */
    assert_true(r[0] >= 0 && r[1] >= 0 && r[2] >= 0);
    ac_fd_close(&p[0]);
    assert_loop_idle();
}

/* What the loop counts while tasks wait on descriptors: io_waiters only. */
typedef struct parked_counts {
    size_t io_waiters, waiters_parked;
    int eventfd;
} parked_counts;

static void call_count_parked(void *counts, ac_task *self) {
    (void)self;
    parked_counts *c = counts;
    *c = (parked_counts){aci_loop_this.io_waiters, aci_loop_this.waiters_parked,
                         aci_loop_this.remote.eventfd};
}

/* One edge wakes every task parked on a descriptor in parking order, straight to the
 * run queue. They count as io_waiters, not as waiters another thread could wake: the
 * loop opens no eventfd for them. */
static void test_edge_wakes_readers_in_parking_order(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    ssize_t r[3] = {-1, -1, -1};
    step readers[3][3] = {{S_READABLE(&p[0], &r[0]), S_CALL(call_trace, "R0"), S_END(0)},
                          {S_READABLE(&p[0], &r[1]), S_CALL(call_trace, "R1"), S_END(0)},
                          {S_READABLE(&p[0], &r[2]), S_CALL(call_trace, "R2"), S_END(0)}};
    ac_task *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = script_spawn(readers[i], NULL);
    parked_counts c = {0, 0, 0};
    step root[] = {S_YIELD(),
                   S_CALL(call_count_parked, &c),
                   S_CALL(call_write_byte, &p[1]),
                   S_JOIN(&t[2], NULL),
                   S_JOIN(&t[0], NULL),
                   S_JOIN(&t[1], NULL),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(c.io_waiters, 3);
    assert_int_equal(c.waiters_parked, 0);
    assert_int_equal(c.eventfd, -1);
    assert_string_equal(trace_get(), "R0 R1 R2");
    assert_true(r[0] == 0 && r[1] == 0 && r[2] == 0);
    assert_null(p[0].readers.head);
    ends_close(p);
    assert_loop_idle();
}

/* A byte on each of three pipes at once. */
static void call_write_byte_each(void *pipes, ac_task *self) {
    ac_fd(*p)[2] = pipes;
    for (int i = 0; i < 3; i++)
        call_write_byte(&p[i][1], self);
}

/* Three descriptors ready in one look at the backend (a batch, dispatched in one loop):
 * each one's reader is woken once, in the order the bytes came, and the loop's count of
 * descriptor waiters, taken off once for the batch, comes back to 0. */
static void test_one_look_wakes_every_ready_descriptor(void **state) {
    (void)state;
    ac_fd p[3][2];
    ssize_t r[3] = {-1, -1, -1};
    task_stats st[3] = {{0}};
    step readers[3][3] = {{S_READABLE(&p[0][0], &r[0]), S_CALL(call_trace, "R0"), S_END(0)},
                          {S_READABLE(&p[1][0], &r[1]), S_CALL(call_trace, "R1"), S_END(0)},
                          {S_READABLE(&p[2][0], &r[2]), S_CALL(call_trace, "R2"), S_END(0)}};
    ac_task *t[3];
    for (int i = 0; i < 3; i++) {
        pipe_open(p[i]);
        t[i] = script_spawn(readers[i], &st[i]);
    }
    parked_counts before = {0, 0, 0}, after = {0, 0, 0};
    step root[] = {S_YIELD(),
                   S_CALL(call_count_parked, &before),
                   S_CALL(call_write_byte_each, p),
                   S_JOIN(&t[0], NULL),
                   S_JOIN(&t[1], NULL),
                   S_JOIN(&t[2], NULL),
                   S_CALL(call_count_parked, &after),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(before.io_waiters, 3);
    assert_int_equal(after.io_waiters, 0);
    assert_string_equal(trace_get(), "R0 R1 R2");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r[i], 0);
        assert_int_equal(st[i].polls, 2); /* parked once, woken once */
        ends_close(p[i]);
    }
    assert_loop_idle();
}

/* Read what is there into in[*got...] without waiting. */
typedef struct sink {
    int fd;
    unsigned char *in;
    size_t got;
} sink;

static void sink_drain(sink *k) {
    ssize_t n;
    while ((n = read(k->fd, k->in + k->got, 65536)) > 0)
        k->got += (size_t)n;
}

static void call_drain(void *k, ac_task *self) {
    (void)self;
    sink_drain(k);
}

/* A writer meeting a full socket buffer parks on EAGAIN, and resumes when a reader
 * makes room: every byte arrives, in order. */
static void test_full_buffer_parks_the_writer(void **state) {
    (void)state;
    ac_fd s[2];
    pair_open(s);
    enum { SIZE = 4 << 20, TAIL = 1000 };
    static unsigned char out[SIZE], in[SIZE];
    for (size_t i = 0; i < SIZE; i++)
        out[i] = (unsigned char)(i * 7 + i / 251);
    size_t sent = 0;
    ssize_t n;
    while ((n = write(s[0].fd, out + sent, 4096)) > 0)
        sent += (size_t)n;
    assert_true(sent + TAIL <= SIZE); /* the buffer filled up */
    ssize_t w = 0;
    task_stats ws = {0};
    step wr[] = {S_WRITE(&s[0], out + sent, TAIL, &w), S_END(0)};
    ac_task *tw = script_spawn(wr, &ws);
    sink k = {s[1].fd, in, 0};
    step root[] = {S_YIELD(), S_CALL(call_drain, &k), S_JOIN(&tw, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(ws.polls, 2); /* parked on the full buffer, woken once */
    assert_int_equal(w, TAIL);
    sink_drain(&k);
    assert_int_equal(k.got, sent + TAIL);
    assert_memory_equal(in, out, sent + TAIL);
    ends_close(s);
    assert_loop_idle();
}

/* End of stream is 0, distinct from an error; a write to a closed peer is -EPIPE (and
 * no SIGPIPE: the socket is written with MSG_NOSIGNAL). */
static void test_end_of_stream_and_broken_pipe(void **state) {
    (void)state;
    ac_fd s[2];
    pair_open(s);
    char buf[8];
    ssize_t r = -1, w = 0;
    step rd[] = {S_READ(&s[1], buf, sizeof buf, &r), S_END(0)};
    ac_task *t = script_spawn(rd, NULL);
    step root[] = {S_YIELD(), S_CALL(call_close, &s[0]), S_JOIN(&t, NULL),
                   S_WRITE(&s[1], "abc", 3, &w), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(r, 0);
    assert_int_equal(w, -EPIPE);
    ac_fd_close(&s[1]);
    assert_loop_idle();
}

/* Send the last bytes and end the stream at once: shut a socket's sending side, close a
 * pipe's write end. */
static void call_send_and_end(void *fd, ac_task *self) {
    (void)self;
    ac_fd *h = fd;
    assert_int_equal(write(h->fd, "tail", 4), 4);
    if (h->is_socket)
        assert_int_equal(shutdown(h->fd, SHUT_WR), 0);
    else
        ac_fd_close(h);
}

/* A short read of a stream parks the next read without calling read(2), until the next
 * edge; but when the edge that woke the reader carried the end of stream too, the bytes
 * and the end arrive together, and the read after the short one must see the end (no
 * edge will come for it). Both stream kinds: a socket pair and a pipe. */
static void test_short_read_then_end_of_stream(void **state) {
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        ac_fd e[2];
        if (kind == 0)
            pair_open(e);
        else
            pipe_open(e);
        char buf[64];
        ssize_t first = -1, second = -1;
        step rd[] = {S_READ(&e[0], buf, sizeof buf, &first),
                     S_READ(&e[0], buf, sizeof buf, &second), S_END(0)};
        ac_task *t = script_spawn(rd, NULL);
        step root[] = {S_YIELD(), S_CALL(call_send_and_end, &e[1]), S_JOIN(&t, NULL), S_END(0)};
        assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
        assert_int_equal(first, 4);
        assert_int_equal(second, 0);
        ends_close(e);
    }
    assert_loop_idle();
}

/* ac_fd_readable and ac_fd_writable: a fresh pipe's write end is writable at once; its
 * read end becomes readable when a byte arrives. */
static void test_readable_and_writable(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    ssize_t rr = -1, wr = -1;
    task_stats rs = {0};
    step wait_readable[] = {S_READABLE(&p[0], &rr), S_CALL(call_trace, "R"), S_END(0)};
    ac_task *t = script_spawn(wait_readable, &rs);
    step root[] = {S_WRITABLE(&p[1], &wr),         S_CALL(call_trace, "W"), S_YIELD(),
                   S_CALL(call_write_byte, &p[1]), S_JOIN(&t, NULL),        S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "W R");
    assert_int_equal(rr, 0);
    assert_int_equal(wr, 0);
    assert_int_equal(rs.polls, 2);
    ends_close(p);
    assert_loop_idle();
}

/* A regular file cannot be watched (epoll says EPERM) but never blocks either: it opens
 * unwatched, and its reads and writes complete at once. */
static void test_regular_file_is_always_ready(void **state) {
    (void)state;
    char path[] = "/tmp/test_io_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    ac_fd f;
    assert_int_equal(ac_fd_open(&f, fd), 0);
    assert_int_equal(aci_loop_this.fds_registered, 0);
    char buf[8] = {0};
    ssize_t w = -1, r = -1, ready = -1;
    step root[] = {S_WRITE(&f, "abcdef", 6, &w), S_CALL(call_rewind, &f), S_READABLE(&f, &ready),
                   S_READ(&f, buf, sizeof buf, &r), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(w, 6);
    assert_int_equal(ready, 0);
    assert_int_equal(r, 6);
    assert_string_equal(buf, "abcdef");
    ac_fd_close(&f);
    assert_loop_idle();
}

/* O_NONBLOCK lives in the open file description, which a duplicate (stdin and the shell
 * that started the program) shares: close puts back what open found, both ways. */
static void test_close_restores_the_blocking_mode(void **state) {
    (void)state;
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    int keep = dup(fds[0]);
    ac_fd f;
    assert_int_equal(ac_fd_open(&f, fds[0]), 0);
    assert_true(fcntl(keep, F_GETFL) & O_NONBLOCK);
    ac_fd_close(&f);
    assert_false(fcntl(keep, F_GETFL) & O_NONBLOCK);
    assert_int_equal(fcntl(keep, F_SETFL, O_NONBLOCK), 0);
    int again = dup(keep);
    assert_int_equal(ac_fd_open(&f, again), 0);
    ac_fd_close(&f);
    assert_true(fcntl(keep, F_GETFL) & O_NONBLOCK);
    close(keep);
    close(fds[1]);
    assert_loop_idle();
}

/* ---- closing and dropping with parked waiters ------------------------------------------- */

/* Closing a handle a task waits on wakes that task with -EBADF, and no other. */
static void test_close_wakes_its_waiters_with_ebadf(void **state) {
    (void)state;
    ac_fd a[2], b[2];
    pipe_open(a);
    pipe_open(b);
    char buf[4];
    ssize_t ra = 0, rb = 0;
    task_stats sb = {0};
    step read_a[] = {S_READ(&a[0], buf, sizeof buf, &ra), S_END(0)};
    step read_b[] = {S_READ(&b[0], buf, sizeof buf, &rb), S_END(0)};
    ac_task *ta = script_spawn(read_a, NULL);
    script_spawn(read_b, &sb);
    step root[] = {S_YIELD(), S_CALL(call_close, &a[0]), S_JOIN(&ta, NULL), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(ra, -EBADF);
    assert_int_equal(sb.polls, 1); /* still parked when the root finished; then dropped */
    assert_int_equal(sb.drops, 1);
    assert_null(b[0].readers.head);
    ac_fd_close(&a[1]);
    ends_close(b);
    assert_loop_idle();
}

/* A task parked on a descriptor and dropped (the outermost block_on ends) leaves no
 * waiter behind: a later edge on that descriptor touches no freed frame (ASan and
 * valgrind would say), and the loop counts no waiter. */
static void test_dropped_waiter_is_unlinked(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    char buf[4];
    ssize_t r = 0;
    task_stats s = {0};
    step rd[] = {S_READ(&p[0], buf, sizeof buf, &r), S_END(0)};
    script_spawn(rd, &s);
    step root[] = {S_YIELD(), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_int_equal(s.polls, 1);
    assert_int_equal(s.drops, 1);
    assert_null(p[0].readers.head);
    assert_int_equal(aci_loop_this.io_waiters, 0);
    /* The edge comes with nobody waiting. */
    assert_int_equal(write(p[1].fd, "y", 1), 1);
    step after[] = {S_SLEEP(1), S_READ(&p[0], buf, sizeof buf, &r), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(after, NULL), NULL), 0);
    assert_int_equal(r, 1);
    ends_close(p);
    assert_loop_idle();
}

/* ---- deadlock detection, and timers beside descriptors ---------------------------------- */

/* An open descriptor nobody waits on keeps nothing alive: a root parked on a gate
 * that nothing opens is still a deadlock. */
static void test_idle_descriptor_does_not_hide_a_deadlock(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    gate g = {0};
    step root[] = {S_GATE(&g), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), -1);
    ends_close(p);
    assert_loop_idle();
}

static void call_stamp(void *ns, ac_task *self) {
    (void)self;
    *(uint64_t *)ns = test_now_ns();
}

/* A root waiting on a descriptor is no deadlock: the loop sleeps in epoll until the
 * nearest timer (a sleeper's, then a writer's), fires it, and the write wakes the
 * reader. The order is the timers', then the data's. */
static void test_timers_interleave_with_io(void **state) {
    (void)state;
    ac_fd p[2];
    pipe_open(p);
    step sleeper[] = {S_SLEEP(10), S_CALL(call_trace, "S10"), S_END(0)};
    step writer[] = {S_SLEEP(30), S_CALL(call_trace, "W30"), S_CALL(call_write_byte, &p[1]),
                     S_END(0)};
    uint64_t start = test_now_ns(), end = 0; /* before the writer arms its timer */
    ac_task *ts = script_spawn(sleeper, NULL), *tw = script_spawn(writer, NULL);
    char buf[4];
    ssize_t r = 0;
    step root[] = {S_READ(&p[0], buf, sizeof buf, &r),
                   S_CALL(call_stamp, &end),
                   S_CALL(call_trace, "R"),
                   S_JOIN(&ts, NULL),
                   S_JOIN(&tw, NULL),
                   S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_string_equal(trace_get(), "S10 W30 R");
    assert_int_equal(r, 1);
    assert_true(end - start >= 30 * NS_PER_MS);
    assert_int_equal(aci_timers_armed(), 0);
    ends_close(p);
    assert_loop_idle();
}

/* ---- waking from another thread ----------------------------------------------------------- */

/* await remote_wait(r, count, target): park on the remote until *count reaches target. */
typedef struct remote_wait_frame {
    ac_remote *r;
    atomic_int *count;
    int target;
    int polls;
} remote_wait_frame;

static void remote_wait_init(remote_wait_frame *f, ac_remote *r, atomic_int *count, int target) {
    f->r = r;
    f->count = count;
    f->target = target;
    f->polls = 0;
}

static ac_poll remote_wait_poll(remote_wait_frame *f, ac_cx *cx, int *out) {
    f->polls++;
    assert_int_equal(ac_remote_arm(f->r, cx), 0); /* before the look: nothing is lost */
    if (atomic_load(f->count) < f->target)
        return AC_PENDING;
    ac_remote_disarm(f->r);
    *out = f->polls;
    return AC_READY;
}

static void remote_wait_drop(remote_wait_frame *f) {
    ac_remote_disarm(f->r);
}

DEFINE_VTABLE(remote_wait, sizeof(int));

static ac_task *remote_wait_spawn(ac_remote *r, atomic_int *count, int target) {
    ac_task *t = ac_task_new(&remote_wait_vtable);
    assert_non_null(t);
    remote_wait_init(ac_task_frame(t), r, count, target);
    return ac_task_spawn(t);
}

enum { WAKERS = 4, WAITERS = 8, ROUNDS = 2000 };

typedef struct wakes {
    ac_remote remotes[WAITERS];
    atomic_int counts[WAITERS];
} wakes;

static void *waker_main(void *arg) {
    wakes *w = arg;
    for (int round = 0; round < ROUNDS; round++)
        for (int i = 0; i < WAITERS; i++) {
            atomic_fetch_add(&w->counts[i], 1);
            ac_remote_wake(&w->remotes[i]);
        }
    return NULL;
}

/* WAKERS threads wake WAITERS tasks ROUNDS times each, all at once: every task sees its
 * last wake (none is lost, or block_on would wait forever), and polls at most once per
 * wake plus its first poll (wakes that meet a pending one fold into it). */
static void test_remote_wakes_from_many_threads(void **state) {
    (void)state;
    static wakes w;
    ac_task *t[WAITERS];
    step root[WAITERS + 1];
    int polls[WAITERS] = {0};
    for (int i = 0; i < WAITERS; i++) {
        ac_remote_init(&w.remotes[i]);
        atomic_init(&w.counts[i], 0);
        t[i] = remote_wait_spawn(&w.remotes[i], &w.counts[i], WAKERS * ROUNDS);
        root[i] = (step)S_JOIN(&t[i], &polls[i]);
    }
    root[WAITERS] = (step)S_END(0);
    pthread_t threads[WAKERS];
    for (int i = 0; i < WAKERS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, waker_main, &w), 0);
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    for (int i = 0; i < WAKERS; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < WAITERS; i++) {
        assert_int_equal(atomic_load(&w.counts[i]), WAKERS * ROUNDS);
        assert_true(polls[i] >= 1 && polls[i] <= WAKERS * ROUNDS + 1);
    }
    assert_int_equal(aci_loop_this.remotes_armed, 0);
    assert_loop_idle();
}

static void *late_waker_main(void *arg) {
    wakes *w = arg;
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    atomic_store(&w->counts[0], 1);
    ac_remote_wake(&w->remotes[0]);
    return NULL;
}

/* Nothing but an armed remote: the loop sleeps until the other thread's wake, rather
 * than calling it a deadlock. */
static void test_armed_remote_is_no_deadlock(void **state) {
    (void)state;
    static wakes w;
    ac_remote_init(&w.remotes[0]);
    atomic_init(&w.counts[0], 0);
    ac_task *t = remote_wait_spawn(&w.remotes[0], &w.counts[0], 1);
    uint64_t start = test_now_ns(); /* before the thread starts its 20 ms */
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, late_waker_main, &w), 0);
    int polls = 0;
    assert_int_equal(ac_task_block_on(t, &polls), 0);
    assert_true(test_now_ns() - start >= 20 * NS_PER_MS);
    assert_int_equal(polls, 2);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_loop_idle();
}

static void *wake_once_main(void *remote) {
    ac_remote_wake(remote);
    return NULL;
}

/* Wake r from another thread and wait for that thread: the wake is then pending. */
static void call_wake_remotely(void *r, ac_task *self) {
    (void)self;
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, wake_once_main, r), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_ptr_equal(aci_loop_this.remote.head, r);
}

/* A task dropped while a wake for it is pending leaves nothing in the loop's queue;
 * a later wake of its disarmed remote does nothing. */
static void test_dropped_remote_waiter_is_unqueued(void **state) {
    (void)state;
    static wakes w;
    ac_remote_init(&w.remotes[0]);
    atomic_init(&w.counts[0], 0);
    remote_wait_spawn(&w.remotes[0], &w.counts[0], 1);
    step root[] = {S_YIELD(), S_CALL(call_wake_remotely, &w.remotes[0]), S_END(0)};
    assert_int_equal(ac_task_block_on(script_new(root, NULL), NULL), 0);
    assert_null(aci_loop_this.remote.head);
    assert_int_equal(aci_loop_this.remotes_armed, 0);
    ac_remote_wake(&w.remotes[0]);
    assert_null(aci_loop_this.remote.head);
    assert_loop_idle();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_readiness_wakes_exactly_the_waiting_task, setup),
        cmocka_unit_test_setup(test_readers_of_one_descriptor_share_its_edge, setup),
        cmocka_unit_test_setup(test_edge_wakes_readers_in_parking_order, setup),
        cmocka_unit_test_setup(test_one_look_wakes_every_ready_descriptor, setup),
        cmocka_unit_test_setup(test_full_buffer_parks_the_writer, setup),
        cmocka_unit_test_setup(test_end_of_stream_and_broken_pipe, setup),
        cmocka_unit_test_setup(test_readable_and_writable, setup),
        cmocka_unit_test_setup(test_regular_file_is_always_ready, setup),
        cmocka_unit_test_setup(test_short_read_then_end_of_stream, setup),
        cmocka_unit_test_setup(test_close_restores_the_blocking_mode, setup),
        cmocka_unit_test_setup(test_close_wakes_its_waiters_with_ebadf, setup),
        cmocka_unit_test_setup(test_dropped_waiter_is_unlinked, setup),
        cmocka_unit_test_setup(test_idle_descriptor_does_not_hide_a_deadlock, setup),
        cmocka_unit_test_setup(test_timers_interleave_with_io, setup),
        cmocka_unit_test_setup(test_remote_wakes_from_many_threads, setup),
        cmocka_unit_test_setup(test_armed_remote_is_no_deadlock, setup),
        cmocka_unit_test_setup(test_dropped_remote_waiter_is_unqueued, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
