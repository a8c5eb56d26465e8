/* upcase - copies stdin to stdout in upper case, with ac_fd on descriptors 0 and 1.
 *
 *     upcase < in > out            (pipes, sockets, terminals or regular files)
 *
 * Each await parks the task while its descriptor is not ready (an empty pipe, or a
 * full one when stdout's reader is slow); a regular file is always ready. Exits 0 at
 * end of input, 1 on an I/O error (with a message). */
#include <stdio.h>
#include <string.h>

#include <asyncc.h>

#include <ac_io.h>  /* after <asyncc.h>: its face */
#include <ac_net.h> /* ac_fd_write_all */

#define CHUNK 4096

static void upcase(char *p, ssize_t n) {
    for (ssize_t i = 0; i < n; i++)
        if (p[i] >= 'a' && p[i] <= 'z')
            p[i] = (char)(p[i] - 'a' + 'A');
}

/* Read a chunk, convert it, write it; stop at end of input. Returns 0 or an errno. */
async int copy(ac_fd *in, ac_fd *out) {
    char buf[CHUNK];
    for (;;) {
        ssize_t n = await(ac_fd_read(in, buf, sizeof buf));
        if (n <= 0)
            return n == 0 ? 0 : (int)-n;
        upcase(buf, n);
        ssize_t w = await(ac_fd_write_all(out, buf, (size_t)n));
        if (w < 0)
            return (int)-w;
    }
}

async int run(void) {
    ac_fd in, out;
    int rc = ac_fd_open(&in, 0);
    if (rc != 0) {
        fprintf(stderr, "upcase: stdin: %s\n", strerror(-rc));
        return 1;
    }
    rc = ac_fd_open(&out, 1);
    if (rc != 0) {
        fprintf(stderr, "upcase: stdout: %s\n", strerror(-rc));
        ac_fd_close(&in);
        return 1;
    }
    int err = await(copy(&in, &out));
    if (err != 0)
        fprintf(stderr, "upcase: %s\n", strerror(err));
    ac_fd_close(&in); /* each gives back the blocking mode the shell left */
    ac_fd_close(&out);
    return err != 0;
}

int main(void) {
    return ac_block_on(run());
}
