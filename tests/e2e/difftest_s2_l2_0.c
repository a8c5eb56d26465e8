/* A program of tests/fuzz/difftest.sh (seed 2, level 2, program 0) that the frame
 * layout once got wrong: a store nothing reads afterwards landed on a live value. */
/* asyncc_gen --seed 2 --index 0 --level 2 */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static unsigned g_sum, g_calls;

async int f0(unsigned a0);
async void f1(unsigned a0, unsigned a1, unsigned a2);
static async unsigned f2(unsigned a0, unsigned a1);
async int f3(unsigned a0, unsigned a1);
static async unsigned f4(unsigned a0, int a1);
static async unsigned f5(int a0, unsigned a1, int a2);
static async unsigned f6(unsigned a0, unsigned a1);

static async unsigned f4(unsigned a0, int a1) {
    unsigned acc = 569u + a0 + (unsigned)a1;
    g_calls += acc;
    await(pending((int)(((unsigned)a1) % 4u), (int)((((5u / (1593132310u | 1u)) * (unsigned)await(pending((int)((9u) % 4u), (int)((acc) % 65536u))))) % 65536u)));
    if ((unsigned)a1 < 183u)
        return await(pending(2, (int)((7u) % 65536u)));
    int v24 = (int)((((await(f2((11u ^ a0), 7u)), ((unsigned)(530658333u < 10u) * 7u)) % (7u | 1u))) % 32768u);
    a1 = await(pending((int)((2180365526u) % 4u), (int)((a0) % 65536u)));
    unsigned v25 = (acc - 570618228u);
    a0 += acc;
    (await(f2((unsigned)a1, v25)));
    a1 = (int)((19u) % 32768u);
    ac_task *task26 = ac_spawn(f2(a0, ((v25 >> ((unsigned)v24 & 31u)) - (unsigned)a1)));
    await(ac_yield());
    unsigned joined26 = 0;
    await(ac_join(task26, &joined26));
    acc += joined26;
    // note 8
    if ((acc = (v25 - (unsigned)v24)) < 44u) {
        unsigned v27 = (unsigned)v24;
        v24 = (int)((v27) % 32768u);
        a0 *= ((acc <= 152u) ? (~3u) : acc);
    }
    acc = (acc * 3u) + 1u;
    return (await(f2((unsigned)a1, 17u)));
}

static async unsigned f2(unsigned a0, unsigned a1) {
    unsigned acc = 922u + a0 + a1;
    g_calls += acc;
    a1 -= (a1 | acc);
    int v18 = (int)(((((await(pending(0, (int)((a1) % 65536u))), a0) << ((a0 - acc) & 31u)) + (((unsigned)(a0 <= 180u) * 4u) & 16u))) % 32768u);
    unsigned v19 = (await(pending(2, (int)((a1) % 65536u))));
    a1 += ((unsigned)await(pending(0, (int)((acc) % 65536u))) + (acc + (unsigned)v18));
    if ((867820619u > 45u) && ((unsigned)await(pending(0, (int)((a0) % 65536u))) == 131u)) {
        unsigned v20 = await(pending((int)((a1) % 4u), (int)(((unsigned)v18) % 65536u)));
        a0 = await(pending(1, (int)((8u) % 65536u)));
        acc = await(pending(2, (int)((((v20 + a1) + (unsigned)await(pending(0, (int)((v19) % 65536u))))) % 65536u)));
    }
    acc |= (unsigned)v18;
    return acc + (unsigned)await(pending(1, (int)(((unsigned)await(pending(1, (int)((((unsigned)((unsigned)v18 <= 76u) * 9u)) % 65536u)))) % 65536u)));
}

