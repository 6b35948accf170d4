/* spl_cmd_tstats.c: tstats over the CIM data models of datamodels/ (and
 * over indexed fields when no data model is named):
 *
 *   | tstats [options] aggregations... [from datamodel=Model.Dataset]
 *            [where <search expression>] [by fields... [span=N]]
 *
 * A data model's rows are built as docs/DATAMODELS.md says: a UNION ALL
 * with one branch per source of the data set's root (its match as an
 * indexable WHERE on events, only the CIM fields the query needs computed
 * from the source's expressions; a `table:` source reads that table), then
 * the calculated fields, then the constraints of the data set and its
 * ancestors, then the where clause; the aggregation is the stats command's.
 * Fields are named like Splunk's (Processes.process_name). fillnull_value
 * fills null by-fields (Splunk otherwise drops such rows); prestats=true is
 * not supported. Also `| from datamodel:M.D` and `| datamodel M D search`,
 * which return the data set's rows. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "datamodel.h"
#include "spl_int.h"

int spl_cmd_tstats(spl_cmd_ctx *c);
int spl_cmd_from(spl_cmd_ctx *c);
int spl_cmd_datamodel(spl_cmd_ctx *c);
int spl_cmd_stats(spl_cmd_ctx *c);
int spl_cmd_bin(spl_cmd_ctx *c);

/* ---- a set of names ---- */
typedef struct names {
    char **v;
    int n;
} names;

static int names_has(const names *s, const char *x)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return 1;
    return 0;
}

static void names_add(names *s, const char *x)
{
    if (names_has(s, x)) return;
    s->v = xrealloc(s->v, sizeof *s->v * (size_t)(s->n + 1));
    s->v[s->n++] = xstrdup(x);
}

