/* mt_io.c - descriptors, sockets and signals on the multi-thread runtime (ac_mt.h), on
 * loopback; each case runs on its own runtime of 2 workers, checks itself and exits 0
 * only when everything it saw was right:
 *
 *   mt_io echo N M    N clients at once against an echo server on the same runtime, M
 *                     messages of 64 bytes each, every byte checked; the checksum of
 *                     what the clients got back must be the one computed here
 *   mt_io pipes P     P pipes, each with a writer task and a reader task that yield now
 *                     and then (so that they move between workers): 256 KB through each,
 *                     writers parked on full pipes, readers on empty ones; the
 *                     checksum of every byte read must match
 *   mt_io signal      4 tasks wait for SIGUSR1 (a broadcast) while another sends it
 *                     with kill(2), and one waits for SIGUSR2 sent by a plain thread,
 *                     after a first wait of its own was dropped by a timeout
 *   mt_io drop N      N tasks whose reads (and an accept) are dropped by a timeout
 *                     while parked: the descriptors work on afterwards
 *   mt_io busy        a task reads a pipe that a plain thread writes 50 ms later, while
 *                     another task holds the other worker in one long poll (it spins
 *                     until the read is done, at most 5 s): the idle worker, waiting in
 *                     the runtime's reactor, must serve the read meanwhile
 *   mt_io shutdown N  N tasks left parked on pipes and an accept when the runtime shuts
 *                     down: every one dropped, their descriptors closed by their cleanups,
 *                     nothing leaked (valgrind and ASan check memory; this case counts
 *                     the process's open descriptors)
 */
#define _POSIX_C_SOURCE 200809L /* kill, sigset_t, nanosleep under -std=c11 */

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_mt.h>
#include <ac_net.h>

#include "listen_any.h"
#include "workers.h"
#include <ac_signal.h>
#include <ac_time.h>

enum { MESSAGE = 64, WORKERS = 2 };

static int fail(const char *what, long value) {
    printf("FAIL: %s (%ld)\n", what, value);
    return 1;
}

/* Run fu on a fresh runtime of WORKERS workers and shut it down; its int result, or 1. */
static int run_on_workers(ac_future fu) {
    ac_runtime *rt;
    int rc = workers_runtime_new(WORKERS, &rt);
    if (rc != 0) {
        ac_future_drop(fu);
        return fail("ac_runtime_new", rc);
    }
    int result = 1;
    rc = ac_runtime_block_on(rt, fu, &result);
    ac_runtime_shutdown(rt, 1000);
    return rc != 0 ? fail("ac_runtime_block_on", rc) : result;
}

/* ---- echo ------------------------------------------------------------------------------ */

static unsigned char message_byte(long client, long message, int i) {
    return (unsigned char)(client * 131 + message * 7 + i);
}

/* Echo until the client closes: the sum of the bytes echoed (what the clients sum). */
async long echo(int fd) {
    ac_fd conn;
    if (ac_fd_open(&conn, fd) != 0) {
        close(fd);
        return -1;
    }
    unsigned char buf[256];
    long sum = 0;
    ssize_t n;
    while ((n = await(ac_fd_read(&conn, buf, sizeof buf))) > 0 &&
           await(ac_fd_write_all(&conn, buf, (size_t)n)) == n)
        for (ssize_t i = 0; i < n; i++)
            sum += buf[i];
    ac_fd_close(&conn);
    return n == 0 ? sum : -1;
}

/* Accept n connections, echo on each in a task of its own: the sum of every byte
 * echoed. */
async long accept_echo(ac_listener *l, long n) {
    ac_task **tasks = calloc((size_t)n, sizeof *tasks);
    if (!tasks)
        return -1;
    long accepted = 0, total = 0;
    for (; accepted < n; accepted++) {
        int fd = await(ac_accept(l, NULL));
        if (fd < 0)
            break;
        tasks[accepted] = ac_spawn(echo(fd));
    }
    for (long i = 0; i < accepted; i++) {
        long bytes = -1;
        await(ac_join(tasks[i], &bytes));
        total = bytes < 0 || total < 0 ? -1 : total + bytes;
    }
    free(tasks);
    return accepted == n ? total : -1;
}

