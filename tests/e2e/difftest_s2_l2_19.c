/* A program of tests/fuzz/difftest.sh (seed 2, level 2, program 19) that the frame
 * layout once got wrong: a store nothing reads afterwards landed on a live value. */
/* asyncc_gen --seed 2 --index 19 --level 2 */
#include <stdio.h>

#include <asyncc.h>

#include "pending.h"

static unsigned g_sum, g_calls;

static async unsigned f0(int a0);
static async int f1(unsigned a0, unsigned a1);
async void f2(unsigned a0, unsigned a1, unsigned a2);
async unsigned f3(int a0);
static async unsigned f4(int a0);

static async unsigned f4(int a0) {
    unsigned acc = 634u + (unsigned)a0;
    g_calls += acc;
    acc += acc;
    unsigned v25 = (acc * ((1991057633u - 0u) + (unsigned)a0));
    v25 += 12u;
    if (!((17u == 164u) || (0u > 2u))) {
        acc += acc;
        v25 = (await(pending(0, (int)((v25) % 65536u))), v25);
        g_sum = (g_sum * 31u) + ((16u / (acc | 1u)) | ((unsigned)a0 / (v25 | 1u)));
        v25 = await(pending(3, (int)(((((unsigned)a0 / (22214241u | 1u)) & (v25 & 9u))) % 65536u))); /* note 12,
           over two lines */
    }
    unsigned v26 = await(pending((int)((0u) % 4u), (int)((v25) % 65536u)));
    unsigned v27 = 11u;
    if (((v25 = (unsigned)a0) < 27u) || ((255252088u % (v27 | 1u)) >= 115u)) {
        unsigned i28;
        for (i28 = (unsigned)await(pending(1, 0)); i28 < 2u; i28 += (unsigned)await(pending(1, 1))) {
            printf("f4.30 %u\n", v25);
            int v31 = (int)((4u) % 32768u);
            unsigned v32 = (unsigned)v31;
            acc += v32;
        }
        /* note 13,
           over two lines */
        if (9u > 116u)
        /* note 14 */
            return acc + 0u;
        unsigned i33 = 0u;
        do {
            i33++;
            v26 = await(f1((unsigned)await(pending((int)((19u) % 4u), (int)((v26) % 65536u))), i33));
        } while (i33 < 3u && (((v26 >= 131u) || (v27 <= 167u)) || (((unsigned)a0 * 1384521202u) <= 115u)));
        unsigned v34 = (((~(unsigned)a0) + (-4u)) - v27);
        acc += v34;
    }
    unsigned i35; /* note 15,
       over two lines */
    for (i35 = 0u; i35 < 5u && ((unsigned)a0 <= 65u); i35++) {
        switch ((i35) % 3u) {
        case 0u: {
            v25 &= ((acc + acc) << ((v26 + acc) & 31u));
            printf("f4.36 %u\n", (((v25 * v26) - (acc | i35)) << (((unsigned)((i35 * acc) < 64u) * 5u) & 31u)));
        } break;
        case 1u: {
            unsigned arr37[4] = {0u, await(f0((int)((2552499444u) % 32768u))), 5u, 43u};
            v27 ^= ((5u & v26) ^ acc); /* note 16 */
            acc += arr37[0];
        } break;
        default: {
        } break;
        }
    }
    return acc + await(f3((int)((v25) % 32768u)));
}

async unsigned f3(int a0) {
    unsigned acc = 983u + (unsigned)a0;
    g_calls += acc;
    printf("f3.15 %u\n", (acc + acc));
    /* note 7,
       over two lines */
    unsigned i16 = 0u;
    while (i16 < 5u) {
        i16++;
        unsigned i18 = 0u;
        again19:;
        i18++;
        {
            unsigned state = i18;
            unsigned v20 = ((6u > 88u) ? i16 : 17u);
            acc += v20;
            acc += state;
        } /* note 8 */
        if (i18 < 1u)
            goto again19;
    }
    unsigned v21 = ((unsigned)await(pending(3, (int)(((unsigned)a0) % 65536u))) | (i16 & (unsigned)a0));
    v21 = i16;
    await(f1((acc % (((unsigned)a0 - (unsigned)a0) | 1u)), ((v21 + i16) * (i16 + v21)))); /* note 9 */
    g_sum = (g_sum * 31u) + ((unsigned)a0 % (v21 | 1u));
    unsigned i22 = 0u; /* note 10 */
    do {
        i22++;
        v21 = await(pending(2, (int)((i16) % 65536u)));
        if (i22 < 112u) {
            unsigned i23;
            for (i23 = (unsigned)await(pending(1, 0)); i23 < 1u && (194899429u < 58u); i23 += (unsigned)await(pending(0, 1))) {
                a0 = await(f0((int)((i16) % 32768u)));
                { /* note 11,
                   over two lines */
                    unsigned arr24[4] = {17u, (i23 * acc), 27u, 29u};
                    a0 = (int)((289218804u) % 32768u);
                    acc += arr24[0];
                }
            }
            await(pending(2, (int)((4u) % 65536u)));
        }
    } while (i22 < 5u);
    return acc + 6u;
}

