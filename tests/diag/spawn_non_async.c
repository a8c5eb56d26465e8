/* ac_spawn of an ordinary function. */
#include <asyncc.h>

int plain(void) {
    return 1;
}

async int caller(void) {
    ac_task *t = ac_spawn(plain());
    int v = 0;
    await(ac_join(t, &v));
    return v;
}

int main(void) {
    return ac_block_on(caller());
}