/* One client: m messages out and back; the sum of the bytes it got, or -1. */
async long echo_client(const ac_addr *server, long id, long m) {
    ac_fd conn;
    unsigned char out[MESSAGE], in[MESSAGE];
    if (await(ac_connect(&conn, server)) != 0)
        return -1;
    long sum = 0;
    for (long k = 0; k < m && sum >= 0; k++) {
        for (int i = 0; i < MESSAGE; i++)
            out[i] = message_byte(id, k, i);
        if (await(ac_fd_write_all(&conn, out, sizeof out)) != MESSAGE ||
            await(ac_fd_read_exact(&conn, in, sizeof in)) != MESSAGE ||
            memcmp(in, out, sizeof in) != 0) {
            sum = -1;
            break;
        }
        for (int i = 0; i < MESSAGE; i++)
            sum += in[i];
    }
    ac_fd_close(&conn);
    return sum;
}

async int echo_case(long n, long m) {
    ac_listener l;
    ac_addr server;
    ac_task **clients = calloc((size_t)n, sizeof *clients);
    if (!clients || listen_any(&l, &server) != 0)
        return fail("setup", n);
    ac_task *acceptor = ac_spawn(accept_echo(&l, n));
    for (long i = 0; i < n; i++)
        clients[i] = ac_spawn(echo_client(&server, i, m));
    long sum = 0, bad = 0, expected = 0;
    for (long i = 0; i < n; i++) {
        long s = -1;
        await(ac_join(clients[i], &s));
        bad += s < 0;
        sum += s;
        for (long k = 0; k < m; k++)
            for (int b = 0; b < MESSAGE; b++)
                expected += message_byte(i, k, b);
    }
    long echoed = -1;
    await(ac_join(acceptor, &echoed));
    free(clients);
    ac_listener_close(&l);
    printf("echo: %ld clients x %ld messages, %ld failed, checksums: clients %s, server %s\n", n, m,
           bad, sum == expected ? "ok" : "WRONG", echoed == expected ? "ok" : "WRONG");
    return bad != 0 || sum != expected || echoed != expected;
}

/* ---- pipes ----------------------------------------------------------------------------- */

enum { PIPE_BYTES = 256 * 1024 };

static unsigned char pipe_byte(long pipe, long at) {
    return (unsigned char)(pipe * 17 + at * 5 + at / 251);
}

/* Write PIPE_BYTES in pieces of 1 to 64 KB (the pipe holds 64 KB: the writer parks),
 * yielding now and then; close. 0, or -1. */
async int pipe_writer(int fd, long id) {
    static const size_t pieces[] = {1, 4000, 65536, 123, 30000};
    ac_fd out;
    if (ac_fd_open(&out, fd) != 0)
        return -1;
    unsigned char *buf = malloc(65536);
    long at = 0;
    int rc = buf ? 0 : -1;
    for (unsigned k = 0; rc == 0 && at < PIPE_BYTES; k++) {
        size_t n = pieces[k % 5];
        n = (long)n < PIPE_BYTES - at ? n : (size_t)(PIPE_BYTES - at);
        for (size_t i = 0; i < n; i++)
            buf[i] = pipe_byte(id, at + (long)i);
        if (await(ac_fd_write_all(&out, buf, n)) != (ssize_t)n)
            rc = -1;
        at += (long)n;
        if (k % 3 == 0)
            await(ac_yield());
    }
    free(buf);
    ac_fd_close(&out);
    return rc;
}

/* Read to end of stream, checking each byte; readiness first on odd pipes. The bytes
 * read, or -1 at the first wrong one. */
