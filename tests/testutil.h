/* testutil.h: helpers shared by the cmocka tests: temporary files and
 * databases, collecting events from ingest_memory, and locating ../shared. */
#ifndef SPLITE_TESTUTIL_H
#define SPLITE_TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "event.h"
#include "util.h"

/* A fresh temporary path (the file does not exist). Caller frees. */
static inline char *tu_tmp_path(const char *suffix)
{
    char tmpl[] = "/tmp/splite-test-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    unlink(tmpl);
    return xasprintf("%s%s", tmpl, suffix ? suffix : "");
}

static inline char *tu_write_file(const char *suffix, const char *data, size_t len)
{
    char *p = tu_tmp_path(suffix);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    if (len) assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

static inline void tu_remove_db(const char *p)
{
    char *w = xasprintf("%s-wal", p), *s = xasprintf("%s-shm", p);
    unlink(p);
    unlink(w);
    unlink(s);
    free(w);
    free(s);
}

/* Events collected by tu_sink: deep copies of name=value pairs. */
typedef struct tu_event {
    double time;
    int has_time;
    char *host, *source, *sourcetype, *index, *raw;
    int nfields;
    char **names, **values;
} tu_event;

typedef struct tu_events {
    tu_event *ev;
    int n;
} tu_events;

static inline char *tu_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static inline int tu_sink(void *ctx, const event *e)
{
    tu_events *c = ctx;
    c->ev = xrealloc(c->ev, (size_t)(c->n + 1) * sizeof *c->ev);
    tu_event *t = &c->ev[c->n++];
    memset(t, 0, sizeof *t);
    t->time = e->time;
    t->has_time = e->has_time;
    t->host = tu_dup(e->host);
    t->source = tu_dup(e->source);
    t->sourcetype = tu_dup(e->sourcetype);
    t->index = tu_dup(e->index);
    t->raw = e->raw ? xstrndup(e->raw, e->raw_len) : NULL;
    t->nfields = (int)e->nfields;
    t->names = xcalloc(e->nfields + 1, sizeof(char *));
    t->values = xcalloc(e->nfields + 1, sizeof(char *));
    for (size_t i = 0; i < e->nfields; i++) {
        t->names[i] = xstrndup(e->fields[i].name, e->fields[i].name_len);
        t->values[i] = xstrndup(e->fields[i].value, e->fields[i].value_len);
    }
    return 0;
}

/* First value of a field (or NULL); nth value with tu_nth. */
static inline const char *tu_nth(const tu_event *t, const char *name, int nth)
{
    for (int i = 0; i < t->nfields; i++)
        if (!strcmp(t->names[i], name) && nth-- == 0) return t->values[i];
    return NULL;
}

static inline const char *tu_get(const tu_event *t, const char *name)
{
    return tu_nth(t, name, 0);
}

static inline void tu_events_free(tu_events *c)
{
    for (int k = 0; k < c->n; k++) {
        tu_event *t = &c->ev[k];
        for (int i = 0; i < t->nfields; i++) {
            free(t->names[i]);
            free(t->values[i]);
        }
        free(t->names);
        free(t->values);
        free(t->host);
        free(t->source);
        free(t->sourcetype);
        free(t->index);
        free(t->raw);
    }
    free(c->ev);
    c->ev = NULL;
    c->n = 0;
}

/* ../shared relative to the source tree (ctest runs tests there), or NULL. */
static inline const char *tu_shared(void)
{
    static char path[4096];
    const char *src = getenv("SPLITE_SRC");
    snprintf(path, sizeof path, "%s/../shared", src && *src ? src : ".");
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? path : NULL;
}
#endif
