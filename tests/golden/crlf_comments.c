/* A source with CRLF line ends: comments copied from it end their lines in LF,
 * like the rest of the generated code. */
#include <asyncc.h>

async int twice(int v) {
    // a line comment
    await(ac_yield());
    int w = v * 2; // trailing
    /* a block comment
       over two lines */
    return w;
}
