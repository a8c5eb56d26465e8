/* A type that a macro asyncc cannot expand (it does not handle C23's __VA_OPT__)
 * declares stays inside the function: a frame cannot hold a value of it. */
#include <asyncc.h>

#define PAIR(...)                                                                                  \
    struct pair {                                                                                  \
        int first __VA_OPT__(, ) __VA_ARGS__;                                                      \
    }

async int caller(void) {
    PAIR(second) p = {1, 2};
    await(ac_yield());
    return p.first + p.second;
}

int main(void) {
    return ac_block_on(caller());
}
