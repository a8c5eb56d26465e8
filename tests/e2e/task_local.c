/* task_local.c - <ac_local.h>: values bound over a scope and read by the code inside it,
 * compared with plain C: nested scopes and shadowing, across yields and sleeps, a break,
 * continue and return leaving a scope, a spawned task (which sees none of its
 * spawner's), two select branches bound in their own scopes (each sees its own; the
 * loser is dropped inside its scope), a task aborted inside a scope, a block_on inside
 * plain code's binding, and tasks moving between the workers of the multi-thread
 * runtime. */
#include <asyncc.h>

#include <ac_joinset.h>
#include <ac_local.h>
#include <ac_mt.h>

#include <stdio.h>

#include "two_workers.h"

static AC_LOCAL_KEY(request_id);
static AC_LOCAL_KEY(user);

/* An ordinary function: it reads what the code that calls it is inside. */
static void show(const char *where) {
    int *id = ac_local_get(&request_id);
    const char *name = ac_local_get(&user);
    printf("%s: request %d, user %s\n", where, id ? *id : -1, name ? name : "(none)");
}

static async int reader(const char *where) {
    await(ac_yield());
    show(where);
    await(ac_sleep_ms(1));
    show(where);
    return 0;
}

static async int nested(void) {
    show("outside");
    int outer = 1, inner = 2;
    {
        ac_local_scope(&request_id, &outer);
        await(reader("outer scope"));
        {
            ac_local_scope(&request_id, &inner); /* shadows outer */
            ac_local_scope(&user, "alice");
            await(reader("inner scope"));
        }
        await(ac_yield());
        show("outer again");
        for (int i = 0; i < 4; i++) {
            int step = 10 + i;
            ac_local_scope(&request_id, &step);
            await(ac_yield());
            if (i == 1)
                continue; /* leaves the scope */
            if (i == 3)
                break;
            show("loop");
        }
        show("after the loop");
    }
    show("outside again");
    return 0;
}

static async int returns_inside(int id) {
    ac_local_scope(&request_id, &id);
    await(ac_yield());
    if (id > 0)
        return id * 2; /* the value is read, then the scope ends */
    return 0;
}

static async int child(void) {
    show("spawned child");
    await(ac_yield());
    show("spawned child, resumed");
    return 7;
}

static async int spawner(void) {
    int id = 5;
    ac_local_scope(&request_id, &id);
    int doubled = await(returns_inside(21));
    printf("returned %d\n", doubled);
    show("after the return");
    ac_task *t = ac_spawn(child());
    int r = 0;
    await(ac_join(t, &r));
    show("spawner after the join");
    return r;
}

/* A select branch in its own scope, checking at every turn that it sees its own value
 * while the other branch runs in its own. */
static async int branch(int id, int rounds, int ms) {
    ac_local_scope(&request_id, &id);
    for (int i = 0; i < rounds; i++) {
        await(ac_yield());
        int *seen = ac_local_get(&request_id);
        if (!seen || *seen != id)
            printf("branch %d saw %d\n", id, seen ? *seen : -1);
    }
    await(ac_sleep_ms(ms));
    show("branch done");
    return id;
}

static async int selecting(void) {
    int id = 100;
    ac_local_scope(&request_id, &id);
    int a = 0, b = 0;
    int won = ac_select_biased(ac_on(&a, branch(1, 5, 0)), ac_on(&b, branch(2, 5, 200)));
    printf("select: branch %d won with %d\n", won, a);
    show("after the select"); /* the loser was dropped inside its scope */
    return won;
}

static async int stuck(int id) {
    ac_local_scope(&request_id, &id);
    await(ac_sleep_ms(20));
    return id;
}

static async int aborting(void) {
    int id = 300;
    ac_local_scope(&request_id, &id);
    ac_joinset set;
    ac_joinset_init(&set);
    ac_task *h = ac_spawn(stuck(301));
    ac_joinset_spawn(&set, h);
    await(ac_yield()); /* stuck enters its scope and sleeps */
    ac_joinset_abort(&set, h);
    int r = 0;
    int rc = await(ac_joinset_next(&set, &r));
    /* Dropped here, finished in plain C (where a spawn has run already). */
    printf("aborted task: %s\n", rc < 0 || r == 301 ? "ended" : "?");
    show("after the abort");
    ac_joinset_drop(&set);
    return 0;
}

static async int under_block_on(void) {
    show("root of a block_on");
    ac_task *t = ac_spawn(child());
    await(ac_join(t, NULL));
    show("root after its child");
    return 0;
}

/* On the workers: each task checks its value after every yield and sleep, wherever it
 * resumes. */
static async long hopper(int id) {
    ac_local_scope(&request_id, &id);
    long wrong = 0;
    for (int i = 0; i < 200; i++) {
        if (i % 50 == 0)
            await(ac_sleep_ms(1));
        else
            await(ac_yield());
        int *seen = ac_local_get(&request_id);
        wrong += !seen || *seen != id;
    }
    return wrong;
}

static async long fleet(int n) {
    int id = 1000;
    ac_local_scope(&request_id, &id);
    ac_task *t[32];
    for (int i = 0; i < n; i++)
        t[i] = ac_spawn(hopper(i));
    long wrong = 0, w = 0;
    for (int i = 0; i < n; i++)
        if (await(ac_join(t[i], &w)) == 0)
            wrong += w;
    int *seen = ac_local_get(&request_id);
    return wrong + (seen && *seen == id ? 0 : 1000);
}

int main(void) {
    ac_block_on(nested());
    printf("spawner: %d\n", ac_block_on(spawner()));
    printf("select: %d\n", ac_block_on(selecting()));
    ac_block_on(aborting());
    {
        int mid = 9;
        ac_local_scope(&request_id, &mid);
        ac_block_on(under_block_on());
        show("main inside its scope");
    }
    show("main");

    ac_runtime *rt = two_workers();
    if (!rt)
        return 1;
    long wrong = -1;
    if (ac_runtime_block_on(rt, ac_future_of(fleet(32)), &wrong) != 0)
        return 1;
    printf("multi-thread: 32 tasks, %ld wrong reads, shutdown %d\n", wrong,
           ac_runtime_shutdown(rt, 1000));
    return 0;
}
