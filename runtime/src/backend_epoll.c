/* backend_epoll.c - the readiness backend on Linux epoll.
 *
 * Edge-triggered: a descriptor is added once, for both directions (EPOLLIN | EPOLLOUT
 * | EPOLLRDHUP | EPOLLET), and never modified again. A waiter first tries its call and
 * parks only after EAGAIN, so every readiness it needs comes after its park and brings
 * a fresh edge; nothing is lost, and parking or un-parking costs no epoll_ctl. Level
 * triggering would need an epoll_ctl(MOD) to enable a direction before each wait and
 * another to disable it after (or else a writable socket would be reported on every
 * wait). bench/epoll_mode.c measures one wait for one byte on a socketpair, medians of
 * 5 runs on the 2-vCPU development VM (slow system calls: about 5 us each), ns:
 *     edge-triggered, added once               18,553
 *     level-triggered, reading enabled for good 18,600  (the same; covers no writer)
 *     level-triggered, MOD before and after    29,050  (+57%: two more system calls)
 *
 * Timeouts are in milliseconds, rounded up, so a wait never ends before the deadline
 * the loop asked for.
 */
#include "backend.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define NS_PER_MS UINT64_C(1000000)
/* Events taken per epoll_wait; more simply wait for the next call. */
#define EVENTS_PER_WAIT 128

struct aci_backend {
    int epfd;
    struct epoll_event events[EVENTS_PER_WAIT];
    aci_ready ready[EVENTS_PER_WAIT]; /* what aci_backend_wait hands out */
};

int aci_backend_open(aci_backend **out) {
    aci_backend *b = malloc(sizeof *b);
    if (!b)
        return -ENOMEM;
    b->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (b->epfd < 0) {
        int err = errno;
        free(b);
        return -err;
    }
    *out = b;
    return 0;
}

void aci_backend_close(aci_backend *b) {
    close(b->epfd);
    free(b);
}

int aci_backend_add(aci_backend *b, int fd, void *key) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                             .data = {.ptr = key}};
    return epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

void aci_backend_remove(aci_backend *b, int fd) {
    /* Fails only for a descriptor that is not added (closed by its owner already,
     * which removed it): nothing left to do either way. */
    (void)epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int timeout_ms(uint64_t timeout_ns) {
    if (timeout_ns == UINT64_MAX)
        return -1;
    uint64_t ms = timeout_ns / NS_PER_MS + (timeout_ns % NS_PER_MS != 0);
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

_Static_assert((unsigned)EPOLLIN == ACI_READABLE && (unsigned)EPOLLOUT == ACI_WRITABLE << 1,
               "readiness_of moves EPOLLIN and EPOLLOUT with a mask and a shift");

/* The usual event (in, out, or both) costs a mask and a shift; a hang-up, an error or
 * the peer's end of stream one test more. */
static unsigned readiness_of(uint32_t events) {
    unsigned r = (events & EPOLLIN) | (events & EPOLLOUT) >> 1;
    if (__builtin_expect((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0, 0)) {
        r |= ACI_READABLE | ACI_READ_CLOSED;
        if (events & (EPOLLHUP | EPOLLERR))
            r |= ACI_WRITABLE;
    }
    return r;
}

int aci_backend_wait(aci_backend *b, uint64_t timeout_ns, const aci_ready **ready) {
    int n = epoll_wait(b->epfd, b->events, EVENTS_PER_WAIT, timeout_ms(timeout_ns));
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++)
        b->ready[i] = (aci_ready){b->events[i].data.ptr, readiness_of(b->events[i].events)};
    *ready = b->ready;
    return n;
}
