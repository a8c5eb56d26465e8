/* cancel_cleanup.c - a program cancelled at every suspension point in turn: for
 * k = 1, 2, ... its frame is dropped after k polls, until k polls finish it. Whatever
 * k, every resource it acquired is released exactly once, by the cleanups of the
 * locals in scope where it stopped (__attribute__((cleanup(fn)))), in the frames of
 * the functions it awaits, and in the branches of a select and a join; a read parked on
 * a pipe and an armed timer are unregistered (e2e.cancel_cleanup.memcheck runs it
 * under valgrind, and the sanitizer builds under ASan). Built only through asyncc:
 * `polled` is a leaf written by hand (grammar/abi.md, section 7). */
#define _GNU_SOURCE 1 /* pipe2 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ac_io.h>
#include <asyncc.h>

#include "pending.h"

/* ---- resources: each acquisition released exactly once ------------------------------- */

enum { MAX_RESOURCES = 64 };
static int acquired, released_once, released_twice;
static int releases[MAX_RESOURCES];

typedef struct res {
    int id;
} res;

static res *acquire(void) {
    res *r = malloc(sizeof *r);
    if (!r || acquired == MAX_RESOURCES)
        abort();
    r->id = acquired++;
    return r;
}

static void release(res **r) {
    if (!*r)
        return;
    int n = ++releases[(*r)->id];
    released_once += n == 1;
    released_twice += n > 1;
    if (n == 1)
        free(*r);
}

#define SCOPED __attribute__((cleanup(release)))

/* ---- polled(fu, k): runs the future fu for at most k polls; 1 if it finished, else
 * 0 after dropping it. */

typedef struct polled_frame {
    ac_future fu;
    int left;
} polled_frame;

static inline void polled_init(polled_frame *self, ac_future fu, int k) {
    self->fu = fu;
    self->left = k;
}

static inline ac_poll polled_poll(polled_frame *self, ac_cx *cx, int *out) {
    self->left--;
    if (self->fu.vt->poll(&self->fu.frame, cx, NULL) == AC_READY) {
        *out = 1;
        return AC_READY;
    }
    if (self->left > 0)
        return AC_PENDING;
    self->fu.vt->drop(&self->fu.frame); /* the cancellation under test */
    *out = 0;
    return AC_READY;
}

static inline void polled_drop(polled_frame *self) {
    self->fu.vt->drop(&self->fu.frame);
}

async int polled(ac_future fu, int k);

/* ---- the program --------------------------------------------------------------------- */

static ac_fd *quiet_pipe; /* nobody writes it: a read parks until dropped */

async int step(int times) {
    SCOPED res *s = acquire();
    return await(pending(times, times + s->id * 0));
}

async int worker(int times) {
    SCOPED res *w = acquire();
    int v = await(step(times));
    {
        SCOPED res *inner = acquire();
        v += await(step(1));
    }
    return v;
}

async int program(void) {
    SCOPED res *a = acquire();
    int v = await(step(1));
    {
        SCOPED res *b = acquire();
        char buf[4];
        ssize_t n = 0;
        ac_select(ac_on(&n, ac_fd_read(quiet_pipe, buf, sizeof buf)), ac_on(&v, worker(2)));
        await(ac_sleep_ms(1));
    }
    for (int i = 0; i < 2; i++) {
        SCOPED res *c = acquire();
        v += await(step(i + 1));
    }
    int w = 0;
    ac_join_all(ac_on(&v, worker(1)), ac_on(&w, worker(3)));
    return v + w;
}

async int limited(int k) {
    return await(polled(ac_future_of(program()), k));
}

int main(void) {
    int fds[2];
    ac_fd in;
    if (pipe2(fds, O_CLOEXEC) != 0 || ac_fd_open(&in, fds[0]) != 0)
        return 1;
    quiet_pipe = &in;
    int finished = 0, k = 1, failures = 0;
    for (; !finished && k < 200; k++) {
        acquired = released_once = released_twice = 0;
        for (int i = 0; i < MAX_RESOURCES; i++)
            releases[i] = 0;
        finished = ac_block_on(limited(k));
        failures += acquired != released_once || released_twice != 0;
        if (acquired != released_once || released_twice != 0)
            printf("k = %d: %d acquired, %d released once, %d released twice\n", k, acquired,
                   released_once, released_twice);
    }
    printf("finished after %d polls; cancelled after each of the %d before: %s\n", k - 1, k - 2,
           failures == 0 ? "every resource released exactly once" : "FAILED");
    printf("parked readers left on the pipe: %d\n", in.readers.head != NULL);
    ac_fd_close(&in);
    close(fds[1]);
    return failures != 0;
}
