/* Includes a header that defines an async function. */
#include "async_in_header.h"

int main(void) {
    return ac_block_on(from_header());
}
