/* sequential.c - the blocking stand-in of ac_sleep_ms in the sequential face of
 * <asyncc.h> (ASYNCC_SEQUENTIAL), which is a plain function: it lives here so that
 * the header need not include <time.h> and <threads.h> into the program. */
#define ASYNCC_SEQUENTIAL 1

#include <asyncc.h>

#include <threads.h> /* thrd_sleep: C11, unlike POSIX nanosleep */
#include <time.h>

void ac_sequential_sleep_ms(uint64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (thrd_sleep(&ts, &ts) == -1) { /* -1: interrupted, ts holds the rest */
    }
}
