/* multi_scan.c: the shared scan's pass over each table its slots read (the
 * events; data model summaries for tstats). Each row's values of the
 * columns the atoms name are laid end to end (NUL between; a value only up
 * to a NUL inside it, as far as LIKE reads) and matched once
 * against every contains-literal with Hyperscan (caseless, as SQLite's LIKE
 * and NOCASE are for ASCII); a match counts for the atoms of its literal on
 * the column whose value it lies in, anchors checked by position. Values of
 * equality atoms are looked up whole in a hash. A multivalue (a BLOB)
 * counts with each of its values and as its JSON text; a number (summaries
 * keep types) holds every atom of its column, since SQL compares it as a
 * number. A regex atom (match(), Hyperscan in prefilter mode: it may match
 * more, never less) is tested on each ASCII value of its column alone; a
 * value with other bytes, or a pattern Hyperscan refuses, holds it (PCRE2's
 * Unicode rules are not Hyperscan's, docs/SPL.md). _raw, when an atom names
 * it, is read with the events. The formulas whose trigger atoms hit are then evaluated, and their
 * slots get the row. The first rows evaluate every formula and count the
 * atoms' hits; the trigger sets are chosen from those counts and chosen
 * again as rows accumulate. SPLITE_MX_NAIVE=1 (tests) matches with a plain
 * search instead of Hyperscan: the reference the matcher is checked against;
 * SPLITE_MX_DEBUG=1 prints each pass's figures. */
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "multi_int.h"
#include "mv.h"
#include "util.h"

typedef struct row_state {
    mx_group *g;
    hs_database_t **redb;  /* per column: its regex atoms, or NULL */
    unsigned char *re_all; /* per atom: a regex Hyperscan refused (always holds) */
    hs_scratch_t *scratch;
    size_t *seg_off, *seg_end;
    int *seg_col;
    int nseg, capseg;
    unsigned char *hit;
    int *hitlist;
    int nhit;
    sbuf buf;
    sbuf key;
} row_state;

static void set_hit(row_state *r, int a)
{
    if (r->hit[a]) return;
    r->hit[a] = 1;
    r->hitlist[r->nhit++] = a;
}

/* a literal ends at `to` in the row buffer */
static void literal_at(row_state *r, unsigned id, size_t to)
{
    const mx_lit *lt = &r->g->lits[id];
    size_t start = to - lt->len;
    int lo = 0, hi = r->nseg - 1;
    while (lo < hi) { /* the last segment starting at or before start */
        int mid = (lo + hi + 1) / 2;
        if (r->seg_off[mid] <= start) lo = mid;
        else hi = mid - 1;
    }
    if (r->nseg == 0 || r->seg_off[lo] > start || to > r->seg_end[lo]) return;
    for (int i = 0; i < lt->natoms; i++) {
        const mx_atom *a = &r->g->atoms[lt->atoms[i]];
        if (a->col != r->seg_col[lo]) continue;
        if (a->at_start && start != r->seg_off[lo]) continue;
        if (a->at_end && to != r->seg_end[lo]) continue;
        set_hit(r, lt->atoms[i]);
    }
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)flags;
    literal_at(ctx, id, (size_t)to);
    return 0;
}

/* the reference matcher: every occurrence of every literal, ASCII-caseless */
static void naive_scan(row_state *r)
{
    const char *s = r->buf.s;
    size_t n = r->buf.len;
    for (int id = 0; id < r->g->nlits; id++) {
        const mx_lit *lt = &r->g->lits[id];
        for (size_t i = 0; i + lt->len <= n; i++)
            if (!strncasecmp(s + i, lt->text, lt->len)) literal_at(r, (unsigned)id, i + lt->len);
    }
}

