/* ac_spawn of several tasks, joined with their results. */
#include <asyncc.h>

async int work(int id) {
    await(ac_yield());
    return id * id;
}

async int gather(void) {
    ac_task *tasks[3];
    for (int i = 0; i < 3; i++)
        tasks[i] = ac_spawn(work(i));
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        int r;
        await(ac_join(tasks[i], &r));
        sum += r;
    }
    return sum;
}
