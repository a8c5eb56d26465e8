/* table.c - the hash table of table.h. */
#include "table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct table_entry {
    uint64_t hash;
    size_t klen, vlen;
    char bytes[]; /* the key, then the value */
};

/* FNV-1a: short keys (redis-benchmark's are 16 bytes) hash in a few cycles. */
static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

void table_init(table *t) {
    *t = (table){NULL, 0, 0};
}

void table_free(table *t) {
    for (size_t i = 0; i < t->capacity; i++)
        free(t->slots[i]);
    free(t->slots);
    table_init(t);
}

/* The slot holding key, or the empty slot where it would go. capacity > 0. */
static size_t slot_find(const table *t, uint64_t hash, const char *key, size_t klen) {
    size_t mask = t->capacity - 1;
    size_t i = hash & mask;
    for (table_entry *e; (e = t->slots[i]) != NULL; i = (i + 1) & mask)
        if (e->hash == hash && e->klen == klen && memcmp(e->bytes, key, klen) == 0)
            return i;
    return i;
}

/* Double the slots (or make the first 16) so the table stays at most half full. */
static int table_grow(table *t) {
    size_t capacity = t->capacity ? 2 * t->capacity : 16;
    table_entry **slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return -1;
    table old = *t;
    t->slots = slots;
    t->capacity = capacity;
    for (size_t i = 0; i < old.capacity; i++) {
        table_entry *e = old.slots[i];
        if (e)
            t->slots[slot_find(t, e->hash, e->bytes, e->klen)] = e;
    }
    free(old.slots);
    return 0;
}

int table_set(table *t, const char *key, size_t klen, const char *value, size_t vlen) {
    if (2 * (t->count + 1) > t->capacity && table_grow(t) != 0)
        return -1;
    table_entry *e = malloc(sizeof *e + klen + vlen);
    if (!e)
        return -1;
    uint64_t hash = hash_bytes(key, klen);
    *e = (table_entry){hash, klen, vlen};
    memcpy(e->bytes, key, klen);
    memcpy(e->bytes + klen, value, vlen);
    size_t i = slot_find(t, hash, key, klen);
    if (t->slots[i])
        free(t->slots[i]);
    else
        t->count++;
    t->slots[i] = e;
    return 0;
}

const char *table_get(const table *t, const char *key, size_t klen, size_t *vlen) {
    if (t->capacity == 0)
        return NULL;
    table_entry *e = t->slots[slot_find(t, hash_bytes(key, klen), key, klen)];
    if (!e)
        return NULL;
    *vlen = e->vlen;
    return e->bytes + e->klen;
}

/* Whether the entry at `home` may move to `hole` (hole lies cyclically in [home, at)). */
static int slot_movable(size_t home, size_t hole, size_t at, size_t mask) {
    return ((at - home) & mask) >= ((at - hole) & mask);
}

int table_del(table *t, const char *key, size_t klen) {
    if (t->capacity == 0)
        return 0;
    size_t mask = t->capacity - 1;
    size_t hole = slot_find(t, hash_bytes(key, klen), key, klen);
    if (!t->slots[hole])
        return 0;
    free(t->slots[hole]);
    t->slots[hole] = NULL;
    t->count--;
    /* Backward shift: entries after the hole whose probe passed through it move back
     * into it, so a lookup never stops early at an empty slot. */
    for (size_t at = (hole + 1) & mask; t->slots[at]; at = (at + 1) & mask) {
        if (slot_movable(t->slots[at]->hash & mask, hole, at, mask)) {
            t->slots[hole] = t->slots[at];
            t->slots[at] = NULL;
            hole = at;
        }
    }
    return 1;
}
