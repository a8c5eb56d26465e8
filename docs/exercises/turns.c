/* turns.c - exercise 1 of docs/exercises.md: who runs first? */
#include <stdio.h>

#include <asyncc.h>

/* Give the other tasks a turn. Exercise 1b (-DEXERCISE_1B) makes B sleep instead. */
async void pause(const char *name) {
#ifdef EXERCISE_1B
    if (name[0] == 'B') {
        await(ac_sleep_ms(1));
        return;
    }
#endif
    (void)name;
    await(ac_yield());
}

async int worker(const char *name, int steps) {
    for (int i = 0; i < steps; i++) {
        printf("%s step %d\n", name, i);
        await(pause(name));
    }
    printf("%s done\n", name);
    return steps;
}

async int run(void) {
    ac_task *a = ac_spawn(worker("A", 2));
    ac_task *b = ac_spawn(worker("B", 3));
    printf("main: spawned both\n");
    int ra = 0, rb = 0;
    await(ac_join(a, &ra));
    printf("main: A returned %d\n", ra);
    await(ac_join(b, &rb));
    printf("main: B returned %d\n", rb);
    return ra + rb;
}

int main(void) {
    return ac_block_on(run()) == 5 ? 0 : 1;
}
