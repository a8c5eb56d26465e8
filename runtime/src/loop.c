/* loop.c - this thread's loop and its driver, and wakes from other threads.
 *
 * One aci_loop per thread (Redis's aeEventLoop, libuv's uv_loop_t) holds everything
 * the executor runs on: the run queue and the pool (task.c, pool.c), the timers
 * (timer.c), the readiness backend (backend.h) and the queue of cross-thread wakes.
 *
 * The driver is the executor's idle step (Redis's aeProcessEvents): compute the
 * timeout from the nearest timer, wait in the backend, wake the tasks whose
 * descriptors or remotes fired, then fire the due timers. While no descriptor is
 * registered and no remote armed there is nothing for a backend to watch: the driver
 * then sleeps on the clock (nanosecond deadlines, no descriptor spent), so a program
 * that only sleeps never opens one.
 *
 * Remote wakes: ac_remote_wake, on any thread, links its remote into the loop's queue
 * under the queue's mutex and writes the loop's eventfd when the queue was empty; the
 * eventfd sits in the backend, so a loop asleep there wakes up, and the driver drains
 * the queue, under the same mutex, on each look at the backend. A wake that finds its
 * remote queued already is folded into the pending one: the task is polled after both.
 * A waiter woken by another thread (a channel's receiver, say) comes the same way,
 * through the queue's inbox (waitlist.c).
 *
 * Deadlocks: with nothing runnable, no timer, no descriptor and no remote to wait for,
 * tasks parked on waitlists (channels, locks) can still be woken by another thread, but
 * only by one running a loop too: the process keeps a list of the loops inside a
 * block_on, and a loop alone in it reports the deadlock. A loop leaving the list kicks
 * the others, so that one left alone finds out.
 */
#define _GNU_SOURCE 1 /* eventfd */

#include "backend.h"
#include "io.h"
#include "mt.h"
#include "signals.h"
#include "waitlist.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S UINT64_C(1000000000)
#define NS_PER_MS UINT64_C(1000000)

_Thread_local aci_loop aci_loop_this = {
    .remote = {
        .lock = PTHREAD_MUTEX_INITIALIZER, .head = NULL, .inbox = {NULL, NULL}, .eventfd = -1}};

aci_backend *aci_loop_backend(int *err) {
    if (!aci_loop_this.backend) {
        int rc = aci_backend_open(&aci_loop_this.backend);
        if (rc != 0) {
            *err = rc;
            return NULL;
        }
    }
    return aci_loop_this.backend;
}

/* ---- remote wakes ------------------------------------------------------------------------- */

static void remote_link(aci_remote_queue *q, ac_remote *r) {
    r->prev = NULL;
    r->next = q->head;
    if (q->head)
        q->head->prev = r;
    q->head = r;
    r->queued = 1;
}

static void remote_unlink(aci_remote_queue *q, ac_remote *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        q->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->queued = 0;
}

/* Deliver every pending wake. */
static void remote_drain(void) {
    aci_remote_queue *q = &aci_loop_this.remote;
    eventfd_t count;
    if (q->eventfd >= 0)
        (void)eventfd_read(q->eventfd, &count); /* EAGAIN: reset already */
    pthread_mutex_lock(&q->lock);
    while (q->head) {
        ac_remote *r = q->head;
        remote_unlink(q, r);
        ac_wake(r->task);
    }
    while (q->inbox.head) {
        ac_waiter *w = q->inbox.head;
        aci_waitlist_unlink(w);
        aci_loop_this.waiters_parked--;
        ac_wake(w->task);
    }
    pthread_mutex_unlock(&q->lock);
}

/* Make the loop notice its queue: called with the queue locked. A worker of the
 * multi-thread runtime may be asleep in its runtime's reactor instead of its own
 * backend: mt.c kicks it wherever it sleeps. */
static void remote_kick(aci_loop *loop) {
    if (loop->worker)
        aci_mt_kick(loop->worker);
    else if (loop->remote.eventfd >= 0) /* fails only by overflowing a counter kept at 0 */
        (void)eventfd_write(loop->remote.eventfd, 1);
}

/* The eventfd, registered in the backend, made on the first arm or the first time the
 * loop looks at the backend with waiters parked. Wakes posted before it existed kicked
 * nothing: deliver them. */
static int remote_open_eventfd(void) {
    if (aci_loop_this.remote.eventfd >= 0)
        return 0;
    int err = 0;
    aci_backend *b = aci_loop_backend(&err);
    if (!b)
        return err;
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = aci_backend_add(b, fd, &aci_loop_this.remote);
    if (rc != 0) {
        close(fd);
        return rc;
    }
    pthread_mutex_lock(&aci_loop_this.remote.lock);
    aci_loop_this.remote.eventfd = fd;
    pthread_mutex_unlock(&aci_loop_this.remote.lock);
    remote_drain();
    return 0;
}

