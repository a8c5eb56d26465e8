/* A static local stays a static local of poll, never part of the frame. */
#include <asyncc.h>

async int next_id(void) {
    static int last;
    await(ac_yield());
    return ++last;
}
