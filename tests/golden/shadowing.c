/* The same name declared in nested blocks, each live across an await. */
#include <asyncc.h>

async int shadow(void) {
    int v = 1;
    {
        int v = 2;
        await(ac_yield());
        v++;
        {
            int v = 3;
            await(ac_yield());
            v++;
        }
    }
    return v;
}
