/* resp_server - a Redis-protocol server on 127.0.0.1: PING, ECHO, SET, GET, DEL, INCR,
 * EXISTS and QUIT on an in-memory table, with pipelining. redis-cli and
 * redis-benchmark talk to it unmodified.
 *
 *     resp_server PORT         (0: any free port; the line printed names it)
 *     ASYNCC_WORKERS=2 resp_server PORT    the same on 2 workers (workers.h)
 *
 * One task per connection: it reads what the client sent, executes every complete
 * command in it (resp.c), and writes all their replies with one write. */
#include <asyncc.h>
/* after <asyncc.h>, which defines async */
#include <ac_io.h>
#include <ac_net.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "resp.h"
#include "workers.h"

/* The data, shared by every connection. On workers (ASYNCC_WORKERS, workers.h) the lock
 * keeps one batch of commands at a time in the table (held for one batch, never across
 * an await). On the current-thread loop every connection runs on this thread: no lock,
 * which would cost a lock and an unlock a batch for nothing. */
static table store;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static int store_shared; /* running on workers: take store_lock */

/* Execute the complete commands of io on the table (resp_serve). */
static resp_status store_serve(resp_io *io) {
    if (!store_shared)
        return resp_serve(&store, io);
    pthread_mutex_lock(&store_lock);
    resp_status status = resp_serve(&store, io);
    pthread_mutex_unlock(&store_lock);
    return status;
}

/* Replies of one batch of commands: at least one input buffer's worth. */
#define OUT_SIZE (2 * NET_BUF_SIZE + RESP_REPLY_SLACK)

async int conn_serve(int fd) {
    ac_fd h;
    if (ac_fd_open(&h, fd) != 0) {
        close(fd);
        return -1;
    }
    net_buf in;
    in.start = in.end = 0;
    char out[OUT_SIZE];
    resp_status status = RESP_CONTINUE;
    while (status != RESP_CLOSE) {
        /* ac_fd_read, not net_fill: a call to another file would allocate a frame for
         * every read (net.h). The buffer is never full here: see too_long below. */
        if (status != RESP_OUT_FULL) {
            size_t room = net_buf_room(&in);
            ssize_t n = await(ac_fd_read(&h, in.data + in.end, room));
            if (n <= 0)
                break;
            in.end += (size_t)n;
        }
        resp_io io = {in.data, in.start, in.end, NET_BUF_SIZE, out, 0, sizeof out};
        status = store_serve(&io);
        in.start = io.start;
        if (status == RESP_CONTINUE && in.start == 0 && in.end == NET_BUF_SIZE) {
            /* A full buffer and still no complete command: it can never fit. */
            static const char too_long[] = "-ERR Protocol error: command too long\r\n";
            memcpy(out + io.out_len, too_long, sizeof too_long - 1);
            io.out_len += sizeof too_long - 1;
            status = RESP_CLOSE;
        }
        if (io.out_len > 0 && await(ac_fd_write_all(&h, out, io.out_len)) < 0)
            break;
    }
    ac_fd_close(&h);
    return 0;
}

static ac_future conn_start(int fd) {
    return ac_future_of(conn_serve(fd));
}

int main(int argc, char **argv) {
    table_init(&store);
    store_shared = workers_wanted() > 0;
    int rc = net_main(argc, argv, "resp_server", conn_start);
    table_free(&store);
    return rc;
}
