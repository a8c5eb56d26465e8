/* A compound literal whose address is used in a function that awaits lives in the
 * frame, which cannot name a type declared inside the function. */
#include <asyncc.h>

async int caller(void) {
    struct local {
        int a;
    };
    struct local *p = &(struct local){1};
    await(ac_yield());
    return p->a;
}
