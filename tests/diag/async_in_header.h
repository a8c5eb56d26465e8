/* An async function defined (not just declared) in a header. */
#include <asyncc.h>

async int from_header(void) {
    await(ac_yield());
    return 3;
}
