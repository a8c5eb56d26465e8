/* listen_any.h - what the network tests share: a listener on a free loopback port.
 * Include after <ac_net.h>. */
#ifndef TESTS_NET_LISTEN_ANY_H
#define TESTS_NET_LISTEN_ANY_H

/* A listener on 127.0.0.1, any port; its address in *bound. 0, or -1. */
static inline int listen_any(ac_listener *l, ac_addr *bound) {
    ac_addr a;
    ac_addr_ip(&a, "127.0.0.1", 0);
    if (ac_listen(l, &a, SOMAXCONN) != 0)
        return -1;
    return ac_local_addr(&l->fd, bound);
}

#endif
