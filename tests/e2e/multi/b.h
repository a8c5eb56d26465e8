/* b.h - the async functions of b.c, awaited, spawned, blocked on and made futures of
 * in a.c, and one of a.c's, awaited in b.c. Nothing here but prototypes: the frames
 * of these functions are complete only in the file that defines them, so the other
 * file boxes them (grammar/abi.md, section 8). */
#ifndef E2E_MULTI_B_H
#define E2E_MULTI_B_H

#include <asyncc.h>

struct tally {
    int calls;
    long total;
};

/* x * x, after suspending `x % 3` times. */
async int square_later(int x);
/* Adds v to t after a yield. */
async void tally_add(struct tally *t, int v);
/* The sum of square_later(1..n): awaits within b.c. */
async long sum_squares_to(int n);
/* A tally of n calls of tally_add, returned by value. */
async struct tally tally_of(int n);
/* Sleeps ms milliseconds, then returns ms. */
async int linger(int ms);

/* ping (b.c) and pong (a.c) await each other across the two files: boxed frames
 * make such a recursion possible (its depth is bounded by n). */
async int ping(int n);
async int pong(int n);

#endif