async long pipe_reader(int fd, long id) {
    ac_fd in;
    if (ac_fd_open(&in, fd) != 0)
        return -1;
    unsigned char buf[3000];
    long at = 0;
    ssize_t n;
    for (;;) {
        if (id % 2 && await(ac_fd_readable(&in)) != 0)
            break;
        if ((n = await(ac_fd_read(&in, buf, sizeof buf))) <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != pipe_byte(id, at + i))
                at = -1 - PIPE_BYTES;
        at += n;
        if (at % 7 == 0)
            await(ac_yield());
    }
    ac_fd_close(&in);
    return at;
}

async int pipes_case(long p) {
    ac_task **tasks = calloc((size_t)(2 * p), sizeof *tasks);
    if (!tasks)
        return fail("calloc", p);
    long spawned = 0;
    for (; spawned < p; spawned++) {
        int fds[2];
        if (pipe(fds) != 0)
            break;
        tasks[2 * spawned] = ac_spawn(pipe_reader(fds[0], spawned));
        tasks[2 * spawned + 1] = ac_spawn(pipe_writer(fds[1], spawned));
    }
    long bad = 0;
    for (long i = 0; i < spawned; i++) {
        long got = -1;
        int wrote = -1;
        await(ac_join(tasks[2 * i], &got));
        await(ac_join(tasks[2 * i + 1], &wrote));
        bad += got != PIPE_BYTES || wrote != 0;
    }
    free(tasks);
    printf("pipes: %ld pipes of %d bytes, %ld wrong\n", spawned, PIPE_BYTES, bad);
    return spawned != p || bad != 0;
}

/* ---- signals ---------------------------------------------------------------------------- */

static atomic_int usr1_waiting, usr1_received;

async int usr1_waiter(void) {
    atomic_fetch_add(&usr1_waiting, 1);
    int signo = await(ac_signal_wait(SIGUSR1));
    atomic_fetch_add(&usr1_received, 1);
    return signo;
}

/* Send SIGUSR1 to the process until every waiter got one (a kept delivery may serve
 * only one wait, so once is not enough when it comes before a wait parks): 0, or -1
 * after 5 s. */
async int usr1_sender(int waiters) {
    for (int i = 0; i < 500; i++) {
        if (atomic_load(&usr1_waiting) == waiters && kill(getpid(), SIGUSR1) != 0)
            return -1;
        await(ac_sleep_ms(10));
        if (atomic_load(&usr1_received) == waiters)
            return 0;
    }
    return -1;
}

static void *usr2_thread(void *arg) {
    atomic_int *waiting = arg;
    for (int i = 0; i < 500 && atomic_load(waiting) < 2; i++) /* the second wait started */
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    nanosleep(&(struct timespec){0, 20000000}, NULL);
    kill(getpid(), SIGUSR2);
    return NULL;
}

/* A first wait dropped by a timeout, then one that gets SIGUSR2 from a plain thread. */
async int usr2_waiter(atomic_int *waiting) {
    int signo = 0;
    atomic_fetch_add(waiting, 1);
    int rc = ac_timeout(20, ac_on(&signo, ac_signal_wait(SIGUSR2)));
    if (rc != AC_TIMED_OUT)
        return -1;
    atomic_fetch_add(waiting, 1);
    return await(ac_signal_wait(SIGUSR2));
}

static atomic_int usr2_waiting;

