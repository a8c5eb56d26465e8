/* A local with a cleanup in a function that awaits lives in the frame, which cannot
 * name a type declared inside the function. */
#include <asyncc.h>

async int caller(void) {
    struct counter {
        int n;
    };
    void done(struct counter * c);
    struct counter c __attribute__((cleanup(done))) = {0};
    await(ac_yield());
    return c.n;
}
