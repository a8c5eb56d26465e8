/* ac_signal.h - signals as awaitable events.
 *
 *     int signo = await(ac_signal_wait(SIGTERM));   // SIGTERM, or a negative errno
 *
 * A task waiting for a signal is parked on this thread's loop; when the signal is
 * delivered, every task waiting for it on this loop is woken (a broadcast) and each
 * wait returns the signal's number. A delivery that finds no task waiting is kept,
 * one per signal: the next wait for it returns at once (standard signals that arrive
 * together are one delivery, as the kernel merges them).
 *
 * The signal mask: the first wait for a signal blocks it in the calling thread
 * (pthread_sigmask) and has the loop read it from a signalfd. It stays blocked and
 * read by the loop for the rest of the thread's life, as tokio leaves its handlers
 * installed: a SIGINT after the last wait no longer stops the program; it is kept for
 * the next wait. Threads started after the first wait inherit the mask; a thread that
 * exists already and leaves the signal unblocked may receive a process-directed
 * signal (kill, Ctrl-C) instead, with its default action: block it there too, or
 * make the first wait before starting threads. ac_spawn_blocking's threads block
 * every signal.
 *
 * On the multi-thread runtime (ac_mt.h) the runtime has one signalfd for all its
 * workers, and a delivery wakes every task of the runtime waiting for it, whichever
 * worker runs them. Block the signal in the thread that calls ac_runtime_new, before
 * the call: the workers inherit the mask (a wait blocks it only in its own worker).
 *
 * Errors: -EINVAL for a number that is no signal, SIGKILL and SIGSTOP (which cannot
 * be caught) and SIGSEGV, SIGBUS, SIGFPE, SIGILL (which a fault raises in the faulting
 * thread: blocking them is undefined); -EMFILE and the like when no signalfd or epoll
 * instance can be made.
 *
 * It includes <asyncc.h> itself. Three faces, like <asyncc.h>: under ASYNCC_PARSE the
 * wait is declared async, with its frame complete so asyncc embeds it; the ABI face
 * (ASYNCC_LOWERED, or the runtime's own sources) declares the leaf's init/poll/drop
 * (grammar/abi.md, section 7); ASYNCC_SEQUENTIAL blocks the signal and waits for it
 * in sigwaitinfo, the sequential meaning.
 */
#ifndef AC_SIGNAL_H
#define AC_SIGNAL_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <signal.h>

#define AC_SIGNAL_MAX 64 /* Linux's highest signal number (SIGRTMAX) */

/* In every face: whether a wait refuses signo (-EINVAL; see above). */
static inline int ac_signal_refused_(int signo) {
    return signo <= 0 || signo > AC_SIGNAL_MAX || signo == SIGKILL || signo == SIGSTOP ||
           signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE || signo == SIGILL;
}

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face --------------------------------------------------------------- */

#include "ac_runtime.h"

typedef struct ac_signal_wait_frame {
    int signo;
    int started; /* the first poll has run */
    ac_waiter waiter;
} ac_signal_wait_frame;

#if defined(ASYNCC_PARSE)
async int ac_signal_wait(int signo);
#else
void ac_signal_wait_init(ac_signal_wait_frame *f, int signo);
ac_poll ac_signal_wait_poll(ac_signal_wait_frame *f, ac_cx *cx, int *out);
void ac_signal_wait_drop(ac_signal_wait_frame *f);
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning -------------------------------------------------- */

/* Blocks signo in this thread and waits for it (runtime/src/sequential.c). */
int ac_sequential_signal_wait(int signo);

static inline int ac_signal_wait(int signo) {
    return ac_sequential_signal_wait(signo);
}

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif
#endif
