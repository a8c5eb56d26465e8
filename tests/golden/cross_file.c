/* Awaits of async functions defined in another file, declared in a header or by a
 * prototype here: their frames are boxed (allocated at the await, freed when it is
 * done or dropped); a non-static definition exports its frame size; spawn and
 * block_on of a boxed function go through its future. */
#include "cross_file.h"

async long remote_sum(int n);

async int fetch_twice(int id) {
    int slot = 0;
    int a = await(fetch(id));
    await(store(&slot, a));
    int b = await(fetch(id + 1));
    await(ac_yield());
    long sum = await(remote_sum(a + b));
    return (int)sum + slot;
}

int start(void) {
    ac_task *t = ac_spawn(fetch(3));
    ac_detach(t);
    return ac_block_on(fetch(4));
}