void ac_remote_init(ac_remote *r) {
    *r = (ac_remote){NULL, NULL, &aci_loop_this, NULL, 0, 0};
}

/* A worker of the multi-thread runtime always watches its eventfd: its remotes are not
 * counted, and a task may arm and disarm them from another worker (mt.c). */
static void remote_count(aci_loop *loop, int delta) {
    if (!loop->worker)
        loop->remotes_armed += (size_t)delta;
}

int ac_remote_arm(ac_remote *r, ac_cx *cx) {
    aci_loop *loop = r->loop;
    int was_armed = r->armed; /* armed and disarmed only by the task's own polls and drop */
    if (!was_armed && loop == &aci_loop_this) {
        int rc = remote_open_eventfd();
        if (rc != 0)
            return rc;
    }
    pthread_mutex_lock(&loop->remote.lock);
    r->task = cx->task; /* read by the drain, on the loop's thread */
    r->armed = 1;
    pthread_mutex_unlock(&loop->remote.lock);
    if (!was_armed)
        remote_count(loop, 1);
    return 0;
}

void ac_remote_wake(ac_remote *r) {
    aci_remote_queue *q = &r->loop->remote;
    pthread_mutex_lock(&q->lock);
    if (r->armed && !r->queued) {
        int was_empty = q->head == NULL && q->inbox.head == NULL;
        remote_link(q, r);
        if (was_empty)
            remote_kick(r->loop);
    }
    pthread_mutex_unlock(&q->lock);
}

void ac_remote_disarm(ac_remote *r) {
    if (!r->armed)
        return;
    aci_remote_queue *q = &r->loop->remote;
    pthread_mutex_lock(&q->lock);
    if (r->queued)
        remote_unlink(q, r);
    r->armed = 0;
    pthread_mutex_unlock(&q->lock);
    remote_count(r->loop, -1);
}

void aci_loop_post(aci_loop *loop, ac_waiter *w) {
    aci_remote_queue *q = &loop->remote;
    pthread_mutex_lock(&q->lock);
    if (q->head == NULL && q->inbox.head == NULL)
        remote_kick(loop);
    aci_waitlist_link(&q->inbox, w);
    pthread_mutex_unlock(&q->lock);
}

void aci_loop_unpost(ac_waiter *w) {
    pthread_mutex_lock(&aci_loop_this.remote.lock);
    aci_waitlist_unlink(w);
    pthread_mutex_unlock(&aci_loop_this.remote.lock);
}

/* ---- the loops running in this process ----------------------------------------------------- */

static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static aci_loop *running_head; /* linked through next_running, under running_lock */
static atomic_int running_count;

void aci_loop_enter(void) {
    aci_loop_this.now_ms = (uint32_t)(aci_clock_now_ns() / 1000000u);
    pthread_mutex_lock(&running_lock);
    aci_loop_this.next_running = running_head;
    running_head = &aci_loop_this;
    atomic_fetch_add(&running_count, 1);
    pthread_mutex_unlock(&running_lock);
}

static void loop_kick(aci_loop *loop) {
    pthread_mutex_lock(&loop->remote.lock);
    remote_kick(loop);
    pthread_mutex_unlock(&loop->remote.lock);
}

void aci_loop_leave(void) {
    pthread_mutex_lock(&running_lock);
    aci_loop **p = &running_head;
    while (*p != &aci_loop_this)
        p = &(*p)->next_running;
    *p = aci_loop_this.next_running;
    atomic_fetch_sub(&running_count, 1);
    for (aci_loop *l = running_head; l; l = l->next_running)
        loop_kick(l);
    pthread_mutex_unlock(&running_lock);
}

/* ---- randomness: a select's fair start ------------------------------------------------------ */

/* splitmix64 (Steele, Lea and Flood): one add and a mix per number, good enough to
 * spread a select's first branch; seeded from the clock and the loop's address, so
 * two threads' loops, and two runs, start apart. */