static void names_free(names *s)
{
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static void names_add_cb(void *ctx, const char *name) { names_add(ctx, name); }

/* field names a search expression compares */
static void search_fields(const spl_node *n, names *out)
{
    if (!n) return;
    if (n->kind == SN_CMP || n->kind == SN_IN) {
        char *f = spl_tok_text(&n->tok);
        names_add(out, f);
        free(f);
        return;
    }
    for (int i = 0; i < n->nkids; i++) search_fields(n->kids[i], out);
}

static const char *const base_fields[] = {"_time", "host", "source", "sourcetype", "index"};
enum { NBASE = 5 };

static int is_meta(const char *f)
{
    return !strcmp(f, "source") || !strcmp(f, "sourcetype") || !strcmp(f, "host") || !strcmp(f, "index");
}

/* ---- distinct metadata values (loose index scan), for wildcard matches ---- */
typedef struct meta_vals {
    char *field;
    names vals;
} meta_vals;

typedef struct dm_ctx {
    spl_tr *tr;
    const dm_dataset *ds;
    meta_vals *mv;
    int nmv;
} dm_ctx;

static const names *distinct_meta(dm_ctx *d, const char *field)
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
            names_add(&m->vals, last);
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
                const names *vals = distinct_meta(d, c->field);
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

static void time_where(spl_tr *tr, const char *t, sbuf *out)
{
    if (tr->has_earliest && tr->earliest != 0) {
        sbuf_printf(out, " AND %s >= ", t);
        spl_tr_bind_num(tr, out, tr->earliest);
    }
    if (tr->has_latest) {
        sbuf_printf(out, " AND %s < ", t);
        spl_tr_bind_num(tr, out, tr->latest);
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
static int branch_sql(dm_ctx *d, const dm_source *src, const names *need, int *mvs, sbuf *out)
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
        if (!expr) { sbuf_printf(out, "NULL AS c%d", NBASE + i); continue; }
        if (!is_table) {
            /* the extracted fields (and metadata) the expression reads */
            names f = {0};
            dm_expr_fields(expr, names_add_cb, &f);
            for (int k = 0; k < f.n; k++) {
                if (spl_env_get(&env, f.v[k])) continue;
                sbuf x = {0};
                store_field_sql(tr->st, "e", f.v[k], &x);
                spl_env_set(&env, f.v[k], x.s, store_field_is_mv(tr->st, f.v[k]));
                sbuf_free(&x);
            }
            names_free(&f);
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
    if (is_table) {
        sbuf_add(out, " FROM ");
        sbuf_add_sql_ident(out, src->table);
        sbuf_add(out, " t WHERE 1");
        if (spl_env_get(&env, "_time")) time_where(tr, "t._time", out);
    } else {
        sbuf_add(out, " FROM events e WHERE ");
        branch_where(d, &src->match, out);
        time_where(tr, "e._time", out);
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
static int dm_level(dm_ctx *d, const names *want)
{
    spl_tr *tr = d->tr;
    const dm_dataset *ds = d->ds;
    int rc = 0;
    names need = {0};
    for (int i = 0; i < want->n; i++) names_add(&need, want->v[i]);
    /* the constraint's fields */
    char *cons = dm_dataset_constraint(ds);
    if (cons) {
        spl_toks t = {0};
        spl_error e = {0};
        spl_pctx P = {0};
        P.err = &e;
        if (!spl_lex(cons, strlen(cons), 0, SPL_LEX_SEARCH, &t, &e) &&
            !spl_parse_expr(&P, TK_SEARCH_START, &t, 0, t.n, strlen(cons)))
            search_fields(P.result, &need);
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
        if (names_has(&need, calcs[k]->field)) {
            use[k] = 1;
            dm_expr_fields(calcs[k]->expr, names_add_cb, &need);
        }
    /* keep only CIM fields (and not the base ones, present anyway) */
    names cim = {0};
    for (int i = 0; i < need.n; i++) {
        int base = 0;
        for (int b = 0; b < NBASE; b++) base |= !strcmp(need.v[i], base_fields[b]);
        char *p = base ? NULL : dm_field_path(ds, need.v[i]);
        if (p) names_add(&cim, need.v[i]);
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
        for (int i = 1; i < NBASE + cim.n; i++) sbuf_printf(&u, ", NULL AS c%d", i);
        sbuf_add(&u, " WHERE 0");
    }
    if (!rc) {
        int ncol = NBASE + cim.n;
        char **nm = xcalloc((size_t)ncol, sizeof *nm);
        int *mv = xcalloc((size_t)ncol, sizeof *mv);
        for (int b = 0; b < NBASE; b++) nm[b] = (char *)base_fields[b];
        for (int i = 0; i < cim.n; i++) {
            nm[NBASE + i] = cim.v[i];
            mv[NBASE + i] = cmv[i];
        }
        spl_tr_new_level(tr, u.s, nm, mv, ncol);
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
    names_free(&cim);
    names_free(&need);
    return rc;
}

/* ---- the tstats command ---- */
typedef struct ts_args {
    int agg_from, agg_to;   /* aggregation tokens */
    char *dm;               /* Model.Dataset, NULL: indexed fields of events */
    int where_from, where_to;
    int by_tok;             /* index of BY, -1 */
    int by_from, by_to;
    char *fillnull;         /* fillnull_value */
    int span_tok;           /* index of span=, -1 */
} ts_args;

static int tok_word(const spl_token *t, const char *w)
{
    return t->type == TK_WORD && spl_tok_is(t, w, 1);
}

static int parse_args(spl_cmd_ctx *c, ts_args *a)
{
    const spl_toks *t = &c->args;
    static const char *const ignored[] = {"summariesonly", "allow_old_summaries", "local", "chunk_size",
                                          "include_reduced_buckets", "append", NULL};
    memset(a, 0, sizeof *a);
    a->by_tok = -1;
    a->span_tok = -1;
    int i = 0;
    while (spl_arg_is_option(c, i)) {
        const spl_token *o = &t->v[i];
        char *v = spl_tok_text(&t->v[i + 2]);
        int known = 0;
        for (int k = 0; ignored[k]; k++) known |= spl_tok_is(o, ignored[k], 1);
        if (spl_tok_is(o, "fillnull_value", 1)) {
            free(a->fillnull);
            a->fillnull = v;
            v = NULL;
            known = 1;
        } else if (spl_tok_is(o, "prestats", 1)) {
            known = 1;
            if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "t")) {
                free(v);
                return spl_arg_error(c, o, "prestats=true is not supported (its output is only for a later chart/stats)");
            }
        }
        free(v);
        if (!known) return spl_arg_error(c, o, "unknown option '%.*s'", (int)o->n, o->s);
        i += 3;
    }
    a->agg_from = i;
    while (i < t->n && !tok_word(&t->v[i], "from") && !tok_word(&t->v[i], "where") && !tok_word(&t->v[i], "by")) i++;
    a->agg_to = i;
    if (a->agg_to == a->agg_from) return spl_arg_error(c, i < t->n ? &t->v[i] : NULL, "expected at least one aggregation");
    if (i < t->n && tok_word(&t->v[i], "from")) {
        i++;
        if (i + 2 < t->n && tok_word(&t->v[i], "datamodel") && t->v[i + 1].type == TK_EQ) {
            a->dm = spl_tok_text(&t->v[i + 2]);
            i += 3;
        } else if (i < t->n && t->v[i].type == TK_WORD && t->v[i].n > 10 && !strncasecmp(t->v[i].s, "datamodel:", 10)) {
            char *w = spl_tok_text(&t->v[i]);
            a->dm = xstrdup(w + 10);
            free(w);
            i++;
        } else {
            return spl_arg_error(c, i < t->n ? &t->v[i] : NULL, "expected datamodel=Model.Dataset after FROM");
        }
        /* datamodel="Endpoint.Processes" may be quoted */
        size_t l = strlen(a->dm);
        if (l >= 2 && a->dm[0] == '"' && a->dm[l - 1] == '"') {
            memmove(a->dm, a->dm + 1, l - 2);
            a->dm[l - 2] = 0;
        }
    }
    if (i < t->n && tok_word(&t->v[i], "where")) {
        i++;
        a->where_from = i;
        int depth = 0;
        while (i < t->n && !(depth == 0 && tok_word(&t->v[i], "by"))) {
            if (t->v[i].type == TK_LP) depth++;
            if (t->v[i].type == TK_RP && depth) depth--;
            i++;
        }
        a->where_to = i;
    }
    if (i < t->n && tok_word(&t->v[i], "by")) {
        a->by_tok = i++;
        a->by_from = i;
        for (; i < t->n; i++) {
            if (spl_arg_is_option(c, i) && spl_tok_is(&t->v[i], "span", 1)) {
                a->span_tok = i;
                i += 2;
                continue;
            }
            if (t->v[i].type == TK_COMMA) continue;
            if (t->v[i].type != TK_WORD && t->v[i].type != TK_STRING)
                return spl_arg_error(c, &t->v[i], "expected a field name after BY, got '%.*s'", (int)t->v[i].n, t->v[i].s);
        }
        a->by_to = i;
        if (a->by_to == a->by_from) return spl_arg_error(c, &t->v[a->by_tok], "BY needs at least one field");
    }
    if (i < t->n) return spl_arg_error(c, &t->v[i], "unexpected '%.*s'", (int)t->v[i].n, t->v[i].s);
    return 0;
}

/* earliest=/latest= conjuncts of the where clause, before the rows are built */
static int where_times(spl_tr *tr, const spl_node *n)
{
    if (!n) return 0;
    if (n->kind == SN_AND) return where_times(tr, n->kids[0]) || where_times(tr, n->kids[1]);
    if (n->kind != SN_CMP || n->op != TK_EQ) return 0;
    char *f = spl_tok_text(&n->tok);
    int rc = 0;
    if (!strcmp(f, "earliest") || !strcmp(f, "latest")) {
        char *v = spl_tok_text(&n->val);
        double t;
        rc = spl_time_modifier(tr, v, n->val.off, &t);
        if (!rc && f[0] == 'e') { tr->earliest = t; tr->has_earliest = 2; }
        else if (!rc) { tr->latest = t; tr->has_latest = 2; }
        free(v);
    }
    free(f);
    return rc;
}

/* nodename=Model.Dataset.Child (a conjunct of where) picks a child data set */
static const spl_node *where_nodename(const spl_node *n)
{
    if (!n) return NULL;
    if (n->kind == SN_AND) {
        const spl_node *x = where_nodename(n->kids[0]);
        return x ? x : where_nodename(n->kids[1]);
    }
    if (n->kind == SN_CMP && n->op == TK_EQ && n->tok.n == 8 && !strncasecmp(n->tok.s, "nodename", 8)) return n;
    return NULL;
}

static void free_ctx(dm_ctx *d)
{
    for (int i = 0; i < d->nmv; i++) {
        free(d->mv[i].field);
        names_free(&d->mv[i].vals);
    }
    free(d->mv);
}

/* the data set named spec (with "datamodel" errors at tok) */
static const dm_dataset *find_dataset(spl_cmd_ctx *c, const char *spec, const spl_token *tok)
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

/* add the CIM fields the tokens [from, to) name (Processes.x, _time) */
static void token_fields(spl_cmd_ctx *c, const dm_dataset *ds, int from, int to, names *out)
{
    for (int i = from; i < to; i++) {
        const spl_token *t = &c->args.v[i];
        if (t->type != TK_WORD && t->type != TK_STRING) continue;
        char *s = spl_tok_text(t);
        const char *f = dm_field_from_path(ds, s);
        if (f) names_add(out, f);
        free(s);
    }
}

int spl_cmd_tstats(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    ts_args a;
    if (parse_args(c, &a)) { free(a.dm); free(a.fillnull); return -1; }
    int rc = 0;
    spl_pctx P = {0};
    dm_ctx d = {0};
    d.tr = tr;
    if (a.where_to > a.where_from) rc = spl_cmd_parse_search(c, a.where_from, a.where_to, &P);
    if (!rc) rc = where_times(tr, P.result);
    const spl_node *nn = rc ? NULL : where_nodename(P.result);
    if (!rc && a.dm) {
        const spl_token *dmt = &c->args.v[a.agg_to];
        char *spec = xstrdup(a.dm);
        if (nn) {
            /* nodename names the data set by its path inside the model */
            char *v = spl_tok_text(&nn->val);
            char *m = xstrdup(a.dm);
            char *dot = strchr(m, '.');
            if (dot) *dot = 0;
            free(spec);
            spec = !strncasecmp(v, m, strlen(m)) && v[strlen(m)] == '.' ? xstrdup(v) : xasprintf("%s.%s", m, v);
            free(v);
            free(m);
        }
        d.ds = find_dataset(c, spec, dmt);
        free(spec);
        if (!d.ds) rc = -1;
        if (!rc) {
            names want = {0};
            token_fields(c, d.ds, a.agg_from, a.agg_to, &want);
            if (P.result) {
                names wf = {0};
                search_fields(P.result, &wf);
                for (int i = 0; i < wf.n; i++) {
                    const char *f = dm_field_from_path(d.ds, wf.v[i]);
                    if (f) names_add(&want, f);
                }
                names_free(&wf);
            }
            if (a.by_tok >= 0) token_fields(c, d.ds, a.by_from, a.by_to, &want);
            rc = dm_level(&d, &want);
            names_free(&want);
        }
    } else if (!rc) {
        /* no data model: the events' indexed fields */
        spl_tr_ensure_events(tr);
        spl_tr_apply_time_range(tr);
        tr->events = 0;
    }
    if (!rc && nn) {
        /* nodename=... holds for every row of the chosen data set */
        char *v = spl_tok_text(&nn->val);
        sbuf b = {0};
        spl_tr_bind_text(tr, &b, v);
        char *f = spl_tok_text(&nn->tok);
        spl_tr_set(tr, f, b.s, 0);
        free(f);
        sbuf_free(&b);
        free(v);
    }
    if (!rc && P.result) {
        sbuf cond = {0};
        rc = spl_search_sql(tr, P.result, &cond, 1);
        if (!rc && strcmp(cond.s, "1")) spl_tr_where(tr, cond.s);
        sbuf_free(&cond);
    }
    /* the time range is in the sources' WHEREs, not again after the aggregation */
    tr->time_applied = 1;
    /* fillnull_value: null by-fields get the value instead of dropping the row */
    if (!rc && a.fillnull && a.by_tok >= 0) {
        for (int i = a.by_from; i < a.by_to; i++) {
            const spl_token *t = &c->args.v[i];
            if (i == a.span_tok) { i += 2; continue; }
            if (t->type != TK_WORD && t->type != TK_STRING) continue;
            char *f = spl_tok_text(t);
            spl_col *col = spl_tr_col(tr, f);
            sbuf b = {0};
            sbuf_printf(&b, "coalesce(%s, ", col ? col->sql : "NULL");
            spl_tr_bind_text(tr, &b, a.fillnull);
            sbuf_addc(&b, ')');
            spl_tr_set(tr, f, b.s, col ? col->mv : 0);
            sbuf_free(&b);
            free(f);
        }
    }
    /* by _time span=N: bin _time first */
    if (!rc && a.span_tok >= 0) {
        spl_toks bt = {0};
        bt.v = xcalloc(4, sizeof *bt.v);
        spl_token tt = {TK_WORD, "_time", 5, c->args.v[a.span_tok].off};
        bt.v[0] = tt;
        for (int k = 0; k < 3; k++) bt.v[1 + k] = c->args.v[a.span_tok + k];
        bt.n = bt.cap = 4;
        spl_cmd_ctx b = *c;
        b.args = bt;
        rc = spl_cmd_bin(&b);
        free(bt.v);
    }
    /* the aggregation: stats over [aggregations] BY [fields] */
    if (!rc) {
        spl_toks st = {0};
        int n = (a.agg_to - a.agg_from) + (a.by_tok >= 0 ? 1 + a.by_to - a.by_from : 0);
        st.v = xcalloc((size_t)n + 1, sizeof *st.v);
        for (int i = a.agg_from; i < a.agg_to; i++) st.v[st.n++] = c->args.v[i];
        if (a.by_tok >= 0) {
            st.v[st.n++] = c->args.v[a.by_tok];
            for (int i = a.by_from; i < a.by_to; i++) {
                if (i == a.span_tok) { i += 2; continue; }
                st.v[st.n++] = c->args.v[i];
            }
        }
        st.cap = n + 1;
        spl_cmd_ctx s = *c;
        s.args = st;
        rc = spl_cmd_stats(&s);
        free(st.v);
    }
    spl_pctx_free(&P);
    free_ctx(&d);
    free(a.dm);
    free(a.fillnull);
    return rc;
}

/* ---- | from datamodel:M.D and | datamodel M D search|flat ---- */
static int dm_rows(spl_cmd_ctx *c, const char *spec, int flat)
{
    spl_tr *tr = c->tr;
    dm_ctx d = {0};
    d.tr = tr;
    d.ds = find_dataset(c, spec, c->args.n ? &c->args.v[0] : NULL);
    if (!d.ds) return -1;
    const char **all = NULL;
    size_t n = dm_dataset_all_fields(d.ds, &all);
    names want = {0};
    for (size_t i = 0; i < n; i++) names_add(&want, all[i]);
    free(all);
    int rc = dm_level(&d, &want);
    if (!rc && flat)
        for (int i = 0; i < tr->ncols; i++) {
            const char *f = dm_field_from_path(d.ds, tr->cols[i].name);
            if (f && strcmp(f, tr->cols[i].name)) {
                free(tr->cols[i].name);
                tr->cols[i].name = xstrdup(f);
            }
        }
    tr->time_applied = 1; /* the time range is in the sources' WHEREs */
    names_free(&want);
    free_ctx(&d);
    return rc;
}

int spl_cmd_from(spl_cmd_ctx *c)
{
    sbuf spec = {0};
    for (int i = 0; i < c->args.n; i++) {
        char *s = spl_tok_text(&c->args.v[i]);
        sbuf_add(&spec, s);
        free(s);
    }
    int rc;
    if (!spec.s || strncasecmp(spec.s, "datamodel:", 10) || !spec.s[10])
        rc = spl_arg_error(c, NULL, "only `from datamodel:Model.Dataset` is supported");
    else
        rc = dm_rows(c, spec.s + 10, 0);
    sbuf_free(&spec);
    return rc;
}

int spl_cmd_datamodel(spl_cmd_ctx *c)
{
    const spl_toks *t = &c->args;
    if (t->n < 2 || t->n > 3)
        return spl_arg_error(c, NULL, "expected: datamodel Model Dataset [search|flat]");
    int flat = 0;
    if (t->n == 3) {
        if (tok_word(&t->v[2], "flat")) flat = 1;
        else if (!tok_word(&t->v[2], "search"))
            return spl_arg_error(c, &t->v[2], "only the search and flat modes are supported");
    }
    char *m = spl_tok_text(&t->v[0]), *ds = spl_tok_text(&t->v[1]);
    char *spec = xasprintf("%s.%s", m, ds);
    int rc = dm_rows(c, spec, flat);
    free(spec);
    free(m);
    free(ds);
    return rc;
}
