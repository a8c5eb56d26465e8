/* Not C: asyncc must report the errors and stop. */
#include <asyncc.h>

async int broken(int v {
    int x = await(;
    return x +;
}

int main(void) { return broken(1) }
