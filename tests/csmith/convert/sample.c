/* A program in csmith's style (csmith.h left out): csmith_convert's input. */
#include <stdint.h>
#include <stdio.h>

struct S0 {
    int32_t f0;
    unsigned f1 : 5;
};

static int32_t g_1 = 3L;
static struct S0 g_2 = {1L, 2U};

static uint32_t func_1(void);
static int16_t func_2(int16_t p_3, struct S0 p_4);
static int32_t *func_5(int32_t *p_6);

static int32_t add(int32_t a, int32_t b) { return a + b; }

static uint32_t func_1(void)
{ /* block id: 0 */
    int32_t l_7 = 1L;
    int i;
    for (i = func_2(0, g_2); i < 3; i += func_2(1, g_2))
        l_7 = add(func_2(func_2(l_7, g_2), g_2), (*func_5(&g_1)));
    return l_7 && func_2(2, g_2);
}

static int16_t func_2(int16_t p_3, struct S0 p_4)
{
    return p_3 + p_4.f1;
}

static int32_t *func_5(int32_t *p_6)
{
    ++(*p_6);
    return p_6;
}

int main(void)
{
    func_1();
    printf("checksum = %X\n", (unsigned)g_1);
    return 0;
}
