/* A program of tests/fuzz/difftest.sh (seed 2, level 2, program 31) that the frame
 * layout once got wrong: a store nothing reads afterwards landed on a live value. */
/* asyncc_gen --seed 2 --index 31 --level 2 */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static unsigned g_sum, g_calls;

async void f0(unsigned *dst) {
    unsigned acc = 476u + *dst;
    g_calls += acc;
    await(pending(2, (int)((((acc + (*dst)) * (unsigned)await(pending((int)((acc) % 4u), (int)(((*dst)) % 65536u))))) % 65536u)));
    int v0 = (int)((((((*dst) >= 6u) ? 8u : (*dst)) - (*dst))) % 32768u);
    /* note 1,
       over two lines */
    if (!((acc >= 182u) && ((acc = (unsigned)v0) < 4u))) {
        unsigned v1 = await(pending((int)((acc) % 4u), (int)((acc) % 65536u)));
        (*dst) *= 9u;
        acc += v1;
    } else {
        for (unsigned i2 = (unsigned)await(pending(1, 0)); i2 < 3u; i2 += (unsigned)await(pending(0, 1))) {
            acc = await(pending(0, (int)(((i2 | acc)) % 65536u)));
        } /* note 2 */
    /* note 3 */
    }
    await(pending(1, (int)(((unsigned)v0) % 65536u)));
    unsigned v3 = ((unsigned)await(pending(1, (int)(((unsigned)v0) % 65536u))) ^ (unsigned)await(pending(3, (int)(((*dst)) % 65536u))));
    unsigned v4 = 6u;
    acc += v3;
    acc += v4;
    *dst = (*dst * 7u) + acc;
}

async int f1(unsigned a0, unsigned a1, unsigned a2) {
    unsigned acc = 441u + a0 + a1 + a2;
    /* note 4,
       over two lines */
    g_calls += acc;
    static unsigned calls = 0u;
    calls++;
    acc += calls;
    {
        printf("f1.5 %u\n", (3u + calls));
        a0 = await(pending(3, (int)((a2) % 65536u)));
    }
    /* note 5,
       over two lines */
    unsigned v6 = (await(pending(2, (int)((797158455u) % 65536u))));
    calls *= ((unsigned)((acc * a1) >= 113u) * 2u);
    await(f0(&acc));
    acc ^= acc;
    a1 ^= (1u / ((a1 * 16u) | 1u));
    unsigned v7 = a2;
    int v8 = (int)((acc) % 32768u);
    acc += v6;
    acc += v7;
    acc += (unsigned)v8;
    return (int)((acc ^ ((a1 <= 160u) ? (unsigned)v8 : a2)) % 32768u);
}

async void f2(unsigned *dst, unsigned a0) {
    unsigned acc = 816u + *dst + a0;
    g_calls += acc;
    (*dst) &= a0;
    acc &= a0;
    a0 = await(pending(2, (int)(((*dst)) % 65536u)));
    int v9 = (int)(((((acc ^ (*dst)) - 3369020232u) % ((unsigned)await(pending(0, (int)((acc) % 65536u))) | 1u))) % 32768u);
    unsigned i10 = 0u;
    while (i10 < 4u && ((6u <= 148u) || ((a0 = 3864626008u) != 131u))) {
        i10++;
        await(pending((int)((3612785929u) % 4u), (int)(((9u | (0u & 5u))) % 65536u)));
    }
    // note 6
    unsigned i12;
    for (i12 = (unsigned)await(pending(1, 0)); i12 < 3u; i12++) {
        await(pending(3, (int)(((-3u)) % 65536u)));
    }
    unsigned i13 = 0u;
    do {
        i13++;
        a0 &= 3229294989u;
        if (!((acc = i13) >= 12u)) {
            int v14 = (int)((acc) % 32768u);
            v14 = (int)((((unsigned)await(pending((int)(((unsigned)v14) % 4u), (int)((((unsigned)((unsigned)v9 != 30u) * 2u)) % 65536u))) - 1750447155u)) % 32768u);
        } else {
            if (((*dst) = ((a0 & 5u) << ((unsigned)v9 & 31u))) < 175u)
            /* note 7 */
                break;
        } /* note 8,
           over two lines */
        (*dst) ^= ((*dst) & (a0 * i13));
    } while (i13 < 4u);
    *dst = (*dst * 7u) + acc;
}

