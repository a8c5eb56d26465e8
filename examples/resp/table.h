/* table.h - an in-memory hash table of byte-string keys and values (resp_server's data).
 *
 * Open addressing with linear probing and tombstone-free deletion (backward shift), so
 * a long benchmark of SETs and DELs never degrades the probes. Keys and values are
 * copied; a key and its value share one allocation. Plain C, no async. */
#ifndef EXAMPLES_TABLE_H
#define EXAMPLES_TABLE_H

#include <stddef.h>

typedef struct table_entry table_entry;

typedef struct table {
    table_entry **slots; /* capacity slots, NULL when empty */
    size_t capacity;     /* a power of two, or 0 before the first set */
    size_t count;
} table;

void table_init(table *t);
void table_free(table *t);
/* Store a copy of key => value: 0, or -1 when memory runs out (the table is unchanged). */
int table_set(table *t, const char *key, size_t klen, const char *value, size_t vlen);
/* The value stored under key (not NUL-terminated) and its length, or NULL. Valid until
 * the next set or del. */
const char *table_get(const table *t, const char *key, size_t klen, size_t *vlen);
/* Remove key: 1 if it was there, 0 if not. */
int table_del(table *t, const char *key, size_t klen);

#endif
