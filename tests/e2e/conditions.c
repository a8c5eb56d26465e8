/* conditions.c - awaits in the conditions of if, else-if chains, while, do-while and
 * switch, and in the init, condition and step of for loops; `continue` must still
 * run the step (for) or evaluate the condition again, await included (while,
 * do-while), and `break` must leave the loop it is written in.
 *
 * check() prints as it runs, so the output shows every evaluation of a condition. */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

/* v, announced, after (v + k) % 3 suspensions (k varies the resume paths). */
async int check(int v, int k) {
    printf(" c%d", v);
    return await(pending((v + k) % 3, v));
}

/* Up to `chunk` of what is left in *left, taken from it. */
async int read_some(int *left, int chunk) {
    int n = *left < chunk ? *left : chunk;
    await(pending(n % 2, 0));
    *left -= n;
    return n;
}

async int branches(int x) {
    int r = 0;
    printf("branches(%d):", x);
    if (await(check(x, 0)) > 1)
        r += 1;
    if (await(check(x, 1)) == 0)
        r += 10;
    else if (await(check(x + 1, 1)) == 2)
        r += 20;
    else if (x > 3 && await(check(x + 2, 2)) > 5)
        r += 30;
    else
        r += 40;
    switch (await(check(x % 3, 2))) {
    case 0:
        r += 100;
        break;
    case 1:
        r += 200;
        /* fall through */
    default:
        r += 300;
    }
    printf(" -> %d\n", r);
    return r;
}

/* The common shape: read until nothing is left. */
async int drain(int total, int chunk) {
    int left = total, n, got = 0, rounds = 0;
    while ((n = await(read_some(&left, chunk))) > 0) {
        got += n;
        rounds++;
    }
    printf("drain(%d, %d) got %d in %d rounds\n", total, chunk, got, rounds);
    return got * 10 + rounds;
}

async int while_loops(int n) {
    int i = 0, sum = 0;
    printf("while(%d):", n);
    while (await(check(i, 0)) < n) {
        i++;
        if (i == 2)
            continue;
        if (i > 6)
            break;
        sum += i;
    }
    int j = 0;
    while (j < n && await(check(100 + j, 1)) != 102) {
        j++;
        if (j % 2)
            continue;
        sum += 10;
    }
    printf(" -> i %d j %d sum %d\n", i, j, sum);
    return sum;
}

async int do_loops(int n) {
    int i = 0, sum = 0;
    printf("do(%d):", n);
    do {
        i++;
        if (i == 2)
            continue;
        sum += i;
        if (sum > 20)
            break;
    } while (await(check(i, 2)) < n);
    /* continue inside a switch belongs to the loop */
    int k = 0;
    do {
        switch (k++) {
        case 1:
            continue;
        case 3:
            break;
        default:
            sum += 100;
        }
        sum += 1000;
    } while (await(check(50 + k, 0)) < 50 + n);
    printf(" -> i %d k %d sum %d\n", i, k, sum);
    return sum;
}

async int for_loops(int n) {
    int sum = 0;
    printf("for(%d):", n);
    for (int i = await(check(0, 1)); i < n; i++)
        sum += i;
    int j;
    for (j = await(check(1, 1)) + 1; j < n; j++)
        sum += j * 10;
    for (int i = 0; i < await(check(n, 2)) - 2; i++) {
        if (i == 1)
            continue;
        sum += 100;
    }
    for (int i = 0; i < n; i += await(check(1, 0))) {
        if (i == 2)
            continue;
        if (i == 4)
            break;
        sum += 1000;
    }
    for (int i = await(check(2, 2)), m = i * 2; i < m && await(check(i, 0)) != 3;
         i = await(check(i + 1, 1))) {
        if (i == 2)
            continue;
        sum += 10000;
    }
    for (;;) {
        if (await(check(sum % 7, 0)) >= 0)
            break;
    }
    printf(" -> %d\n", sum);
    return sum;
}

/* Loops with awaits in their heads inside each other; continue and break at each level. */
async int nested(int n) {
    int sum = 0;
    printf("nested(%d):", n);
    for (int i = 0; i < n; i = i + await(check(1, i))) {
        int j = 0;
        while (await(check(j, i)) < i) {
            j++;
            int k = 0;
            do {
                k++;
                if (k == 2)
                    continue;
                if (j == 3)
                    break;
                sum += i * 100 + j * 10 + k;
            } while (await(check(k, j)) < 3);
            if (j == 1)
                continue;
            sum += 1;
        }
        if (i == 3)
            continue;
        sum += 1000;
    }
    printf(" -> %d\n", sum);
    return sum;
}

async int run(void) {
    int r = 0;
    for (int x = 0; x < 6; x++)
        r += await(branches(x));
    r += await(drain(0, 4));
    r += await(drain(10, 3));
    r += await(drain(9, 9));
    r += await(while_loops(4));
    r += await(while_loops(0));
    r += await(do_loops(5));
    r += await(do_loops(0));
    r += await(for_loops(5));
    r += await(for_loops(2));
    r += await(nested(4));
    return r;
}

int main(void) {
    int r = ac_block_on(run());
    printf("result %d\n", r);
    return 0;
}
