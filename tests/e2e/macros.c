/* macros.c - the preprocessor inside async functions (grammar/constructs.md cites
 * this file): #define, #undef and #pragma push_macro / pop_macro lines between the
 * statements of a body, a macro that stringifies a local kept in the frame, a
 * function-like macro in a condition, and awaits in macro arguments and bodies.
 * Also C text itself: '$' in identifiers (a GNU extension gcc and clang accept). */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

#define SCALE 2

/* The directives of a body take effect where they stand, across awaits. */
async int directives(int v) {
    int r = v * SCALE;
    await(pending(v % 3, 0));
#undef SCALE
#define SCALE 10
    r += v * SCALE;
#pragma push_macro("SCALE")
#undef SCALE
#define SCALE 100
    r += await(pending(1, v)) * SCALE;
#pragma pop_macro("SCALE")
    r += v * SCALE;
    return r;
}

int after_directives(int v) {
    return v * SCALE; /* the body's last definition, as in the source */
}

/* A local in the frame, stringified: the string keeps its name. */
#define show(x) printf("%s=%d\n", #x, x)
#define pasted(a, b) a##b
#define LOG(fmt, ...) printf(fmt "\n", ##__VA_ARGS__)
#define LOG_GNU(fmt, args...) printf(fmt "\n", ##args)

async int stringified(int v) {
    int vw = v * 3;
    await(pending(v % 2 + 1, 0));
    show(v);
    show(vw + v);
    show(v + (int)sizeof "a\"b\\");
    printf("%d\n", pasted(v, w));
    LOG("v=%d vw=%d", v, vw);
    LOG("none");
    LOG_GNU("gnu %d %d", v, vw);
    return v;
}

/* A function-like macro whose expansion mixes its tokens with the operators around
 * it (no parentheses), with and without an await in the function. */
#define SUM3(a, b, c) a + b + c

async int spread(int x) {
    int r = 0;
    if (SUM3(1, 2, 3) != 6)
        r += 100;
    await(pending(x % 3, 0));
    if (SUM3(1, 2, x) != 6)
        r += 10;
    r += SUM3(x, x, 1) * 2;
    return r;
}

/* Awaits in the arguments and in the bodies of macros. */
#define TRY(e)                                                                                     \
    do {                                                                                           \
        int r_ = (e);                                                                              \
        if (r_ < 0)                                                                                \
            return r_;                                                                             \
    } while (0)
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define BOTH(a, b) ((a) && (b))
#define NEXT(v) await(pending(1, v))
#define TWICE(stmt)                                                                                \
    do {                                                                                           \
        stmt;                                                                                      \
        stmt;                                                                                      \
    } while (0)
#define TWICE_TOTAL (total * 2)

async int step(int v) {
    return await(pending(v % 3, v));
}

async int awaits_in_macros(int v) {
    int total = 0;
    TRY(await(step(v)));
    total += MAX(await(step(v)), 2);
    total += BOTH(v, await(step(v + 1)));
    total += NEXT(v + 4);
    TWICE(total += await(step(1)));
    TRY(await(step(-v)));
    return total + 1000;
}

async int total_in_macro(int v) {
    int total = v + 5;
    await(pending(2, 0));
    return TWICE_TOTAL;
}

/* Not alloca: '$' is part of the name. */
static char *my$alloca(int n) {
    static char buf[64];
    return n < (int)sizeof buf ? buf : NULL;
}

async int dollar(int v) {
    char *buf = my$alloca(16);
    int n = snprintf(buf, 16, "d%d", v);
    await(pending(v % 2 + 1, 0));
    printf("%s %d\n", buf, n);
    return n;
}

async int run(void) {
    int r = await(directives(1)) + await(directives(2));
    r += after_directives(3);
    r += await(stringified(4));
    r += await(spread(3)) + await(spread(4));
    printf("awaits_in_macros %d %d\n", await(awaits_in_macros(3)), await(awaits_in_macros(0)));
    r += await(total_in_macro(2));
    r += await(dollar(7));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
