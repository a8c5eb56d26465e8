/* cleanup.c - locals with __attribute__((cleanup(fn))) in async functions, against the
 * sequential meaning (where the compiler calls the cleanups): each cleanup runs once,
 * in reverse order of declaration, when its scope ends - at the end of its block, at a
 * break, continue, goto or return that leaves it - however many awaits its scope
 * holds. Every acquisition and release is printed. What a drop releases is in
 * cancel_cleanup.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asyncc.h>

#include "pending.h"

typedef struct res {
    char name[16];
} res;

static res *acquire(const char *name) {
    res *r = malloc(sizeof *r);
    if (!r)
        abort();
    snprintf(r->name, sizeof r->name, "%s", name);
    printf("  acquire %s\n", name);
    return r;
}

static void release(res **r) {
    printf("  release %s\n", *r ? (*r)->name : "(none)");
    free(*r);
}

/* unused: a variable only its cleanup reads is no mistake here */
#define SCOPED __attribute__((cleanup(release), unused))

async int step(int v) {
    return await(pending(v % 2, v));
}

async res *nothing_yet(void) {
    await(ac_yield());
    return NULL;
}

async int nested(void) {
    SCOPED res *outer = acquire("outer");
    int total = await(step(1));
    {
        res *inner __attribute__((__cleanup__(release), unused)) = acquire("inner");
        total += await(step(2));
        SCOPED res *none = NULL;
        total += await(step(3)) + (none == NULL);
    }
    SCOPED res *last = acquire("last");
    total += await(step(4));
    return total + (int)strlen(outer->name) + (int)strlen(last->name);
}

/* The return value is read before the cleanups run. */
async int returns(int which) {
    SCOPED res *a = acquire("a");
    await(step(which));
    if (which == 1) {
        SCOPED res *b = acquire("b");
        await(step(1));
        return (int)strlen(b->name) + 10;
    }
    SCOPED res *c = acquire("c");
    return await(step(which + 20)) + (int)strlen(c->name) + (int)strlen(a->name);
}

async int loops(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        SCOPED res *it = acquire(i % 2 ? "odd" : "even");
        sum += await(step(i));
        if (i == 1)
            continue;
        if (i == 3)
            break;
        sum += await(step(10));
    }
    int k = 0;
    while (await(step(k)) < 2) { /* an await in the condition */
        SCOPED res *w = acquire("while");
        k++;
        if (k == 1)
            continue;
        sum += await(step(k));
    }
    do {
        SCOPED res *d = acquire("do");
        sum += await(step(k));
        k++;
        if (k == 3)
            continue; /* the cleanup runs before the condition */
    } while (await(step(k)) < 4);
    for (SCOPED res *f = acquire("for"); k < 6; k++)
        sum += await(step(k));
    return sum;
}

async int jumps(int x) {
    int n = 0;
again : {
    SCOPED res *g = acquire("goto");
    n += await(step(x));
    if (n < 3)
        goto again;
}
    switch (x) {
    case 1: {
        SCOPED res *s = acquire("case");
        n += await(step(5));
        if (n > 0)
            break;
        n = -100;
    }
    /* fall through */
    default:
        n += 1000;
    }
    return n;
}

/* The value of an await as a cleanup variable's initializer, and a select in the
 * scope of one. */
async int initialized(void) {
    SCOPED res *r = await(nothing_yet());
    int v = 0;
    {
        SCOPED res *sel = acquire("select");
        ac_select(ac_on(&v, step(7)), ac_on_done(ac_sleep_ms(200)));
    }
    return v + (r == NULL);
}

/* No await at all: the compiler keeps calling the cleanup. */
async int plain(void) {
    SCOPED res *p = acquire("plain");
    return (int)strlen(p->name);
}

async int run(void) {
    printf("nested: %d\n", await(nested()));
    printf("returns(1): %d\n", await(returns(1)));
    printf("returns(2): %d\n", await(returns(2)));
    printf("loops: %d\n", await(loops(5)));
    printf("jumps(1): %d\n", await(jumps(1)));
    printf("initialized: %d\n", await(initialized()));
    printf("plain: %d\n", await(plain()));
    return 0;
}

int main(void) {
    return ac_block_on(run());
}
