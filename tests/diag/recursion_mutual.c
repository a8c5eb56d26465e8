/* Two async functions awaiting each other. */
#include <asyncc.h>

async int ping(int n);

async int pong(int n) {
    int r = await(ping(n - 1));
    return r;
}

async int ping(int n) {
    if (n <= 0)
        return 0;
    int r = await(pong(n));
    return r + 1;
}

int main(void) {
    return ac_block_on(ping(3));
}