async void f2(unsigned a0, unsigned a1, unsigned a2) {
    unsigned acc = 773u + a0 + a1 + a2;
    g_calls += acc;
    unsigned v11 = await(f1((a1 - (acc % (a2 | 1u))), ((-a2) & (await(pending(2, (int)((0u) % 65536u))), a0))));
    unsigned arr12[4] = {42u, (-(unsigned)await(pending(2, (int)((13u) % 65536u)))), 2u, 46u};
    int v13 = (int)(((~16u)) % 32768u);
    printf("f2.14 %u\n", (7u | v11));
    acc += arr12[0];
    acc += (unsigned)v13;
    g_sum = (g_sum * 31u) + acc;
}

static async unsigned f0(int a0) {
    unsigned acc = 150u + (unsigned)a0;
    g_calls += acc;
    for (unsigned i0 = (unsigned)await(pending(1, 0)); i0 < 1u; i0++) { /* note 1 */
        a0 = (int)((i0) % 32768u);
    }
    unsigned v1 = 5u;
    unsigned arr2[4] = {0u, v1, 32u, 41u}; // note 2
    acc += arr2[0];
    return acc + 850421411u;
}

static async int f1(unsigned a0, unsigned a1) {
    unsigned acc = 215u + a0 + a1;
    g_calls += acc;
    if (!(11u != 11u)) {
        if (acc == 30u)
            return await(f0((int)((acc) % 32768u)));
    }
    unsigned v3 = a1;
    acc |= (~1972554724u);
    g_sum = (g_sum * 31u) + acc;
    unsigned cx = a1;
    switch ((a0) % 5u) {
    case 0u: {
        g_sum = (g_sum * 31u) + a0;
        if ((cx != 151u) && (v3 > 105u))
            return await(pending(3, (int)((((unsigned)await(pending((int)((cx) % 4u), (int)((8u) % 65536u))) + (unsigned)await(pending(2, (int)((v3) % 65536u))))) % 65536u)));
    } break;
    case 1u: {
        acc ^= (((a1 == 87u) && (acc == 140u)) ? a1 : (3140103949u + a1));
    } break;
    case 2u: {
        acc = await(f0((int)((2897165201u) % 32768u)));
        for (unsigned i4 = 0u; i4 < 3u; i4++) {
            if (1u <= 71u) {
                printf("f1.5 %u\n", 9u);
                unsigned cx = (((v3 + acc) * (~v3)) | ((unsigned)await(pending((int)((3u) % 4u), (int)((v3) % 65536u))) ^ acc));
                printf("f1.6 %u\n", (~i4));
                printf("f1.7 %u\n", await(f0((int)((i4) % 32768u))));
                acc += cx;
            } else {
                acc *= v3; // note 3
                unsigned arr8[4] = {14u, (a1 * 2458924447u), 47u, 22u};
                unsigned v9 = v3;
                acc += v9;
                acc += arr8[0];
            }
            unsigned v10 = a0;
            v3 = await(pending(2, (int)((((unsigned)(v3 >= 33u) * 2u)) % 65536u)));
            acc += v10;
        // note 4
        }
    } break;
    case 3u: {
    }
        acc ^= 79u;
        /* fall through */
    default: {
    } break;
    } /* note 5,
       over two lines */
    return await(pending((int)((acc) % 4u), (int)(((acc >> (a0 & 31u))) % 65536u))); // note 6
}

int main(void) {
    printf("f4(-21) = %u\n", ac_block_on(f4(-21)));
    printf("f4(806) = %u\n", ac_block_on(f4(806)));
    printf("f0(221) = %u\n", ac_block_on(f0(221)));
    printf("g_sum = %u, g_calls = %u\n", g_sum, g_calls);
    return 0;
}
