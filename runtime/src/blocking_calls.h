/* blocking_calls.h - the blocking calls behind <ac_blocking.h>'s ready-made leaves, made
 * the same way by the pool's threads (blocking.c) and by the sequential face
 * (sequential.c), which cannot include internal.h. Internal. */
#ifndef AC_RUNTIME_BLOCKING_CALLS_H
#define AC_RUNTIME_BLOCKING_CALLS_H

#include <stddef.h>
#include <sys/types.h>

#define ACI_CALLS_HIDDEN __attribute__((visibility("hidden")))

/* open(2), close(2), pread(2), pwrite(2): the result, or a negative errno; EINTR is
 * retried (except by close, which Linux never leaves open). */
ACI_CALLS_HIDDEN int aci_call_open(const char *path, int flags, mode_t mode);
ACI_CALLS_HIDDEN int aci_call_close(int fd);
ACI_CALLS_HIDDEN ssize_t aci_call_pread(int fd, void *buf, size_t n, off_t off);
ACI_CALLS_HIDDEN ssize_t aci_call_pwrite(int fd, const void *buf, size_t n, off_t off);

#endif
