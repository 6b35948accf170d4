/* event.c: building and resetting events; a chunked arena keeps the strings a
 * reader creates alive until the event is reset. */
#include "event.h"
#include "util.h"

#include <string.h>
#include <stdlib.h>

struct ev_block {
    ev_block *next;
    size_t used, cap;
    char data[];
};

#define EV_BLOCK_MIN 8192

void event_init(event *ev)
{
    memset(ev, 0, sizeof *ev);
}

void event_reset(event *ev)
{
    ev_block *b = ev->arena;
    /* Keep the first (largest kept) block, free the rest. */
    if (b) {
        ev_block *n = b->next;
        while (n) {
            ev_block *t = n->next;
            free(n);
            n = t;
        }
        b->next = NULL;
        b->used = 0;
    }
    ev_field *f = ev->fields;
    size_t cap = ev->cap;
    memset(ev, 0, sizeof *ev);
    ev->arena = b;
    ev->fields = f;
    ev->cap = cap;
}

void event_free(event *ev)
{
    ev_block *b = ev->arena;
    while (b) {
        ev_block *t = b->next;
        free(b);
        b = t;
    }
    free(ev->fields);
    memset(ev, 0, sizeof *ev);
}

char *event_strndup(event *ev, const char *s, size_t n)
{
    ev_block *b = ev->arena;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = EV_BLOCK_MIN;
        while (cap < n + 1) cap *= 2;
        ev_block *nb = xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->cap = cap;
        /* New block goes first so later small strings use it; the old one is
         * kept in the chain (pointers into it stay valid). */
        nb->next = b;
        ev->arena = nb;
        b = nb;
    }
    char *p = b->data + b->used;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    b->used += n + 1;
    return p;
}

int event_add(event *ev, const char *name, size_t name_len, const char *value, size_t value_len)
{
    if (!name_len) return -1;
    if (ev->nfields == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 32;
        ev->fields = xrealloc(ev->fields, ev->cap * sizeof *ev->fields);
    }
    ev_field *f = &ev->fields[ev->nfields++];
    f->name = event_strndup(ev, name, name_len);
    f->name_len = name_len;
    f->value = event_strndup(ev, value ? value : "", value ? value_len : 0);
    f->value_len = value ? value_len : 0;
    return 0;
}

int event_add_ref(event *ev, const char *name, size_t name_len, const char *value, size_t value_len)
{
    if (!name_len) return -1;
    if (ev->nfields == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 32;
        ev->fields = xrealloc(ev->fields, ev->cap * sizeof *ev->fields);
    }
    ev_field *f = &ev->fields[ev->nfields++];
    f->name = name;
    f->name_len = name_len;
    f->value = value ? value : "";
    f->value_len = value ? value_len : 0;
    return 0;
}

int event_add_str(event *ev, const char *name, const char *value)
{
    return event_add(ev, name, strlen(name), value, value ? strlen(value) : 0);
}

const char *event_get(const event *ev, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].name_len == n && memcmp(ev->fields[i].name, name, n) == 0) return ev->fields[i].value;
    return NULL;
}
