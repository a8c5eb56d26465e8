/* signal.c - signals as awaitable events (ac_signal.h has the API and the rules).
 *
 * Each loop that waits for signals has one signalfd in its backend, for the set of
 * signals ever waited for on it, which are blocked in its thread. When it is readable
 * the loop (loop.c) calls aci_signals_on_ready, which reads every pending delivery and
 * wakes the tasks parked on that signal's waitlist, or keeps the delivery for the next
 * wait when none is parked. Parked waits count as io_waiters, so a loop with nothing
 * else to do waits for the signal instead of reporting a deadlock.
 */
#define _GNU_SOURCE 1 /* signalfd */

#include "signals.h"

#include "backend.h"
#include "mt.h"
#include "waitlist.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct aci_signals {
    int fd;
    sigset_t set;                           /* the signals fd reads; blocked in this thread */
    ac_waitlist waiting[AC_SIGNAL_MAX + 1]; /* tasks parked per signal */
    unsigned char kept[AC_SIGNAL_MAX + 1];  /* a delivery no task was waiting for */
};

/* This loop's signal state, made with its signalfd on first use; NULL and *err set. */
static aci_signals *signals_open(int *err) {
    if (aci_loop_this.signals)
        return aci_loop_this.signals;
    aci_backend *b = aci_loop_backend(err);
    if (!b)
        return NULL;
    aci_signals *s = calloc(1, sizeof *s);
    if (!s) {
        *err = -ENOMEM;
        return NULL;
    }
    sigemptyset(&s->set);
    s->fd = signalfd(-1, &s->set, SFD_NONBLOCK | SFD_CLOEXEC);
    *err = s->fd < 0 ? -errno : aci_backend_add(b, s->fd, s);
    if (*err != 0) {
        if (s->fd >= 0)
            close(s->fd);
        free(s);
        return NULL;
    }
    aci_loop_this.signals = s;
    aci_loop_this.fds_registered++; /* the backend now has a descriptor to watch */
    return s;
}

/* Have the loop read signo: block it in this thread and add it to the signalfd. */
static int signals_watch(int signo) {
    if (ac_signal_refused_(signo))
        return -EINVAL;
    int err = 0;
    aci_signals *s = signals_open(&err);
    if (!s)
        return err;
    if (sigismember(&s->set, signo))
        return 0;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigaddset(&s->set, signo);
    if ((err = pthread_sigmask(SIG_BLOCK, &one, NULL)) != 0 ||
        signalfd(s->fd, &s->set, SFD_NONBLOCK | SFD_CLOEXEC) < 0) {
        err = err ? -err : -errno;
        sigdelset(&s->set, signo);
        return err;
    }
    return 0;
}

void aci_signals_on_ready(void) {
    aci_signals *s = aci_loop_this.signals;
    struct signalfd_siginfo info;
    while (read(s->fd, &info, sizeof info) == (ssize_t)sizeof info) {
        int signo = (int)info.ssi_signo;
        if (ac_signal_refused_(signo))
            continue; /* never added to the set */
        if (s->waiting[signo].head)
            aci_loop_this.io_waiters -= aci_waitlist_wake_all(&s->waiting[signo], 0);
        else
            s->kept[signo] = 1;
    }
}

/* ---- leaf: ac_signal_wait ------------------------------------------------------------------ */

void ac_signal_wait_init(ac_signal_wait_frame *f, int signo) {
    f->signo = signo;
    f->started = 0;
    aci_waiter_init(&f->waiter);
}

/* The first poll: a kept delivery ends the wait at once, else park. */
static ac_poll signal_wait_start(ac_signal_wait_frame *f, ac_cx *cx, int *out) {
    f->started = 1;
    if (aci_task_is_mt(cx->task)) { /* signals are read on one loop: not yet on workers */
        *out = -EOPNOTSUPP;
        return AC_READY;
    }
    int rc = signals_watch(f->signo);
    aci_signals *s = aci_loop_this.signals;
    if (rc != 0 || s->kept[f->signo]) {
        if (rc == 0)
            s->kept[f->signo] = 0;
        *out = rc != 0 ? rc : f->signo;
        return AC_READY;
    }
    aci_waitlist_push(&s->waiting[f->signo], &f->waiter, cx->task);
    aci_loop_this.io_waiters++;
    return AC_PENDING;
}

ac_poll ac_signal_wait_poll(ac_signal_wait_frame *f, ac_cx *cx, int *out) {
    if (!f->started)
        return signal_wait_start(f, cx, out);
    if (aci_waiter_parked(&f->waiter))
        return AC_PENDING; /* a spurious poll */
    *out = f->signo;
    return AC_READY;
}

void ac_signal_wait_drop(ac_signal_wait_frame *f) {
    if (!aci_waiter_parked(&f->waiter))
        return;
    aci_waiter_cancel(&f->waiter);
    aci_loop_this.io_waiters--;
}
