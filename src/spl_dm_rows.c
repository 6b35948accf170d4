/* spl_dm_rows.c: the rows of a CIM data set as a translator level, for
 * tstats, `from datamodel:` and `datamodel` (docs/DATAMODELS.md): a UNION ALL
 * with one branch per source of the data set's root (its match as an
 * indexable WHERE on events, only the CIM fields the query needs computed
 * from the source's expressions; a `table:` source reads that table, and no
 * rows when the table does not exist yet), then the calculated fields in
 * order, then the constraints of the data set and its ancestors; the fields
 * are then renamed to their tstats names (Processes.process_name). Base
 * fields _time, host, source, sourcetype, index come from the event. */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "datamodel.h"
#include "spl_int.h"

static const char *const base_fields[] = {"_time", "host", "source", "sourcetype", "index"};
enum { NBASE = 5 };

static int is_meta(const char *f)
{
    return !strcmp(f, "source") || !strcmp(f, "sourcetype") || !strcmp(f, "host") || !strcmp(f, "index");
}

/* ---- distinct metadata values (loose index scan), for wildcard matches ---- */
typedef struct meta_vals {
    char *field;
    spl_names vals;
} meta_vals;

typedef struct dm_ctx {
    spl_tr *tr;
    const dm_dataset *ds;
    meta_vals *mv;
    int nmv;
    int rid;        /* summary build: also select e.rowid, keep rows past ?wm */
    int wm;         /* the parameter number of the rowid watermark (0: none yet) */
    int hi;         /* ... and of the highest rowid to take */
} dm_ctx;

static const spl_names *distinct_meta(dm_ctx *d, const char *field)
{
    for (int i = 0; i < d->nmv; i++)
        if (!strcmp(d->mv[i].field, field)) return &d->mv[i].vals;
    d->mv = xrealloc(d->mv, sizeof *d->mv * (size_t)(d->nmv + 1));
    meta_vals *m = &d->mv[d->nmv++];
    m->field = xstrdup(field);
    memset(&m->vals, 0, sizeof m->vals);
    /* each step is one seek in the (field COLLATE NOCASE, _time) index */
    sbuf q = {0};
    sbuf col = {0};
    sbuf_add_sql_ident(&col, field);
    sbuf_printf(&q, "SELECT %s FROM events WHERE %s > ?1 COLLATE NOCASE ORDER BY %s COLLATE NOCASE LIMIT 1", col.s,
                col.s, col.s);
    sqlite3 *db = store_db(d->tr->st);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, q.s, -1, &st, NULL) == SQLITE_OK) {
        char *last = xstrdup("");
        for (int guard = 0; guard < 100000; guard++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL) break;
            free(last);
            last = xstrdup((const char *)sqlite3_column_text(st, 0));
            spl_names_add(&m->vals, last);
        }
        free(last);
    }
    sqlite3_finalize(st);
    sbuf_free(&q);
    sbuf_free(&col);
    return &m->vals;
}

/* A source's match as an indexable WHERE over events e: metadata values
 * compare with = COLLATE NOCASE (the NOCASE indexes), wildcards are expanded
 * against the distinct values the store holds; other fields (EventCode)
 * compare case-insensitively on their columns. */
static void branch_where(dm_ctx *d, const dm_match *m, sbuf *out)
{
    spl_tr *tr = d->tr;
    if (!m->nconds) { sbuf_add(out, "1"); return; }
    for (size_t i = 0; i < m->nconds; i++) {
        const dm_cond *c = &m->conds[i];
        sbuf x = {0};
        store_field_sql(tr->st, "e", c->field, &x);
        if (i) sbuf_add(out, " AND ");
        sbuf_addc(out, '(');
        int k = 0;
        for (size_t j = 0; j < c->nvalues; j++) {
            const char *v = c->values[j];
            if (!strchr(v, '*')) {
                sbuf_printf(out, "%s%s = ", k++ ? " OR " : "", x.s);
                spl_tr_bind_text(tr, out, v);
                sbuf_add(out, " COLLATE NOCASE");
            } else if (is_meta(c->field)) {
                const spl_names *vals = distinct_meta(d, c->field);
                for (int q = 0; q < vals->n; q++) {
                    if (!dm_wildcard_match(v, vals->v[q])) continue;
                    sbuf_printf(out, "%s%s = ", k++ ? " OR " : "", x.s);
                    spl_tr_bind_text(tr, out, vals->v[q]);
                    sbuf_add(out, " COLLATE NOCASE");
                }
            } else {
                sbuf p = {0};
                for (const char *s = v; *s; s++) {
                    if (*s == '*') sbuf_addc(&p, '%');
                    else if (*s == '%' || *s == '_' || *s == '\\') { sbuf_addc(&p, '\\'); sbuf_addc(&p, *s); }
                    else sbuf_addc(&p, *s);
                }
                sbuf_printf(out, "%s%s LIKE ", k++ ? " OR " : "", x.s);
                spl_tr_bind_text(tr, out, p.s ? p.s : "");
                sbuf_add(out, " ESCAPE '\\'");
                sbuf_free(&p);
            }
        }
        if (!k) sbuf_add(out, "0");
        sbuf_addc(out, ')');
        sbuf_free(&x);
    }
}

