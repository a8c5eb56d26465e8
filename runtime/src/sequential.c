/* sequential.c - the blocking stand-ins of ac_sleep_ms (<asyncc.h>), ac_sleep_until
 * (<ac_time.h>), ac_signal_wait (<ac_signal.h>) and <ac_blocking.h>'s calls in their
 * sequential faces (ASYNCC_SEQUENTIAL), and the report of a wait of <ac_sync.h> that
 * could never end there, which are plain functions: they live here so that the headers
 * need not include <time.h>, <threads.h> and <stdio.h> into the program. */
#define ASYNCC_SEQUENTIAL 1
#define _POSIX_C_SOURCE 200809L /* clock_nanosleep */

#include <asyncc.h>

#include <ac_blocking.h>
#include <ac_signal.h>
#include <ac_sync.h>
#include <ac_time.h>

#include "blocking_calls.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h> /* thrd_sleep: C11, unlike POSIX nanosleep */
#include <time.h>

#define NS_PER_S UINT64_C(1000000000)

int ac_sequential_join(ac_task *t, void *out, size_t out_size) {
    if (!t)
        return -EBADF;
    if (out && out_size && out_size != t->size)
        return -EINVAL;
    if (out)
        memcpy(out, t->value, t->size);
    free(t);
    return 0;
}

void ac_sequential_sleep_ms(uint64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (thrd_sleep(&ts, &ts) == -1) { /* -1: interrupted, ts holds the rest */
    }
}

void ac_sequential_sleep_until(uint64_t deadline_ns) {
    struct timespec ts = {(time_t)(deadline_ns / NS_PER_S), (long)(deadline_ns % NS_PER_S)};
    /* Absolute: an interrupted sleep just sleeps again until the same deadline. */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* The same rules as the runtime's wait: the signal stays blocked afterwards. */
int ac_sequential_signal_wait(int signo) {
    if (ac_signal_refused_(signo))
        return -EINVAL;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    int rc = pthread_sigmask(SIG_BLOCK, &one, NULL);
    if (rc != 0)
        return -rc;
    while ((rc = sigwaitinfo(&one, NULL)) < 0 && errno == EINTR) {
    }
    return rc < 0 ? -errno : rc;
}

int ac_sequential_deadlock(const char *call) {
    fprintf(stderr,
            "asyncc: %s would wait forever: nothing else runs in the sequential program "
            "(-EDEADLK)\n",
            call);
    return -EDEADLK;
}

/* <ac_blocking.h>: the job runs here, on its data in place. */
int ac_spawn_blocking(ac_blocking_fn *fn, void *data, size_t size) {
    (void)size;
    fn(data);
    return 0;
}

int ac_file_open(const char *path, int flags, mode_t mode) {
    return aci_call_open(path, flags, mode);
}

int ac_file_close(int fd) {
    return aci_call_close(fd);
}

ssize_t ac_file_pread(int fd, void *buf, size_t n, off_t off) {
    return aci_call_pread(fd, buf, n, off);
}

ssize_t ac_file_pwrite(int fd, const void *buf, size_t n, off_t off) {
    return aci_call_pwrite(fd, buf, n, off);
}

int ac_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res) {
    return getaddrinfo(host, service, hints, res);
}
