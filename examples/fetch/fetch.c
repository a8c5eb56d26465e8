/* fetch.c - an async function that awaits two async steps in a row.
 *
 * fetch() sends a request, waits for the response status, then reads the body: the
 * shape of any network client. The network is simulated with timers so that the
 * example runs anywhere: a request takes 2 ms, and the body arrives in chunks of
 * 4 bytes, 1 ms apart. While a step waits, its task is suspended and the thread is
 * free for other tasks.
 *
 * asyncc turns each async function into a state machine with one state per await;
 * after a build, see the generated code in build/examples/fetch/fetch.gen.c. */
#include <stdio.h>
#include <string.h>

#include <asyncc.h>

#define CHUNK 4

static const char *const pages[] = {"<h1>home</h1>", "<p>about us</p>"};

/* Sends a request for page `id`; the status comes back after one round trip. */
async int request(int id) {
    printf("request %d: sent\n", id);
    await(ac_sleep_ms(2));
    int status = id >= 0 && id < 2 ? 200 : 404;
    printf("request %d: status %d\n", id, status);
    return status;
}

/* Receives page `id` into buf (at most cap - 1 bytes) and returns its length. */
async size_t read_body(int id, char *buf, size_t cap) {
    size_t len = strlen(pages[id]);
    if (len > cap - 1)
        len = cap - 1;
    for (size_t got = 0; got < len; got += CHUNK) {
        await(ac_sleep_ms(1)); /* the next chunk is on its way */
        size_t n = len - got < CHUNK ? len - got : CHUNK;
        memcpy(buf + got, pages[id] + got, n);
        printf("read_body %d: %zu of %zu bytes\n", id, got + n, len);
    }
    buf[len] = '\0';
    return len;
}

async int fetch(int id) {
    int status = await(request(id));
    if (status != 200)
        return status;
    char body[64] = "";
    size_t len = await(read_body(id, body, sizeof body));
    printf("fetch %d: %zu bytes: %s\n", id, len, body);
    return status;
}

int main(void) {
    int status = ac_block_on(fetch(1));
    printf("main: fetch(1) returned %d\n", status);
    status = ac_block_on(fetch(7));
    printf("main: fetch(7) returned %d\n", status);
    return 0;
}
