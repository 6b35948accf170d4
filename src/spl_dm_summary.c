/* spl_dm_summary.c: data model acceleration. The rows of a CIM data set
 * (every field, after the calculated fields and the constraints) are kept in
 * a summary table "dmsum:Model.Dataset", built on first use and then brought
 * up to date incrementally: events are only ever appended, so the rows of
 * events past the highest rowid already summarised are added. tstats and
 * `from datamodel` then read the summary, a plain table SQLite plans with
 * indexes (on _time, and on every field a where clause compares with = or IN,
 * created the first time a query does), instead of computing the CIM
 * expressions over every event of the sources for every query.
 *
 * The catalog dm_summaries records for each data set the hash of the
 * statement that fills its summary. Everything the rows depend on goes into
 * that statement (the data model's definition, the store's field catalog,
 * the source values a wildcard matched), so a different statement means the
 * summary is rebuilt from scratch. Which fields ever hold a multivalue is
 * read off the rows (mv), so single-valued fields compare without the
 * multivalue test and can use the indexes. A read-only database stores
 * nothing: a current summary stored before is read, else the rows are
 * computed with the query. See docs/DATAMODELS.md, "Acceleration". */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "datamodel.h"
#include "spl_int.h"
#include "spl_pf.h"

/* seconds this process spent building and updating summaries */
static double summary_seconds;

double spl_dm_summary_seconds(void)
{
    return summary_seconds;
}

static const char catalog_sql[] =
    "CREATE TABLE IF NOT EXISTS dm_summaries(dataset TEXT PRIMARY KEY, tbl TEXT NOT NULL, hash TEXT NOT NULL, "
    "rowid_hi INTEGER NOT NULL, names TEXT NOT NULL, mv TEXT NOT NULL, built REAL)";

/* The statement filling a summary: SELECT rowid, field... over events */
typedef struct sum_build {
    spl_tr b;        /* scratch translator holding the level and its parameters */
    spl_error err;
    sbuf select;     /* SELECT rowid, field... over events */
    sbuf names;      /* field names, '\n'-separated, in column order */
    int ncols;       /* fields (without the rowid) */
    int wm, hi;      /* parameter numbers of the rowid bounds (> wm, <= hi) */
    char hash[17];
} sum_build;

static void build_free(sum_build *s)
{
    spl_tr_free(&s->b);
    spl_error_free(&s->err);
    sbuf_free(&s->select);
    sbuf_free(&s->names);
}

/* Compile the summary's statement. 0, or 1 when ds cannot be summarised
 * (or its full field set does not compile: the live path then reports
 * what the query itself needs). */
