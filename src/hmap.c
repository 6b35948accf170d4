/* hmap.c: open-addressing (linear probing) string -> long hash map. */
#include "hmap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void hmap_init(hmap *m)
{
    m->slots = NULL;
    m->cap = m->count = 0;
}

void hmap_free(hmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    hmap_init(m);
}

static size_t hmap_slot(const hmap_entry *slots, size_t cap, const char *key, size_t len)
{
    size_t i = (size_t)util_hash(UTIL_HASH_INIT, key, len) & (cap - 1);
    while (slots[i].key && !(slots[i].key_len == len && (len == 0 || memcmp(slots[i].key, key, len) == 0)))
        i = (i + 1) & (cap - 1);
    return i;
}

long *hmap_get(const hmap *m, const char *key, size_t len)
{
    if (!m->cap) return NULL;
    size_t i = hmap_slot(m->slots, m->cap, key, len);
    return m->slots[i].key ? &m->slots[i].value : NULL;
}

void hmap_put(hmap *m, const char *key, size_t len, long value)
{
    if ((m->count + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        hmap_entry *ns = xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].key) continue;
            size_t j = hmap_slot(ns, ncap, m->slots[i].key, m->slots[i].key_len);
            ns[j] = m->slots[i];
        }
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    size_t i = hmap_slot(m->slots, m->cap, key, len);
    if (!m->slots[i].key) {
        m->slots[i].key = xstrndup(key, len);
        m->slots[i].key_len = len;
        m->count++;
    }
    m->slots[i].value = value;
}
