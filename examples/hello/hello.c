/* hello.c - two tasks taking turns.
 *
 * main_task spawns two greeters and waits for both. Each greeter prints a line and
 * then awaits ac_yield(), which puts it at the back of the run queue, so the two
 * take turns line by line. (Compiled as plain C, without asyncc, each task runs to
 * the end when spawned, so the lines come out grouped instead.) */
#include <stdio.h>

#include <asyncc.h>

async int greeter(const char *name, int times) {
    for (int i = 1; i <= times; i++) {
        printf("%s: hello %d of %d\n", name, i, times);
        await(ac_yield()); /* let the other task run */
    }
    return times;
}

async int main_task(void) {
    ac_task *alice = ac_spawn(greeter("alice", 3));
    ac_task *bob = ac_spawn(greeter("bob", 3));
    int from_alice = 0, from_bob = 0;
    await(ac_join(alice, &from_alice));
    await(ac_join(bob, &from_bob));
    printf("both done: %d greetings\n", from_alice + from_bob);
    return 0;
}

int main(void) {
    return ac_block_on(main_task());
}