static int build_compile(spl_tr *tr, const dm_dataset *ds, sum_build *s)
{
    memset(s, 0, sizeof *s);
    s->b.st = tr->st;
    s->b.opts = tr->opts;
    s->b.err = &s->err;
    s->b.text = tr->text;
    s->b.now = tr->now;
    s->b.macros = tr->macros;
    s->b.cmd_off = tr->cmd_off;
    if (spl_dm_rows_all(&s->b, ds, &s->wm, &s->hi) != 0 || !s->wm || !s->hi) return 1;
    spl_tr *b = &s->b;
    const spl_col *rid = spl_tr_find(b, SPL_DM_RID);
    if (!rid) return 1;
    if (b->ctes.len) sbuf_printf(&s->select, "WITH %s\n", b->ctes.s);
    sbuf_printf(&s->select, "SELECT %s", rid->sql);
    for (int i = 0; i < b->ncols; i++) {
        if (!strcmp(b->cols[i].name, SPL_DM_RID)) continue;
        sbuf_printf(&s->select, ", %s", b->cols[i].sql);
        if (s->ncols++) sbuf_addc(&s->names, '\n');
        sbuf_add(&s->names, b->cols[i].name);
    }
    sbuf_printf(&s->select, " FROM %s", b->from);
    if (b->nwh) sbuf_printf(&s->select, " WHERE %s", spl_tr_where_sql(b));
    /* the hash: statement, names and every parameter but the rowid bounds */
    uint64_t h = UTIL_HASH_INIT;
    h = util_hash(h, s->select.s, s->select.len);
    h = util_hash(h, s->names.s ? s->names.s : "", s->names.len);
    for (int i = 0; i < b->nparams; i++) {
        if (i + 1 == s->wm || i + 1 == s->hi) continue;
        char num[40];
        const spl_param *p = &b->params[i];
        if (p->is_num) snprintf(num, sizeof num, "#%.17g", p->num);
        h = util_hash(h, p->is_num ? num : p->text, strlen(p->is_num ? num : p->text) + 1);
    }
    snprintf(s->hash, sizeof s->hash, "%016" PRIx64, h);
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Compute the rows of events wm < rowid <= hi into temp.dmsum_build: no
 * write to the database, so other connections (ingest, other workers)
 * are not held up while the expressions run. 0 or -1. */
static int build_rows(sqlite3 *db, sum_build *s, sqlite3_int64 wm, sqlite3_int64 hi)
{
    sbuf q = {0};
    sbuf_add(&q, "DROP TABLE IF EXISTS temp.dmsum_build; CREATE TEMP TABLE dmsum_build(_rid INTEGER");
    for (int i = 0; i < s->ncols; i++) sbuf_printf(&q, ", f%d", i);
    sbuf_add(&q, ")");
    int rc = exec(db, q.s);
    sbuf_reset(&q);
    sbuf_printf(&q, "INSERT INTO temp.dmsum_build %s", s->select.s);
    sqlite3_stmt *st = NULL;
    if (!rc && sqlite3_prepare_v2(db, q.s, -1, &st, NULL) != SQLITE_OK) rc = -1;
    int used = rc ? 0 : sqlite3_bind_parameter_count(st);
    for (int i = 0; i < s->b.nparams && i < used && !rc; i++) {
        const spl_param *p = &s->b.params[i];
        if (i + 1 == s->wm) rc = sqlite3_bind_int64(st, i + 1, wm);
        else if (i + 1 == s->hi) rc = sqlite3_bind_int64(st, i + 1, hi);
        else if (p->is_num) rc = sqlite3_bind_double(st, i + 1, p->num);
        else rc = sqlite3_bind_text(st, i + 1, p->text, -1, SQLITE_STATIC);
        if (rc != SQLITE_OK) rc = -1;
    }
    if (!rc && sqlite3_step(st) != SQLITE_DONE) rc = -1;
    sqlite3_finalize(st);
    sbuf_free(&q);
    return rc;
}

/* mv flags of temp.dmsum_build OR'ed into mv[0..n) ('0'/'1'); 0 or -1 */
static int read_mv(sqlite3 *db, int n, char *mv)
{
    if (!n) return 0;
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < n; i++) sbuf_printf(&q, "%smax(typeof(f%d)='blob')", i ? ", " : "", i);
    sbuf_add(&q, " FROM temp.dmsum_build");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, q.s, -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    if (!rc) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < n; i++)
                if (sqlite3_column_int(st, i)) mv[i] = '1';
        } else {
            rc = -1;
        }
    }
    sqlite3_finalize(st);
    sbuf_free(&q);
    return rc;
}

static sqlite3_int64 events_hi(sqlite3 *db)
{
    sqlite3_int64 hi = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT max(rowid) FROM events", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) hi = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return hi;
}

/* What the catalog says of ds's summary (hash and mv malloc'd, NULL when
 * there is none). 0 or -1. */
typedef struct sum_state {
    char *hash, *mv;
    sqlite3_int64 hi;
} sum_state;

