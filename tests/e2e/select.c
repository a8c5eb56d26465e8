/* select.c - ac_select, ac_select_biased, ac_join_all, ac_try_join, ac_timeout and
 * ac_timeout_at through asyncc against their sequential meaning. Every select here is
 * won by its first ok branch in source order (the others wait longer or are disabled),
 * every try-join fails at its first branch or not at all, and a timeout fires only
 * when its branch is not ok, so the plain-C build (branches one after the other) is
 * the oracle. The branches are user async functions, pending (n suspensions), sleeps
 * and reads of pipes whose data is waiting. What depends on timing (a timeout firing,
 * losers dropped at their suspension point, fairness) is in select_cancel.c. */
#define _GNU_SOURCE 1 /* pipe2 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ac_io.h>
#include <ac_time.h>
#include <asyncc.h>

#include "pending.h"

async int after(int ms, int value) {
    await(ac_sleep_ms((uint64_t)ms));
    return value;
}

/* A select in a function awaited as a branch of another select. */
async int first_of(int times, int value) {
    int got = 0;
    int won = ac_select(ac_on(&got, pending(times, value)), ac_on_done(after(500, 0)));
    return won == 0 ? got : -100;
}

async void winners(void) {
    int a = 0, b = 0;
    switch (ac_select(ac_on(&a, pending(0, 1)), ac_on(&b, after(300, 2)))) {
    case 0:
        printf("ready branch won: a=%d b=%d\n", a, b);
        break;
    case 1:
        printf("sleeping branch won\n");
        break;
    }
    /* the second branch wins once the first is disabled */
    int w = ac_select(ac_on_if(&a, pending(0, -1), a >= 0), ac_on(&b, after(5, 9)));
    printf("disabled first: %d a=%d b=%d\n", w, a, b);
    /* every branch disabled: the else */
    w = ac_select(ac_on_if(&a, pending(2, -3), a >= 0), ac_on_if(&b, pending(1, -4), b >= 0));
    printf("all disabled: %s a=%d b=%d\n", w == AC_NONE ? "AC_NONE" : "a branch", a, b);
    /* void calls, a result dropped, one callee twice, an argument that awaits */
    w = ac_select_biased(ac_on_done(pending(0, 5)), ac_on_done(ac_sleep_ms(400)),
                         ac_on(&a, pending(0, await(pending(1, 6)))));
    printf("dropped result: %d a=%d\n", w, a);
    w = ac_select(ac_on(&a, first_of(0, 11)), ac_on(&b, first_of(2, 12)), ac_on_done(ac_yield()));
    printf("nested: %d a=%d\n", w, a);
}

struct pair {
    int x, y;
};

/* Destinations are evaluated once, when the form starts: arr[i++] moves i once. */
async void destinations(int *out) {
    int arr[3] = {0, 0, 0}, i = 1;
    struct pair p = {0, 0};
    int limit = 10;
    ac_join_all(ac_on(&arr[i++], pending(2, 7)), ac_on(&p.y, pending(1, 8)),
                ac_on(out, after(3, 4)));
    printf("arr = %d %d %d, i = %d, p.y = %d, *out = %d\n", arr[0], arr[1], arr[2], i, p.y, *out);
    /* a condition that reads a local: it lives across the suspension */
    int w = ac_select_biased(ac_on_if(&p.x, pending(1, 20), p.x < limit), ac_on(&p.y, after(5, 3)));
    printf("condition on a local: %d p = %d %d\n", w, p.x, p.y);
}

/* The forms in expressions: conditions, returns, compound assignments, loops. */
async int expressions(int x) {
    int v = 0, total = 0;
    if (ac_select(ac_on(&v, pending(1, x)), ac_on_done(after(300, 0))) == 0 && v == x)
        total += v;
    total += 10 * ac_select_biased(ac_on_if(&v, pending(0, x), v < 0), ac_on(&v, pending(2, 1)));
    int rounds = 0;
    while (ac_select_biased(ac_on_if(&v, pending(rounds % 2, rounds), v < 3),
                            ac_on_done(after(30, 0))) != 1)
        rounds++;
    total += 100 * rounds;
    return total + ac_try_join(ac_on_if(&v, pending(1, x), v > 0), ac_on(&v, pending(0, 2)));
}

