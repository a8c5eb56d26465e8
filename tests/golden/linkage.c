/* static async and async static, prototypes before definitions, and an await of a
 * function defined later in the file. */
#include <asyncc.h>

static async int helper(int v);
async static int other(int v);

async int entry(int v) {
    int a = await(helper(v));
    int b = await(other(a));
    return b;
}

static async int helper(int v) {
    await(ac_yield());
    return v + 1;
}

async static int other(int v) {
    await(ac_yield());
    return v * 2;
}