static int read_state(sqlite3 *db, const dm_dataset *ds, sum_state *out)
{
    memset(out, 0, sizeof *out);
    out->hi = -1;
    sqlite3_stmt *st = NULL;
    /* a read-only database has the catalog or not */
    if (!sqlite3_db_readonly(db, "main") && exec(db, catalog_sql)) return -1;
    if (sqlite3_prepare_v2(db, "SELECT hash, rowid_hi, mv FROM dm_summaries WHERE dataset = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, ds->path, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->hash = xstrdup((const char *)sqlite3_column_text(st, 0));
        out->hi = sqlite3_column_int64(st, 1);
        out->mv = xstrdup((const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return 0;
}

static void state_free(sum_state *x)
{
    free(x->hash);
    free(x->mv);
}

static int state_same(const sum_state *a, const sum_state *b)
{
    return a->hi == b->hi && !a->hash == !b->hash && (!a->hash || !strcmp(a->hash, b->hash));
}

/* Make the summary of ds current for events up to rowid *hip (moved on when
 * another connection summarised newer events meanwhile); fills *tbl,
 * *names, *mv (caller frees). The rows are computed first, without holding
 * the database's write lock; then, in one short write, the catalog is
 * checked again (another connection may have done the work meanwhile) and
 * the rows are stored. 0, or -1 (nothing changed). */
static int ensure(sqlite3 *db, const dm_dataset *ds, sum_build *s, sqlite3_int64 *hip, char **tbl, char **names,
                  char **mv)
{
    sqlite3_int64 hi = *hip;
    *tbl = xasprintf("dmsum:%s", ds->path);
    for (int attempt = 0; attempt < 3; attempt++) {
        sum_state before;
        if (read_state(db, ds, &before)) break;
        /* a summary past the last event means events were deleted behind
         * splite's back (it only appends): rebuild rather than trust it */
        int match = before.hash && !strcmp(before.hash, s->hash) && before.mv && (int)strlen(before.mv) == s->ncols;
        if (match && before.hi > hi) {
            /* another connection summarised events loaded since we looked */
            sqlite3_int64 now_hi = events_hi(db);
            if (now_hi >= before.hi) {
                hi = now_hi;
                state_free(&before);
                continue;
            }
        }
        int same = match && before.hi <= hi;
        if (same && before.hi == hi) {
            *names = xstrdup(s->names.s ? s->names.s : "");
            *mv = before.mv;
            before.mv = NULL;
            state_free(&before);
            *hip = hi;
            return 0;
        }
        if (sqlite3_db_readonly(db, "main")) {
            /* nothing can be stored: the rows are computed with the query */
            state_free(&before);
            break;
        }
        sqlite3_int64 wm = same ? before.hi : -1;
        char *m = xmalloc((size_t)s->ncols + 1);
        if (same) memcpy(m, before.mv, (size_t)s->ncols);
        else memset(m, '0', (size_t)s->ncols);
        m[s->ncols] = 0;
        int rc = build_rows(db, s, wm, hi);
        if (!rc) rc = read_mv(db, s->ncols, m);
        if (!rc) rc = exec(db, "SAVEPOINT dmsum");
        if (rc) {
            exec(db, "DROP TABLE IF EXISTS temp.dmsum_build");
            free(m);
            state_free(&before);
            break;
        }
        sum_state now;
        rc = read_state(db, ds, &now);
        int changed = !rc && !state_same(&before, &now);
        state_free(&now);
        state_free(&before);
        if (!rc && !changed) {
            sbuf q = {0};
            if (!same) {
                sbuf_add(&q, "DROP TABLE IF EXISTS ");
                sbuf_add_sql_ident(&q, *tbl);
                sbuf_add(&q, "; CREATE TABLE ");
                sbuf_add_sql_ident(&q, *tbl);
                sbuf_add(&q, "(_rid INTEGER");
                for (int i = 0; i < s->ncols; i++) sbuf_printf(&q, ", f%d", i);
                sbuf_add(&q, "); ");
                /* the time index every query's range uses */
                int k = 0;
                for (const char *p = s->names.s ? s->names.s : ""; *p; k++) {
                    if (!strncmp(p, "_time", 5) && (p[5] == '\n' || !p[5])) {
                        char *ix = xasprintf("%s#time", *tbl);
                        sbuf_add(&q, "CREATE INDEX ");
                        sbuf_add_sql_ident(&q, ix);
                        sbuf_add(&q, " ON ");
                        sbuf_add_sql_ident(&q, *tbl);
                        sbuf_printf(&q, "(f%d); ", k);
                        free(ix);
                        break;
                    }
                    p = strchr(p, '\n');
                    if (!p) break;
                    p++;
                }
            }
            sbuf_add(&q, "INSERT INTO main.");
            sbuf_add_sql_ident(&q, *tbl);
            sbuf_add(&q, " SELECT * FROM temp.dmsum_build");
            rc = exec(db, q.s);
            sbuf_free(&q);
            sqlite3_stmt *st = NULL;
            if (!rc && sqlite3_prepare_v2(db,
                                          "INSERT OR REPLACE INTO dm_summaries(dataset, tbl, hash, rowid_hi, names, mv, "
                                          "built) VALUES (?1, ?2, ?3, ?4, ?5, ?6, julianday('now'))",
                                          -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, ds->path, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, *tbl, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, s->hash, -1, SQLITE_STATIC);
                sqlite3_bind_int64(st, 4, hi);
                sqlite3_bind_text(st, 5, s->names.s ? s->names.s : "", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 6, m, -1, SQLITE_STATIC);
                if (sqlite3_step(st) != SQLITE_DONE) rc = -1;
                sqlite3_finalize(st);
            } else {
                rc = -1;
            }
        }
        if (rc && getenv("SPLITE_DEBUG"))
            fprintf(stderr, "splite: summary of %s not stored: %s\n", ds->path, sqlite3_errmsg(db));
        if (!rc && !changed && !exec(db, "RELEASE dmsum")) {
            exec(db, "DROP TABLE IF EXISTS temp.dmsum_build");
            *names = xstrdup(s->names.s ? s->names.s : "");
            *mv = m;
            *hip = hi;
            return 0;
        }
        exec(db, "ROLLBACK TO dmsum");
        exec(db, "RELEASE dmsum");
        exec(db, "DROP TABLE IF EXISTS temp.dmsum_build");
        free(m);
        if (!changed) break; /* an error, not a race: compute the rows live */
    }
    free(*tbl);
    *tbl = NULL;
    return -1;
}

/* ---- indexes on the fields a where clause compares with = or IN ---- */
static void index_field(sqlite3 *db, const char *tbl, char **names, int n, const spl_token *tok)
{
    char *f = spl_tok_text(tok);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], f)) continue;
        sbuf q = {0};
        char *ix = xasprintf("%s#f%d", tbl, i);
        sbuf_add(&q, "CREATE INDEX IF NOT EXISTS ");
        sbuf_add_sql_ident(&q, ix);
        sbuf_add(&q, " ON ");
        sbuf_add_sql_ident(&q, tbl);
        sbuf_printf(&q, "(f%d COLLATE NOCASE)", i);
        exec(db, q.s); /* an index only speeds things up: a failure is not an error */
        free(ix);
        sbuf_free(&q);
        break;
    }
    free(f);
}

