/* buf.c - the pool of I/O buffers (ac_buf.h has the API and the bound).
 *
 * A buffer is one malloc block: a header (its pool, whether it is lent, the stack
 * link) and the bytes handed out. Each thread's cache of a pool is found through the
 * pool's pthread key and listed in the pool, so that ac_buf_pool_free reaches every
 * cache and a thread's exit (the key's destructor) gives its cache back. Only the
 * shared stack and the list of caches are under the pool's lock.
 */
#include "ac_buf.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#define BUF_SIZE_MAX ((size_t)1 << 30)

enum buf_mark { BUF_KEPT = 0x6b657074u, BUF_LENT = 0x6c656e74u };

typedef struct buf_head {
    ac_buf_pool *pool;
    uint32_t mark; /* enum buf_mark */
    struct buf_head *next;
    alignas(max_align_t) unsigned char data[];
} buf_head;

typedef struct buf_cache {
    ac_buf_pool *pool;
    struct buf_cache *prev, *next; /* the pool's list */
    unsigned n;
    buf_head *items[AC_BUF_CACHE];
} buf_cache;

struct ac_buf_pool {
    size_t buf_size, max_kept;
    pthread_key_t key;
    pthread_mutex_t lock;
    buf_head *shared; /* under lock, like what follows */
    size_t n_shared;
    buf_cache *caches;
    _Atomic uint64_t allocated, freed;
};

static void head_free(ac_buf_pool *pool, buf_head *h) {
    atomic_fetch_add_explicit(&pool->freed, 1, memory_order_relaxed);
    free(h);
}

/* Buffers beyond max_kept leave the shared stack (lock held); the caller frees them. */
static buf_head *shared_trim(ac_buf_pool *pool) {
    buf_head *excess = NULL;
    while (pool->n_shared > pool->max_kept) {
        buf_head *h = pool->shared;
        pool->shared = h->next;
        pool->n_shared--;
        h->next = excess;
        excess = h;
    }
    return excess;
}

/* Move the cache's last n buffers to the shared stack, freeing what exceeds the bound. */
static void cache_flush(buf_cache *c, unsigned n) {
    ac_buf_pool *pool = c->pool;
    pthread_mutex_lock(&pool->lock);
    for (; n > 0; n--) {
        buf_head *h = c->items[--c->n];
        h->next = pool->shared;
        pool->shared = h;
        pool->n_shared++;
    }
    buf_head *excess = shared_trim(pool);
    pthread_mutex_unlock(&pool->lock);
    while (excess) {
        buf_head *next = excess->next;
        head_free(pool, excess);
        excess = next;
    }
}

/* Take up to half a cache from the shared stack. */
static void cache_refill(buf_cache *c) {
    ac_buf_pool *pool = c->pool;
    pthread_mutex_lock(&pool->lock);
    while (c->n < AC_BUF_CACHE / 2 && pool->shared) {
        c->items[c->n++] = pool->shared;
        pool->shared = pool->shared->next;
        pool->n_shared--;
    }
    pthread_mutex_unlock(&pool->lock);
}

static void cache_unlink(buf_cache *c) {
    if (c->prev)
        c->prev->next = c->next;
    else
        c->pool->caches = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

/* The key's destructor: a thread that used the pool exits. */
static void cache_release(void *arg) {
    buf_cache *c = arg;
    cache_flush(c, c->n);
    pthread_mutex_lock(&c->pool->lock);
    cache_unlink(c);
    pthread_mutex_unlock(&c->pool->lock);
    free(c);
}

/* This thread's cache of pool, made on first use; NULL when memory is exhausted. */
static buf_cache *cache_here(ac_buf_pool *pool) {
    buf_cache *c = pthread_getspecific(pool->key);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (pthread_setspecific(pool->key, c) != 0) {
        free(c);
        return NULL;
    }
    c->pool = pool;
    pthread_mutex_lock(&pool->lock);
    c->next = pool->caches;
    if (c->next)
        c->next->prev = c;
    pool->caches = c;
    pthread_mutex_unlock(&pool->lock);
    return c;
}

int ac_buf_pool_new(size_t buf_size, size_t max_kept, ac_buf_pool **out) {
    if (buf_size == 0 || buf_size > BUF_SIZE_MAX)
        return -EINVAL;
    ac_buf_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return -ENOMEM;
    int rc = pthread_key_create(&pool->key, cache_release);
    if (rc != 0) {
        free(pool);
        return rc == ENOMEM ? -ENOMEM : -EAGAIN;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pool->buf_size = buf_size;
    pool->max_kept = max_kept;
    *out = pool;
    return 0;
}

static buf_head *head_new(ac_buf_pool *pool) {
    buf_head *h = malloc(sizeof *h + pool->buf_size);
    if (h) {
        h->pool = pool;
        atomic_fetch_add_explicit(&pool->allocated, 1, memory_order_relaxed);
    }
    return h;
}

void *ac_buf_get(ac_buf_pool *pool) {
    buf_cache *c = cache_here(pool);
    if (c && c->n == 0)
        cache_refill(c);
    buf_head *h = c && c->n > 0 ? c->items[--c->n] : head_new(pool);
    if (!h)
        return NULL;
    h->mark = BUF_LENT;
    return h->data;
}

int ac_buf_put(ac_buf_pool *pool, void *buf) {
    if (!buf)
        return -EINVAL;
    buf_head *h = (buf_head *)((unsigned char *)buf - offsetof(buf_head, data));
    if (h->pool != pool || h->mark != BUF_LENT)
        return -EINVAL;
    h->mark = BUF_KEPT;
    buf_cache *c = cache_here(pool);
    if (!c) { /* no cache to be had: straight to the shared stack */
        buf_cache one = {.pool = pool, .n = 1, .items = {h}};
        cache_flush(&one, 1);
        return 0;
    }
    if (c->n == AC_BUF_CACHE)
        cache_flush(c, AC_BUF_CACHE / 2);
    c->items[c->n++] = h;
    return 0;
}

void ac_buf_pool_stats(ac_buf_pool *pool, ac_buf_stats *stats) {
    pthread_mutex_lock(&pool->lock);
    stats->shared = pool->n_shared;
    pthread_mutex_unlock(&pool->lock);
    stats->allocated = atomic_load_explicit(&pool->allocated, memory_order_relaxed);
    stats->freed = atomic_load_explicit(&pool->freed, memory_order_relaxed);
}

void ac_buf_pool_free(ac_buf_pool *pool) {
    if (!pool)
        return;
    pthread_key_delete(pool->key); /* no destructor runs for it any more */
    while (pool->caches) {
        buf_cache *c = pool->caches;
        while (c->n > 0)
            free(c->items[--c->n]);
        cache_unlink(c);
        free(c);
    }
    while (pool->shared) {
        buf_head *next = pool->shared->next;
        free(pool->shared);
        pool->shared = next;
    }
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
