/* The function already spells the names lowering would give its temporaries and
 * labels: they get _2. */
#include <asyncc.h>

async int inc(int v) {
    await(ac_yield());
    return v + 1;
}

async int clash(int and_result) {
    int inc_result = 0, cond_result = 1;
    do {
        if (and_result && await(inc(inc_result)) > 2)
            continue;
        if (inc_result > 100)
            goto loop_continue;
        inc_result += 1 + await(inc(cond_result));
    loop_continue:;
    } while (await(inc(inc_result)) < 5);
    return inc_result;
}
