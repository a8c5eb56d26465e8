/* Types declared inside an async function move to file scope, before its frame,
 * named after the function: their definitions as written, every mention renamed
 * (enumerators too), the same tag of two blocks numbered. A declaration that only
 * declares types leaves nothing behind; one with variables keeps them, naming the
 * type. A type whose definition uses a local stays where it is: no frame needs it. */
#include <asyncc.h>

async int step(int v) {
    await(ac_yield());
    return v;
}

async int tally(int n) {
    typedef struct {
        int hits, misses;
    } score;
    enum outcome { HIT, MISS } last = MISS;
    score s = {0, 0};
    struct probe {
        char bytes[sizeof n];
    } unused = {{0}};
    (void)unused;
    for (int i = 0; i < n; i++) {
        last = await(step(i % 2)) ? MISS : HIT;
        switch (last) {
        case HIT:
            s.hits++;
            break;
        case MISS:
            s.misses++;
            break;
        }
    }
    {
        struct entry {
            int key;
        } e = {s.hits};
        await(ac_yield());
        s.hits = e.key;
    }
    {
        struct entry {
            double weight;
        } *e = &(struct entry){0.5};
        await(ac_yield());
        s.misses += (int)(e->weight * 2);
    }
    return s.hits * 10 + s.misses;
}

int main(void) {
    return ac_block_on(tally(4)) == 23 ? 0 : 1;
}
