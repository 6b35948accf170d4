/* fuzz_multi_match.c: differential libFuzzer harness for the shared scan's
 * matchers (src/multi/multi_scan.c). The input describes a few small events
 * and SPL values with '*' wildcards; each value becomes a prefilter formula
 * (spl_pf_value) on its column, one slot each. The events are scanned twice,
 * with Hyperscan and with the naive reference (SPLITE_MX_NAIVE=1): every
 * slot must list the same rows. And the formula must be a necessary
 * condition: every row whose value matches as the translator's SQL matches
 * it (LIKE ... ESCAPE '\' with '*' as '%', else = COLLATE NOCASE; a
 * multivalue when one of its values does) is listed.
 *
 * Values are stored as ingest stores them (bytes that are not UTF-8
 * escaped; 0x02 stands for a NUL, which the kv reader keeps); searched
 * values may hold any bytes but NUL.
 *
 * Input: lines. "#" starts a new event (up to 8; a value before any "#"
 * starts the first); "Xvalue" adds value to field X of the current event
 * (X: a, b or c, by (X - 'a') mod 3; the same field twice, or 0x01 inside
 * value, makes a multivalue); "?Xvalue" is an SPL value searched in field X
 * (up to 16). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "multi/multi.h"
#include "reader_util.h"
#include "spl_pf.h"
#include "store.h"
#include "util.h"

#define MAX_EVENTS 8
#define MAX_VALUES 16
#define MAX_LINE 256

static const char *const cols[] = {"a", "b", "c"};

typedef struct fz_value {
    int col;
    char *v;
} fz_value;

/* the translator's condition for field x = v (spl_search.c: field_cond) */
static char *sql_cond(const char *x, const char *v, char **param)
{
    const char *op = "= ?1 COLLATE NOCASE";
    if (strchr(v, '*')) {
        sbuf b = {0};
        for (const char *p = v; *p; p++) {
            if (*p == '*') sbuf_addc(&b, '%');
            else if (*p == '%' || *p == '_' || *p == '\\') { sbuf_addc(&b, '\\'); sbuf_addc(&b, *p); }
            else sbuf_addc(&b, *p);
        }
        if (!b.s) sbuf_add(&b, "");
        *param = sbuf_detach(&b);
        op = "LIKE ?1 ESCAPE '\\'";
    } else {
        *param = xstrdup(v);
    }
    return xasprintf("CASE WHEN typeof(%s)='blob' THEN EXISTS(SELECT 1 FROM json_each(CAST(%s AS TEXT)) "
                     "WHERE value %s) ELSE %s %s END", x, x, op, x, op);
}

/* the rowids a statement gives, as text */
static char *rowids(sqlite3 *db, const char *sql, const char *text, int num)
{
    sqlite3_stmt *st = NULL;
    sbuf b = {0};
    sbuf_add(&b, "");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
        abort();
    }
    if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_int(st, 1, num);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) sbuf_printf(&b, "%lld ", (long long)sqlite3_column_int64(st, 0));
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
        abort();
    }
    sqlite3_finalize(st);
    return sbuf_detach(&b);
}

/* 1 when every rowid in sub ("1 3 ") is in set */
static int subset(const char *sub, const char *set)
{
    for (const char *p = sub; *p;) {
        long long id = strtoll(p, (char **)&p, 10);
        while (*p == ' ') p++;
        char key[32];
        int found = 0;
        snprintf(key, sizeof key, "%lld ", id);
        for (const char *q = set; *q && !found; q = strchr(q, ' ') + 1)
            found = !strncmp(q, key, strlen(key));
        if (!found) return 0;
    }
    return 1;
}

/* a field value as ingest stores it: bytes that are not UTF-8 escaped as
 * \xNN (the formulas rely on it: LIKE decodes UTF-8, the matchers compare
 * bytes) */
