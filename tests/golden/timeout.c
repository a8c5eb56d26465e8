/* ac_timeout and ac_timeout_at: a biased select of the branch and a sleep, so a
 * branch that finishes in the same poll as the timer wins; AC_TIMED_OUT drops the
 * call. */
#include <ac_io.h>
#include <ac_time.h>
#include <asyncc.h>

async ssize_t read_within(ac_fd *in, char *buf, size_t cap, uint64_t ms) {
    ssize_t n = 0;
    if (ac_timeout(ms, ac_on(&n, ac_fd_read(in, buf, cap))) == AC_TIMED_OUT)
        return -1;
    return n;
}

async int ready_by(ac_fd *in, uint64_t deadline_ns) {
    return ac_timeout_at(deadline_ns, ac_on_done(ac_fd_readable(in)));
}
