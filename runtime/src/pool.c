/* pool.c - the memory of tasks: one block per task, from per-loop size classes.
 *
 * Size classes go in ACI_MAX_ALIGN-byte steps, each carving blocks out of its own
 * chunks and recycling freed blocks through a free list (the fast paths are inline in
 * pool.h). Besides making spawn and free a few instructions, the pool is how the
 * executor finds every live task: a task parked on some event (a channel, a lock) is
 * referenced by nothing the runtime knows, yet the outermost block_on must drop and
 * free it. It walks the chunks. Blocks too big for a size class get a malloc block of
 * their own, linked in a list. The pool keeps its memory until the outermost block_on
 * ends with no task left alive; then it all goes back to malloc.
 *
 * A pool belongs to its thread. The multi-thread runtime's tasks may finish on another
 * worker than the one whose pool they came from: that worker pushes the block on the
 * pool's remote-free stack (a lock-free list), and the owner drains it now and then.
 */
#define _DEFAULT_SOURCE 1 /* madvise, for huge pages (see CHUNK_MAX_BYTES) */

#include "pool.h"

#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

/* A class's chunks double in size from CHUNK_MIN_BYTES to CHUNK_MAX_BYTES, a huge page
 * (2 MB on x86-64): chunks that big are aligned to their size and marked for
 * transparent huge pages, so that a class holding a million tasks costs one page fault
 * per 2 MB instead of one per 4 KB (spawning a million tasks takes half the time). */
#define CHUNK_MIN_BYTES ((size_t)4096)
#define CHUNK_MAX_BYTES ((size_t)2 << 20)

/* The prefix of a block too big for a size class: the list of such blocks. */
struct aci_large_link {
    struct aci_large_link *prev, *next;
    alignas(max_align_t) unsigned char task[];
};

/* A huge page for a chunk of CHUNK_MAX_BYTES. Before anything touches it: a page
 * faulted in already would make the kernel map the rest with small pages too. Only
 * advice: without huge pages the chunk works the same. */
static void *huge_alloc(void) {
    void *p = aligned_alloc(CHUNK_MAX_BYTES, CHUNK_MAX_BYTES);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, CHUNK_MAX_BYTES, MADV_HUGEPAGE);
#endif
    return p;
}

static aci_pool_chunk *chunk_new(size_t bytes) {
    aci_pool_chunk *c = bytes == CHUNK_MAX_BYTES ? huge_alloc() : malloc(bytes);
    if (c) {
        c->next = NULL;
        c->used = 0;
        c->bytes = bytes;
    }
    return c;
}

/* Add a chunk twice the size of the class's last (up to CHUNK_MAX_BYTES) and carve a
 * block from it. */
ac_task *aci_pool_grow(aci_pool_class *c, size_t size) {
    aci_pool_chunk *last = c->last;
    size_t bytes = last ? 2 * last->bytes : CHUNK_MIN_BYTES;
    aci_pool_chunk *fresh = chunk_new(bytes < CHUNK_MAX_BYTES ? bytes : CHUNK_MAX_BYTES);
    if (!fresh)
        return NULL;
    if (last)
        last->next = fresh;
    else
        c->chunks = fresh;
    c->last = fresh;
    return aci_pool_carve(c, size);
}

ac_task *aci_pool_large_alloc(aci_pool *p, size_t size) {
    aci_large_link *l = malloc(sizeof *l + size);
    if (!l)
        return NULL;
    l->prev = NULL;
    l->next = p->large;
    if (p->large)
        p->large->prev = l;
    p->large = l;
    return (ac_task *)l->task;
}

void aci_pool_large_free(aci_pool *p, ac_task *t) {
    aci_large_link *l = (aci_large_link *)((char *)t - offsetof(aci_large_link, task));
    if (l->prev)
        l->prev->next = l->next;
    else
        p->large = l->next;
    if (l->next)
        l->next->prev = l->prev;
    free(l);
}

size_t aci_pool_walk(aci_pool *p, int (*fn)(ac_task *t, void *arg), void *arg) {
    size_t hits = 0;
    for (size_t i = 0; i < ACI_POOL_CLASSES; i++) {
        size_t size = (i + 1) * ACI_MAX_ALIGN;
        for (aci_pool_chunk *c = p->classes[i].chunks; c; c = c->next)
            for (size_t off = 0; off < c->used; off += size) {
                ac_task *t = (ac_task *)(c->data + off);
                if (t->vt)
                    hits += fn(t, arg) != 0;
            }
    }
    for (aci_large_link *l = p->large, *next; l; l = next) {
        next = l->next;
        hits += fn((ac_task *)l->task, arg) != 0;
    }
    return hits;
}

void aci_pool_drain_remote(aci_pool *p) {
    if (!atomic_load_explicit(&p->remote_free, memory_order_relaxed))
        return;
    ac_task *t = atomic_exchange_explicit(&p->remote_free, NULL, memory_order_acquire);
    while (t) {
        ac_task *next = t->next;
        aci_pool_free(p, t, aci_task_block_size(t->vt));
        t = next;
    }
}

void aci_pool_release(aci_pool *p) {
    for (size_t i = 0; i < ACI_POOL_CLASSES; i++) {
        for (aci_pool_chunk *c = p->classes[i].chunks, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        p->classes[i] = (aci_pool_class){NULL, NULL};
        p->free[i] = NULL;
    }
}
