/* A local with a cleanup in a function that awaits lives in the frame, which cannot
 * name a type that must stay inside the function (its definition uses a local). */
#include <asyncc.h>

async int caller(void) {
    int width = 2;
    struct counter {
        int n;
        char pad[sizeof width];
    };
    void done(struct counter * c);
    struct counter c __attribute__((cleanup(done))) = {0, {0}};
    await(ac_yield());
    return c.n + width;
}