static async unsigned f6(unsigned a0, unsigned a1) {
    /* note 11 */
    unsigned acc = 514u + a0 + a1;
    g_calls += acc;
    static unsigned calls = 0u;
    calls++;
    acc += calls;
    /* note 12,
       over two lines */
    unsigned v36 = (8u & a1);
    unsigned arr37[4] = {45u, 6u, 44u, 12u};
    unsigned v38 = await(f0(5u));
    /* note 13,
       over two lines */
    unsigned v39 = (~((v38 << (a0 & 31u)) * acc));
    unsigned i40 = 0u;
    do {
        i40++;
        if (((calls - acc) + v36) != 81u)
        /* note 14,
           over two lines */
            goto skip41;
        {
            await(pending((int)((arr37[(a1) & 3u]) % 4u), (int)((((4047393900u * arr37[(acc) & 3u]) ^ (calls & 3u))) % 65536u)));
            await(f5((int)((((a1 - arr37[(19u) & 3u]) ^ (v36 << (v36 & 31u)))) % 32768u), (-(calls * 3u)), (int)(((((11u - v39) != 178u) ? await(f4(arr37[(arr37[(11u) & 3u]) & 3u], (int)((v39) % 32768u))) : (-v38))) % 32768u))); /* note 15 */
            unsigned i42 = 0u;
            do {
                i42++;
                if ((i40 + 2447980824u) != 131u) {
                    g_sum = (g_sum * 31u) + acc;
                    g_sum = (g_sum * 31u) + (v36 * 4u);
                    await(pending((int)((calls) % 4u), (int)((i40) % 65536u)));
                    await(pending(0, (int)((arr37[(v38) & 3u]) % 65536u)));
                } else {
                    printf("f6.43 %u\n", v36);
                    printf("f6.44 %u\n", (-v36));
                }
                a1 = await(f0(((unsigned)((arr37[(a0) & 3u] * a0) >= 194u) * 4u)));
                unsigned i45 = 0u;
                do {
                    i45++; /* note 16,
                   over two lines */
                    unsigned v46 = (-a0);
                    acc += v46;
                } while (i45 < 3u && ((!(a0 != 53u)) && (!(4u == 72u))));
                v38 = (await(f0((a1 >> (i45 & 31u)))));
            } while (i42 < 1u);
        }
        skip41:;
        unsigned i47 = 0u;
        do {
            i47++;
            /* note 17,
               over two lines */
            printf("f6.48 %u\n", 17u); /* note 18,
               over two lines */
            unsigned i49 = 0u;
            do {
                i49++;
                unsigned i50 = 0u;
                // note 19
                while (i50 < 3u) {
                    i50++;
                    v39 -= i50;
                    v38 |= 19u;
                }
            } while (i49 < 2u && (a0 > 6u)); /* note 20 */
            printf("f6.51 %u\n", (i40 & (calls ^ a1)));
            if (((5u == 156u) && (0u != 193u)) || ((3u * calls) <= 169u)) {
                if (((unsigned)await(pending(1, (int)((i49) % 65536u))) > 4u) && ((v39 * i47) >= 31u))
                    break;
            }
        } while (i47 < 2u);
        // note 21
        printf("f6.52 %u\n", ((unsigned)((12u < 20u) && (arr37[(v39) & 3u] < 70u)) * 9u));
    } while (i40 < 3u);
    if (a1 == 23u) {
        unsigned i53 = 0u;
        again54:;
        i53++;
        {
            a1 *= 0u;
        }
        if (i53 < 2u)
            goto again54;
    /* note 22,
       over two lines */
    }
    a1 |= ((unsigned)await(pending(0, (int)(((5u + arr37[(1503431387u) & 3u])) % 65536u))) >> (((calls + a0) >> (v39 & 31u)) & 31u));
    printf("f6.55 %u\n", acc);
    unsigned v56 = 11u;
    printf("f6.57 %u\n", (unsigned)await(pending(1, (int)(((a1 * i40)) % 65536u))));
    a1 = await(pending(3, (int)(((v39 * i40)) % 65536u)));
    acc += v56; /* note 23,
       over two lines */
    acc = (acc * 3u) + 1u;
    return await(pending(0, (int)((i40) % 65536u)));
}

