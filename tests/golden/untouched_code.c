/* Code without async is copied as it is: comments, macros, types, functions. */
#include <asyncc.h>

#define SQUARE(x) ((x) * (x))

/* A type and a plain function around an async one. */
typedef struct {
    int w, h;
} size2;

int area(size2 s) {
    return SQUARE(s.w) + s.h; // a line comment
}

async int wait_area(size2 s) {
    await(ac_yield()); /* suspends once */
    return area(s);
}

static int unused_helper_count = 0;
int bump_helper(void) {
    return ++unused_helper_count;
}