static void index_where(sqlite3 *db, const char *tbl, char **names, int n, const spl_node *w)
{
    if (!w) return;
    switch (w->kind) {
    case SN_AND:
    case SN_OR:
        for (int i = 0; i < w->nkids; i++) index_where(db, tbl, names, n, w->kids[i]);
        break;
    case SN_CMP:
        if (w->op == TK_EQ && !memchr(w->val.s, '*', w->val.n)) index_field(db, tbl, names, n, &w->tok);
        break;
    case SN_IN:
        index_field(db, tbl, names, n, &w->tok);
        break;
    default:
        break;
    }
}

/* ---- a per-connection memo: summaries known current in this session ----
 * Compiling a data set's full statement to check its hash costs more than
 * most queries over the summary. Within one connection, a summary checked
 * current stays current until events are added (the highest rowid moves)
 * or the data set's definition differs (its text hashed here), so the check
 * is skipped then. The memo is a TEMP table: it dies with the connection. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    return util_hash(h, s ? s : "\x01", s ? strlen(s) + 1 : 1);
}

static void def_hash(const dm_dataset *ds, char out[17])
{
    uint64_t h = hash_str(UTIL_HASH_INIT, ds->path);
    size_t nsrc = 0;
    const dm_source *srcs = dm_dataset_sources(ds, &nsrc);
    for (size_t i = 0; i < nsrc; i++) {
        h = hash_str(h, srcs[i].name);
        h = hash_str(h, srcs[i].match.spl);
        h = hash_str(h, srcs[i].table);
        for (size_t k = 0; k < srcs[i].nfields; k++) {
            h = hash_str(h, srcs[i].fields[k].field);
            h = hash_str(h, srcs[i].fields[k].expr);
        }
    }
    const dm_assign **calcs = NULL;
    size_t nc = dm_dataset_all_calcs(ds, &calcs);
    for (size_t i = 0; i < nc; i++) {
        h = hash_str(h, calcs[i]->field);
        h = hash_str(h, calcs[i]->expr);
    }
    free(calcs);
    char *cons = dm_dataset_constraint(ds);
    h = hash_str(h, cons);
    free(cons);
    const char **all = NULL;
    size_t nf = dm_dataset_all_fields(ds, &all);
    for (size_t i = 0; i < nf; i++) h = hash_str(h, all[i]);
    free(all);
    snprintf(out, 17, "%016" PRIx64, h);
}

/* The memo says ds's summary is current: fill tbl/names/mv from the catalog
 * and return 0; else 1. */
