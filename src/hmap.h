/* hmap.h: a small open-addressing hash map from strings to integers, used
 * for the field catalog and insert-statement caches. Keys are copied. */
#ifndef SPLITE_HMAP_H
#define SPLITE_HMAP_H
#include <stddef.h>

typedef struct hmap_entry {
    char *key;
    size_t key_len;
    long value;
} hmap_entry;

typedef struct hmap {
    hmap_entry *slots;
    size_t cap, count;
} hmap;

void hmap_init(hmap *m);
void hmap_free(hmap *m);
/* Pointer to the value of key, or NULL. */
long *hmap_get(const hmap *m, const char *key, size_t len);
/* Insert or replace. */
void hmap_put(hmap *m, const char *key, size_t len, long value);
#endif
