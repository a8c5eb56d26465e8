/* average.c - the example of docs/walkthrough.md: an async function that awaits another
 * in a loop, inside an expression. */
#include <stdio.h>

#include <asyncc.h>

/* A reading that takes a millisecond to arrive. */
async int sensor(int id) {
    await(ac_sleep_ms(1));
    return id * 10;
}

async int average(int n) {
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += await(sensor(i)) + 1;
    int mean = sum / n;
    printf("average of %d readings: %d\n", n, mean);
    return mean;
}

int main(void) {
    return ac_block_on(average(4)) == 16 ? 0 : 1;
}