static int memo_hit(sqlite3 *db, const dm_dataset *ds, const char *dh, sqlite3_int64 hi, char **tbl, char **names,
                    char **mv, int *ncols)
{
    sqlite3_stmt *st = NULL;
    int rc = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT s.tbl, s.names, s.mv FROM temp.dmsum_seen m JOIN main.dm_summaries s "
                           "ON s.dataset = m.dataset AND s.hash = m.hash AND s.rowid_hi = m.hi "
                           "WHERE m.dataset = ?1 AND m.defhash = ?2 AND m.hi = ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_text(st, 1, ds->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dh, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, hi);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *tbl = xstrdup((const char *)sqlite3_column_text(st, 0));
        *names = xstrdup((const char *)sqlite3_column_text(st, 1));
        *mv = xstrdup((const char *)sqlite3_column_text(st, 2));
        *ncols = (int)strlen(*mv);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static void memo_set(sqlite3 *db, const dm_dataset *ds, const char *dh, const char *hash, sqlite3_int64 hi)
{
    if (exec(db, "CREATE TEMP TABLE IF NOT EXISTS dmsum_seen(dataset TEXT PRIMARY KEY, defhash TEXT, hash TEXT, "
                 "hi INTEGER)"))
        return;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO temp.dmsum_seen VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, ds->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dh, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, hi);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

/* a summary column's SQL for the where clause's prefilter formula: names
 * are the summary's fields in column order (f0, f1, ...) */
typedef struct pf_names {
    char **names;
    int n;
    char buf[32];
} pf_names;

static const char *pf_field(void *ctx, const char *name)
{
    pf_names *p = ctx;
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->names[i], name)) {
            snprintf(p->buf, sizeof p->buf, "t.\"f%d\"", i);
            return p->buf;
        }
    return NULL; /* not a column: nothing known */
}

/* Compiling for the shared scan (spl_opts.prefilter): tstats's where clause
 * over a summary, as a formula over the summary's columns (spl_pf.h), when
 * it can rule rows out; NULL otherwise. Only the query's own first reading
 * (not a subsearch's, not after a command that is not row-local). */
static spl_pf *shared_scan_formula(spl_tr *tr, char **names, int n, const spl_node *where)
{
    if (!where || !tr->opts || !tr->opts->prefilter || tr->sub_depth || tr->subpipe || tr->pf || tr->pf_closed)
        return NULL;
    pf_names p = {.names = names, .n = n};
    spl_pf *f = spl_search_pf_with(where, "t", pf_field, NULL, &p);
    if (spl_pf_useful(f)) return f;
    spl_pf_free(f);
    return NULL;
}

