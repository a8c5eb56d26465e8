/* await as an expression statement: of a void function, and discarding a result. */
#include <asyncc.h>

async int produce(int v) {
    await(ac_yield());
    return v;
}

async void consume(void) {
    await(ac_yield());
    await(produce(1));
}
