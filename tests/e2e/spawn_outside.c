/* spawn_outside.c - ac_runtime_spawn, ac_runtime_join and ac_runtime_detach (<ac_mt.h>)
 * from threads that are no workers: the main thread and a plain thread each start
 * tasks on the runtime, go on with their own work, and join them (or let one run on),
 * compared with plain C, where each call has run to its end when spawn returns. */
#include <asyncc.h>

#include <ac_mt.h>

#include <pthread.h>
#include <stdio.h>

static async long cube_later(int i) {
    for (int k = 0; k < i % 4; k++)
        await(ac_yield());
    return (long)i * i * i;
}

/* A task that spawns tasks of its own on the workers and joins them. */
static async long fan_out(int n) {
    ac_task *t[8];
    for (int i = 0; i < n; i++)
        t[i] = ac_spawn(cube_later(i));
    long sum = 0, v = 0;
    for (int i = 0; i < n; i++)
        if (await(ac_join(t[i], &v)) == 0)
            sum += v;
    return sum;
}

typedef struct helper {
    ac_runtime *rt;
    long sum;
} helper;

/* A plain thread: its own spawns, joined in reverse order. */
static void *helper_main(void *arg) {
    helper *h = arg;
    ac_runtime_handle hs[20];
    for (int i = 0; i < 20; i++)
        if (ac_runtime_spawn(h->rt, ac_future_of(cube_later(i + 100)), &hs[i]) != 0)
            return NULL;
    for (int i = 19; i >= 0; i--) {
        long v = 0;
        if (ac_runtime_join(hs[i], &v) == 0)
            h->sum += v;
    }
    return NULL;
}

int main(void) {
    ac_runtime *rt;
    if (ac_runtime_new(NULL, &rt) != 0) /* one worker per CPU */
        return 1;
    helper h = {rt, 0};
    pthread_t th;
    if (pthread_create(&th, NULL, helper_main, &h) != 0)
        return 1;
    ac_runtime_handle fan, lone, gone;
    if (ac_runtime_spawn(rt, ac_future_of(fan_out(8)), &fan) != 0 ||
        ac_runtime_spawn(rt, ac_future_of(cube_later(5)), &lone) != 0 ||
        ac_runtime_spawn(rt, ac_future_of(cube_later(6)), &gone) != 0)
        return 1;
    printf("detach: %d\n", ac_runtime_detach(gone));
    int narrow = 0;
    printf("join into an int: %d\n", ac_runtime_join(lone, &narrow));
    long lone_v = 0, fan_v = 0;
    int rc = ac_runtime_join(lone, &lone_v);
    printf("join: %d, %ld\n", rc, lone_v);
    rc = ac_runtime_join(fan, &fan_v);
    printf("join the fan: %d, %ld\n", rc, fan_v);
    pthread_join(th, NULL);
    printf("helper: %ld\n", h.sum);
    printf("shutdown: %d\n", ac_runtime_shutdown(rt, 1000));
    return 0;
}
