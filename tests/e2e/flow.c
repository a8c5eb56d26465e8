/* flow.c - control flow around awaits inside expressions: switch with awaits in its
 * cases and fall-through (a case whose statement becomes several), goto forward and
 * backward, into and out of blocks and loops, a label on a statement that awaits,
 * case labels inside loops that await in their conditions,
 * early returns from deep nesting, and loops nested several deep with awaits in
 * their heads and bodies at several depths. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

/* v, after (v + k) % 3 suspensions. */
async int at(int v, int k) {
    return await(pending((v + k) % 3, v));
}

async int cases(int op) {
    int r = 0;
    switch (op) {
    case 0:
        r = await(at(op, 1)) + 1;
        break;
    case 1:
        r += 2 * await(at(op, 2));
        /* fall through */
    case 2: {
        int t = await(at(op, 0)) + await(at(op, 1));
        r += t;
    }
        /* fall through */
    case 3:
        r = r * 10 + (op == 3 ? await(at(7, 0)) : 1);
        break;
    default:
        switch (await(at(op % 2, 2))) {
        case 0:
            r = -await(at(op, 0));
            break;
        default:
            r = await(at(op, 1)) * 100;
        }
    }
    printf("cases(%d) = %d\n", op, r);
    return r;
}

/* A retry loop written with goto, a label on an awaiting statement, jumps into and
 * out of blocks. */
async int jumps(int n) {
    int tries = 0, total = 0;
again:
    total += await(at(tries, 0)) * 2 + 1;
    if (++tries < n)
        goto again;
    if (total > 10)
        goto big;
    {
        int inner = await(at(total, 1));
        total += inner;
    big:
        total += await(at(1, 2)) + 1;
    }
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++) {
            if (await(at(i * j, j)) > 6)
                goto out;
            total += j;
        }
    }
out:
    printf("jumps(%d) tries %d total %d\n", n, tries, total);
    return total;
}

/* Case labels inside loops whose conditions await (Duff's device): entering at a case
 * runs the rest of the body, then the condition. */
async int duff(int count) {
    int copied = 0, n = (count + 3) / 4;
    switch (count % 4) {
    case 0:
        do {
            copied += await(at(1, copied));
            /* fall through */
        case 3:
            copied += await(at(1, copied));
            /* fall through */
        case 2:
            copied += await(at(1, copied));
            /* fall through */
        case 1:
            copied += await(at(1, copied));
        } while (await(at(--n, 0)) > 0);
    }
    int rounds = 0;
    switch (count % 2) {
    case 0:
        while (await(at(rounds, 1)) < 3) {
        case 1:
            rounds++;
        }
    }
    printf("duff(%d) copied %d rounds %d\n", count, copied, rounds);
    return copied + rounds;
}

/* Returns from three loops deep, with an await in the returned expression. */
async int search(int want) {
    for (int i = 0; i < 4; i++) {
        int j = 0;
        while (j < 4) {
            int k = 0;
            do {
                if (await(at(i * 16 + j * 4 + k, k)) == want)
                    return await(at(i, 0)) * 100 + j * 10 + k + (want > 40 ? await(at(1, 1)) : 0);
                k++;
            } while (k < 4);
            j++;
        }
    }
    return -1;
}

/* Four levels, an await at each level and in each loop head. */
async long deep(int n) {
    long check = 0;
    for (int a = 0; a < n; a += await(at(1, a))) {
        check = check * 3 + await(at(a, 0));
        int b = 0;
        while (b < await(at(n - a, b))) {
            check += await(at(b, 1));
            for (int c = await(at(0, b)); c < 2; c++) {
                int d = 0;
                do {
                    check = check * 7 % 1000003 + await(at(a + b + c + d, d));
                    if (d == 1 && c == 1)
                        break;
                } while (++d < await(at(2, a)));
                if (b == 2)
                    continue;
                check += 5;
            }
            b++;
        }
    }
    printf("deep(%d) = %ld\n", n, check);
    return check;
}

async long run(void) {
    long r = 0;
    for (int op = 0; op < 6; op++)
        r += await(cases(op));
    for (int count = 1; count < 9; count++)
        r += await(duff(count));
    r += await(jumps(2));
    r += await(jumps(5));
    for (int want = 0; want < 70; want += 13) {
        int found = await(search(want));
        printf("search(%d) = %d\n", want, found);
        r += found;
    }
    r += await(deep(3));
    return r;
}

int main(void) {
    long r = ac_block_on(run());
    printf("result %ld\n", r);
    return 0;
}