static void add_value(event *ev, const char *col, const char *v)
{
    sbuf b = {0};
    sbuf_add(&b, "");
    reader_utf8_escape(&b, v, strlen(v), 0);
    for (size_t i = 0; i < b.len; i++)
        if (b.s[i] == '\x02') b.s[i] = '\0'; /* a NUL inside the value */
    event_add(ev, col, strlen(col), b.s, b.len);
    sbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    event evs[MAX_EVENTS];
    int nev = 0;
    fz_value vals[MAX_VALUES];
    int nval = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > MAX_LINE) n = MAX_LINE;
        char *line = xstrndup(p, n); /* up to a NUL */
        size_t len = strlen(line);
        p = nl ? nl + 1 : end;
        if (line[0] == '#' || (!nev && len && line[0] != '?')) {
            if (nev < MAX_EVENTS) {
                event_init(&evs[nev]);
                evs[nev].index = "main";
                evs[nev].time = 1700000000 + nev;
                evs[nev].has_time = 1;
                nev++;
            }
            if (line[0] == '#') { free(line); continue; }
        }
        if (line[0] == '?' && len >= 2 && nval < MAX_VALUES) {
            vals[nval].col = (unsigned char)(line[1] - 'a') % 3;
            vals[nval++].v = xstrdup(line + 2);
        } else if (line[0] != '?' && len >= 1 && nev) {
            const char *col = cols[(unsigned char)(line[0] - 'a') % 3];
            char *s = line + 1;
            for (char *q; (q = strchr(s, '\x01')); s = q + 1) {
                *q = 0;
                add_value(&evs[nev - 1], col, s);
            }
            add_value(&evs[nev - 1], col, s);
        }
        free(line);
    }

    /* one in-memory store for many inputs (opening one costs more than the
     * rest), a fresh one now and then; an input's own events are those past
     * the rowid it started at (the scans read the earlier ones too) */
    static store *st;
    static int uses;
    char *err = NULL;
    if (st && ++uses % 32 == 0) {
        store_close(st);
        st = NULL;
    }
    if (!st) st = store_open(":memory:", &err);
    if (!st) {
        fprintf(stderr, "store_open: %s\n", err);
        abort();
    }
    sqlite3 *db = store_db(st);
    char *base = rowids(db, "SELECT coalesce(max(rowid), 0) FROM events WHERE ?1", NULL, 1);
    store_begin(st);
    for (int i = 0; i < nev; i++) {
        if (store_insert(st, &evs[i], 0) < 0) abort();
        event_free(&evs[i]);
    }
    store_commit(st);
    store_reload_catalog(st);

    /* one query per value: its formula, a slot parameter */
    spl_query qs[MAX_VALUES];
    spl_param params[MAX_VALUES];
    memset(qs, 0, sizeof qs);
    memset(params, 0, sizeof params);
    int slot[MAX_VALUES];
    for (int i = 0; i < nval; i++) {
        qs[i].pf = spl_pf_value(cols[vals[i].col], vals[i].v);
        qs[i].params = &params[i];
        qs[i].nparams = 1;
        qs[i].pf_param = 1;
    }
    mx *m[2];
    for (int k = 0; k < 2; k++) {
        if (k) setenv("SPLITE_MX_NAIVE", "1", 1);
        m[k] = mx_new();
        /* a slot for each formula that can rule rows out (as spl_compile
         * gives one); the same slot numbers in both */
        for (int i = 0; i < nval; i++) slot[i] = spl_pf_useful(qs[i].pf) ? mx_add(m[k], &qs[i]) : -1;
        if (mx_scan(m[k], st, &err)) {
            fprintf(stderr, "mx_scan: %s\n", err);
            abort();
        }
        unsetenv("SPLITE_MX_NAIVE");
    }
    mx_attach(db);
    for (int i = 0; i < nval; i++) {
        if (slot[i] < 0) continue;
        char *listed[2];
        for (int k = 0; k < 2; k++) {
            mx_install(m[k]);
            listed[k] = rowids(db, "SELECT value FROM splite_cand(?1)", NULL, slot[i]);
        }
        mx_install(NULL);
        if (strcmp(listed[0], listed[1])) {
            fprintf(stderr, "field %s value '%s': Hyperscan lists rows [%s], the naive matcher [%s]\n",
                    cols[vals[i].col], vals[i].v, listed[0], listed[1]);
            abort();
        }
        char *param = NULL;
        sbuf x = {0};
        int known = store_field_sql(st, "", cols[vals[i].col], &x) && x.s[0] == '"';
        char *cond = sql_cond(x.s, vals[i].v, &param);
        char *sql = xasprintf("SELECT rowid FROM events WHERE rowid > %lld AND %s", atoll(base), cond);
        sbuf_free(&x);
        if (known) {
            char *kept = rowids(db, sql, param, 0);
            if (!subset(kept, listed[0])) {
                char *t = spl_pf_text(qs[i].pf);
                fprintf(stderr, "field %s value '%s': SQL keeps rows [%s], the formula %s lists [%s]\n",
                        cols[vals[i].col], vals[i].v, kept, t, listed[0]);
                abort();
            }
            free(kept);
        }
        free(sql);
        free(cond);
        free(param);
        free(listed[0]);
        free(listed[1]);
    }
    for (int k = 0; k < 2; k++) mx_free(m[k]);
    for (int i = 0; i < nval; i++) {
        spl_pf_free(qs[i].pf);
        free(vals[i].v);
    }
    free(base);
    return 0;
}