static void add_value(row_state *r, int col, const char *s, size_t n, int eq)
{
    const mx_col *c = &r->g->cols[col];
    if (c->nsub) {
        /* LIKE and GLOB read a text up to its first NUL (= compares it whole) */
        const char *nul = memchr(s, '\0', n);
        size_t sn = nul ? (size_t)(nul - s) : n;
        if (r->nseg == r->capseg) {
            r->capseg = r->capseg ? r->capseg * 2 : 64;
            r->seg_off = xrealloc(r->seg_off, sizeof *r->seg_off * (size_t)r->capseg);
            r->seg_end = xrealloc(r->seg_end, sizeof *r->seg_end * (size_t)r->capseg);
            r->seg_col = xrealloc(r->seg_col, sizeof *r->seg_col * (size_t)r->capseg);
        }
        r->seg_off[r->nseg] = r->buf.len;
        sbuf_addn(&r->buf, s, sn);
        r->seg_end[r->nseg] = r->buf.len;
        r->seg_col[r->nseg++] = col;
        sbuf_addc(&r->buf, '\0');
    }
    if (c->neq && eq) {
        mx_eq_key(&r->key, col, s, n);
        long *ix = hmap_get(&r->g->eq_ix, r->key.s, r->key.len);
        if (ix)
            for (const int *a = r->g->eq_atoms[*ix]; *a >= 0; a++)
                if (r->g->atoms[*a].col == col) set_hit(r, *a);
    }
}

/* what a cached database is keyed by first: what it is, Hyperscan's version */
static void cache_key(sbuf *key, const char *what)
{
    sbuf_add(key, what);
    sbuf_addc(key, 0);
    sbuf_add(key, hs_version());
    sbuf_addc(key, 0);
}

static int re_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    (void)from;
    (void)to;
    (void)flags;
    set_hit(ctx, (int)id);
    return 0;
}

/* the regex atoms of column col on one of its values */
static int regex_value(row_state *r, int col, const char *s, size_t n)
{
    const mx_col *c = &r->g->cols[col];
    if (!c->nres) return 0;
    hs_database_t *db = r->redb ? r->redb[col] : NULL;
    if (!db || n > UINT32_MAX || memchr(s, 0, n) || !util_is_ascii(s, n)) {
        for (int k = 0; k < c->nres; k++) set_hit(r, c->res[k]);
        return 0;
    }
    for (int k = 0; k < c->nres; k++)
        if (r->re_all[c->res[k]]) set_hit(r, c->res[k]);
    return hs_scan(db, s, (unsigned)n, 0, r->scratch, re_match, r) == HS_SUCCESS ? 0 : -1;
}

/* each column's regex atoms in one prefilter database; a pattern Hyperscan
 * refuses always holds (re_all) */
