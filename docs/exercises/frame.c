/* frame.c - exercise 3 of docs/exercises.md: what goes in the frame? */
#include <stdio.h>

#include <asyncc.h>

async int fetch(int key) {
    await(ac_yield());
    return key * 2;
}

async int total(int first, int count) {
    int sum = 0;
    int scratch = first * 100;
    printf("scratch %d\n", scratch);
    for (int k = first; k < first + count; k++) {
        int doubled = await(fetch(k));
        int squared = doubled * doubled;
        sum += squared;
    }
    int average = sum / count;
    return average;
}

int main(void) {
    printf("%d\n", ac_block_on(total(1, 3)));
    return 0;
}
