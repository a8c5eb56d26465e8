/* ac_select: a fair select of a user async function, a sleep and a read, with an
 * else; the winner's index drives a switch. Each branch frame is a member of the
 * select's struct in the await union; the losers are dropped where they stopped. */
#include <ac_io.h>
#include <asyncc.h>

async int next_id(int base) {
    await(ac_yield());
    return base + 1;
}

async int wait_input(ac_fd *in, char *buf, size_t cap) {
    int id = 0;
    ssize_t n = 0;
    switch (ac_select(ac_on(&id, next_id(41)), ac_on_done(ac_sleep_ms(100)),
                      ac_on_if(&n, ac_fd_read(in, buf, cap), n > 0))) {
    case 0:
        return id;
    case 1:
        return -1;
    case 2:
        return (int)n;
    case AC_NONE: /* the read saw end of stream: the only branch that can be disabled */
        break;
    }
    return 0;
}