static void compile_regexes(mx_group *g, row_state *r)
{
    r->redb = xcalloc((size_t)g->ncols + 1, sizeof *r->redb);
    r->re_all = xcalloc((size_t)g->natoms + 1, 1);
    const unsigned base = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
    for (int c = 0; c < g->ncols; c++) {
        const mx_col *col = &g->cols[c];
        if (!col->nres) continue;
        const char **exprs = xcalloc((size_t)col->nres, sizeof *exprs);
        unsigned *flags = xcalloc((size_t)col->nres, sizeof *flags);
        unsigned *ids = xcalloc((size_t)col->nres, sizeof *ids);
        int n = 0;
        for (int k = 0; k < col->nres; k++) {
            const mx_atom *a = &g->atoms[col->res[k]];
            if (!util_is_ascii(a->text, a->len)) {
                r->re_all[col->res[k]] = 1;
                continue;
            }
            exprs[n] = a->text;
            flags[n] = base;
            ids[n++] = (unsigned)col->res[k];
        }
        hs_compile_error_t *ce = NULL;
        sbuf key = {0};
        cache_key(&key, "prefilter regexes");
        for (int k = 0; k < n; k++) mx_key_add(&key, exprs[k], strlen(exprs[k]), flags[k], ids[k]);
        r->redb[c] = n ? mx_cache_load(&key) : NULL;
        if (r->redb[c]) {
            /* compiled before, from these very patterns: every one was taken */
        } else if (n && hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &r->redb[c], &ce) ==
                            HS_SUCCESS) {
            mx_cache_save(&key, r->redb[c]);
        } else if (n) {
            /* one of them is refused: leave out each that is refused alone */
            hs_free_compile_error(ce);
            ce = NULL;
            r->redb[c] = NULL;
            int kept = 0;
            for (int k = 0; k < n; k++) {
                hs_database_t *one = NULL;
                if (hs_compile(exprs[k], base, HS_MODE_BLOCK, NULL, &one, &ce) == HS_SUCCESS) {
                    hs_free_database(one);
                    exprs[kept] = exprs[k];
                    ids[kept++] = ids[k];
                } else {
                    hs_free_compile_error(ce);
                    ce = NULL;
                    r->re_all[ids[k]] = 1;
                }
            }
            if (kept && hs_compile_multi(exprs, flags, ids, (unsigned)kept, HS_MODE_BLOCK, NULL, &r->redb[c], &ce) !=
                            HS_SUCCESS) {
                hs_free_compile_error(ce);
                r->redb[c] = NULL; /* every value then holds them all */
            }
        }
        sbuf_free(&key);
        if (r->redb[c] && hs_alloc_scratch(r->redb[c], &r->scratch) != HS_SUCCESS) {
            hs_free_database(r->redb[c]);
            r->redb[c] = NULL;
        }
        free(exprs);
        free(flags);
        free(ids);
    }
}

static int compile_literals(mx_group *g, hs_database_t **db)
{
    *db = NULL;
    const char *naive = getenv("SPLITE_MX_NAIVE");
    if (!g->nlits || (naive && *naive == '1')) return 0;
    sbuf key = {0};
    cache_key(&key, "caseless literals");
    for (int i = 0; i < g->nlits; i++) mx_key_add(&key, g->lits[i].text, g->lits[i].len, HS_FLAG_CASELESS, (unsigned)i);
    *db = mx_cache_load(&key);
    if (*db) {
        sbuf_free(&key);
        return 0;
    }
    const char **exprs = xcalloc((size_t)g->nlits, sizeof *exprs);
    unsigned *flags = xcalloc((size_t)g->nlits, sizeof *flags);
    unsigned *ids = xcalloc((size_t)g->nlits, sizeof *ids);
    size_t *lens = xcalloc((size_t)g->nlits, sizeof *lens);
    for (int i = 0; i < g->nlits; i++) {
        exprs[i] = g->lits[i].text;
        lens[i] = g->lits[i].len;
        flags[i] = HS_FLAG_CASELESS;
        ids[i] = (unsigned)i;
    }
    hs_compile_error_t *ce = NULL;
    hs_error_t he = hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)g->nlits, HS_MODE_BLOCK, NULL, db, &ce);
    if (he == HS_SUCCESS) mx_cache_save(&key, *db);
    sbuf_free(&key);
    free(exprs);
    free(flags);
    free(ids);
    free(lens);
    if (he != HS_SUCCESS) {
        /* (a CPU without SSSE3, say): the plain search gives the same rows */
        hs_free_compile_error(ce);
        *db = NULL;
    }
    return 0;
}

static void add_slot_row(mx *m, const mx_group *g, int s, int64_t rowid)
{
    mx_cands_add(&m->slots[s].c, rowid, g->lo, g->hi);
    m->stats.candidates++;
}

void mx_set_time(mx *m, double earliest, double latest, int bounds)
{
    m->t_lo = earliest;
    m->t_hi = latest;
    m->t_bounds = bounds & 3;
}

