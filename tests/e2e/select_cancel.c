/* select_cancel.c - what a select, join or timeout does to the branches it does not
 * wait for, and what depends on timing, checked as properties of the transformed
 * program alone (select.c compares with the sequential meaning):
 *   - each loser is dropped once, where it stopped, and a finished branch never;
 *   - a caller dropped inside a form drops every branch still running;
 *   - a timeout that fires drops its call: a read parked on a pipe leaves the pipe's
 *     waiters, a sleep's timer leaves the timer wheel, so nothing wakes the task after
 *     they are gone (a root awaiting a frame that never wakes is then a deadlock at
 *     once, not a wait for a stale timer or descriptor);
 *   - ac_select starts at a random branch: of two branches always ready, each wins
 *     often; ac_select_biased always picks the first.
 * Built only through asyncc: probe is a leaf written by hand (grammar/abi.md, section 7)
 * that counts the drops of its frames. */
#define _GNU_SOURCE 1 /* pipe2 */

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <ac_io.h>
#include <ac_time.h>
#include <asyncc.h>

/* ---- probe(id, times, value): pending `times` polls (waking itself each time), then
 * value; times < 0: pending forever, never woken. Counts per id. */

enum { PROBES = 8 };
static int probe_drops[PROBES];    /* frames dropped before they finished */
static int probe_finished[PROBES]; /* frames that returned their value */

typedef struct probe_frame {
    int id, remaining, value;
    int done;
} probe_frame;

static inline void probe_init(probe_frame *self, int id, int times, int value) {
    *self = (probe_frame){id, times, value, 0};
}

static inline ac_poll probe_poll(probe_frame *self, ac_cx *cx, int *out) {
    if (self->remaining < 0)
        return AC_PENDING;
    if (self->remaining > 0) {
        self->remaining--;
        ac_wake(cx->task);
        return AC_PENDING;
    }
    self->done = 1;
    probe_finished[self->id]++;
    *out = self->value;
    return AC_READY;
}

static inline void probe_drop(probe_frame *self) {
    probe_drops[self->id] += !self->done;
    self->done = 1;
}

async int probe(int id, int times, int value);

static void probes_print(const char *what, int n) {
    printf("%s:", what);
    for (int i = 0; i < n; i++)
        printf(" %d/%d", probe_finished[i], probe_drops[i]);
    printf("\n");
    for (int i = 0; i < PROBES; i++)
        probe_finished[i] = probe_drops[i] = 0;
}

/* ---- losers ------------------------------------------------------------------------- */

async int selects_forever(void) {
    int v = 0;
    return ac_select(ac_on(&v, probe(0, -1, 1)), ac_on(&v, probe(1, -1, 2)));
}

async void losers(void) {
    int v = 0;
    int w = ac_select_biased(ac_on(&v, probe(0, 3, 10)), ac_on(&v, probe(1, 0, 11)),
                             ac_on(&v, probe(2, -1, 12)));
    probes_print("select won by 1 (finished/dropped per branch)", 3);
    printf("  winner %d, v = %d\n", w, v);
    int failed =
        ac_try_join(ac_on_if(&v, probe(0, 1, 5), v > 0), ac_on_if(&v, probe(1, 2, -5), v > 0),
                    ac_on_if(&v, probe(2, -1, 7), v > 0));
    probes_print("try_join failed at 1", 3);
    printf("  failed %d\n", failed);
    ac_join_all(ac_on(&v, probe(0, 2, 1)), ac_on(&v, probe(1, 0, 2)));
    probes_print("join_all", 2);
    int rc = ac_timeout(20, ac_on(&v, probe(0, -1, 1)));
    probes_print("timeout fired", 1);
    printf("  %s\n", rc == AC_TIMED_OUT ? "AC_TIMED_OUT" : "in time");
    /* the caller dropped while it waits in a select: both branches are dropped */
    rc = ac_timeout(20, ac_on(&v, selects_forever()));
    probes_print("caller dropped", 2);
}

/* ---- descriptors and timers --------------------------------------------------------- */

/* Reading a pipe nobody writes, bounded: the read is dropped, off the pipe's list. */
async int read_bounded(ac_fd *in, int writer) {
    char buf[16];
    ssize_t n = 0;
    int rc = ac_timeout(20, ac_on(&n, ac_fd_read(in, buf, sizeof buf)));
    printf("read: %s, parked readers left: %d\n", rc == AC_TIMED_OUT ? "AC_TIMED_OUT" : "in time",
           in->readers.head != NULL);
    rc = ac_timeout_at(ac_now_ns() + 20000000, ac_on(&n, ac_fd_read(in, buf, sizeof buf)));
    printf("read until a deadline: %s\n", rc == AC_TIMED_OUT ? "AC_TIMED_OUT" : "in time");
    /* the descriptor works on: data written now is read by a plain await */
    if (write(writer, "late", 4) != 4)
        return -1;
    n = await(ac_fd_read(in, buf, sizeof buf));
    printf("then read %zd bytes: %.*s\n", n, (int)n, buf);
    return 0;
}

/* After the form, the task waits on a frame that never wakes it: with nothing else
 * armed that is a deadlock, reported at once. A loser's timer or parked read left
 * behind would hold the loop instead (5 s, or forever). */
async int stuck_after_sleep_loser(void) {
    int v = 0;
    ac_select(ac_on(&v, probe(0, 0, 1)), ac_on_done(ac_sleep_ms(5000)));
    return await(probe(1, -1, 0));
}

async int stuck_after_read_loser(ac_fd *in) {
    char buf[4];
    ssize_t n = 0;
    ac_timeout(10, ac_on(&n, ac_fd_read(in, buf, sizeof buf)));
    return await(probe(1, -1, 0));
}

/* ---- fairness ------------------------------------------------------------------------ */

async void fairness(void) {
    int v = 0, fair[2] = {0, 0}, biased[2] = {0, 0};
    for (int i = 0; i < 2000; i++) {
        fair[ac_select(ac_on(&v, probe(0, 0, 0)), ac_on(&v, probe(1, 0, 1)))]++;
        biased[ac_select_biased(ac_on(&v, probe(0, 0, 0)), ac_on(&v, probe(1, 0, 1)))]++;
    }
    printf("fair: each branch won at least 700 of 2000: %s\n",
           fair[0] >= 700 && fair[1] >= 700 ? "yes" : "no");
    printf("biased: %d %d\n", biased[0], biased[1]);
}

async int run(ac_fd *in, int writer) {
    await(losers());
    if (await(read_bounded(in, writer)) != 0)
        return 1;
    await(fairness());
    return 0;
}

int main(void) {
    int fds[2];
    ac_fd in;
    if (pipe2(fds, O_CLOEXEC) != 0 || ac_fd_open(&in, fds[0]) != 0)
        return 1;
    if (ac_block_on(run(&in, fds[1])) != 0)
        return 1;
    uint64_t start = ac_now_ns();
    int r = ac_block_on(stuck_after_sleep_loser()) + ac_block_on(stuck_after_read_loser(&in));
    printf("deadlocks reported at once: %s (%d)\n", ac_now_ns() - start < 2000000000 ? "yes" : "no",
           r);
    ac_fd_close(&in);
    close(fds[1]);
    return 0;
}
