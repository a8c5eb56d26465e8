/* shutdown.c - graceful shutdown with a cancellation token, and a rate limit with a
 * semaphore.
 *
 * Four workers take jobs, at most two at a time (a semaphore of two permits). A watcher
 * waits for SIGTERM; when it comes, it cancels the root token and closes the
 * semaphore. A worker busy with a job finishes it, then sees its token (a child of
 * the root) cancelled and stops; a worker waiting for a permit is told the semaphore
 * is closed and stops at once. So no job is cut in half, and nothing waits forever.
 *
 * To run on its own, the program sends itself SIGTERM after the tenth job (`kill -TERM`
 * from a shell does the same). */
#define _POSIX_C_SOURCE 200809L /* kill */

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include <asyncc.h>
/* after <asyncc.h>, which picks their face */
#include <ac_signal.h>
#include <ac_sync.h>

#define WORKERS 4
#define AT_ONCE 2

typedef struct shop {
    ac_cancel_token stop;
    ac_semaphore slots;
    int busy, most_busy;
    int started, finished;
} shop;

async void do_job(shop *s) {
    s->started++;
    if (++s->busy > s->most_busy)
        s->most_busy = s->busy;
    await(ac_sleep_ms(2)); /* the work */
    s->busy--;
    if (++s->finished == 10)
        kill(getpid(), SIGTERM); /* as an operator would */
}

async int worker(shop *s, ac_cancel_token *mine) {
    int jobs = 0;
    while (!ac_cancel_token_is_cancelled(mine)) {
        if (await(ac_semaphore_acquire(&s->slots, 1)) == -ECANCELED)
            break; /* closed while waiting: shutting down */
        await(do_job(s));
        ac_semaphore_release(&s->slots, 1);
        jobs++;
    }
    return jobs;
}

async void watcher(shop *s) {
    int signo = await(ac_signal_wait(SIGTERM));
    printf("%s: stopping\n", signo == SIGTERM ? "SIGTERM" : "error");
    ac_cancel_token_cancel(&s->stop);
    ac_semaphore_close(&s->slots);
}

async int run(void) {
    shop s = {.busy = 0, .most_busy = 0, .started = 0, .finished = 0};
    ac_cancel_token_init(&s.stop);
    ac_semaphore_init(&s.slots, AT_ONCE);
    ac_task *w = ac_spawn(watcher(&s)); /* first: SIGTERM is blocked before it is sent */
    ac_cancel_token tokens[WORKERS];
    ac_task *workers[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        ac_cancel_token_init_child(&tokens[i], &s.stop);
        workers[i] = ac_spawn(worker(&s, &tokens[i]));
    }
    await(ac_cancelled(&s.stop));
    int jobs = 0;
    for (int i = 0; i < WORKERS; i++) {
        int n = 0;
        await(ac_join(workers[i], &n));
        jobs += n;
        printf("worker %d stopped\n", i);
        ac_cancel_token_destroy(&tokens[i]);
    }
    await(ac_join(w, NULL));
    ac_cancel_token_destroy(&s.stop);
    printf("at most %d jobs at once: %s\n", AT_ONCE, s.most_busy <= AT_ONCE ? "yes" : "no");
    printf("every job started was finished: %s\n",
           s.started == s.finished && s.finished == jobs ? "yes" : "no");
    printf("at least 10 jobs done: %s\n", jobs >= 10 ? "yes" : "no");
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
