/* services.c - <ac_time.h>, <ac_blocking.h> and <ac_signal.h> through asyncc: deadlines,
 * an interval, a blocking job, a file written and read at offsets, a numeric name
 * lookup and a signal. Only what does not depend on timing or interleaving is printed
 * (the plain build runs each call to its end at once). */
#define _POSIX_C_SOURCE 200809L /* kill, mkstemp */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks their face */
#include <ac_blocking.h>
#include <ac_signal.h>
#include <ac_time.h>

#define NS_PER_MS UINT64_C(1000000)

typedef struct digits {
    unsigned long n;
    int sum;
} digits;

static void digit_sum(void *data) {
    digits *d = data;
    for (unsigned long n = d->n; n > 0; n /= 10)
        d->sum += (int)(n % 10);
}

/* Sleeps to a deadline and ticks an interval three times: 1 if neither came early. */
async int timing(void) {
    uint64_t start = ac_now_ns();
    await(ac_sleep_until(start + 20 * NS_PER_MS));
    int ok = ac_now_ns() >= start + 20 * NS_PER_MS;
    ac_interval iv;
    ac_interval_init(&iv, 10);
    uint64_t periods = 0;
    for (int i = 0; i < 3; i++)
        periods += await(ac_interval_tick(&iv));
    return ok && ac_now_ns() >= start + 20 * NS_PER_MS + periods * 10 * NS_PER_MS;
}

async int files(const char *path) {
    int fd = await(ac_file_open(path, O_RDWR, 0));
    if (fd < 0)
        return fd;
    ssize_t w = await(ac_file_pwrite(fd, "asynchronous", 12, 40));
    char buf[8] = {0};
    ssize_t r = await(ac_file_pread(fd, buf, 5, 45));
    int closed = await(ac_file_close(fd));
    printf("wrote %zd, read %zd \"%s\", closed %d\n", w, r, buf, closed);
    return 0;
}

async int lookup(void) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_family = AF_INET;
    struct addrinfo *res = NULL;
    int rc = await(ac_getaddrinfo("127.0.0.1", "6379", &hints, &res));
    if (rc == 0) {
        printf("lookup: family %s\n", res->ai_family == AF_INET ? "inet" : "other");
        freeaddrinfo(res);
    }
    return rc;
}

async int run(const char *path) {
    printf("timing ok: %d\n", await(timing()));
    digits d = {9876543210ul, 0};
    int rc = await(ac_spawn_blocking(digit_sum, &d, sizeof d));
    printf("job %d: digit sum %d\n", rc, d.sum);
    printf("files: %d\n", await(files(path)));
    printf("lookup: %d\n", await(lookup()));
    printf("refused: %d\n", await(ac_signal_wait(SIGKILL)) == -EINVAL);
    return 0;
}

int main(void) {
    char path[] = "services-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    int rc = ac_block_on(run(path));
    unlink(path);
    return rc;
}