int spl_dm_summary_rows(spl_tr *tr, const dm_dataset *ds, const spl_names *fields, const spl_node *where)
{
    assert(tr && ds);
    if (tr->opts && tr->opts->no_summaries) return 1;
    sqlite3 *db = store_db(tr->st);
    /* read-only (an evidence database): a summary stored while it was
     * writable is used when it is current; else none is built and the rows
     * are computed from the events with the query, in memory */
    char dh[17];
    def_hash(ds, dh);
    sqlite3_int64 hi = events_hi(db);
    char *tbl = NULL, *names = NULL, *mv = NULL;
    int n = 0;
    if (hi < 0) return 1;
    if (memo_hit(db, ds, dh, hi, &tbl, &names, &mv, &n)) {
        double t0 = util_now();
        spl_register_sql(db); /* the statement filling the summary runs now */
        sum_build s;
        if (build_compile(tr, ds, &s) || ensure(db, ds, &s, &hi, &tbl, &names, &mv)) {
            build_free(&s);
            summary_seconds += util_now() - t0;
            return 1;
        }
        n = s.ncols;
        memo_set(db, ds, dh, s.hash, hi);
        build_free(&s);
        summary_seconds += util_now() - t0;
    }
    /* split the names */
    char **nm = xcalloc((size_t)n + 1, sizeof *nm);
    int *mvs = xcalloc((size_t)n + 1, sizeof *mvs);
    int *col = xcalloc((size_t)n + 1, sizeof *col);
    char *p = names;
    int tcol = -1;
    for (int i = 0; i < n; i++) {
        nm[i] = p;
        p = strchr(p, '\n');
        if (p) *p++ = 0;
        else p = names + strlen(names);
        mvs[i] = mv[i] == '1';
        if (!strcmp(nm[i], "_time")) tcol = i;
    }
    index_where(db, tbl, nm, n, where);
    spl_pf *pf = shared_scan_formula(tr, nm, n, where);
    /* only the fields the query names (and the base ones), as when the rows
     * are computed from the events: a CTE SQLite materialises then copies
     * only those */
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *bare = dm_field_from_path(ds, nm[i]);
        int base = !strcmp(nm[i], "_time") || !strcmp(nm[i], "host") || !strcmp(nm[i], "source") ||
                   !strcmp(nm[i], "sourcetype") || !strcmp(nm[i], "index");
        if (!base && fields && !(bare && spl_names_has(fields, bare))) continue;
        if (!strcmp(nm[i], "_time")) tcol = k;
        nm[k] = nm[i];
        mvs[k] = mvs[i];
        col[k++] = i;
    }
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < k; i++) sbuf_printf(&q, "%st.f%d AS c%d", i ? ", " : "", col[i], i);
    if (!k) sbuf_add(&q, "NULL AS c0");
    n = k;
    sbuf_add(&q, " FROM ");
    sbuf_add_sql_ident(&q, tbl);
    sbuf_add(&q, pf ? " t NOT INDEXED WHERE 1" : " t WHERE 1");
    if (tcol >= 0) {
        char *t = xasprintf("t.f%d", col[tcol]);
        spl_dm_time_where(tr, t, &q);
        free(t);
    }
    if (pf) {
        /* the shared scan lists the summary rows the where clause may keep */
        tr->pf = pf;
        tr->pf_param = spl_tr_param_num(tr, -1);
        tr->pf_table = xstrdup(tbl);
        sbuf_printf(&q, " AND t.rowid IN (SELECT value FROM splite_cand(?%d))", tr->pf_param);
    }
    spl_tr_new_level(tr, q.s, nm, mvs, n);
    if (tr->events_guard) spl_tr_where(tr, tr->events_guard);
    spl_col *t = spl_tr_col(tr, "_time");
    if (t) spl_tr_add_ord(tr, t->sql, 1, 0);
    tr->has_rows = 1;
    tr->events = 0;
    sbuf_free(&q);
    free(nm);
    free(mvs);
    free(col);
    free(names);
    free(mv);
    free(tbl);
    return 0;
}
