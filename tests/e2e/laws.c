/* laws.c - the formal core of docs/formal.md, run: await behaves as the bind of a monad.
 *
 *   left identity   await(f(await(pure(x))))          ==  await(f(x))
 *   right identity  await(pure(await(m(x))))          ==  await(m(x))
 *   associativity   await(g(await(f(await(m(x))))))   ==  await(fg(await(m(x))))
 *                   where fg(y) = await(g(await(f(y))))
 *
 * Each side runs with futures that are ready at once and with futures that suspend
 * (yield, sleep) on the way, so "equal" covers the value and the order of every effect
 * (the trace), interleaved with a bystander task. The program compares the two sides of
 * each law itself and prints the verdicts and values, which e2e.laws compares with the
 * sequential program's: plain C, where await(e) is e and the laws hold by substitution.
 * (The traces themselves differ between the two builds: in plain C a spawned task runs
 * to its end at once, so the bystander's turns come first.) LAWS_TRACE=1 prints both
 * traces of every case on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asyncc.h>

static char trace[512];

static void note(const char *what, int v) {
    size_t used = strlen(trace);
    snprintf(trace + used, sizeof trace - used, "%s%d ", what, v);
}

/* How a future gets to its value: 0 at once, 1 after a yield, 2 after a 1 ms sleep. */
static int mode;

async void settle(void) {
    if (mode == 1)
        await(ac_yield());
    else if (mode == 2)
        await(ac_sleep_ms(1));
}

async int pure(int x) {
    return x;
}

async int m(int x) {
    note("m", x);
    await(settle());
    return x + 1;
}

async int f(int y) {
    note("f", y);
    await(settle());
    return y * 3;
}

async int g(int y) {
    await(settle());
    note("g", y);
    return y - 7;
}

async int fg(int y) {
    return await(g(await(f(y))));
}

async int left_identity_lhs(int x) {
    return await(f(await(pure(x))));
}
async int left_identity_rhs(int x) {
    return await(f(x));
}
async int right_identity_lhs(int x) {
    return await(pure(await(m(x))));
}
async int right_identity_rhs(int x) {
    return await(m(x));
}
async int assoc_lhs(int x) {
    return await(g(await(f(await(m(x))))));
}
async int assoc_rhs(int x) {
    return await(fg(await(m(x))));
}

/* Run one side as a spawned task beside a bystander task that notes each of its
 * turns, so that suspending sides interleave with it: equal sides interleave alike. */
async int bystander(int turns) {
    for (int i = 0; i < turns; i++) {
        note("b", i);
        await(ac_yield());
    }
    return turns;
}

async int run_lhs(int law, int x) {
    ac_task *b = ac_spawn(bystander(3));
    int v = law == 0   ? await(left_identity_lhs(x))
            : law == 1 ? await(right_identity_lhs(x))
                       : await(assoc_lhs(x));
    int turns = 0;
    await(ac_join(b, &turns));
    return v * 10 + turns;
}

async int run_rhs(int law, int x) {
    ac_task *b = ac_spawn(bystander(3));
    int v = law == 0   ? await(left_identity_rhs(x))
            : law == 1 ? await(right_identity_rhs(x))
                       : await(assoc_rhs(x));
    int turns = 0;
    await(ac_join(b, &turns));
    return v * 10 + turns;
}

static const char *const law_names[] = {"left identity", "right identity", "associativity"};

int main(void) {
    int failed = 0;
    for (int law = 0; law < 3; law++)
        for (mode = 0; mode < 3; mode++)
            for (int x = -2; x <= 5; x += 7) {
                char lhs_trace[sizeof trace];
                trace[0] = '\0';
                int lhs = ac_block_on(run_lhs(law, x));
                strcpy(lhs_trace, trace);
                trace[0] = '\0';
                int rhs = ac_block_on(run_rhs(law, x));
                int same = lhs == rhs && strcmp(lhs_trace, trace) == 0;
                if (getenv("LAWS_TRACE"))
                    fprintf(stderr, "[%s] [%s]\n", lhs_trace, trace);
                printf("%s, mode %d, x=%d: %s (%d)\n", law_names[law], mode, x,
                       same ? "holds" : "BROKEN", lhs);
                if (!same)
                    fprintf(stderr, "  lhs %d [%s]\n  rhs %d [%s]\n", lhs, lhs_trace, rhs, trace);
                failed += !same;
            }
    printf("%d of 18 cases broken\n", failed);
    return failed != 0;
}
