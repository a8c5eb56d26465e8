/* signal_shutdown.c - a service on the multi-thread runtime that stops on SIGTERM: the
 * root task starts tickers that never end on their own, waits for SIGTERM and returns;
 * main then shuts the runtime down, which drops the tickers (every one, once) and frees
 * everything (e2e.signal_shutdown.memcheck: no leak under valgrind). A task sends the
 * signal to the process 50 ms in, as `kill -TERM` would. */
#define _POSIX_C_SOURCE 200809L /* kill, pthread_sigmask */

#include <asyncc.h>

#include <ac_mt.h>
#include <ac_signal.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_long ticks;

static async void ticker(int ms) {
    for (;;) {
        await(ac_sleep_ms(ms));
        atomic_fetch_add(&ticks, 1);
    }
}

static async int terminate_later(int ms) {
    await(ac_sleep_ms(ms));
    return kill(getpid(), SIGTERM);
}

/* Start the service, wait for SIGTERM, return the signal: main takes it from there. */
static async int serve_until_sigterm(void) {
    for (int i = 0; i < 4; i++)
        ac_detach(ac_spawn(ticker(1 + i)));
    ac_detach(ac_spawn(terminate_later(50)));
    return await(ac_signal_wait(SIGTERM));
}

int main(void) {
    /* Blocked before the workers start, so that they inherit the mask and the signal
     * reaches the runtime's signalfd instead of killing the process. */
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &term, NULL) != 0)
        return 1;
    ac_runtime *rt;
    if (ac_runtime_new(NULL, &rt) != 0) /* one worker per CPU */
        return 1;
    int signo = 0;
    if (ac_runtime_block_on(rt, ac_future_of(serve_until_sigterm()), &signo) != 0)
        return 1;
    printf("stopped by %s\n", signo == SIGTERM ? "SIGTERM" : "something else");
    printf("ticked: %s\n", atomic_load(&ticks) > 0 ? "yes" : "no");
    printf("tickers dropped at shutdown: %d\n", ac_runtime_shutdown(rt, 0));
    return 0;
}
