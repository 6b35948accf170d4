/* mx_equiv.h: the shared scan's invariant, checked by the tests
 * (test_multi.c, pf_runner.c): a query compiled with spl_opts.prefilter and
 * run after mx_scan + mx_attach + mx_install gives exactly the rows (same
 * values, same order) the same query compiled without the prefilter gives.
 * Also loading events given as JSON lines into a store (arrays become
 * multivalue fields, stored as repeated names), and rows rendered as one
 * comparable text (type and bytes of every value). */
#ifndef SPLITE_TESTS_MX_EQUIV_H
#define SPLITE_TESTS_MX_EQUIV_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "event.h"
#include "multi/multi.h"
#include "multi/multi_int.h"
#include "spl.h"
#include "spl_pf.h"
#include "store.h"
#include "util.h"

/* One JSON object per line: index, host, source, sourcetype, _time (a
 * number) and _raw are the event's own; any other key is a field (an array:
 * one value per element, a multivalue). Lines that are empty or start with
 * '#' are skipped. Returns 0, or -1 with a message on stderr. */
static inline int mxe_load_jsonl(store *st, const char *text, const char *what)
{
    if (store_begin(st)) return -1;
    char *copy = xstrdup(text ? text : "");
    char *save = NULL;
    int ln = 0, rc = 0;
    for (char *l = strtok_r(copy, "\n", &save); l && !rc; l = strtok_r(NULL, "\n", &save)) {
        ln++;
        if (!*l || *l == '#') continue;
        json_error_t je;
        json_t *o = json_loads(l, 0, &je);
        if (!o || !json_is_object(o)) {
            fprintf(stderr, "%s: event %d: bad JSON: %s\n", what, ln, je.text);
            json_decref(o);
            rc = -1;
            break;
        }
        event ev;
        event_init(&ev);
        ev.index = "main";
        ev.host = "testhost";
        ev.source = "test.log";
        ev.sourcetype = "test";
        ev.raw = l;
        ev.raw_len = strlen(l);
        ev.time = 1700000000 + ln;
        ev.has_time = 1;
        const char *k;
        json_t *v;
        char nb[64];
        json_object_foreach(o, k, v) {
            if (!strcmp(k, "_time") && json_is_number(v)) { ev.time = json_number_value(v); continue; }
            const char *s = NULL;
            if (json_is_string(v)) s = json_string_value(v);
            else if (json_is_integer(v)) { snprintf(nb, sizeof nb, "%lld", (long long)json_integer_value(v)); s = nb; }
            if (s && !strcmp(k, "index")) { ev.index = event_strndup(&ev, s, strlen(s)); continue; }
            if (s && !strcmp(k, "host")) { ev.host = event_strndup(&ev, s, strlen(s)); continue; }
            if (s && !strcmp(k, "source")) { ev.source = event_strndup(&ev, s, strlen(s)); continue; }
            if (s && !strcmp(k, "sourcetype")) { ev.sourcetype = event_strndup(&ev, s, strlen(s)); continue; }
            if (s && !strcmp(k, "_raw")) { ev.raw = event_strndup(&ev, s, strlen(s)); ev.raw_len = strlen(s); continue; }
            if (json_is_array(v)) {
                size_t i;
                json_t *x;
                json_array_foreach(v, i, x) if (json_is_string(x)) event_add_str(&ev, k, json_string_value(x));
                continue;
            }
            if (s) event_add_str(&ev, k, s);
        }
        if (store_insert(st, &ev, 0) < 0) {
            fprintf(stderr, "%s: event %d: %s\n", what, ln, store_errmsg(st));
            rc = -1;
        }
        event_free(&ev);
        json_decref(o);
    }
    free(copy);
    if (rc) return -1;
    if (store_commit(st)) return -1;
    return store_reload_catalog(st);
}

/* every row of q as text: per value its type letter, length and bytes (a
 * backslash doubled, a NUL as \0) */
static inline int mxe_row(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    sbuf *b = ctx;
    for (int i = 0; i < q->ncols; i++) {
        int t = sqlite3_column_type(stmt, i);
        const char *s = t == SQLITE_BLOB ? sqlite3_column_blob(stmt, i) : (const char *)sqlite3_column_text(stmt, i);
        int n = sqlite3_column_bytes(stmt, i);
        sbuf_printf(b, "%c%d:", "?ifsbn"[t >= 1 && t <= 5 ? t : 0], n);
        for (int k = 0; s && k < n; k++) { /* a NUL as \0: the text stays one C string */
            if (s[k] == '\0') sbuf_add(b, "\\0");
            else if (s[k] == '\\') sbuf_add(b, "\\\\");
            else sbuf_addc(b, s[k]);
        }
        sbuf_addc(b, '|');
    }
    sbuf_addc(b, '\n');
    return 0;
}

