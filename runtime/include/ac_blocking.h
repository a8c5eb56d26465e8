/* ac_blocking.h - blocking work on a pool of threads, awaited like any future, and
 * the ready-made blocking calls that have no non-blocking form: regular files (which
 * epoll cannot watch) and name resolution.
 *
 *     struct job { const char *text; size_t length; } j = {"hello", 0};
 *     int rc = await(ac_spawn_blocking(count_length, &j, sizeof j));  // 0, or -errno
 *     // j.length is what count_length wrote into its copy
 *
 *   async int ac_spawn_blocking(ac_blocking_fn *fn, void *data, size_t size)
 *       copies the size bytes at data into memory the pool owns, runs fn on that copy
 *       on a pool thread while the task is parked, and copies them back into data when
 *       fn has returned. Returns 0, -ENOMEM, or -EAGAIN when no thread could be
 *       started. If the awaiting frame is dropped first, fn still runs to its end (a
 *       thread cannot be interrupted safely) on the copy, which the pool then frees:
 *       data is never written after the drop. fn must therefore touch only its copy
 *       and memory that outlives the wait.
 *
 *   async int ac_file_open(const char *path, int flags, mode_t mode)   fd or -errno
 *   async int ac_file_close(int fd)                                    0 or -errno
 *   async ssize_t ac_file_pread(int fd, void *buf, size_t n, off_t off)
 *   async ssize_t ac_file_pwrite(int fd, const void *buf, size_t n, off_t off)
 *       bytes moved (short counts as pread/pwrite give them) or -errno; the bytes go
 *       through a buffer the pool owns, so a dropped read never writes into buf.
 *       EINTR is retried. The path is copied before the call returns.
 *   async int ac_getaddrinfo(const char *host, const char *service,
 *                            const struct addrinfo *hints, struct addrinfo **res)
 *       getaddrinfo's result (0 or an EAI_ code); on 0 *res is the caller's, to free
 *       with freeaddrinfo. Dropped before the end, the pool frees the result.
 *
 * The pool: at most max_threads threads (default 16) start as jobs come and no thread
 * is idle; an idle thread exits after keep_alive_ms (default 10 s). Jobs wait in FIFO
 * order. The threads block every signal (ac_signal.h). The completion wakes the
 * parked task through an ac_remote.
 *
 *   int ac_blocking_configure(unsigned max_threads, unsigned keep_alive_ms)
 *       0, or -EINVAL for a max_threads of 0; applies to threads started afterwards
 *       and to the idle waits that begin afterwards.
 *   void ac_blocking_metrics_get(ac_blocking_metrics *m)
 *       threads started, busy, idle, and jobs queued (the plain face runs the calls
 *       on the calling thread: its pool stays empty).
 *
 * It includes <asyncc.h> itself. Three faces, like <asyncc.h>: under ASYNCC_PARSE the
 * calls are declared async, with their frames complete so asyncc embeds them; the
 * ABI face (ASYNCC_LOWERED, or the runtime's own sources) declares the leaves'
 * init/poll/drop (grammar/abi.md, section 7); ASYNCC_SEQUENTIAL runs each call on
 * the calling thread, the sequential meaning.
 */
#ifndef AC_BLOCKING_H
#define AC_BLOCKING_H

/* The annotations first, whatever order the program includes headers in (the
 * runtime's own sources have the ABI already). */
#ifndef AC_RUNTIME_H
#include "asyncc.h"
#endif

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netdb.h>

typedef void ac_blocking_fn(void *data);

int ac_blocking_configure(unsigned max_threads, unsigned keep_alive_ms);

/* The pool as it is now. A thread counts as busy while it runs a job's function only:
 * by the time a task has its job's result, that thread is no longer busy. */
typedef struct ac_blocking_metrics {
    unsigned threads; /* started and not yet left */
    unsigned busy;    /* running a job's function */
    unsigned idle;    /* waiting for a job */
    unsigned queued;  /* jobs waiting for a thread */
} ac_blocking_metrics;

void ac_blocking_metrics_get(ac_blocking_metrics *m);

#if defined(ASYNCC_PARSE) || defined(ASYNCC_LOWERED) || defined(AC_RUNTIME_H)
/* ---- the runtime's face --------------------------------------------------------------- */

#include "ac_runtime.h"

typedef struct aci_job aci_job;

