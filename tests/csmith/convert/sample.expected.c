#include <asyncc.h>
/* A program in csmith's style (csmith.h left out): csmith_convert's input. */
#include <stdint.h>
#include <stdio.h>

struct S0 {
    int32_t f0;
    unsigned f1 : 5;
};

static int32_t g_1 = 3L;
static struct S0 g_2 = {1L, 2U};

async static uint32_t func_1(void);
async static int16_t func_2(int16_t p_3, struct S0 p_4);
async static int32_t *func_5(int32_t *p_6);

async static int32_t add(int32_t a, int32_t b) { await(ac_yield()); return a + b; }

async static uint32_t func_1(void)
{ await(ac_yield()); /* block id: 0 */
    int32_t l_7 = 1L;
    int i;
    for (i = await(func_2(0, g_2)); i < 3; i += await(func_2(1, g_2)))
        l_7 = await(add(await(func_2(await(func_2(l_7, g_2)), g_2)), (*await(func_5(&g_1)))));
    return l_7 && await(func_2(2, g_2));
}

async static int16_t func_2(int16_t p_3, struct S0 p_4)
{ await(ac_yield());
    return p_3 + p_4.f1;
}

async static int32_t *func_5(int32_t *p_6)
{ await(ac_yield());
    ++(*p_6);
    return p_6;
}

int main(void)
{
    ac_block_on(func_1());
    printf("checksum = %X\n", (unsigned)g_1);
    return 0;
}
