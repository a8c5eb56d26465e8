/* ac_buf.h - a pool of fixed-size I/O buffers, lent out and given back.
 *
 *     ac_buf_pool *pool;
 *     int rc = ac_buf_pool_new(16384, 256, &pool);  buffers of 16 KiB, at most 256 kept
 *     char *buf = ac_buf_get(pool);                 NULL only when memory is exhausted
 *     ssize_t n = await(ac_read(fd, buf, 16384));
 *     ...
 *     rc = ac_buf_put(pool, buf);                   0, or -EINVAL (and nothing done) for
 *                                                   a pointer that is not a buffer of
 *                                                   pool lent out
 *     ac_buf_pool_free(pool);                       once no thread uses it any more
 *
 * Any thread may get and put, and a buffer may be put by another thread than the one
 * that got it. Each thread keeps up to AC_BUF_CACHE buffers of the pool for itself, so
 * that get and put take no lock and no atomic operation; a thread's cache trades half
 * of itself with the pool's shared stack (under a lock) when it runs empty or full.
 * Once a program has as many buffers as it uses at once, nothing allocates any more.
 *
 * The bound: the shared stack keeps at most max_kept buffers and frees the rest, and
 * each thread's cache at most AC_BUF_CACHE; so buffers not lent out number at most
 * max_kept + AC_BUF_CACHE x (threads that used the pool). A thread that exits gives its
 * cache back to the shared stack.
 *
 * Buffers are aligned for any type (max_align_t). Plain C: no await anywhere, the same
 * in every face.
 */
#ifndef AC_BUF_H
#define AC_BUF_H

#include <stddef.h>
#include <stdint.h>

#define AC_BUF_CACHE 32

typedef struct ac_buf_pool ac_buf_pool;

typedef struct ac_buf_stats {
    uint64_t allocated; /* buffers malloc'd over the pool's life */
    uint64_t freed;     /* buffers given back to malloc (the bound, threads' exits) */
    size_t shared;      /* buffers in the shared stack now */
} ac_buf_stats;

/* A pool of buffers of buf_size bytes keeping at most max_kept in its shared stack.
 * 0, -EINVAL for a buf_size of 0 or above 1 GiB, -ENOMEM, or -EAGAIN when the thread
 * caches' key cannot be made (the system's limit on them). */
int ac_buf_pool_new(size_t buf_size, size_t max_kept, ac_buf_pool **out);

/* A buffer of the pool's size, not initialized; NULL when memory is exhausted. */
void *ac_buf_get(ac_buf_pool *pool);

/* Give buf back. 0, or -EINVAL with nothing done when buf is NULL, belongs to another
 * pool, or is not lent out (given back already). A pointer that no pool lent is as
 * wrong here as in free(). */
int ac_buf_put(ac_buf_pool *pool, void *buf);

void ac_buf_pool_stats(ac_buf_pool *pool, ac_buf_stats *stats);

/* Free the pool, the buffers it keeps and every thread's cache of it. Call it once no
 * other thread uses the pool; buffers still lent out are not freed: give them back
 * first. NULL: nothing done. */
void ac_buf_pool_free(ac_buf_pool *pool);

#endif