static async int f3(unsigned a0, unsigned a1) {
    unsigned acc = 675u + a0 + a1;
    g_calls += acc;
    a1 *= ((a1 & (4u - a0)) / (((unsigned)await(pending(1, (int)((5u) % 65536u))) | (~16u)) | 1u));
    unsigned v15 = a0;
    acc -= (unsigned)await(pending((int)((a0) % 4u), (int)((5u) % 65536u)));
    a0 = await(pending((int)((v15) % 4u), (int)((a1) % 65536u)));
    unsigned i16;
    for (i16 = (unsigned)await(pending(1, 0)); i16 < 1u && ((v15 = ((12u & 4204460355u) * (13u ^ a0))) <= 109u); i16 += (unsigned)await(pending(2, 1))) {
        unsigned v17 = (-((i16 > 144u) ? a1 : acc));
        /* note 9,
           over two lines */
        unsigned v18 = await(pending(3, (int)((((a1 - 3355340906u) & (a0 / (a1 | 1u)))) % 65536u)));
        if ((v18 = (unsigned)await(pending((int)((v15) % 4u), (int)((17u) % 65536u)))) > 5u)
            continue;
        unsigned v19 = (await(pending(0, (int)((((3u | acc) / ((~a1) | 1u))) % 65536u))));
        acc += v19;
        acc += v18;
        /* note 10 */
        acc += v17;
    }
    unsigned arr20[4] = {49u, (-a0), 46u, 0u};
    (await(pending(3, (int)((((9u % (arr20[(acc) & 3u] | 1u)) << (16u & 31u))) % 65536u))));
    v15 &= a1;
    unsigned v21 = ((acc * a1) | v15);
    // note 11
    unsigned v22 = await(pending(0, (int)(((~a0)) % 65536u)));
    unsigned v23 = (3424895348u | v15);
    v15 += v21;
    acc += v22;
    acc += v23;
    return (int)((acc ^ arr20[(8u) & 3u]) % 32768u);
}

static async void f4(unsigned a0, unsigned a1) {
    /* note 12 */
    unsigned acc = 90u + a0 + a1;
    g_calls += acc;
    int v24 = (int)((2516848407u) % 32768u);
    if (a1 >= 36u) {
        switch (((unsigned)v24) % 4u) {
        case 0u: {
            a1 += a1;
            unsigned i25 = 0u;
            while (i25 < 5u && ((a0 = 13u) != 165u)) {
                i25++;
                a0 ^= (((1u - 6u) << ((acc % (i25 | 1u)) & 31u)) % ((a0 | (-(unsigned)v24)) | 1u));
                unsigned v27 = (((acc % (5u | 1u)) == 156u) ? (acc | 3u) : (await(f3(1788510916u, (unsigned)v24)), a0)); /* note 13,
                   over two lines */
                unsigned arr28[4] = {15u, a0, 6u, 31u};
                acc += arr28[0];
                acc += v27;
            }
            printf("f4.29 %u\n", 7u); // note 14
        } break;
        case 1u: {
        }
            acc ^= 86u;
            /* fall through */
        case 2u: {
        } break;
        /* note 15,
           over two lines */
        }
    }
    g_sum = (g_sum * 31u) + acc;
}

static async unsigned f5(int a0) {
    unsigned acc = 642u + (unsigned)a0;
    g_calls += acc;
    static unsigned calls = 0u; // note 16
    calls++;
    acc += calls;
    unsigned i30 = 0u;
    while (i30 < 5u) {
        i30++;
        printf("f5.31 %u\n", (unsigned)a0);
        unsigned i32;
        /* note 17 */
        for (i32 = 0u; i32 < 1u && (i30 < 117u); i32++) {
            acc += ((unsigned)await(pending(3, (int)((i32) % 65536u))) - calls);
            ac_task *task33 = ac_spawn(f3(acc, (unsigned)await(f3((unsigned)await(pending(1, (int)((0u) % 65536u))), ((unsigned)(calls <= 112u) * 9u)))));
            printf("f5.34 %u\n", calls);
            int joined33 = 0;
            await(ac_join(task33, &joined33));
            acc += (unsigned)joined33;
            if (5u == 10u) {
                g_sum = (g_sum * 31u) + (unsigned)await(f3((acc | (3u | 5u)), ((9u / (i30 | 1u)) + 2186587111u)));
                a0 = (int)((3022461402u) % 32768u); // note 18
                if (!((12u << (i32 & 31u)) <= 145u))
                    break; /* note 19 */
                int v35 = await(f1((((unsigned)a0 * i32) - (unsigned)await(pending(1, (int)((acc) % 65536u)))), ((-(unsigned)a0) + ((unsigned)(i30 == 91u) * 7u)), 6u));
                acc += (unsigned)v35;
            }
            unsigned i36 = 0u;
            do {
                i36++; // note 20
                switch ((((i30 - i36) | (-i32))) % 4u) {
                case 0u: {
                    acc += acc;
                }
                    acc ^= 85u;
                    /* fall through */
                case 1u: {
                    unsigned arr37[4] = {13u, 3026980871u, 25u, 16u};
                    printf("f5.38 %u\n", 7u);
                    printf("f5.39 %u\n", (unsigned)await(f1(854432827u, arr37[(4233339171u) & 3u], arr37[(acc) & 3u])));
                    g_sum = (g_sum * 31u) + i30; /* note 21,
                       over two lines */
                } break;
                case 2u: {
                    printf("f5.40 %u\n", 19u);
                } break;
                default: {
                } break;
                }
            } while (i36 < 4u && (3823224317u >= 45u));
        }
    }
    return acc + acc;
}

int main(void) {
    printf("f5(531) = %u\n", ac_block_on(f5(531)));
    printf("f5(416) = %u\n", ac_block_on(f5(416)));
    printf("f5(873) = %u\n", ac_block_on(f5(873)));
    ac_block_on(f4(86u, 28u));
    printf("g_sum = %u, g_calls = %u\n", g_sum, g_calls);
    return 0;
}
