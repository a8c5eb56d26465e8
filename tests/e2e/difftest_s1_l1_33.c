/* A program of tests/fuzz/difftest.sh (seed 1, level 1, program 33) that the frame
 * layout once got wrong: a union moved out of an alternative was put back twice (duplicate members). */
/* asyncc_gen --seed 1 --index 33 --level 1 */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static unsigned g_sum, g_calls;

static async int f0(unsigned a0, unsigned a1, unsigned a2);
static async unsigned f1(unsigned a0, unsigned a1);
static async unsigned f2(unsigned a0, unsigned a1);
async int f3(int a0, int a1, int a2);
async int f4(unsigned a0, unsigned a1);
static async unsigned f5(unsigned a0, int a1, int a2);

static async unsigned f1(unsigned a0, unsigned a1) {
    unsigned acc = 200u + a0 + a1;
    g_calls += acc;
    unsigned i4 = 0u;
    do { /* note 4,
       over two lines */
        i4++;
        g_sum = (g_sum * 31u) + 576731493u;
        ac_task *task5 = ac_spawn(f0(((a0 + a0) + (acc - acc)), (-(i4 & acc)), (1772798166u & ((unsigned)(3279896952u > 73u) * 8u))));
        await(f0((-((6u <= 126u) ? a1 : a1)), ((a0 ^ a0) | 1996674510u), i4));
        printf("f1.6 %u\n", (5u - 12u));
        int joined5 = 0;
        await(ac_join(task5, &joined5));
        acc += (unsigned)joined5;
    } while (i4 < 2u);
    a0 &= 4287585604u;
    printf("f1.7 %u\n", (3956241637u / (a0 | 1u))); /* note 5,
       over two lines */
    printf("f1.8 %u\n", 11u);
    a0 += acc;
    int v9 = (await(f0(a0, (4155293791u / (a0 | 1u)), (3171764410u >> (a1 & 31u)))));
    a1 += a1;
    a0 = await(f0(((13u ^ a1) / ((1386375985u % (a0 | 1u)) | 1u)), (-(4u << (a1 & 31u))), (unsigned)v9));
    printf("f1.10 %u\n", 16u);
    unsigned i11 = 0u;
    while (i11 < 3u && (!((i4 / (1809653770u | 1u)) == 193u))) {
        i11++;
        a0 -= ((~(2584399201u + a1)) & (((i4 == 22u) ? 3945277319u : i4) % (((i11 >= 71u) ? a1 : 9u) | 1u)));
        unsigned i12;
        for (i12 = 0u; i12 < 3u; i12++) {
            unsigned i13 = 0u;
            while (i13 < 4u && ((6u <= 95u) && ((a0 = i4) <= 136u))) {
                i13++;
                if (acc > 91u) {
                    if (i12 == 185u)
                        break;
                    unsigned v15 = ((unsigned)v9 * 2207952731u); /* note 6 */
                    acc += v15;
                }
                unsigned v16 = i11;
                acc += v16;
            }
        }
    }
    return acc + a0;
}

async int f4(unsigned a0, unsigned a1) {
    unsigned acc = 599u + a0 + a1;
    g_calls += acc;
    acc += ((a0 / ((acc * acc) | 1u)) << ((a0 ^ (3u >> (3u & 31u))) & 31u));
    if (7u < 69u)
        return (int)((acc ^ a1) % 32768u); // note 15
    unsigned i26 = 0u;
    // note 16
    while (i26 < 4u) {
        i26++;
        await(pending(0, (int)((5u) % 65536u)));
        acc |= (i26 / (i26 | 1u));
        acc ^= a0;
    }
    a1 = (-(0u + 1533906924u));
    a0 = acc;
    unsigned v28 = (await(pending((int)((a1) % 4u), (int)(((acc & acc)) % 65536u))));
    unsigned v29 = await(f3((int)((a0) % 32768u), (int)(((9u ^ (a0 ^ a1))) % 32768u), (int)((((i26 | v28) | (i26 - a0))) % 32768u))); // note 17
    a1 &= (((acc >= 188u) && (i26 <= 87u)) ? (6u * 8u) : acc); // note 18
    if (a0 < 190u) {
        if (acc != 174u)
            return await(f0((~a0), v28, ((a1 ^ acc) | 8u)));
        v28 ^= 6u;
        unsigned v30 = i26;
        a0 = await(pending((int)((a0) % 4u), (int)(((a0 & a0)) % 65536u)));
        acc += v30;
    }
    printf("f4.31 %u\n", 7u);
    acc += v29;
    return (int)((acc ^ a0) % 32768u);
}

static async unsigned f2(unsigned a0, unsigned a1) {
    unsigned acc = 336u + a0 + a1;
    g_calls += acc;
    a0 *= a1;
    unsigned v17 = ((-(972537232u * a0)) * a0);
    ac_task *task18 = ac_spawn(f0(((a1 | acc) | (acc ^ a0)), 16u, 4u));
    int joined18 = 0;
    await(ac_join(task18, &joined18));
    acc += (unsigned)joined18;
    a1 &= 238529523u;
    acc += v17;
    return acc + ((!(a0 > 72u)) ? (v17 + 3379972914u) : (a1 / (a1 | 1u)));
}

