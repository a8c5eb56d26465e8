/* echo_server - a TCP echo server on 127.0.0.1: one spawned task per connection,
 * which writes back every byte it reads until the client closes.
 *
 *     echo_server [connections] port
 *
 * Port 0 takes any free port; the server prints the one it listens on. With a number
 * of connections it serves that many, waits for them to finish and prints what it
 * echoed; without, it runs until killed. ASYNCC_WORKERS=N in the environment runs it on
 * the multi-thread runtime's N workers instead of the current-thread loop (workers.h). A client
 * that resets or vanishes ends its own task only: errors are values, and writes never raise
 * SIGPIPE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_net.h>

#include "workers.h"

/* Atomic: the connections' tasks may run on several workers (ASYNCC_WORKERS). */
typedef struct totals {
    _Atomic long bytes, errors;
} totals;

/* Echo until the client closes: 0, or 1 if the connection ended in an error. (An int,
 * not void: the plain-C reading of ac_spawn needs a value.) */
async int serve(int fd, totals *t) {
    ac_fd conn;
    if (ac_fd_open(&conn, fd) != 0) {
        close(fd);
        t->errors++;
        return 1;
    }
    char buf[4096];
    ssize_t n;
    long echoed = 0; /* added to the totals once: an atomic add per message costs */
    while ((n = await(ac_fd_read(&conn, buf, sizeof buf))) > 0) {
        if (await(ac_fd_write_all(&conn, buf, (size_t)n)) < 0)
            break;
        echoed += n;
    }
    t->bytes += echoed;
    t->errors += n < 0;
    ac_fd_close(&conn);
    return n < 0;
}

/* Accept `connections` connections (0: forever), then join them. */
async int serve_all(ac_listener *l, long connections) {
    totals t = {0, 0};
    ac_task **tasks = connections > 0 ? calloc((size_t)connections, sizeof *tasks) : NULL;
    if (connections > 0 && !tasks)
        return 1;
    for (long i = 0; connections == 0 || i < connections; i++) {
        int fd = await(ac_accept(l, NULL));
        if (fd < 0) {
            fprintf(stderr, "echo_server: accept: %s\n", strerror(-fd));
            i--; /* out of descriptors, say: the connection was shed, keep serving */
            continue;
        }
        ac_task *task = ac_spawn(serve(fd, &t));
        if (tasks)
            tasks[i] = task;
        else
            ac_detach(task);
    }
    for (long i = 0; i < connections; i++)
        await(ac_join(tasks[i], NULL));
    free(tasks);
    printf("served %ld connections, echoed %ld bytes, %ld errors\n", connections, (long)t.bytes,
           (long)t.errors);
    return 0;
}

async int run(unsigned port, long connections) {
    ac_addr addr;
    ac_listener l;
    char name[64];
    int rc = ac_addr_ip(&addr, "127.0.0.1", port);
    if (rc == 0)
        rc = ac_listen(&l, &addr, 1024);
    if (rc == 0)
        rc = ac_local_addr(&l.fd, &addr);
    if (rc != 0) {
        fprintf(stderr, "echo_server: 127.0.0.1:%u: %s\n", port, strerror(-rc));
        return 1;
    }
    ac_addr_format(&addr, name, sizeof name);
    printf("listening on %s\n", name);
    fflush(stdout);
    rc = await(serve_all(&l, connections));
    ac_listener_close(&l);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: echo_server [connections] port\n");
        return 2;
    }
    long connections = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
    unsigned port = (unsigned)strtoul(argv[argc - 1], NULL, 10);
    return workers_block_on("echo_server", ac_future_of(run(port, connections)));
}
