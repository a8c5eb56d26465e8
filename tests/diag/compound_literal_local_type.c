/* A compound literal whose address is used in a function that awaits lives in the
 * frame, which cannot name a type that must stay inside the function. */
#include <asyncc.h>

async int caller(void) {
    int width = 4;
    struct local {
        int a;
        char pad[sizeof width];
    };
    struct local *p = &(struct local){1, {0}};
    await(ac_yield());
    return p->a + width;
}

int main(void) {
    return ac_block_on(caller());
}