/* Every blocking leaf's frame starts with this: the job, once submitted. */
typedef struct ac_spawn_blocking_frame {
    ac_blocking_fn *fn;
    void *data;
    size_t size;
    aci_job *job;
} ac_spawn_blocking_frame;

typedef struct ac_file_open_frame {
    ac_spawn_blocking_frame core;
    const char *path;
    int flags;
    mode_t mode;
} ac_file_open_frame;

typedef struct ac_file_close_frame {
    ac_spawn_blocking_frame core;
    int fd;
} ac_file_close_frame;

/* pread and pwrite: buf is only read by pwrite. */
typedef struct ac_file_rw_frame {
    ac_spawn_blocking_frame core;
    int fd;
    void *buf;
    size_t n;
    off_t off;
} ac_file_rw_frame;
typedef ac_file_rw_frame ac_file_pread_frame;
typedef ac_file_rw_frame ac_file_pwrite_frame;

typedef struct ac_getaddrinfo_frame {
    ac_spawn_blocking_frame core;
    const char *host, *service;
    const struct addrinfo *hints;
    struct addrinfo **res;
} ac_getaddrinfo_frame;

#if defined(ASYNCC_PARSE)
async int ac_spawn_blocking(ac_blocking_fn *fn, void *data, size_t size);
async int ac_file_open(const char *path, int flags, mode_t mode);
async int ac_file_close(int fd);
async ssize_t ac_file_pread(int fd, void *buf, size_t n, off_t off);
async ssize_t ac_file_pwrite(int fd, const void *buf, size_t n, off_t off);
async int ac_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                         struct addrinfo **res);
#else
void ac_spawn_blocking_init(ac_spawn_blocking_frame *f, ac_blocking_fn *fn, void *data,
                            size_t size);
ac_poll ac_spawn_blocking_poll(ac_spawn_blocking_frame *f, ac_cx *cx, int *out);
void ac_spawn_blocking_drop(ac_spawn_blocking_frame *f);
void ac_file_open_init(ac_file_open_frame *f, const char *path, int flags, mode_t mode);
ac_poll ac_file_open_poll(ac_file_open_frame *f, ac_cx *cx, int *out);
void ac_file_open_drop(ac_file_open_frame *f);
void ac_file_close_init(ac_file_close_frame *f, int fd);
ac_poll ac_file_close_poll(ac_file_close_frame *f, ac_cx *cx, int *out);
void ac_file_close_drop(ac_file_close_frame *f);
void ac_file_pread_init(ac_file_pread_frame *f, int fd, void *buf, size_t n, off_t off);
ac_poll ac_file_pread_poll(ac_file_pread_frame *f, ac_cx *cx, ssize_t *out);
void ac_file_pread_drop(ac_file_pread_frame *f);
void ac_file_pwrite_init(ac_file_pwrite_frame *f, int fd, const void *buf, size_t n, off_t off);
ac_poll ac_file_pwrite_poll(ac_file_pwrite_frame *f, ac_cx *cx, ssize_t *out);
void ac_file_pwrite_drop(ac_file_pwrite_frame *f);
void ac_getaddrinfo_init(ac_getaddrinfo_frame *f, const char *host, const char *service,
                         const struct addrinfo *hints, struct addrinfo **res);
ac_poll ac_getaddrinfo_poll(ac_getaddrinfo_frame *f, ac_cx *cx, int *out);
void ac_getaddrinfo_drop(ac_getaddrinfo_frame *f);
#endif

#elif defined(ASYNCC_SEQUENTIAL)
/* ---- plain C: the sequential meaning, on the calling thread ------------------------- */

/* runtime/src/sequential.c: the same calls, made here and now. */
int ac_spawn_blocking(ac_blocking_fn *fn, void *data, size_t size);
int ac_file_open(const char *path, int flags, mode_t mode);
int ac_file_close(int fd);
ssize_t ac_file_pread(int fd, void *buf, size_t n, off_t off);
ssize_t ac_file_pwrite(int fd, const void *buf, size_t n, off_t off);
int ac_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                   struct addrinfo **res);

#else
/* clang-format off */
#error "this file uses async/await: compile the C that asyncc writes from it (asyncc file.c -o file.gen.c), or define ASYNCC_SEQUENTIAL for its sequential meaning"
/* clang-format on */
#endif
#endif