/* One pass over g's table. 0, or -1 with *err. */
static int scan_group(mx *m, mx_group *g, store *st, char **err)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *stmt = NULL;
    hs_database_t *hdb = NULL;
    hs_scratch_t *scratch = NULL;
    row_state r = {.g = g};
    mv_list mvl = {0};
    int rc = -1;
    g->lo = 0;
    g->hi = -1;
    sbuf sql = {0};
    sbuf_add(&sql, "SELECT min(rowid), max(rowid) FROM ");
    sbuf_add_sql_ident(&sql, g->table);
    int prc = sqlite3_prepare_v2(db, sql.s, -1, &stmt, NULL);
    sbuf_free(&sql);
    if (prc != SQLITE_OK) goto sqlerr;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
        g->lo = sqlite3_column_int64(stmt, 0);
        g->hi = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    if (g->hi < g->lo) return 0; /* no rows: no slot lists one */
    double tc = util_now();
    compile_literals(g, &hdb);
    if (hdb && hs_alloc_scratch(hdb, &scratch) != HS_SUCCESS) {
        *err = xstrdup("shared scan: out of memory for the matcher");
        goto done;
    }
    compile_regexes(g, &r);
    m->stats.compile_seconds += util_now() - tc;

    sbuf_add(&sql, "SELECT rowid");
    for (int i = 0; i < g->ncols; i++) {
        sbuf_add(&sql, ", ");
        if (!strcmp(g->table, "events") && !strcmp(g->cols[i].name, "_raw")) {
            store_field_sql(st, "events", "_raw", &sql); /* the event's text, from its block */
            continue;
        }
        sbuf_add_sql_ident(&sql, g->cols[i].name);
    }
    sbuf_add(&sql, " FROM ");
    sbuf_add_sql_ident(&sql, g->table);
    /* a time range on the events (mx_set_time): through the _time index */
    int tb = !strcmp(g->table, "events") ? m->t_bounds : 0;
    if (tb & 1) sbuf_add(&sql, " WHERE _time >= ?1");
    if (tb & 2) sbuf_add(&sql, tb & 1 ? " AND _time < ?2" : " WHERE _time < ?2");
    prc = sqlite3_prepare_v2(db, sql.s, -1, &stmt, NULL);
    sbuf_free(&sql);
    if (prc != SQLITE_OK) goto sqlerr;
    if (tb & 1) sqlite3_bind_double(stmt, 1, m->t_lo);
    if (tb & 2) sqlite3_bind_double(stmt, 2, m->t_hi);

    r.hit = xcalloc((size_t)g->natoms + 1, 1);
    r.hitlist = xcalloc((size_t)g->natoms + 1, sizeof *r.hitlist);
    long row = 0, replan = 64;
    int sampling = 1;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t rowid = sqlite3_column_int64(stmt, 0);
        r.nseg = 0;
        sbuf_reset(&r.buf);
        for (int i = 0; i < g->ncols; i++) {
            int t = sqlite3_column_type(stmt, i + 1);
            if (t == SQLITE_NULL) continue;
            if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
                /* compared as a number (and LIKE sees its text form): every
                 * atom of the column may hold */
                for (int k = 0; k < g->cols[i].natoms; k++) set_hit(&r, g->cols[i].atoms[k]);
                continue;
            }
            if (t == SQLITE_BLOB) {
                /* a multivalue: each value, and the JSON text (never equal to a text) */
                mv_list_from_value(&mvl, sqlite3_column_value(stmt, i + 1));
                for (size_t k = 0; k < mvl.n; k++) {
                    add_value(&r, i, mvl.v[k], mvl.len[k], 1);
                    if (regex_value(&r, i, mvl.v[k], mvl.len[k])) goto hserr;
                    /* json_each gives a value with a NUL inside (\u0000)
                     * only up to it (SQLite 3.40): equal as that too */
                    const char *nul = memchr(mvl.v[k], '\0', mvl.len[k]);
                    if (nul) add_value(&r, i, mvl.v[k], (size_t)(nul - mvl.v[k]), 1);
                }
                const char *b = sqlite3_column_blob(stmt, i + 1);
                int bn = sqlite3_column_bytes(stmt, i + 1);
                if (b) add_value(&r, i, b, (size_t)bn, 0);
                continue;
            }
            const char *s = (const char *)sqlite3_column_text(stmt, i + 1);
            int n = sqlite3_column_bytes(stmt, i + 1);
            if (s) add_value(&r, i, s, (size_t)n, 1);
            if (s && regex_value(&r, i, s, (size_t)n)) goto hserr;
        }
        if (r.nseg) {
            if (hdb) {
                if (hs_scan(hdb, r.buf.s, (unsigned)r.buf.len, 0, scratch, on_match, &r) != HS_SUCCESS) goto hserr;
            } else {
                naive_scan(&r);
            }
        }
        for (int k = 0; k < r.nhit; k++) g->atoms[r.hitlist[k]].hits++;
        m->stats.hits += r.nhit;
        m->stats.bytes += (long)r.buf.len;
        if (sampling) {
            for (int k = 0; k < g->nslots; k++)
                if (!m->slots[g->slots[k]].dense && mx_eval(m->slots[g->slots[k]].pf, r.hit))
                    add_slot_row(m, g, g->slots[k], rowid);
        } else {
            for (int k = 0; k < r.nhit; k++) {
                const mx_atom *a = &g->atoms[r.hitlist[k]];
                for (int j = 0; j < a->nslots; j++) {
                    mx_slot *sl = &m->slots[a->slots[j]];
                    if (sl->stamp == row + 1) continue;
                    sl->stamp = row + 1;
                    m->stats.evaluations++;
                    if (mx_eval(sl->pf, r.hit)) add_slot_row(m, g, a->slots[j], rowid);
                }
            }
        }
        for (int k = 0; k < r.nhit; k++) r.hit[r.hitlist[k]] = 0;
        r.nhit = 0;
        row++;
        if (row == replan) {
            mx_plan_triggers(m, g, row);
            sampling = 0;
            replan *= 16;
        }
    }
    if (step != SQLITE_DONE) goto sqlerr;
    g->rows = row;
    m->stats.rows += row;
    rc = 0;
    goto done;