async int signal_case(void) {
    enum { WAITERS = 4 };
    pthread_t thread;
    if (pthread_create(&thread, NULL, usr2_thread, &usr2_waiting) != 0)
        return fail("pthread_create", 0);
    ac_task *waiters[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        waiters[i] = ac_spawn(usr1_waiter());
    ac_task *usr2 = ac_spawn(usr2_waiter(&usr2_waiting));
    int sent = await(usr1_sender(WAITERS));
    int wrong = 0;
    for (int i = 0; i < WAITERS; i++) {
        int signo = 0;
        await(ac_join(waiters[i], &signo));
        wrong += signo != SIGUSR1;
    }
    int signo2 = 0;
    await(ac_join(usr2, &signo2));
    pthread_join(thread, NULL);
    printf("signal: %d waits for SIGUSR1, %d wrong, sender %d; SIGUSR2 after a dropped wait: %s\n",
           WAITERS, wrong, sent, signo2 == SIGUSR2 ? "ok" : "WRONG");
    return wrong != 0 || sent != 0 || signo2 != SIGUSR2;
}

/* ---- drop: reads and an accept dropped while parked ------------------------------------ */

/* A read dropped by a timeout, then the same descriptor read after a write: 0 if right. */
async int dropped_read(long id) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    ac_fd in;
    if (ac_fd_open(&in, fds[0]) != 0)
        return -1;
    char c = 0;
    ssize_t n = 0;
    int rc = ac_timeout(5 + id % 7, ac_on(&n, ac_fd_read(&in, &c, 1)));
    char byte = (char)id;
    int bad = rc != AC_TIMED_OUT || write(fds[1], &byte, 1) != 1 ||
              await(ac_fd_read(&in, &c, 1)) != 1 || c != byte;
    ac_fd_close(&in);
    close(fds[1]);
    return bad ? -1 : 0;
}

async int drop_case(long n) {
    ac_listener l;
    ac_addr server;
    if (listen_any(&l, &server) != 0)
        return fail("listen", 0);
    int fd = -1;
    int timed_out = ac_timeout(10, ac_on(&fd, ac_accept(&l, NULL)));
    ac_task **tasks = calloc((size_t)n, sizeof *tasks);
    if (!tasks)
        return fail("calloc", n);
    for (long i = 0; i < n; i++)
        tasks[i] = ac_spawn(dropped_read(i));
    long bad = 0;
    for (long i = 0; i < n; i++) {
        int rc = -1;
        await(ac_join(tasks[i], &rc));
        bad += rc != 0;
    }
    free(tasks);
    /* The listener works on: a client connects, the next accept takes it. */
    ac_fd client;
    int connected = await(ac_connect(&client, &server));
    fd = connected == 0 ? await(ac_accept(&l, NULL)) : -1;
    if (fd >= 0)
        close(fd);
    if (connected == 0)
        ac_fd_close(&client);
    ac_listener_close(&l);
    printf("drop: accept dropped %s, %ld reads dropped then reused, %ld wrong; accept after: %s\n",
           timed_out == AC_TIMED_OUT ? "ok" : "WRONG", n, bad, fd >= 0 ? "ok" : "WRONG");
    return timed_out != AC_TIMED_OUT || bad != 0 || fd < 0;
}

/* ---- busy: a worker stuck in one poll does not keep a descriptor waiting ---------------- */

static atomic_int reader_done;

/* Spin without awaiting (one long poll, holding its worker) until the reader is done or
 * 5 s pass: whether the reader finished first. */
async int spinner(void) {
    uint64_t end = ac_now_ns() + UINT64_C(5000000000);
    while (!atomic_load(&reader_done) && ac_now_ns() < end) {
    }
    return atomic_load(&reader_done);
}

static void *late_writer(void *arg) {
    int *fd = arg;
    nanosleep(&(struct timespec){0, 50000000}, NULL);
    return (void *)(intptr_t)write(*fd, "x", 1);
}

async int pipe_read_one(int fd) {
    ac_fd in;
    if (ac_fd_open(&in, fd) != 0)
        return -1;
    char c = 0;
    ssize_t n = await(ac_fd_read(&in, &c, 1));
    atomic_store(&reader_done, 1);
    ac_fd_close(&in);
    return n == 1 && c == 'x' ? 0 : -1;
}

async int busy_case(void) {
    static int fds[2];
    pthread_t thread;
    if (pipe(fds) != 0 || pthread_create(&thread, NULL, late_writer, &fds[1]) != 0)
        return fail("setup", 0);
    ac_task *reader = ac_spawn(pipe_read_one(fds[0]));
    ac_task *spin = ac_spawn(spinner());
    int read_rc = -1, first = 0;
    await(ac_join(reader, &read_rc));
    await(ac_join(spin, &first));
    pthread_join(thread, NULL);
    close(fds[1]);
    printf("busy: the read was served while the other worker was stuck in a poll: %s\n",
           first ? "yes" : "NO");
    return read_rc != 0 || !first;
}