static async unsigned f5(int a0, unsigned a1, int a2) {
    unsigned acc = 941u + (unsigned)a0 + a1 + (unsigned)a2;
    g_calls += acc;
    static unsigned calls = 0u;
    calls++;
    acc += calls;
    await(pending(1, (int)((await(f4(acc, (int)((a1) % 32768u)))) % 65536u)));
    ac_task *task28 = ac_spawn(f4((unsigned)a2, (int)((((1u - 1u) / ((7u | 1u) | 1u))) % 32768u))); // note 9
    printf("f5.29 %u\n", calls);
    await(f0(((unsigned)a0 * (unsigned)a2)));
    unsigned joined28 = 0;
    await(ac_join(task28, &joined28));
    acc += joined28;
    unsigned i30;
    for (i30 = (unsigned)await(pending(1, 0)); i30 < 2u && ((calls = 17u) <= 36u); i30 += (unsigned)await(pending(1, 1))) {
        printf("f5.31 %u\n", 3546472613u);
        unsigned v32 = await(f2(905139008u, (unsigned)await(pending(0, (int)((calls) % 65536u)))));
        unsigned i33 = 0u;
        again34:;
        i33++;
        {
            // note 10
            unsigned v35 = ((435311947u - 5u) / ((unsigned)await(pending(1, (int)((0u) % 65536u))) | 1u));
            a0 = (int)((16u) % 32768u);
            acc += v35;
        }
        if (i33 < 1u)
            goto again34;
        acc += v32;
    }
    acc = (await(pending(0, (int)((239821397u) % 65536u))));
    return acc + 12u;
}

async int f3(unsigned a0, unsigned a1) {
    unsigned acc = 25u + a0 + a1;
    g_calls += acc;
    static unsigned calls = 0u;
    calls++;
    acc += calls;
    switch ((calls) % 5u) {
    case 0u: {
        a0 ^= acc;
        int v21 = (int)((acc) % 32768u);
        if (((a0 <= 139u) || (a1 > 54u)) || (calls == 9u))
            return (int)((acc ^ 559433557u) % 32768u);
        await(f0(await(f2((unsigned)v21, (unsigned)v21))));
    } break; /* note 6 */
    case 1u: {
        printf("f3.22 %u\n", 8u);
        calls = await(pending(2, (int)((1u) % 65536u)));
    }
        acc ^= 82u;
    // note 7
        /* fall through */
    case 2u: {
        await(pending(2, (int)((((a1 << (1548175730u & 31u)) - (19u & acc))) % 65536u)));
        unsigned v23 = await(f2((5u | calls), (a0 - a1)));
        calls = await(pending(1, (int)(((calls << (v23 & 31u))) % 65536u)));
        g_sum = (g_sum * 31u) + (((calls >> (12u & 31u)) / (calls | 1u)) | calls);
    } break;
    case 3u: {
        g_sum = (g_sum * 31u) + (((3u % (820310940u | 1u)) < 172u) ? 12u : ((calls != 53u) ? a0 : 401497416u));
    }
        acc ^= 72u;
        /* fall through */
    default: {
        calls = (3726939884u % (a0 | 1u));
        if ((acc = a1) < 101u) {
            acc += acc;
            a1 = await(f2(a0, 6u));
            a0 *= (acc >> (acc & 31u));
            a1 -= (~calls);
        }
    } break;
    }
    return (int)((acc ^ ((5u | (acc + 1454544502u)) + acc)) % 32768u);
}

