/* An async function that never suspends. */
#include <asyncc.h>

async int constant(int v) {
    int doubled = v * 2;
    return doubled + 1;
}
