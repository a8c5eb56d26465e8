/* net.h - what the example servers and clients share on top of ac_net.h: a server's
 * accept loop on 127.0.0.1 with a task per connection, its main, and a read buffer.
 * Include after <asyncc.h> and <ac_io.h>. */
#ifndef EXAMPLES_NET_H
#define EXAMPLES_NET_H

#include <stddef.h>
#include <sys/types.h>

/* A read buffer: bytes [start, end) received and not used yet. */
#define NET_BUF_SIZE (64 * 1024)
typedef struct net_buf {
    size_t start, end;
    char data[NET_BUF_SIZE];
} net_buf;

/* A connection's handler, as a future so that net_serve can start any function. It
 * owns fd (and closes it). */
typedef ac_future net_handler(int fd);
/* Listen on 127.0.0.1:port (0: any free port), print "<name>: listening on
 * 127.0.0.1:<port>" on stdout, and run handler(fd) as a task for each connection.
 * Returns only when listening or accepting fails: 1, after a message on stderr. */
async int net_serve(const char *name, int port, net_handler *handler);
/* A server's main: net_serve on the port named by the last command-line argument, on
 * the current-thread loop, or on ASYNCC_WORKERS workers (workers.h). Returns
 * net_serve's status, or 2 after a usage message. */
int net_main(int argc, char **argv, const char *name, net_handler *handler);
/* The port named by the last command-line argument, or -1 after a usage message. */
int net_port_arg(int argc, char **argv, const char *usage);
/* Make room at the end of b, moving what is left to the front: the bytes free there
 * (0: b is full). */
size_t net_buf_room(net_buf *b);
/* Read more into b (after net_buf_room): the bytes read, 0 at end of stream, -ENOBUFS
 * if b is full, or a negative errno. Its frame is on the heap when awaited from another
 * file (grammar/abi.md): a server's hot loop reads with ac_fd_read itself instead. */
async ssize_t net_fill(ac_fd *h, net_buf *b);

#endif
