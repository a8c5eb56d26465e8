/* An async function returning void, with an early return. */
#include <asyncc.h>

int counter;

async void bump(int times) {
    if (times == 0)
        return;
    for (int i = 0; i < times; i++) {
        await(ac_yield());
        counter++;
    }
}
