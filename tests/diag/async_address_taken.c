/* An async function used as a value: it has no single C function to point to. */
#include <asyncc.h>

async int step(int v) {
    return v;
}

int main(void) {
    int (*fn)(int) = step;
    return fn(1);
}
