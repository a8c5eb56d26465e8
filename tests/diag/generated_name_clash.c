/* A file-scope name that asyncc also writes for an async function defined here:
 * each clash is reported where the user declares the name. */
#include <asyncc.h>

static int server_init(int port) {
    return port;
}

#define server_poll(frame) (frame)

enum mode { server_START = 1, server_AWAIT_client };

typedef int server_frame;

async int server(int port) {
    await(ac_yield());
    return port;
}

int main(void) {
    return ac_block_on(server(server_init(1)));
}
