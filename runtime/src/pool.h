/* pool.h - the block pool's fast paths, inline so that spawn and free stay a few
 * instructions (pool.c has the rest and the design). Internal. */
#ifndef AC_RUNTIME_POOL_H
#define AC_RUNTIME_POOL_H

#include "internal.h"

/* Under AddressSanitizer, a freed block is poisoned past its vt and next words (which
 * the pool itself reads), so that using a task after it was freed is reported even
 * though the block never goes back to malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define ACI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACI_ASAN 1
#endif
#endif
#ifdef ACI_ASAN
#include <sanitizer/asan_interface.h>
#define ACI_BLOCK_KEPT_BYTES (2 * sizeof(void *))
#define aci_block_poison(t, size)                                                                  \
    ASAN_POISON_MEMORY_REGION((char *)(t) + ACI_BLOCK_KEPT_BYTES, (size)-ACI_BLOCK_KEPT_BYTES)
#define aci_block_unpoison(t, size) ASAN_UNPOISON_MEMORY_REGION((t), (size))
#else
#define aci_block_poison(t, size) ((void)(t), (void)(size))
#define aci_block_unpoison(t, size) ((void)(t), (void)(size))
#endif

/* A chunk of blocks of one size; blocks are handed out from the start (`used`). */
struct aci_pool_chunk {
    struct aci_pool_chunk *next;
    size_t used;
    size_t bytes; /* the whole allocation, this header included */
    alignas(max_align_t) unsigned char data[];
};

/* The slow paths: a block from a new chunk, or a block too big for a class. */
ACI_HIDDEN ac_task *aci_pool_grow(aci_pool_class *c, size_t size);
ACI_HIDDEN ac_task *aci_pool_large_alloc(aci_pool *p, size_t size);
ACI_HIDDEN void aci_pool_large_free(aci_pool *p, ac_task *t);
/* Call fn(block, arg) on every allocated block. Blocks fn frees are not visited again;
 * blocks fn allocates may or may not be visited. Returns how many calls returned
 * nonzero. */
ACI_HIDDEN size_t aci_pool_walk(aci_pool *p, int (*fn)(ac_task *t, void *arg), void *arg);
/* Give every chunk back to malloc; only when no block is allocated. */
ACI_HIDDEN void aci_pool_release(aci_pool *p);
/* On p's thread: free the blocks other threads gave back (aci_pool_free_remote). */
ACI_HIDDEN void aci_pool_drain_remote(aci_pool *p);

static inline size_t aci_pool_class_index(size_t size) {
    return size / ACI_MAX_ALIGN - 1;
}

static inline int aci_chunk_has_room(const aci_pool_chunk *c, size_t size) {
    return c->bytes - offsetof(aci_pool_chunk, data) - c->used >= size;
}

/* A block from the class's newest chunk, or from a new one when that is full. */
static inline ac_task *aci_pool_carve(aci_pool_class *c, size_t size) {
    aci_pool_chunk *last = c->last;
    if (!last || !aci_chunk_has_room(last, size))
        return aci_pool_grow(c, size);
    ac_task *t = (ac_task *)(last->data + last->used);
    last->used += size;
    return t;
}

/* A freed block of size bytes (a multiple of ACI_MAX_ALIGN) to use again, or NULL when
 * its class has none. It keeps its flags, whose generation task.c counts on. */
static inline ac_task *aci_pool_reuse(aci_pool *p, size_t size) {
    size_t i = aci_pool_class_index(size);
    if (i >= ACI_POOL_CLASSES || !p->free[i])
        return NULL;
    ac_task *t = p->free[i];
    p->free[i] = t->next;
    aci_block_unpoison(t, size);
    p->live++;
    return t;
}

/* A block never used, carved from a chunk or malloc'd when too big for a class, or NULL
 * when memory is out. */
static inline ac_task *aci_pool_fresh(aci_pool *p, size_t size) {
    size_t i = aci_pool_class_index(size);
    ac_task *t =
        i < ACI_POOL_CLASSES ? aci_pool_carve(&p->classes[i], size) : aci_pool_large_alloc(p, size);
    if (!t)
        return NULL;
    t->flags = 0; /* a new block: its generation starts over */
    p->live++;
    return t;
}

static inline void aci_pool_free(aci_pool *p, ac_task *t, size_t size) {
    size_t i = aci_pool_class_index(size);
    p->live--;
    if (i >= ACI_POOL_CLASSES) {
        aci_pool_large_free(p, t);
        return;
    }
    aci_task_set_vt(t, NULL);
    t->next = p->free[i];
    p->free[i] = t;
    aci_block_poison(t, size);
}

/* From a thread that does not own p: give back t, a block of p (a multi-thread task
 * that finished on another worker). Its vt stays until the owner drains it, so that the
 * owner knows its size; only the owner takes blocks off the stack, all at once, so a
 * push cannot meet the ABA problem. */
static inline void aci_pool_free_remote(aci_pool *p, ac_task *t) {
    ac_task *head = atomic_load_explicit(&p->remote_free, memory_order_relaxed);
    do
        t->next = head;
    while (!atomic_compare_exchange_weak_explicit(&p->remote_free, &head, t, memory_order_release,
                                                  memory_order_relaxed));
}

#endif
