/* signal.c - signals as awaitable events (ac_signal.h has the API and the rules).
 *
 * Each loop that waits for signals has one signalfd in its backend, for the set of
 * signals ever waited for on it, which are blocked in its thread. When it is readable
 * the loop (loop.c) calls aci_signals_on_ready, which reads every pending delivery and
 * wakes the tasks parked on that signal's waitlist, or keeps the delivery for the next
 * wait when none is parked. Parked waits count as io_waiters, so a loop with nothing
 * else to do waits for the signal instead of reporting a deadlock.
 *
 * A multi-thread runtime has one such state for all its workers, in its reactor
 * (reactor.c): `shared`, with its lists, kept deliveries and set under `lock`, since
 * the worker that reads the signalfd is seldom the one whose task waits.
 */
#define _GNU_SOURCE 1 /* signalfd */

#include "signals.h"

#include "backend.h"
#include "mt.h"
#include "reactor.h"
#include "spinlock.h"
#include "waitlist.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct aci_signals {
    int fd;
    int shared; /* a runtime's: what follows is under lock */
    int lock;
    sigset_t set;                           /* the signals fd reads; blocked in the thread */
    ac_waitlist waiting[AC_SIGNAL_MAX + 1]; /* tasks parked per signal */
    unsigned char kept[AC_SIGNAL_MAX + 1];  /* a delivery no task was waiting for */
};

aci_signals *aci_signals_new(int shared, int *err) {
    aci_signals *s = calloc(1, sizeof *s);
    if (!s) {
        *err = -ENOMEM;
        return NULL;
    }
    sigemptyset(&s->set);
    s->shared = shared;
    s->fd = signalfd(-1, &s->set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->fd < 0) {
        *err = -errno;
        free(s);
        return NULL;
    }
    return s;
}

int aci_signals_fd(const aci_signals *s) {
    return s->fd;
}

void aci_signals_free(aci_signals *s) {
    close(s->fd);
    free(s);
}

static void signals_lock(aci_signals *s) {
    if (s->shared)
        aci_spin_lock(&s->lock);
}

static void signals_unlock(aci_signals *s) {
    if (s->shared)
        aci_spin_unlock(&s->lock);
}

/* This loop's signal state, made with its signalfd on first use; NULL and *err set. */
static aci_signals *signals_open_here(int *err) {
    if (aci_loop_this.signals)
        return aci_loop_this.signals;
    aci_backend *b = aci_loop_backend(err);
    if (!b)
        return NULL;
    aci_signals *s = aci_signals_new(0, err);
    if (!s)
        return NULL;
    if ((*err = aci_backend_add(b, s->fd, s)) != 0) {
        aci_signals_free(s);
        return NULL;
    }
    aci_loop_this.signals = s;
    aci_loop_this.fds_registered++; /* the backend now has a descriptor to watch */
    return s;
}

/* The state task waits on: its runtime's or this loop's. */
static aci_signals *signals_of(const ac_task *task, int *err) {
    return aci_task_is_mt(task) ? aci_reactor_signals(aci_mt_reactor(), err)
                                : signals_open_here(err);
}

/* Have s read signo: block it in this thread and add it to the signalfd. Locked. */
static int signals_watch(aci_signals *s, int signo) {
    if (sigismember(&s->set, signo))
        return 0;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigaddset(&s->set, signo);
    int err;
    if ((err = pthread_sigmask(SIG_BLOCK, &one, NULL)) != 0 ||
        signalfd(s->fd, &s->set, SFD_NONBLOCK | SFD_CLOEXEC) < 0) {
        err = err ? -err : -errno;
        sigdelset(&s->set, signo);
        return err;
    }
    return 0;
}

void aci_signals_on_ready(aci_signals *s) {
    struct signalfd_siginfo info;
    signals_lock(s);
    while (read(s->fd, &info, sizeof info) == (ssize_t)sizeof info) {
        int signo = (int)info.ssi_signo;
        if (ac_signal_refused_(signo))
            continue; /* never added to the set */
        if (!s->waiting[signo].head)
            s->kept[signo] = 1;
        else if (s->shared)
            aci_waitlist_wake_all(&s->waiting[signo], 0);
        else
            aci_loop_this.io_waiters -= aci_waitlist_wake_all(&s->waiting[signo], 0);
    }
    signals_unlock(s);
}

/* ---- leaf: ac_signal_wait ------------------------------------------------------------------ */

void ac_signal_wait_init(ac_signal_wait_frame *f, int signo) {
    f->signo = signo;
    f->started = 0;
    aci_waiter_init(&f->waiter);
}

/* Locked: a kept delivery ends the wait at once (1), else park (0). */
static int signal_park_locked(aci_signals *s, ac_signal_wait_frame *f, ac_cx *cx) {
    if (s->kept[f->signo]) {
        s->kept[f->signo] = 0;
        return 1;
    }
    aci_waitlist_push(&s->waiting[f->signo], &f->waiter, cx->task);
    if (!s->shared)
        aci_loop_this.io_waiters++;
    return 0;
}

/* The first poll: watch the signal, then take a kept delivery or park. */
static ac_poll signal_wait_start(ac_signal_wait_frame *f, ac_cx *cx, int *out) {
    f->started = 1;
    int rc = ac_signal_refused_(f->signo) ? -EINVAL : 0;
    aci_signals *s = rc == 0 ? signals_of(cx->task, &rc) : NULL;
    if (!s) {
        *out = rc;
        return AC_READY;
    }
    signals_lock(s);
    rc = signals_watch(s, f->signo);
    int now = rc != 0 || signal_park_locked(s, f, cx);
    signals_unlock(s);
    *out = rc != 0 ? rc : f->signo;
    return now ? AC_READY : AC_PENDING;
}

/* The state a started wait used, on its task's thread (a poll, a drop); NULL if its
 * first poll could not make one. */
static aci_signals *signals_used(void) {
    return aci_loop_this.worker ? aci_reactor_signals_made(aci_mt_reactor())
                                : aci_loop_this.signals;
}

ac_poll ac_signal_wait_poll(ac_signal_wait_frame *f, ac_cx *cx, int *out) {
    if (!f->started)
        return signal_wait_start(f, cx, out);
    aci_signals *s = signals_used();
    signals_lock(s);
    int parked = aci_waiter_parked(&f->waiter);
    signals_unlock(s);
    if (parked)
        return AC_PENDING; /* a spurious poll */
    *out = f->signo;
    return AC_READY;
}

void ac_signal_wait_drop(ac_signal_wait_frame *f) {
    if (!f->started)
        return;
    aci_signals *s = signals_used();
    if (!s)
        return; /* the first poll failed */
    signals_lock(s);
    if (aci_waiter_parked(&f->waiter)) {
        aci_waiter_cancel(&f->waiter);
        if (!s->shared)
            aci_loop_this.io_waiters--;
    }
    signals_unlock(s);
}
