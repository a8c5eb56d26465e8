/* epoll_mode.c - edge- against level-triggered epoll, for the runtime's backend
 * (runtime/src/backend_epoll.c). Not one of the shared workloads: plain C, no asyncc.
 *
 * Each round is what the loop does when a task waits for one byte on a socket: the
 * peer writes a byte, the loop waits for readiness, the task reads. The modes differ in
 * what registering interest costs:
 *   et        the descriptor was added once for both directions, edge-triggered
 *             (what the runtime does): no epoll_ctl per wait;
 *   lt-mod    level-triggered with interest only while a task waits, as a runtime
 *             must (or a writable socket is reported on every wait): an epoll_ctl MOD
 *             to enable reading before the wait and one to disable it after;
 *   lt-in     level-triggered, reading enabled for good: the best case of level
 *             triggering, which covers no writer (a writer would need lt-mod).
 * Prints one result line per mode (bench.h format, workload=epoll-<mode>); usage:
 * epoll_mode [ROUNDS].
 */
#include "bench.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum mode { MODE_ET, MODE_LT_MOD, MODE_LT_IN };
static const char *const mode_names[] = {"epoll-et", "epoll-lt-mod", "epoll-lt-in"};

static void must(int ok, const char *what) {
    if (!ok) {
        perror(what);
        exit(1);
    }
}

static void interest(int ep, int op, int fd, uint32_t events) {
    struct epoll_event ev = {.events = events, .data = {.fd = fd}};
    must(epoll_ctl(ep, op, fd, &ev) == 0, "epoll_ctl");
}

static uint64_t run(enum mode mode, int ep, const int s[2], uint64_t rounds) {
    uint64_t check = 0;
    struct epoll_event ev;
    char c = 'x';
    for (uint64_t i = 0; i < rounds; i++) {
        if (mode == MODE_LT_MOD)
            interest(ep, EPOLL_CTL_MOD, s[1], EPOLLIN);
        must(write(s[0], &c, 1) == 1, "write");
        must(epoll_wait(ep, &ev, 1, -1) == 1, "epoll_wait");
        if (mode == MODE_LT_MOD)
            interest(ep, EPOLL_CTL_MOD, s[1], 0);
        must(read(s[1], &c, 1) == 1, "read");
        check += (uint64_t)c;
    }
    return check;
}

static int bench_mode(enum mode mode, uint64_t rounds) {
    int s[2];
    must(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0, "socketpair");
    int ep = epoll_create1(0);
    must(ep >= 0, "epoll_create1");
    static const uint32_t added[] = {EPOLLIN | EPOLLOUT | EPOLLET, 0, EPOLLIN};
    interest(ep, EPOLL_CTL_ADD, s[1], added[mode]);
    uint64_t start = bench_now_ns();
    uint64_t check = run(mode, ep, s, rounds);
    int failed =
        bench_report(mode_names[mode], rounds, bench_now_ns() - start, check, rounds * 'x');
    close(ep);
    close(s[0]);
    close(s[1]);
    return failed;
}

int main(int argc, char **argv) {
    uint64_t rounds = bench_arg_n(argc, argv, 200000);
    int failed = 0;
    for (int mode = MODE_ET; mode <= MODE_LT_IN; mode++)
        failed |= bench_mode((enum mode)mode, rounds);
    return failed;
}
