/* ac_task_dump on a loop with tasks in every kind of state: parked at an await (a
 * sleep, a join), a future spawned as a task (its frame behind a pointer), one
 * finished and not joined, and the dumping task itself, running, the only one polled
 * in the last 250 ms. Then the same on the multi-thread runtime's two workers, where
 * the dump also lists the root (run) and a task spawned from outside, and a dump
 * from the main thread while the workers run (ac_runtime_task_dump). The dump goes through a pipe;
 * the addresses and times in it vary from run to run, so each line is printed without its address
 * and with its time checked, and the lines are sorted. */
#include <asyncc.h>

#include <ac_mt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static async int sleeper(int ms) {
    await(ac_sleep_ms(ms));
    return ms;
}

static async int joiner(ac_task *t) {
    int r = 0;
    await(ac_join(t, &r));
    return r + 1;
}

static async int napper(int ms) {
    await(ac_yield());
    await(ac_sleep_ms(ms));
    return ms;
}

static async int quick(void) {
    return 7;
}

/* "  task 0x55d0...  f  /dir/task_dump.c:14  ...  polled 3 ms ago" becomes
 * "  task  f  task_dump.c:14  ...  polled recently": what does not vary between runs. */
static char *line_normalize(const char *line) {
    static char out[32][256];
    static int next;
    char *o = out[next++ % 32];
    const char *addr_end = strncmp(line, "  task 0x", 9) == 0 ? strstr(line + 9, "  ") : NULL;
    const char *polled = strstr(line, "  polled ");
    if (!addr_end || !polled) {
        snprintf(o, 256, "%s", line);
        return o;
    }
    const char *slash = memchr(addr_end, '/', (size_t)(polled - addr_end));
    const char *file = slash ? strrchr(addr_end, '/') + 1 : NULL;
    unsigned ms = (unsigned)strtoul(polled + 9, NULL, 10);
    snprintf(o, 256, "  task%.*s%.*s  polled %s", (int)((slash ? slash : polled) - addr_end),
             addr_end, slash ? (int)(polled - file) : 0, slash ? file : "",
             ms < 250 ? "under 250 ms ago" : "250 ms ago or more");
    return o;
}

static int line_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the dump back from the pipe and print it, header first, tasks sorted. */
static void dump_print(int fd) {
    static char text[8192];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof text - 1 && (n = read(fd, text + len, sizeof text - 1 - len)) > 0)
        len += (size_t)n;
    text[len] = '\0';
    char *lines[32];
    int count = 0;
    for (char *s = strtok(text, "\n"); s && count < 32; s = strtok(NULL, "\n"))
        lines[count++] = line_normalize(s);
    if (count > 1)
        qsort(lines + 1, (size_t)count - 1, sizeof *lines, line_cmp);
    for (int i = 0; i < count; i++)
        printf("%s\n", lines[i]);
}

/* The others park at once; 300 ms later, only this one has been polled since. */
static async int dumper(void) {
    await(ac_sleep_ms(300));
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    int listed = ac_task_dump(fds[1]);
    close(fds[1]);
    dump_print(fds[0]);
    close(fds[0]);
    printf("listed %d\n", listed);
    return listed;
}

static async int run(void) {
    ac_task *slow = ac_spawn(sleeper(400));
    ac_task *done = ac_spawn(quick());
    ac_task *waiting = ac_spawn(joiner(slow));
    ac_task *boxed = ac_future_spawn(ac_future_of(napper(500)));
    ac_task *d = ac_spawn(dumper());
    int listed = 0, r = 0, sum = 0;
    await(ac_join(d, &listed));
    await(ac_join(done, &r));
    sum += r;
    await(ac_join(waiting, &r));
    sum += r;
    await(ac_join(boxed, &r));
    sum += r;
    printf("sum %d\n", sum);
    return listed;
}

/* ac_task_dump (fd NULL) or ac_runtime_task_dump(rt) through a pipe, printed. */
static int dump_through_pipe(ac_runtime *rt, const char *what) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    int listed = rt ? ac_runtime_task_dump(rt, fds[1]) : ac_task_dump(fds[1]);
    printf("%s: %d\n", what, listed);
    close(fds[1]);
    dump_print(fds[0]);
    close(fds[0]);
    return listed;
}

/* run() on two workers, with a sleeper spawned from outside; then a dump from here. */
static int on_workers(void) {
    ac_runtime_builder b;
    ac_runtime_builder_init(&b);
    b.worker_threads = 2;
    ac_runtime *rt;
    if (ac_runtime_new(&b, &rt) != 0)
        return -1;
    ac_runtime_handle h;
    int listed = -1, slept = 0;
    if (ac_runtime_spawn(rt, ac_future_of(sleeper(800)), &h) != 0 ||
        ac_runtime_block_on(rt, ac_future_of(run()), &listed) != 0)
        return -1;
    int outside = dump_through_pipe(rt, "from the main thread");
    ac_runtime_join(h, &slept);
    printf("slept %d, shutdown %d\n", slept, ac_runtime_shutdown(rt, 1000));
    return listed == 7 && outside == 1 ? 0 : -1;
}

int main(void) {
    int listed = ac_block_on(run());
    dump_through_pipe(NULL, "outside a loop");
    return listed == 5 && on_workers() == 0 ? 0 : 1;
}
