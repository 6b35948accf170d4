/* multi_scan.c: the shared scan's one pass over the events. Each row's
 * values of the columns the atoms name are laid end to end (NUL between)
 * and matched once against every contains-literal with Hyperscan (caseless,
 * as SQLite's LIKE and NOCASE are for ASCII); a match counts for the atoms
 * of its literal on the column whose value it lies in, anchors checked by
 * position. Values of equality atoms are looked up whole in a hash. A
 * multivalue (a BLOB) counts with each of its values and as its JSON text.
 * The formulas whose trigger atoms hit are then evaluated, and their slots
 * get the row. The first rows evaluate every formula and count the atoms'
 * hits; the trigger sets are chosen from those counts and chosen again as
 * rows accumulate. SPLITE_MX_NAIVE=1 (tests) matches with a plain search
 * instead of Hyperscan: the reference the matcher is checked against. */
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "multi_int.h"
#include "mv.h"
#include "util.h"

void mx_eq_key(sbuf *b, int col, const char *s, size_t n);

typedef struct row_state {
    mx *m;
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
    const mx_lit *lt = &r->m->lits[id];
    size_t start = to - lt->len;
    int lo = 0, hi = r->nseg - 1;
    while (lo < hi) { /* the last segment starting at or before start */
        int mid = (lo + hi + 1) / 2;
        if (r->seg_off[mid] <= start) lo = mid;
        else hi = mid - 1;
    }
    if (r->nseg == 0 || r->seg_off[lo] > start || to > r->seg_end[lo]) return;
    for (int i = 0; i < lt->natoms; i++) {
        const mx_atom *a = &r->m->atoms[lt->atoms[i]];
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
    for (int id = 0; id < r->m->nlits; id++) {
        const mx_lit *lt = &r->m->lits[id];
        for (size_t i = 0; i + lt->len <= n; i++)
            if (!strncasecmp(s + i, lt->text, lt->len)) literal_at(r, (unsigned)id, i + lt->len);
    }
}

static void add_value(row_state *r, int col, const char *s, size_t n)
{
    const mx_col *c = &r->m->cols[col];
    if (c->nsub) {
        if (r->nseg == r->capseg) {
            r->capseg = r->capseg ? r->capseg * 2 : 64;
            r->seg_off = xrealloc(r->seg_off, sizeof *r->seg_off * (size_t)r->capseg);
            r->seg_end = xrealloc(r->seg_end, sizeof *r->seg_end * (size_t)r->capseg);
            r->seg_col = xrealloc(r->seg_col, sizeof *r->seg_col * (size_t)r->capseg);
        }
        r->seg_off[r->nseg] = r->buf.len;
        sbuf_addn(&r->buf, s, n);
        r->seg_end[r->nseg] = r->buf.len;
        r->seg_col[r->nseg++] = col;
        sbuf_addc(&r->buf, '\0');
    }
    if (c->neq) {
        mx_eq_key(&r->key, col, s, n);
        long *ix = hmap_get(&r->m->eq_ix, r->key.s, r->key.len);
        if (ix)
            for (const int *a = r->m->eq_atoms[*ix]; *a >= 0; a++)
                if (r->m->atoms[*a].col == col) set_hit(r, *a);
    }
}

static void add_slot_row(mx *m, int s, int64_t rowid)
{
    mx_cands_add(&m->slots[s].c, rowid, m->lo, m->hi);
    m->stats.candidates++;
}

void mx_set_time(mx *m, double earliest, double latest, int bounds)
{
    m->t_lo = earliest;
    m->t_hi = latest;
    m->t_bounds = bounds & 3;
}

int mx_scan(mx *m, store *st, char **err)
{
    double t0 = util_now();
    *err = NULL;
    if (!m->nslots) return 0;
    sqlite3 *db = store_db(st);
    sqlite3_stmt *stmt = NULL;
    hs_database_t *hdb = NULL;
    hs_scratch_t *scratch = NULL;
    row_state r = {.m = m};
    mv_list mvl = {0};
    int rc = -1;
    m->lo = 0;
    m->hi = -1;
    if (sqlite3_prepare_v2(db, "SELECT min(rowid), max(rowid) FROM events", -1, &stmt, NULL) != SQLITE_OK) goto sqlerr;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
        m->lo = sqlite3_column_int64(stmt, 0);
        m->hi = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    if (m->hi < m->lo) { rc = 0; goto done; } /* no events: no slot lists a row */

    const char *naive = getenv("SPLITE_MX_NAIVE");
    int use_hs = m->nlits > 0 && !(naive && *naive == '1');
    if (use_hs) {
        const char **exprs = xcalloc((size_t)m->nlits, sizeof *exprs);
        unsigned *flags = xcalloc((size_t)m->nlits, sizeof *flags);
        unsigned *ids = xcalloc((size_t)m->nlits, sizeof *ids);
        size_t *lens = xcalloc((size_t)m->nlits, sizeof *lens);
        for (int i = 0; i < m->nlits; i++) {
            exprs[i] = m->lits[i].text;
            lens[i] = m->lits[i].len;
            flags[i] = HS_FLAG_CASELESS;
            ids[i] = (unsigned)i;
        }
        hs_compile_error_t *ce = NULL;
        hs_error_t he = hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)m->nlits, HS_MODE_BLOCK, NULL, &hdb, &ce);
        free(exprs);
        free(flags);
        free(ids);
        free(lens);
        if (he != HS_SUCCESS) {
            /* (a CPU without SSSE3, say): the plain search gives the same rows */
            hs_free_compile_error(ce);
            hdb = NULL;
            use_hs = 0;
        } else if (hs_alloc_scratch(hdb, &scratch) != HS_SUCCESS) {
            *err = xstrdup("shared scan: out of memory for the matcher");
            goto done;
        }
    }

    sbuf sql = {0};
    sbuf_add(&sql, "SELECT rowid");
    for (int i = 0; i < m->ncols; i++) {
        sbuf_add(&sql, ", ");
        sbuf_add_sql_ident(&sql, m->cols[i].name);
    }
    sbuf_add(&sql, " FROM events");
    /* a time range (mx_set_time): through the _time index */
    if (m->t_bounds & 1) sbuf_add(&sql, " WHERE _time >= ?1");
    if (m->t_bounds & 2) sbuf_add(&sql, m->t_bounds & 1 ? " AND _time < ?2" : " WHERE _time < ?2");
    int prc = sqlite3_prepare_v2(db, sql.s, -1, &stmt, NULL);
    sbuf_free(&sql);
    if (prc != SQLITE_OK) goto sqlerr;
    if (m->t_bounds & 1) sqlite3_bind_double(stmt, 1, m->t_lo);
    if (m->t_bounds & 2) sqlite3_bind_double(stmt, 2, m->t_hi);

    r.hit = xcalloc((size_t)m->natoms + 1, 1);
    r.hitlist = xcalloc((size_t)m->natoms + 1, sizeof *r.hitlist);
    long row = 0, replan = 64;
    int sampling = 1;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t rowid = sqlite3_column_int64(stmt, 0);
        r.nseg = 0;
        sbuf_reset(&r.buf);
        for (int i = 0; i < m->ncols; i++) {
            int t = sqlite3_column_type(stmt, i + 1);
            if (t == SQLITE_NULL) continue;
            if (t == SQLITE_BLOB) {
                /* a multivalue: each value, and the JSON text */
                mv_list_from_value(&mvl, sqlite3_column_value(stmt, i + 1));
                for (size_t k = 0; k < mvl.n; k++) add_value(&r, i, mvl.v[k], mvl.len[k]);
                const char *b = sqlite3_column_blob(stmt, i + 1);
                int bn = sqlite3_column_bytes(stmt, i + 1);
                if (b && m->cols[i].nsub) {
                    int keep = m->cols[i].neq;
                    m->cols[i].neq = 0; /* a BLOB never equals a text */
                    add_value(&r, i, b, (size_t)bn);
                    m->cols[i].neq = keep;
                }
                continue;
            }
            const char *s = (const char *)sqlite3_column_text(stmt, i + 1);
            int n = sqlite3_column_bytes(stmt, i + 1);
            if (s) add_value(&r, i, s, (size_t)n);
        }
        if (r.nseg) {
            if (use_hs) {
                if (hs_scan(hdb, r.buf.s, (unsigned)r.buf.len, 0, scratch, on_match, &r) != HS_SUCCESS) {
                    *err = xstrdup("shared scan: the matcher failed");
                    goto done;
                }
            } else {
                naive_scan(&r);
            }
        }
        for (int k = 0; k < r.nhit; k++) m->atoms[r.hitlist[k]].hits++;
        m->stats.hits += r.nhit;
        m->stats.bytes += r.buf.len;
        if (sampling) {
            for (int s = 0; s < m->nslots; s++)
                if (mx_eval(m->slots[s].pf, r.hit)) add_slot_row(m, s, rowid);
        } else {
            for (int k = 0; k < r.nhit; k++) {
                const mx_atom *a = &m->atoms[r.hitlist[k]];
                for (int j = 0; j < a->nslots; j++) {
                    mx_slot *sl = &m->slots[a->slots[j]];
                    if (sl->stamp == row + 1) continue;
                    sl->stamp = row + 1;
                    m->stats.evaluations++;
                    if (mx_eval(sl->pf, r.hit)) add_slot_row(m, a->slots[j], rowid);
                }
            }
        }
        for (int k = 0; k < r.nhit; k++) r.hit[r.hitlist[k]] = 0;
        r.nhit = 0;
        row++;
        if (row == replan) {
            mx_plan_triggers(m, row);
            sampling = 0;
            replan *= 16;
        }
    }
    if (step != SQLITE_DONE) goto sqlerr;
    m->stats.rows = row;
    rc = 0;
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
    sbuf_free(&r.buf);
    sbuf_free(&r.key);
    mv_list_free(&mvl);
    m->stats.atoms = m->natoms;
    m->stats.columns = m->ncols;
    m->stats.seconds = util_now() - t0;
    if (getenv("SPLITE_MX_DEBUG"))
        fprintf(stderr, "shared scan: %ld rows, %ld slots, %ld atoms (%d literals), %ld columns, %ld bytes matched, "
                "%ld atom hits, %ld evaluations, %ld rows listed, %.3f s\n", m->stats.rows, m->stats.queries,
                m->stats.atoms, m->nlits, m->stats.columns, m->stats.bytes, m->stats.hits, m->stats.evaluations,
                m->stats.candidates, m->stats.seconds);
    return rc;
}