async void f1(unsigned a0, unsigned a1, unsigned a2) {
    unsigned acc = 909u + a0 + a1 + a2; // note 4
    g_calls += acc;
    printf("f1.9 %u\n", (9u + a2));
    if ((a2 - 12u) > 186u)
        return;
    int v10 = (int)((((16u - 6u) ^ (acc * acc))) % 32768u);
    unsigned v11 = await(pending(3, (int)(((4u * a1)) % 65536u)));
    if ((unsigned)await(pending(1, (int)((a0) % 65536u))) == 113u) {
        unsigned i12;
        for (i12 = (unsigned)await(pending(1, 0)); i12 < 3u; i12++) {
            unsigned i13 = 0u;
            do {
                i13++;
                if ((916847437u != 157u) && ((unsigned)await(f0(0u)) != 66u)) {
                    printf("f1.14 %u\n", (v11 & (-i13)));
                    unsigned v15 = await(f0(((unsigned)(13u > 60u) * 7u)));
                    acc += v15;
                } else {
                    unsigned v16 = a2;
                    int v17 = await(pending((int)((i12) % 4u), (int)(((unsigned)await(f0(a0))) % 65536u)));
                    a2 -= ((unsigned)await(pending((int)((4028695379u) % 4u), (int)((acc) % 65536u))) % (13u | 1u));
                    acc += (unsigned)v17;
                    acc += v16;
                }
                acc *= ((v11 >> (i12 & 31u)) | (1u | 17u));
            } while (i13 < 1u && ((3467557154u <= 50u) || ((a1 = i12) != 176u)));
            await(pending(0, (int)((((unsigned)((i13 * a1) == 123u) * 6u)) % 65536u)));
            /* note 5,
               over two lines */
            unsigned v11 = await(pending(1, (int)((a0) % 65536u)));
            acc += v11;
        }
    } else {
    }
    acc += (unsigned)v10;
    g_sum = (g_sum * 31u) + acc;
}

async int f0(unsigned a0) {
    unsigned acc = 408u + a0;
    /* note 1,
       over two lines */
    g_calls += acc;
    if ((a0 = (13u + 1u)) > 35u)
        return (int)((acc ^ (3324356005u * ((acc > 38u) ? acc : 3628107025u))) % 32768u);
    printf("f0.0 %u\n", (((a0 & acc) >> ((unsigned)await(pending((int)((acc) % 4u), (int)((acc) % 65536u))) & 31u)) | (((a0 + a0) == 23u) ? (acc - a0) : (await(pending((int)((acc) % 4u), (int)((acc) % 65536u))), acc))));
    acc = a0;
    unsigned arr1[4] = {15u, (acc % (3602715139u | 1u)), 8u, 30u};
    printf("f0.2 %u\n", arr1[(a0) & 3u]);
    printf("f0.3 %u\n", ((((a0 == 135u) ? 9u : acc) | (arr1[(arr1[(acc) & 3u]) & 3u] % (11u | 1u))) % (((a0 & acc) % (2846900057u | 1u)) | 1u)));
    unsigned v4 = await(pending(0, (int)((acc) % 65536u)));
    acc ^= 16u;
    // note 2
    unsigned i5 = 0u;
    while (i5 < 2u) { /* note 3 */
        i5++;
        arr1[(v4) & 3u] ^= (v4 % ((-(unsigned)await(pending(2, (int)((acc) % 65536u)))) | 1u));
    }
    int v7 = (await(pending(3, (int)((i5) % 65536u))));
    if (!(arr1[((unsigned)v7) & 3u] != 46u)) {
        a0 *= (((unsigned)v7 / (1780251462u | 1u)) & (unsigned)await(pending(3, (int)((13u) % 65536u))));
    } else {
        printf("f0.8 %u\n", (v4 & (unsigned)v7));
        await(pending((int)((i5) % 4u), (int)(((-13u)) % 65536u)));
        v4 = (await(pending(0, (int)(((unsigned)v7) % 65536u))));
    }
    return (int)((acc ^ (acc & a0)) % 32768u);
}

int main(void) {
    printf("f6(88, 1086953998) = %u\n", ac_block_on(f6(88u, 1086953998u)));
    printf("f6(48, 97) = %u\n", ac_block_on(f6(48u, 97u)));
    printf("f6(3100521835, 3353332944) = %u\n", ac_block_on(f6(3100521835u, 3353332944u)));
    printf("f5(546, 53, 791) = %u\n", ac_block_on(f5(546, 53u, 791)));
    printf("g_sum = %u, g_calls = %u\n", g_sum, g_calls);
    return 0;
}