hserr:
    *err = xstrdup("shared scan: the matcher failed");
    goto done;
sqlerr:
    *err = xasprintf("shared scan: %s", sqlite3_errmsg(db));
done:
    sqlite3_finalize(stmt);
    if (scratch) hs_free_scratch(scratch);
    if (hdb) hs_free_database(hdb);
    free(r.seg_off);
    free(r.seg_end);
    free(r.seg_col);
    free(r.hit);
    free(r.hitlist);
    for (int i = 0; r.redb && i < g->ncols; i++)
        if (r.redb[i]) hs_free_database(r.redb[i]);
    free(r.redb);
    free(r.re_all);
    if (r.scratch) hs_free_scratch(r.scratch);
    sbuf_free(&r.buf);
    sbuf_free(&r.key);
    mv_list_free(&mvl);
    return rc;
}

int mx_scan(mx *m, store *st, char **err)
{
    double t0 = util_now();
    *err = NULL;
    int rc = 0;
    for (int i = 0; i < m->ngroups && !rc; i++) {
        rc = scan_group(m, &m->groups[i], st, err);
        m->stats.atoms += m->groups[i].natoms;
        m->stats.columns += m->groups[i].ncols;
    }
    m->stats.seconds = util_now() - t0;
    if (getenv("SPLITE_MX_DEBUG"))
        fprintf(stderr, "shared scan: %d tables, %ld rows, %ld slots, %ld atoms, %ld columns, %ld bytes matched, "
                "%ld atom hits, %ld evaluations, %ld rows listed, %.3f s (matchers compiled in %.3f s)\n", m->ngroups,
                m->stats.rows, m->stats.queries, m->stats.atoms, m->stats.columns, m->stats.bytes, m->stats.hits,
                m->stats.evaluations, m->stats.candidates, m->stats.seconds, m->stats.compile_seconds);
    return rc;
}