void spl_dm_time_where(spl_tr *tr, const char *t, sbuf *out)
{
    double e, l;
    int m = spl_tr_time_bounds(tr, &e, &l);
    if (m & 1) {
        sbuf_printf(out, " AND %s >= ", t);
        spl_tr_bind_num(tr, out, e);
    }
    if (m & 2) {
        sbuf_printf(out, " AND %s < ", t);
        spl_tr_bind_num(tr, out, l);
    }
}

/* columns of a splite table (NULL names when it does not exist) */
static int table_env(spl_tr *tr, const char *table, spl_env *env)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(store_db(tr->st), "SELECT name, type FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        if (!name) continue;
        sbuf x = {0};
        sbuf_add(&x, "t.");
        sbuf_add_sql_ident(&x, name);
        spl_env_set(env, name, x.s, type && !strcasecmp(type, "BLOB"));
        sbuf_free(&x);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* One SELECT of the union for a source: base fields then need[] */
/* 1 if a data set of ds's model selects rows by tag (`tag=...` in its
 * constraint): only then do its rows carry the event's tags (computing them
 * costs every event type's condition per row) */
static int model_uses_tags(const dm_dataset *ds)
{
    const dm_model *mo = ds->model;
    for (size_t i = 0; mo && i < mo->ndatasets; i++) {
        const char *c = mo->datasets[i].constraint;
        for (const char *p = c; p && (p = strstr(p, "tag")); p += 3)
            if ((p == c || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.')) &&
                (p[3] == '=' || p[3] == ' ' || p[3] == '!'))
                return 1;
    }
    return 0;
}

static int branch_sql(dm_ctx *d, const dm_source *src, const spl_names *need, int *mvs, sbuf *out)
{
    spl_tr *tr = d->tr;
    spl_env env = {0};
    int is_table = src->table != NULL;
    if (is_table) {
        if (!table_env(tr, src->table, &env)) { spl_env_free(&env); return 1; } /* no table yet: no rows */
    }
    int rc = 0;
    sbuf_add(out, "SELECT ");
    for (int b = 0; b < NBASE; b++) {
        if (b) sbuf_add(out, ", ");
        if (is_table) {
            const spl_col *c = spl_env_get(&env, base_fields[b]);
            sbuf_add(out, c ? c->sql : "NULL");
        } else {
            store_field_sql(tr->st, "e", base_fields[b], out);
        }
        sbuf_printf(out, " AS c%d", b);
    }
    for (int i = 0; i < need->n && !rc; i++) {
        sbuf_add(out, ", ");
        const char *expr = dm_source_expr(src, need->v[i]);
        if (!expr && !is_table && !strcmp(need->v[i], "tag") && model_uses_tags(d->ds)) {
            /* CIM's tag is the event's tags (event types, field values) */
            int m = 0;
            char *t = spl_et_tag_sql(tr, "tag", &m);
            if (tr->err->msg) { free(t); rc = -1; break; }
            sbuf_printf(out, "%s AS c%d", t ? t : "NULL", NBASE + i);
            mvs[i] |= t ? m : 0;
            free(t);
            continue;
        }
        if (!expr) { sbuf_printf(out, "NULL AS c%d", NBASE + i); continue; }
        if (!is_table) {
            /* the extracted fields (and metadata) the expression reads */
            spl_names f = {0};
            dm_expr_fields(expr, spl_names_add_cb, &f);
            for (int k = 0; k < f.n; k++) {
                if (spl_env_get(&env, f.v[k])) continue;
                sbuf x = {0};
                store_field_sql(tr->st, "e", f.v[k], &x);
                spl_env_set(&env, f.v[k], x.s, store_field_is_mv(tr->st, f.v[k]));
                sbuf_free(&x);
            }
            spl_names_free(&f);
        }
        sbuf v = {0};
        char *where = xasprintf("%s:%d (source %s, field %s)", src->file, src->line, src->name ? src->name : "?",
                                need->v[i]);
        int m = 0;
        rc = spl_dm_compile(tr, expr, 0, &env, where, &v, &m);
        free(where);
        if (!rc) sbuf_printf(out, "%s AS c%d", v.s, NBASE + i);
        mvs[i] |= m;
        sbuf_free(&v);
    }
    if (d->rid) sbuf_printf(out, ", e.rowid AS c%d", NBASE + need->n);
    if (is_table) {
        sbuf_add(out, " FROM ");
        sbuf_add_sql_ident(out, src->table);
        sbuf_add(out, " t WHERE 1");
        if (spl_env_get(&env, "_time")) spl_dm_time_where(tr, "t._time", out);
    } else {
        sbuf_add(out, " FROM events e WHERE ");
        branch_where(d, &src->match, out);
        spl_dm_time_where(tr, "e._time", out);
        if (d->rid) {
            if (!d->wm) d->wm = spl_tr_param_num(tr, 0);
            if (!d->hi) d->hi = spl_tr_param_num(tr, 0);
            sbuf_printf(out, " AND e.rowid > ?%d AND e.rowid <= ?%d", d->wm, d->hi);
        }
    }
    spl_env_free(&env);
    return rc ? -1 : 0;
}

static void env_of_level(spl_tr *tr, spl_env *env)
{
    for (int i = 0; i < tr->ncols; i++) spl_env_set(env, tr->cols[i].name, tr->cols[i].sql, tr->cols[i].mv);
}

/* Build the level of ds's rows: base fields and the CIM fields in want
 * (unprefixed), after calculations and constraints; then rename the CIM
 * fields to their tstats names (Processes.process_name). */
static int dm_level(dm_ctx *d, const spl_names *want)
{
    spl_tr *tr = d->tr;
    const dm_dataset *ds = d->ds;
    int rc = 0;
    spl_names need = {0};
    for (int i = 0; i < want->n; i++) spl_names_add(&need, want->v[i]);
    /* the constraint's fields */
    char *cons = dm_dataset_constraint(ds);
    if (cons) {
        spl_toks t = {0};
        spl_error e = {0};
        spl_pctx P = {0};
        P.err = &e;
        if (!spl_lex(cons, strlen(cons), 0, SPL_LEX_SEARCH, &t, &e) &&
            !spl_parse_expr(&P, TK_SEARCH_START, &t, 0, t.n, strlen(cons)))
            spl_search_fields(P.result, &need);
        spl_pctx_free(&P);
        spl_toks_free(&t);
        spl_error_clear(&e);
        free(e.text);
    }
    /* calculated fields needed, and what they read (backwards) */
    const dm_assign **calcs = NULL;
    size_t ncalcs = dm_dataset_all_calcs(ds, &calcs);
    char *use = xcalloc(ncalcs + 1, 1);
    for (size_t k = ncalcs; k-- > 0;)
        if (spl_names_has(&need, calcs[k]->field)) {
            use[k] = 1;
            dm_expr_fields(calcs[k]->expr, spl_names_add_cb, &need);
        }
    /* keep only CIM fields (and not the base ones, present anyway) */
    spl_names cim = {0};
    for (int i = 0; i < need.n; i++) {
        int base = 0;
        for (int b = 0; b < NBASE; b++) base |= !strcmp(need.v[i], base_fields[b]);
        char *p = base ? NULL : dm_field_path(ds, need.v[i]);
        if (p) spl_names_add(&cim, need.v[i]);
        free(p);
    }
    /* the union of the sources */
    size_t nsrc = 0;
    const dm_source *srcs = dm_dataset_sources(ds, &nsrc);
    sbuf u = {0};
    int nb = 0;
    int *cmv = xcalloc((size_t)cim.n + 1, sizeof *cmv);
    for (size_t s = 0; s < nsrc && !rc; s++) {
        sbuf b = {0};
        int r = branch_sql(d, &srcs[s], &cim, cmv, &b);
        if (r < 0) rc = -1;
        else if (r == 0) {
            if (nb++) sbuf_add(&u, " UNION ALL ");
            sbuf_add(&u, b.s);
        }
        sbuf_free(&b);
    }
    if (!rc && !nb) {
        sbuf_add(&u, "SELECT NULL AS c0");
        for (int i = 1; i < NBASE + cim.n + d->rid; i++) sbuf_printf(&u, ", NULL AS c%d", i);
        sbuf_add(&u, " WHERE 0");
    }
    if (!rc) {
        int ncol = NBASE + cim.n + d->rid;
        char **nm = xcalloc((size_t)ncol, sizeof *nm);
        int *mv = xcalloc((size_t)ncol, sizeof *mv);
        for (int b = 0; b < NBASE; b++) nm[b] = (char *)base_fields[b];
        for (int i = 0; i < cim.n; i++) {
            nm[NBASE + i] = cim.v[i];
            mv[NBASE + i] = cmv[i];
        }
        if (d->rid) nm[NBASE + cim.n] = (char *)SPL_DM_RID;
        spl_tr_new_level(tr, u.s, nm, mv, ncol);
        if (tr->events_guard && !d->rid) spl_tr_where(tr, tr->events_guard);
        /* event order (newest first), which first/last/list follow */
        spl_col *t = spl_tr_col(tr, "_time");
        if (t) spl_tr_add_ord(tr, t->sql, 1, 0);
        tr->has_rows = 1;
        tr->events = 0;
        free(nm);
        free(mv);
    }
    sbuf_free(&u);
    /* calculated fields, in order, like eval */
    for (size_t k = 0; k < ncalcs && !rc; k++) {
        if (!use[k]) continue;
        spl_env env = {0};
        env_of_level(tr, &env);
        sbuf v = {0};
        int mv = 0;
        char *where = xasprintf("%s:%d (calculated %s)", calcs[k]->file, calcs[k]->line, calcs[k]->field);
        rc = spl_dm_compile(tr, calcs[k]->expr, 0, &env, where, &v, &mv);
        free(where);
        if (!rc) {
            spl_tr_set(tr, calcs[k]->field, v.s, mv);
            if (v.len > 2000) spl_tr_flush(tr, -1, NULL);
        }
        sbuf_free(&v);
        spl_env_free(&env);
    }
    if (!rc) spl_tr_limit_depth(tr);
    /* constraints of the data set and its ancestors */
    if (!rc && cons) {
        spl_env env = {0};
        env_of_level(tr, &env);
        sbuf w = {0};
        char *where = xasprintf("%s:%d (constraint of %s)", ds->file, ds->line, ds->path);
        rc = spl_dm_compile(tr, cons, 1, &env, where, &w, NULL);
        free(where);
        if (!rc) spl_tr_where(tr, w.s);
        sbuf_free(&w);
        spl_env_free(&env);
    }
    /* tstats names */
    if (!rc)
        for (int i = 0; i < tr->ncols; i++) {
            int base = 0;
            for (int b = 0; b < NBASE; b++) base |= !strcmp(tr->cols[i].name, base_fields[b]);
            if (base) continue;
            char *p = dm_field_path(ds, tr->cols[i].name);
            if (p) {
                free(tr->cols[i].name);
                tr->cols[i].name = p;
            }
        }
    free(cmv);
    free(use);
    free(calcs);
    free(cons);
    spl_names_free(&cim);
    spl_names_free(&need);
    return rc;
}

static void free_ctx(dm_ctx *d)
{
    for (int i = 0; i < d->nmv; i++) {
        free(d->mv[i].field);
        spl_names_free(&d->mv[i].vals);
    }
    free(d->mv);
}

int spl_dm_rows_live(spl_tr *tr, const dm_dataset *ds, const spl_names *fields)
{
    assert(tr && ds && fields);
    dm_ctx d = {0};
    d.tr = tr;
    d.ds = ds;
    int rc = dm_level(&d, fields);
    free_ctx(&d);
    return rc;
}

int spl_dm_rows_all(spl_tr *tr, const dm_dataset *ds, int *wm, int *hi)
{
    assert(tr && ds && wm && hi);
    size_t nsrc = 0;
    const dm_source *srcs = dm_dataset_sources(ds, &nsrc);
    for (size_t s = 0; s < nsrc; s++)
        if (srcs[s].table) return 1; /* rows of a splite table change as splite runs */
    const char **all = NULL;
    size_t n = dm_dataset_all_fields(ds, &all);
    spl_names want = {0};
    for (size_t i = 0; i < n; i++) spl_names_add(&want, all[i]);
    free(all);
    dm_ctx d = {0};
    d.tr = tr;
    d.ds = ds;
    d.rid = 1;
    int rc = dm_level(&d, &want);
    *wm = d.wm;
    *hi = d.hi;
    free_ctx(&d);
    spl_names_free(&want);
    return rc;
}

int spl_dm_rows(spl_tr *tr, const dm_dataset *ds, const spl_names *fields, const spl_node *where)
{
    int rc = spl_dm_summary_rows(tr, ds, fields, where);
    if (rc <= 0) return rc;
    return spl_dm_rows_live(tr, ds, fields);
}

const dm_dataset *spl_dm_find(spl_cmd_ctx *c, const char *spec, const spl_token *tok)
{
    const dm_registry *reg = c->tr->opts ? c->tr->opts->datamodels : NULL;
    if (!reg) {
        spl_arg_error(c, tok, "no data models are loaded (datamodels/ of the splite home)");
        return NULL;
    }
    char *err = NULL;
    const dm_dataset *ds = dm_dataset_find(reg, spec, &err);
    if (!ds) {
        spl_arg_error(c, tok, "%s", err ? err : "unknown data model");
        free(err);
    }
    return ds;
}