/* Run q; its rows as text into *out (caller frees). 0, or -1 with *err. */
static inline int mxe_run(store *st, const spl_query *q, char **out, char **err)
{
    sbuf b = {0};
    sbuf_add(&b, "");
    *err = NULL;
    int rc = spl_run(st, q, mxe_row, &b, err);
    *out = sbuf_detach(&b);
    return rc;
}

/* 1 when the scan gave slot up (it listed most rows: its list is not kept,
 * and its query runs compiled without the prefilter, as check does) */
static inline int mxe_given_up(const mx *m, int slot)
{
    return slot >= 0 && slot < m->nslots && m->slots[slot].dense;
}

/* When the scan lists no rows for a query whose commands give no result
 * from no rows (spl_query.empty_stays_empty), check does not run it: its
 * result alone must be empty. NULL, or what is wrong (caller frees). */
static inline char *mxe_check_empty(const mx *m, int slot, const spl_query *qp, const char *rows_alone)
{
    if (slot < 0 || mxe_given_up(m, slot) || mx_count(m, slot) || !qp->empty_stays_empty || !*rows_alone) return NULL;
    return xasprintf("the scan lists no rows and the query says it then gives none, but alone it gives:\n%.1000s",
                     rows_alone);
}

typedef struct mxe_result {
    char *pf;       /* spl_pf_text of the prefilter query's formula, or "none" */
    int slot;       /* its slot in the scan, -1 without a formula */
    int given_up;   /* the scan gave its slot up (mxe_given_up): not run with the list */
    size_t listed;  /* rows its slot lists (mx_count) */
    size_t rows;    /* result rows (alone) */
    char *why;      /* NULL: identical results; else what differs */
} mxe_result;

static inline void mxe_result_free(mxe_result *r)
{
    free(r->pf);
    free(r->why);
    memset(r, 0, sizeof *r);
}

/* Compile text alone and with the prefilter (o's other options), scan the
 * events for the prefilter query, run both and compare (a slot the scan
 * gave up runs alone, as check runs it). Returns 0 with *r
 * filled (r->why NULL when identical), or -1 when a compilation or a run
 * failed (r->why says which; a query that fails alone must fail the same
 * way with the prefilter: that is not -1). */
static inline int mxe_compare(store *st, const spl_macros *macros, const char *text, const spl_opts *o, mxe_result *r)
{
    memset(r, 0, sizeof *r);
    r->slot = -1;
    spl_opts alone = *o, pre = *o;
    alone.prefilter = 0;
    pre.prefilter = 1;
    spl_query *qa = NULL, *qp = NULL;
    spl_error ea = {0}, ep = {0};
    int ca = spl_compile(st, macros, text, &alone, &qa, &ea);
    int cp = spl_compile(st, macros, text, &pre, &qp, &ep);
    int rc = 0;
    char *ra = NULL, *rp = NULL, *erra = NULL, *errp = NULL, *serr = NULL;
    mx *m = NULL;
    if (ca || cp) {
        if (!ca || !cp || strcmp(ea.msg, ep.msg))
            r->why = xasprintf("compiles differently: alone %s, with the prefilter %s", ca ? ea.msg : "ok",
                               cp ? ep.msg : "ok");
        else
            r->why = xasprintf("does not compile: %s", ea.msg);
        rc = -1;
        goto done;
    }
    r->pf = qp->pf ? spl_pf_text(qp->pf) : xstrdup("none");
    m = mx_new();
    r->slot = mx_add(m, qp);
    if (mx_scan(m, st, &serr)) {
        r->why = xasprintf("mx_scan: %s", serr);
        rc = -1;
        goto done;
    }
    r->listed = r->slot >= 0 ? mx_count(m, r->slot) : 0;
    r->given_up = mxe_given_up(m, r->slot);
    mx_attach(store_db(st));
    mx_install(m);
    int xa = mxe_run(st, qa, &ra, &erra);
    int xp = r->given_up ? mxe_run(st, qa, &rp, &errp) : mxe_run(st, qp, &rp, &errp);
    mx_install(NULL);
    if (xa || xp) {
        if (!xa || !xp || strcmp(erra, errp))
            r->why = xasprintf("runs differently: alone %s, with the prefilter %s", xa ? erra : "ok", xp ? errp : "ok");
        goto done;
    }
    for (const char *p = ra; *p; p++) r->rows += *p == '\n';
    r->why = mxe_check_empty(m, r->slot, qp, ra);
    if (!r->why && strcmp(ra, rp)) {
        size_t np = 0;
        for (const char *p = rp; *p; p++) np += *p == '\n';
        r->why = xasprintf("rows differ: alone %zu rows, with the prefilter %zu (slot lists %zu)\n--- alone\n%.2000s"
                           "--- with the prefilter\n%.2000s", r->rows, np, r->listed, ra, rp);
    }
done:
    free(ra);
    free(rp);
    free(erra);
    free(errp);
    free(serr);
    mx_free(m);
    spl_query_free(qa);
    spl_query_free(qp);
    spl_error_free(&ea);
    spl_error_free(&ep);
    return rc;
}
#endif