async void joins(void) {
    int a = 0, b = 0, c = 0;
    ac_join_all(ac_on(&a, after(10, 1)), ac_on(&b, pending(3, 2)), ac_on_done(ac_sleep_ms(5)),
                ac_on(&c, first_of(1, 3)));
    printf("join_all: %d %d %d\n", a, b, c);
    a = b = c = 0;
    int failed = ac_try_join(ac_on_if(&a, after(5, 1), a > 0), ac_on_if(&b, pending(2, 2), b > 0),
                             ac_on_if(&c, pending(0, 3), c > 0));
    printf("try_join all ok: %s %d %d %d\n", failed == AC_NONE ? "AC_NONE" : "failed", a, b, c);
    a = b = c = 0;
    /* the first branch fails at once: the others never finish */
    failed = ac_try_join(ac_on_if(&a, pending(0, -1), a > 0), ac_on_if(&b, pending(1, 2), b > 0),
                         ac_on_if(&c, after(300, 3), c > 0));
    printf("try_join failed at %d: %d %d %d\n", failed, a, b, c);
}

async void timeouts(void) {
    int v = 0;
    int rc = ac_timeout(1000, ac_on(&v, after(5, 42)));
    printf("timeout in time: %d v=%d\n", rc, v);
    rc = ac_timeout_at(ac_now_ns() + 1000000000, ac_on(&v, pending(2, 8)));
    printf("timeout_at in time: %d v=%d\n", rc, v);
    /* a branch that is not ok leaves the timer alone: it times out */
    rc = ac_timeout(10, ac_on_if(&v, pending(1, -1), v >= 0));
    printf("not ok: %s v=%d\n", rc == AC_TIMED_OUT ? "AC_TIMED_OUT" : "in time", v);
}

/* Two pipes read with a biased select: the first while it has data, then the second;
 * a read at end of stream (0 bytes) disables its branch, and when both are at end the
 * select takes its else. */
async int pipes(void) {
    int p[2], q[2];
    if (pipe2(p, O_CLOEXEC) != 0 || pipe2(q, O_CLOEXEC) != 0)
        return 1;
    if (write(p[1], "abcdef", 6) != 6 || write(q[1], "XYZ", 3) != 3)
        return 1;
    close(p[1]);
    close(q[1]);
    ac_fd in1, in2;
    if (ac_fd_open(&in1, p[0]) != 0 || ac_fd_open(&in2, q[0]) != 0)
        return 1;
    char b1[4], b2[2];
    ssize_t n1 = 0, n2 = 0;
    for (;;) {
        int w = ac_select_biased(ac_on_if(&n1, ac_fd_read(&in1, b1, sizeof b1), n1 > 0),
                                 ac_on_if(&n2, ac_fd_read(&in2, b2, sizeof b2), n2 > 0));
        if (w == AC_NONE)
            break;
        if (w == 0)
            printf("pipe 1: %.*s\n", (int)n1, b1);
        else
            printf("pipe 2: %.*s\n", (int)n2, b2);
    }
    printf("both at end of stream: %zd %zd\n", n1, n2);
    ac_fd_close(&in1);
    ac_fd_close(&in2);
    return 0;
}

async int worker(int id) {
    int v = 0;
    ac_select_biased(ac_on(&v, pending(id, id * 100)), ac_on_done(after(300, 0)));
    return v;
}

async int run(void) {
    await(winners());
    int out = 0;
    await(destinations(&out));
    printf("expressions: %d %d\n", await(expressions(4)), await(expressions(-4)));
    await(joins());
    await(timeouts());
    if (await(pipes()) != 0)
        return 1;
    /* in spawned tasks */
    ac_task *t1 = ac_spawn(worker(1)), *t2 = ac_spawn(worker(2));
    int r1 = 0, r2 = 0;
    await(ac_join(t1, &r1));
    await(ac_join(t2, &r2));
    printf("workers: %d %d\n", r1, r2);
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