/* ---- shutdown with descriptors registered ------------------------------------------------ */

static void fd_closep(ac_fd *h) {
    ac_fd_close(h);
}

static void listener_closep(ac_listener *l) {
    ac_listener_close(l);
}

static atomic_int parked;

/* Read a pipe nobody writes: parked until the runtime drops it, whose cleanup closes. */
async int stuck_reader(int fd) {
    __attribute__((cleanup(fd_closep))) ac_fd in;
    if (ac_fd_open(&in, fd) != 0)
        return -1;
    char c;
    atomic_fetch_add(&parked, 1);
    return (int)await(ac_fd_read(&in, &c, 1));
}

async int stuck_acceptor(void) {
    __attribute__((cleanup(listener_closep))) ac_listener l;
    ac_addr server;
    if (listen_any(&l, &server) != 0)
        return -1;
    atomic_fetch_add(&parked, 1);
    return await(ac_accept(&l, NULL));
}

/* Leave n readers and an acceptor parked, detached; return once all have parked. */
async int leave_parked(long n, int *writers) {
    for (long i = 0; i < n; i++) {
        int fds[2];
        if (pipe(fds) != 0)
            return -1;
        writers[i] = fds[1];
        ac_detach(ac_spawn(stuck_reader(fds[0])));
    }
    ac_detach(ac_spawn(stuck_acceptor()));
    while (atomic_load(&parked) < n + 1)
        await(ac_sleep_ms(1));
    return 0;
}

/* The descriptors this process has open. */
static int fds_open(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int shutdown_case(long n) {
    int *writers = calloc((size_t)n, sizeof *writers);
    if (!writers)
        return fail("calloc", n);
    int before = fds_open();
    ac_runtime *rt;
    int rc = workers_runtime_new(WORKERS, &rt);
    int result = -1;
    if (rc == 0)
        rc = ac_runtime_block_on(rt, ac_future_of(leave_parked(n, writers)), &result);
    int dropped = rc == 0 ? ac_runtime_shutdown(rt, 20) : -1;
    for (long i = 0; i < n; i++)
        close(writers[i]);
    free(writers);
    int after = fds_open();
    printf("shutdown: %ld readers and an acceptor parked, %d dropped, descriptors %s\n", n, dropped,
           before == after ? "all closed" : "LEAKED");
    return rc != 0 || result != 0 || dropped != n + 1 || before != after;
}

/* ---- main ---------------------------------------------------------------------------------- */

static long arg(int argc, char **argv, int i, long otherwise) {
    return argc > i ? strtol(argv[i], NULL, 10) : otherwise;
}

int main(int argc, char **argv) {
    const char *which = argc > 1 ? argv[1] : "";
    /* Signals are read by the runtime's signalfd: blocked in every thread, which the
     * workers inherit from this one (ac_signal.h). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < 4096) {
        r.rlim_cur = r.rlim_max < 4096 ? r.rlim_max : 4096;
        setrlimit(RLIMIT_NOFILE, &r);
    }
    if (strcmp(which, "echo") == 0)
        return run_on_workers(
            ac_future_of(echo_case(arg(argc, argv, 2, 200), arg(argc, argv, 3, 20))));
    if (strcmp(which, "pipes") == 0)
        return run_on_workers(ac_future_of(pipes_case(arg(argc, argv, 2, 16))));
    if (strcmp(which, "signal") == 0)
        return run_on_workers(ac_future_of(signal_case()));
    if (strcmp(which, "drop") == 0)
        return run_on_workers(ac_future_of(drop_case(arg(argc, argv, 2, 100))));
    if (strcmp(which, "busy") == 0)
        return run_on_workers(ac_future_of(busy_case()));
    if (strcmp(which, "shutdown") == 0)
        return shutdown_case(arg(argc, argv, 2, 50));
    fprintf(stderr, "usage: mt_io echo|pipes|signal|drop|busy|shutdown [N [M]]\n");
    return 2;
}