static uint64_t random_next(void) {
    uint64_t *s = &aci_loop_this.random;
    if (*s == 0)
        *s = aci_clock_now_ns() ^ (uint64_t)(uintptr_t)&aci_loop_this;
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void ac_random_seed(uint64_t seed) {
    aci_loop_this.random = seed ? seed : 1;
}

uint32_t ac_random_below(uint32_t n) {
    /* Lemire's multiply-shift: the high half of a 32x32 product is below n */
    return (uint32_t)(((random_next() >> 32) * (uint64_t)n) >> 32);
}

/* ---- the driver ----------------------------------------------------------------------------- */

/* Wait up to timeout_ns in the backend and dispatch what it reports: the eventfd of
 * remote wakes, the signalfd, or an ac_fd. A failing epoll_wait (on a valid instance
 * only EINTR, which is no failure) leaves the descriptors for the next turn. */
static void loop_wait_backend(uint64_t timeout_ns) {
    const aci_ready *ready;
    int n = aci_backend_wait(aci_loop_this.backend, timeout_ns, &ready);
    size_t woken = 0;
    for (int i = 0; i < n; i++) {
        void *key = ready[i].key;
        if (key == &aci_loop_this.remote)
            remote_drain();
        else if (key == aci_loop_this.signals)
            aci_signals_on_ready(aci_loop_this.signals);
        else
            woken += aci_fd_on_ready(key, ready[i].readiness);
    }
    aci_loop_this.io_waiters -= woken;
}

static void clock_sleep_until(uint64_t deadline_ns) {
    struct timespec ts = {(time_t)(deadline_ns / NS_PER_S), (long)(deadline_ns % NS_PER_S)};
    /* An interrupted sleep just returns early: the caller re-reads the clock. */
    (void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static int loop_watches_backend(void) {
    return aci_loop_this.fds_registered > 0 || aci_loop_this.remotes_armed > 0 ||
           (aci_loop_this.waiters_parked > 0 && aci_loop_this.remote.eventfd >= 0);
}

/* Whether anything but a timer could wake a task of this loop. */
static int loop_may_be_woken(void) {
    if (aci_loop_this.io_waiters > 0 || aci_loop_this.remotes_armed > 0)
        return 1;
    return aci_loop_this.waiters_parked > 0 && atomic_load(&running_count) > 1;
}

/* Tasks parked on waitlists may be woken by other threads: watch the eventfd for it. If
 * it cannot be made (no descriptor left), look at the inbox at least every millisecond. */
static uint64_t loop_watch_inbox(uint64_t timeout_ns) {
    if (aci_loop_this.waiters_parked == 0 || aci_loop_this.remote.eventfd >= 0)
        return timeout_ns;
    if (remote_open_eventfd() == 0)
        return timeout_ns;
    remote_drain();
    return timeout_ns < NS_PER_MS ? timeout_ns : NS_PER_MS;
}

static uint64_t timeout_until(uint64_t deadline) {
    if (deadline == UINT64_MAX)
        return UINT64_MAX;
    uint64_t now = aci_clock_now_ns();
    return deadline > now ? deadline - now : 0;
}

/* Wait up to timeout_ns for descriptors and remotes, and wake their tasks. */
static void loop_look(uint64_t timeout_ns) {
    /* A look that does not wait, with no descriptor registered, has only the wake queue
     * to see: read it directly. A busy queue looks every TIMER_CHECK_INTERVAL polls, and
     * an epoll_wait each time would cost a channel ping-pong (W5) a third of its time. */
    if (timeout_ns == 0 && aci_loop_this.fds_registered == 0) {
        aci_loop_poll_remote();
        return;
    }
    if (loop_watches_backend())
        loop_wait_backend(timeout_ns);
    else if (timeout_ns > 0 && timeout_ns != UINT64_MAX)
        clock_sleep_until(aci_clock_now_ns() + timeout_ns); /* only a timer could wake a task */
}

int aci_loop_drive(int block) {
    uint64_t deadline = aci_timers_next_deadline();
    uint64_t timeout = loop_watch_inbox(block ? timeout_until(deadline) : 0);
    if (timeout == UINT64_MAX && !loop_may_be_woken()) {
        loop_look(0); /* wakes already sent count */
        return aci_loop_this.head ? 0 : -1;
    }
    loop_look(aci_loop_this.head ? 0 : timeout); /* the inbox may have woken a task */
    uint64_t now = aci_clock_now_ns();
    aci_loop_this.now_ms = (uint32_t)(now / 1000000u);
    if (deadline != UINT64_MAX)
        aci_timers_fire_until(now);
    return 0;
}

/* Close the eventfd and the backend. */
static void loop_close_backend(void) {
    aci_remote_queue *q = &aci_loop_this.remote;
    if (q->eventfd >= 0) {
        pthread_mutex_lock(&q->lock);
        close(q->eventfd);
        q->eventfd = -1;
        pthread_mutex_unlock(&q->lock);
    }
    aci_backend_close(aci_loop_this.backend);
    aci_loop_this.backend = NULL;
}

void aci_loop_reset(void) {
    aci_timers_reset();
    if (aci_loop_this.backend && !loop_watches_backend())
        loop_close_backend();
}

/* ---- a worker of the multi-thread runtime (mt.c) ------------------------------------------ */

int aci_loop_open_kick(void) {
    return remote_open_eventfd();
}

void aci_loop_park(uint64_t timeout_ns) {
    loop_wait_backend(timeout_ns);
}

void aci_loop_poll_remote(void) {
    aci_remote_queue *q = &aci_loop_this.remote;
    pthread_mutex_lock(&q->lock);
    int pending = q->head || q->inbox.head;
    pthread_mutex_unlock(&q->lock);
    if (pending)
        remote_drain();
}

void aci_loop_close_kick(void) {
    if (aci_loop_this.backend)
        loop_close_backend();
}
