/* echo_client - opens connections to an echo server at once (one spawned task each),
 * sends messages on each, and checks every byte it gets back.
 *
 *     echo_client connections messages size port
 *
 * Each connection sends `messages` messages of `size` bytes (a pattern of the
 * connection, the message and the offset), reads each echo whole, then half-closes
 * and expects end of stream. Prints the totals; exits 1 on any error or wrong byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asyncc.h>

#include <ac_io.h> /* after <asyncc.h>: its face */
#include <ac_net.h>

typedef struct job {
    const ac_addr *server;
    size_t messages, size;
    long bytes, wrong, errors;
} job;

static unsigned char pattern(long conn, size_t msg, size_t i) {
    return (unsigned char)(conn * 7 + (long)msg * 13 + (long)i);
}

/* One message out and its echo back: the bytes that came back wrong, or -1. */
async long exchange(ac_fd *conn, long id, size_t msg, unsigned char *out, unsigned char *in,
                    size_t size) {
    for (size_t i = 0; i < size; i++)
        out[i] = pattern(id, msg, i);
    if (await(ac_fd_write_all(conn, out, size)) < 0)
        return -1;
    if (await(ac_fd_read_exact(conn, in, size)) != (ssize_t)size)
        return -1;
    long wrong = 0;
    for (size_t i = 0; i < size; i++)
        wrong += in[i] != out[i];
    return wrong;
}

async void client(job *j, long id) {
    ac_fd conn;
    unsigned char *out = malloc(j->size), *in = malloc(j->size);
    int rc = out && in ? await(ac_connect(&conn, j->server)) : -ENOMEM;
    for (size_t m = 0; rc == 0 && m < j->messages; m++) {
        long wrong = await(exchange(&conn, id, m, out, in, j->size));
        rc = wrong < 0 ? -1 : 0;
        j->wrong += wrong > 0 ? wrong : 0;
        j->bytes += wrong >= 0 ? (long)j->size : 0;
    }
    /* half-close: the server sees end of stream and closes, we read 0 */
    if (rc == 0 && (ac_shutdown(&conn, SHUT_WR) != 0 || await(ac_fd_read(&conn, in, 1)) != 0))
        rc = -1;
    if (rc != 0)
        j->errors++;
    ac_fd_close(&conn);
    free(out);
    free(in);
}

async int run(job *j, long connections) {
    ac_task **tasks = calloc((size_t)connections, sizeof *tasks);
    if (!tasks)
        return 1;
    for (long i = 0; i < connections; i++)
        tasks[i] = ac_spawn(client(j, i));
    for (long i = 0; i < connections; i++)
        await(ac_join(tasks[i], NULL));
    free(tasks);
    printf("%ld connections: %ld bytes echoed, %ld wrong, %ld errors\n", connections, j->bytes,
           j->wrong, j->errors);
    return j->wrong != 0 || j->errors != 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: echo_client connections messages size port\n");
        return 2;
    }
    ac_addr server;
    if (ac_addr_ip(&server, "127.0.0.1", (unsigned)strtoul(argv[4], NULL, 10)) != 0)
        return 2;
    long connections = strtol(argv[1], NULL, 10);
    job j = {&server, strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10), 0, 0, 0};
    if (connections <= 0 || j.size == 0)
        return 2;
    return ac_block_on(run(&j, connections));
}