static async int f0(unsigned a0, unsigned a1, unsigned a2) {
    unsigned acc = 574u + a0 + a1 + a2;
    g_calls += acc;
    a1 = (await(pending(3, (int)((acc) % 65536u))));
    a2 ^= (6u * acc); // note 1
    unsigned i0 = 0u;
    /* note 2,
       over two lines */
    while (i0 < 2u && (a2 >= 54u)) {
        i0++;
        unsigned arr2[4] = {18u, ((a2 ^ a2) / ((a1 - i0) | 1u)), 16u, 24u};
        acc = await(pending(3, (int)((a0) % 65536u)));
        /* note 3,
           over two lines */
        int v3 = (int)((arr2[(i0) & 3u]) % 32768u);
        await(pending(3, (int)((2279305885u) % 65536u)));
        acc += (unsigned)v3;
    }
    return await(pending(3, (int)((((13u | acc) - (i0 + 7u))) % 65536u)));
}

async int f3(int a0, int a1, int a2) {
    unsigned acc = 500u + (unsigned)a0 + (unsigned)a1 + (unsigned)a2;
    g_calls += acc;
    unsigned v19 = (await(f2(((~929234369u) ^ (~8u)), (unsigned)a0)));
    unsigned i20 = 0u;
    again21:;
    i20++;
    // note 7
    {
        a2 = (int)(((unsigned)a1) % 32768u);
        /* note 8 */
        v19 -= (8u + v19);
    }
    if (i20 < 5u)
        goto again21; // note 9
    // note 10
    unsigned v22 = 12u;
    unsigned v23 = (v19 - 3u);
    ac_task *task24 = ac_spawn(f0(6u, (v22 | (-(unsigned)a2)), (-acc)));
    await(pending((int)(((unsigned)a0) % 4u), (int)(((unsigned)a0) % 65536u)));
    await(ac_yield()); /* note 11 */
    int joined24 = 0;
    await(ac_join(task24, &joined24));
    acc += (unsigned)joined24; // note 12
    if ((v19 = ((4u - 312085803u) / ((v22 & (unsigned)a1) | 1u))) <= 174u) {
        if ((v23 = v19) >= 131u) {
            a0 = (int)((1u) % 32768u);
            a2 = (int)(((((unsigned)a1 >> ((~v23) & 31u)) & (acc & (3217635461u >> ((unsigned)a2 & 31u))))) % 32768u);
            if ((unsigned)a2 <= 88u)
                return (int)((acc ^ ((v23 & v22) / ((unsigned)a0 | 1u))) % 32768u);
            a0 = (int)(((11u ^ v22)) % 32768u);
        } /* note 13,
           over two lines */
        v22 *= (unsigned)a2;
        await(pending(1, (int)((((unsigned)a2 & (unsigned)a0)) % 65536u)));
    // note 14
    }
    unsigned v25 = (acc << ((-(~(unsigned)a2)) & 31u));
    acc += v25;
    return (int)((acc ^ i20) % 32768u);
}

static async unsigned f5(unsigned a0, int a1, int a2) {
    /* note 19,
       over two lines */
    unsigned acc = 362u + a0 + (unsigned)a1 + (unsigned)a2;
    g_calls += acc; /* note 20,
       over two lines */
    await(f0((unsigned)a2, a0, (acc | 0u)));
    switch ((((unsigned)a2 / (16u | 1u))) % 3u) {
    case 0u: {
        acc *= 9u; /* note 21 */
        acc += ((unsigned)((unsigned)a1 > 196u) * 2u);
        if (!(1u != 45u))
            goto skip32;
        {
            acc = (await(f3((int)(((unsigned)a2) % 32768u), (int)((acc) % 32768u), (int)((3341031249u) % 32768u))));
            await(pending((int)(((unsigned)a1) % 4u), (int)((((unsigned)a1 + acc)) % 65536u)));
        }
        skip32:;
        /* note 22 */
        ac_task *task33 = ac_spawn(f0((unsigned)a1, (unsigned)a2, (((1u == 115u) ? (unsigned)a2 : (unsigned)a1) & 5u)));
        await(ac_yield());
        int joined33 = 0;
        await(ac_join(task33, &joined33));
        acc += (unsigned)joined33; /* note 23 */
    }
        acc ^= 84u;
        /* fall through */
    case 1u: {
        int v34 = (int)((11u) % 32768u);
        await(f3((int)(((19u | 3u)) % 32768u), (int)(((((unsigned)v34 - a0) * (acc + a0))) % 32768u), (int)(((~607241563u)) % 32768u)));
    }
        acc ^= 20u;
        /* fall through */
    }
    return acc + 1u;
}

int main(void) {
    printf("f5(2785486975, 608, 765) = %u\n", ac_block_on(f5(2785486975u, 608, 765)));
    printf("f5(35, 475, 750) = %u\n", ac_block_on(f5(35u, 475, 750)));
    printf("f5(44, 881, 354) = %u\n", ac_block_on(f5(44u, 881, 354)));
    printf("f1(11, 3653432885) = %u\n", ac_block_on(f1(11u, 3653432885u)));
    printf("g_sum = %u, g_calls = %u\n", g_sum, g_calls);
    return 0;
}
