/* Parameters and locals spelled like poll's own parameters (self, cx, out). */
#include <asyncc.h>

async int clash(int self, int cx) {
    int out = self + cx;
    await(ac_yield());
    return out;
}
