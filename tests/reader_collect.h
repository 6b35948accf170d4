/* reader_collect.h: test helper for the reader tests: runs a reader over a
 * string with ingest_memory() and keeps a copy of every event it emits
 * (events are reset by the reader once the sink returns). */
#ifndef SPLITE_READER_COLLECT_H
#define SPLITE_READER_COLLECT_H
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ingest.h"
#include "reader.h"

typedef struct tfield {
    char *name, *value;
    size_t value_len;
} tfield;

typedef struct tevent {
    char *raw;
    size_t raw_len;
    double time;
    int has_time, meta_overrides;
    char *host, *source, *sourcetype, *index;
    tfield *f;
    size_t nf;
} tevent;

typedef struct tcollect {
    tevent *ev;
    size_t n;
    long rejected;
} tcollect;

static inline char *tc_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static inline char *tc_dupz(const char *s)
{
    return s ? tc_dup(s, strlen(s)) : NULL;
}

static inline int tc_sink(void *ctx, const event *ev)
{
    tcollect *c = ctx;
    c->ev = realloc(c->ev, (c->n + 1) * sizeof *c->ev);
    tevent *t = &c->ev[c->n++];
    memset(t, 0, sizeof *t);
    t->raw = tc_dup(ev->raw ? ev->raw : "", ev->raw_len);
    t->raw_len = ev->raw_len;
    t->time = ev->time;
    t->has_time = ev->has_time;
    t->meta_overrides = ev->meta_overrides;
    t->host = tc_dupz(ev->host);
    t->source = tc_dupz(ev->source);
    t->sourcetype = tc_dupz(ev->sourcetype);
    t->index = tc_dupz(ev->index);
    t->nf = ev->nfields;
    t->f = calloc(ev->nfields + 1, sizeof *t->f);
    for (size_t i = 0; i < ev->nfields; i++) {
        t->f[i].name = tc_dup(ev->fields[i].name, ev->fields[i].name_len);
        t->f[i].value = tc_dup(ev->fields[i].value, ev->fields[i].value_len);
        t->f[i].value_len = ev->fields[i].value_len;
    }
    return 0;
}

/* Run r over text; the events are in c, the rejected count is returned. */
static inline long tc_run(const reader *r, const char *text, tcollect *c)
{
    memset(c, 0, sizeof *c);
    c->rejected = ingest_memory(r, "test.log", text, strlen(text), tc_sink, c, 1);
    return c->rejected;
}

static inline void tc_free(tcollect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        tevent *t = &c->ev[i];
        free(t->raw);
        free(t->host);
        free(t->source);
        free(t->sourcetype);
        free(t->index);
        for (size_t j = 0; j < t->nf; j++) {
            free(t->f[j].name);
            free(t->f[j].value);
        }
        free(t->f);
    }
    free(c->ev);
    memset(c, 0, sizeof *c);
}

/* k-th value (0-based) of field name, or NULL. */
static inline const char *tc_get_nth(const tevent *t, const char *name, size_t k)
{
    for (size_t i = 0; i < t->nf; i++)
        if (!strcmp(t->f[i].name, name) && k-- == 0) return t->f[i].value;
    return NULL;
}

static inline const char *tc_get(const tevent *t, const char *name)
{
    return tc_get_nth(t, name, 0);
}

static inline size_t tc_count(const tevent *t, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nf; i++) n += !strcmp(t->f[i].name, name);
    return n;
}
/* Epoch seconds compare (cmocka's assert_float_equal works in float). */
#define assert_time_equal(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-3)
#endif
