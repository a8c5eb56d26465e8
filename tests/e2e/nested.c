/* nested.c - an await in the argument of another await, in an operand that C may
 * skip: a branch of ?:, the right side of && or ||. The skipped await must not run.
 * (libclang ends such an argument's extent where the inner await's name starts;
 * asyncc once missed the operator there and lifted the inner await out, so that it
 * always ran. Found by the differential tester, seed 2026 level 2, programs 387,
 * 432 and 837.)
 *
 * probe() prints as it runs, so the output shows every await that is evaluated. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

/* v, announced, after v % 3 suspensions. */
async unsigned probe(unsigned v) {
    printf(" p%u", v);
    return (unsigned)await(pending((int)(v % 3u), (int)v));
}

/* The argument ends with the await of the branch not taken. */
async unsigned in_cond(unsigned i) {
    unsigned r = await(probe((!(i > 5u)) ? i : await(probe(100u + i))));
    r += await(probe((i > 5u) ? await(probe(200u + i)) : i + 1u));
    r += await(probe(i < 3u ? i + 2u : (unsigned)await(probe(300u + i))));
    return r;
}

/* The argument ends with the right operand of && or ||. */
async unsigned in_logic(unsigned i) {
    unsigned r = await(probe(i > 5u && await(probe(400u + i))));
    r += await(probe((i < 5u || await(probe(500u + i)))));
    r += await(probe(i < 3u && (unsigned)await(probe(600u + i)) > 1u));
    return r;
}

async unsigned run(void) {
    unsigned sum = 0u;
    for (unsigned i = 1u; i < 8u; i += 3u) {
        printf("i=%u cond:", i);
        sum += await(in_cond(i));
        printf("\ni=%u logic:", i);
        sum += await(in_logic(i));
        printf("\n");
    }
    return sum;
}

int main(void) {
    printf("sum %u\n", ac_block_on(run()));
    return 0;
}
