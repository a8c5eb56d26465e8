/* Returning a pointer. */
#include <asyncc.h>

static const char greeting[] = "hello";

async const char *find(int i) {
    await(ac_yield());
    return i == 0 ? greeting : 0;
}

async int first_char(void) {
    const char *s = await(find(0));
    return s ? s[0] : 0;
}
