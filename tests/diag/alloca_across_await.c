/* Memory from alloca is on the stack of the poll function, which returns at every
 * suspension: it cannot be in use across an await. */
#include <alloca.h>
#include <string.h>

#include <asyncc.h>

async int step(void) {
    return 1;
}

async int caller(int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        char *buf = alloca(16);
        memset(buf, i, 16);
        total += buf[0] + await(step());
    }
    return total;
}

int main(void) {
    return ac_block_on(caller(2));
}
