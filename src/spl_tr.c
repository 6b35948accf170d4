/* spl_tr.c: translator state. A pipeline becomes a chain of SQL levels
 * (CTEs s0, s1, ...); within a level, streaming commands only rewrite the
 * field map (name -> SQL expression) and add WHERE conjuncts, and a command
 * that needs the rows so far as a relation (stats, head, sort, dedup...)
 * flushes the level into a CTE. Every level carries hidden order columns so
 * event order (newest first) survives until a command changes it. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_tr_param_text(spl_tr *tr, const char *s)
{
    if (tr->nparams == tr->capparams) {
        tr->capparams = tr->capparams ? tr->capparams * 2 : 16;
        tr->params = xrealloc(tr->params, sizeof *tr->params * (size_t)tr->capparams);
    }
    spl_param *p = &tr->params[tr->nparams++];
    p->is_num = 0;
    p->num = 0;
    p->text = xstrdup(s);
    return tr->nparams;
}

int spl_tr_param_num(spl_tr *tr, double d)
{
    if (tr->nparams == tr->capparams) {
        tr->capparams = tr->capparams ? tr->capparams * 2 : 16;
        tr->params = xrealloc(tr->params, sizeof *tr->params * (size_t)tr->capparams);
    }
    spl_param *p = &tr->params[tr->nparams++];
    p->is_num = 1;
    p->num = d;
    p->text = NULL;
    return tr->nparams;
}

void spl_tr_bind_text(spl_tr *tr, sbuf *out, const char *s)
{
    sbuf_printf(out, "?%d", spl_tr_param_text(tr, s));
}

void spl_tr_bind_num(spl_tr *tr, sbuf *out, double d)
{
    sbuf_printf(out, "?%d", spl_tr_param_num(tr, d));
}

spl_col *spl_tr_find(spl_tr *tr, const char *name)
{
    for (int i = 0; i < tr->ncols; i++)
        if (!strcmp(tr->cols[i].name, name)) return &tr->cols[i];
    return NULL;
}

spl_col *spl_tr_col(spl_tr *tr, const char *name)
{
    spl_col *c = spl_tr_find(tr, name);
    if ((c && !c->weak) || !tr->ndyn || tr->in_dyn || name[0] == '_' || !*name) return c;
    sbuf s = {0};
    int n = 0;
    for (int i = tr->ndyn - 1; i >= 0; i--) {
        spl_col *src = spl_tr_find(tr, tr->dyn[i].src);
        if (!src) continue;
        const char *key = name;
        if (tr->dyn[i].xml == 3) { /* fromjson: top-level keys after the prefix */
            size_t pl = strlen(tr->dyn[i].pairdelim);
            if (strncmp(name, tr->dyn[i].pairdelim, pl) || !name[pl]) continue;
            key = name + pl;
        }
        sbuf_add(&s, n++ ? ", " : "");
        static const char *const fn[] = {"spl_spath", "splop_xmlkv", "splop_kv", "splop_jsonkey"};
        assert(tr->dyn[i].xml >= 0 && tr->dyn[i].xml <= 3);
        sbuf_printf(&s, "%s(%s, ", fn[tr->dyn[i].xml], src->sql);
        spl_tr_bind_text(tr, &s, key);
        if (tr->dyn[i].xml == 2) {
            sbuf_add(&s, ", ");
            spl_tr_bind_text(tr, &s, tr->dyn[i].pairdelim);
            sbuf_add(&s, ", ");
            spl_tr_bind_text(tr, &s, tr->dyn[i].kvdelim);
        }
        sbuf_addc(&s, ')');
    }
    if (!n) { sbuf_free(&s); return c; }
    char *sql = c ? xasprintf("coalesce(%s, %s)", s.s, c->sql) : n > 1 ? xasprintf("coalesce(%s)", s.s) : xstrdup(s.s);
    sbuf_free(&s);
    spl_tr_set(tr, name, sql, 1);
    free(sql);
    return spl_tr_find(tr, name);
}

void spl_tr_add_dyn(spl_tr *tr, const char *src, int xml)
{
    tr->dyn = xrealloc(tr->dyn, sizeof *tr->dyn * (size_t)(tr->ndyn + 1));
    tr->dyn[tr->ndyn].src = xstrdup(src);
    tr->dyn[tr->ndyn].xml = xml;
    tr->dyn[tr->ndyn].pairdelim = tr->dyn[tr->ndyn].kvdelim = NULL;
    tr->ndyn++;
}

void spl_tr_add_kv_dyn(spl_tr *tr, const char *src, const char *pairdelim, const char *kvdelim)
{
    spl_tr_add_dyn(tr, src, 2);
    tr->dyn[tr->ndyn - 1].pairdelim = xstrdup(pairdelim);
    tr->dyn[tr->ndyn - 1].kvdelim = xstrdup(kvdelim);
}

void spl_tr_add_json_dyn(spl_tr *tr, const char *src, const char *prefix)
{
    spl_tr_add_dyn(tr, src, 3);
    tr->dyn[tr->ndyn - 1].pairdelim = xstrdup(prefix);
}

void spl_tr_clear_dyn(spl_tr *tr)
{
    for (int i = 0; i < tr->ndyn; i++) {
        free(tr->dyn[i].src);
        free(tr->dyn[i].pairdelim);
        free(tr->dyn[i].kvdelim);
    }
    free(tr->dyn);
    tr->dyn = NULL;
    tr->ndyn = 0;
}

void spl_tr_set(spl_tr *tr, const char *name, const char *sql, int mv)
{
    spl_col *c = spl_tr_find(tr, name);
    if (c) {
        char *s = xstrdup(sql);
        free(c->sql);
        c->sql = s;
        c->depth_of = NULL;
        c->mv = mv;
        c->weak = 0;
        c->etype = 0;
        return;
    }
    if (tr->ncols == tr->capcols) {
        tr->capcols = tr->capcols ? tr->capcols * 2 : 32;
        tr->cols = xrealloc(tr->cols, sizeof *tr->cols * (size_t)tr->capcols);
    }
    c = &tr->cols[tr->ncols++];
    c->name = xstrdup(name);
    c->sql = xstrdup(sql);
    c->depth_of = NULL;
    c->mv = mv;
    c->weak = 0;
    c->etype = 0;
}

void spl_tr_remove(spl_tr *tr, const char *name)
{
    for (int i = 0; i < tr->ncols; i++)
        if (!strcmp(tr->cols[i].name, name)) {
            free(tr->cols[i].name);
            free(tr->cols[i].sql);
            memmove(&tr->cols[i], &tr->cols[i + 1], sizeof *tr->cols * (size_t)(tr->ncols - i - 1));
            tr->ncols--;
            return;
        }
}

static int sql_depth(const char *s);

/* Conjuncts are kept apart and joined when the level's SQL is written: a
 * thousand `| where` commands make a balanced AND, not a chain 1000 deep
 * (SQLite's expression depth limit). */
void spl_tr_where(spl_tr *tr, const char *cond)
{
    if (tr->nwh == tr->capwh) {
        tr->capwh = tr->capwh ? tr->capwh * 2 : 16;
        tr->wh = xrealloc(tr->wh, sizeof *tr->wh * (size_t)tr->capwh);
    }
    tr->wh[tr->nwh++] = xasprintf("(%s)", cond);
    int d = sql_depth(cond) + 1;
    if (d > tr->wh_depth) tr->wh_depth = d;
}

const char *spl_tr_where_sql(spl_tr *tr)
{
    if (!tr->nwh) return NULL;
    sbuf_reset(&tr->where);
    if (tr->nwh <= SPL_SQL_FANOUT) {
        for (int i = 0; i < tr->nwh; i++) {
            if (i) sbuf_add(&tr->where, " AND ");
            sbuf_add(&tr->where, tr->wh[i]);
        }
    } else {
        spl_sql_join(&tr->where, tr->wh, tr->nwh, "AND");
    }
    return tr->where.s;
}

void spl_tr_where_reset(spl_tr *tr)
{
    for (int i = 0; i < tr->nwh; i++) free(tr->wh[i]);
    tr->nwh = 0;
    tr->wh_depth = 0;
    sbuf_reset(&tr->where);
}

char *spl_tr_next_cte(spl_tr *tr)
{
    return xasprintf("s%d", tr->nlevels);
}

void spl_tr_order_sql(spl_tr *tr, sbuf *out, int reverse)
{
    for (int i = 0; i < tr->nord; i++) {
        if (i) sbuf_add(out, ", ");
        sbuf_printf(out, "%s%s", tr->ord[i].sql, (tr->ord[i].desc ^ reverse) ? " DESC" : "");
    }
}

void spl_tr_flush(spl_tr *tr, long limit, const char *extra)
{
    assert(tr->from);
    char *name = spl_tr_next_cte(tr);
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    int n = 0;
    for (int i = 0; i < tr->ncols; i++, n++)
        sbuf_printf(&q, "%s%s AS c%d", n ? ", " : "", tr->cols[i].sql, i);
    for (int i = 0; i < tr->nord; i++, n++)
        sbuf_printf(&q, "%s%s AS o%d", n ? ", " : "", tr->ord[i].sql, i);
    if (extra && *extra) { sbuf_printf(&q, "%s%s", n ? ", " : "", extra); n++; }
    if (!n) sbuf_add(&q, "1 AS c_");
    sbuf_printf(&q, " FROM %s", tr->from);
    if (tr->nwh) sbuf_printf(&q, " WHERE %s", spl_tr_where_sql(tr));
    if (limit >= 0) {
        if (tr->nord) {
            sbuf_add(&q, " ORDER BY ");
            spl_tr_order_sql(tr, &q, 0);
        }
        sbuf_printf(&q, " LIMIT %ld", limit);
    }
    if (tr->ctes.len) sbuf_add(&tr->ctes, ",\n");
    sbuf_printf(&tr->ctes, "%s AS (%s)", name, q.s);
    sbuf_free(&q);
    for (int i = 0; i < tr->ncols; i++) {
        free(tr->cols[i].sql);
        tr->cols[i].sql = xasprintf("%s.c%d", name, i);
        tr->cols[i].depth_of = NULL;
    }
    for (int i = 0; i < tr->nord; i++) {
        free(tr->ord[i].sql);
        tr->ord[i].sql = xasprintf("%s.o%d", name, i);
    }
    free(tr->from);
    tr->from = name;
    spl_tr_where_reset(tr);
    tr->is_event_table = 0;
    tr->nlevels++;
}

int spl_tr_error(spl_tr *tr, size_t off, const char *fmt, ...)
{
    if (tr->err->msg) return -1;
    va_list ap;
    va_start(ap, fmt);
    spl_error_clear(tr->err);
    tr->err->msg = xvasprintf(fmt, ap);
    va_end(ap);
    tr->err->off = off;
    tr->err->has_pos = 1;
    return -1;
}

void spl_tr_ref(spl_tr *tr, const char *name)
{
    /* hashed: a query may name tens of thousands of fields */
    if (hmap_get(&tr->refs_ix, name, strlen(name))) return;
    hmap_put(&tr->refs_ix, name, strlen(name), tr->nrefs);
    if (tr->nrefs == tr->caprefs) {
        tr->caprefs = tr->caprefs ? tr->caprefs * 2 : 32;
        tr->refs = xrealloc(tr->refs, sizeof *tr->refs * (size_t)tr->caprefs);
    }
    tr->refs[tr->nrefs++] = xstrdup(name);
}

int spl_wild_match(const char *pat, const char *name)
{
    /* iterative glob with backtracking on the last '*' */
    const char *p = pat, *s = name, *star = NULL, *ss = NULL;
    while (*s) {
        if (*p == '*') { star = p++; ss = s; continue; }
        if (*p == *s) { p++; s++; continue; }
        if (star) { p = star + 1; s = ++ss; continue; }
        return 0;
    }
    while (*p == '*') p++;
    return !*p;
}

static int referenced(spl_tr *tr, const char *name)
{
    for (int i = 0; i < tr->nrefs; i++)
        if (spl_wild_match(tr->refs[i], name)) return 1;
    return 0;
}

typedef struct add_ctx { spl_tr *tr; } add_ctx;

static void add_catalog_field(void *vctx, const char *name)
{
    add_ctx *a = vctx;
    spl_tr *tr = a->tr;
    if (spl_tr_find(tr, name)) return;
    if (!strcmp(name, "_raw")) return; /* added explicitly */
    if (tr->project && !referenced(tr, name)) return;
    sbuf b = {0};
    store_field_sql(tr->st, "e", name, &b);
    spl_tr_set(tr, name, b.s ? b.s : "NULL", store_field_is_mv(tr->st, name));
    sbuf_free(&b);
}

void spl_tr_ensure_events(spl_tr *tr)
{
    if (tr->has_rows) return;
    tr->has_rows = 1;
    tr->from = xstrdup("events e");
    tr->is_event_table = 1;
    tr->events = 1;
    static const char *meta[] = {"_time", "index", "host", "source", "sourcetype"};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++) {
        sbuf b = {0};
        store_field_sql(tr->st, "e", meta[i], &b);
        spl_tr_set(tr, meta[i], b.s, 0);
        sbuf_free(&b);
    }
    if (!tr->project || referenced(tr, "_raw")) {
        sbuf b = {0};
        store_field_sql(tr->st, "e", "_raw", &b);
        spl_tr_set(tr, "_raw", b.s, 0);
        sbuf_free(&b);
    }
    add_ctx a = {tr};
    store_each_field(tr->st, add_catalog_field, &a);
    tr->ord = xcalloc(2, sizeof *tr->ord);
    tr->ord[0].sql = xstrdup("e._time");
    tr->ord[0].desc = 1;
    tr->ord[1].sql = xstrdup("e.rowid");
    tr->ord[1].desc = 1;
    tr->nord = 2;
    /* a constant condition: SQLite tests it once, before the scan */
    if (tr->events_guard) spl_tr_where(tr, tr->events_guard);
    spl_alias_apply(tr); /* search-time aliases of the referenced fields */
    spl_et_apply(tr);    /* eventtype, tag */
}

void spl_sort_key(sbuf *out, const char *sql, int desc)
{
    /* nulls last, numbers before strings, numbers numerically, strings by
     * byte order: one key (splop_sortkey, spl_ops.c) */
    sbuf_printf(out, "splop_sortkey(%s)%s", sql, desc ? " DESC" : "");
}

void spl_tr_add_ord(spl_tr *tr, const char *sql, int desc, int front)
{
    tr->ord = xrealloc(tr->ord, sizeof *tr->ord * (size_t)(tr->nord + 1));
    if (front) {
        memmove(&tr->ord[1], &tr->ord[0], sizeof *tr->ord * (size_t)tr->nord);
        tr->ord[0].sql = xstrdup(sql);
        tr->ord[0].desc = desc;
    } else {
        tr->ord[tr->nord].sql = xstrdup(sql);
        tr->ord[tr->nord].desc = desc;
    }
    tr->nord++;
}

void spl_tr_add_sort_ord(spl_tr *tr, const char *sql, int desc, int *pos)
{
    /* nulls last (ascending), numbers before strings, numbers numerically,
     * then by text: one key (splop_sortkey, spl_ops.c) */
    tr->ord = xrealloc(tr->ord, sizeof *tr->ord * (size_t)(tr->nord + 1));
    memmove(&tr->ord[*pos + 1], &tr->ord[*pos], sizeof *tr->ord * (size_t)(tr->nord - *pos));
    tr->ord[*pos].sql = xasprintf("splop_sortkey(%s)", sql);
    tr->ord[*pos].desc = desc;
    tr->nord++;
    (*pos)++;
}

void spl_tr_add_pre(spl_tr *tr, char *sql)
{
    tr->pre = xrealloc(tr->pre, sizeof *tr->pre * (size_t)(tr->npre + 1));
    tr->pre[tr->npre++] = sql;
}

void spl_tr_add_ord_col(spl_tr *tr, const char *col, int desc)
{
    char *o = xasprintf("%s.%s", tr->from, col);
    spl_tr_add_ord(tr, o, desc, 0);
    free(o);
}

void spl_tr_clear_ord(spl_tr *tr)
{
    for (int i = 0; i < tr->nord; i++) free(tr->ord[i].sql);
    tr->nord = 0;
}

void spl_tr_clear_cols(spl_tr *tr)
{
    for (int i = 0; i < tr->ncols; i++) { free(tr->cols[i].name); free(tr->cols[i].sql); }
    tr->ncols = 0;
}

void spl_tr_new_level(spl_tr *tr, const char *cte_sql, char **names, int *mv, int n)
{
    spl_tr_clear_dyn(tr);
    char *name = spl_tr_next_cte(tr);
    if (tr->ctes.len) sbuf_add(&tr->ctes, ",\n");
    sbuf_printf(&tr->ctes, "%s AS (%s)", name, cte_sql);
    spl_tr_clear_cols(tr);
    for (int i = 0; i < n; i++) {
        char *sql = xasprintf("%s.c%d", name, i);
        spl_tr_set(tr, names[i], sql, mv ? mv[i] : 0);
        free(sql);
    }
    free(tr->from);
    tr->from = name;
    spl_tr_where_reset(tr);
    tr->is_event_table = 0;
    tr->nlevels++;
}

/* deepest parenthesis nesting of an SQL text (quotes skipped) */
static int sql_depth(const char *s)
{
    int d = 0, max = 0;
    for (; *s; s++) {
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            while (*s && !(*s == q && s[1] != q)) s += (*s == q) ? 2 : 1;
            if (!*s) break;
            continue;
        }
        if (*s == '(' && ++d > max) max = d;
        if (*s == ')') d--;
    }
    return max;
}

/* a column's parenthesis depth, measured once per SQL text (a command
 * costs the size of what it changes, not of all columns) */
static int col_depth(spl_col *c)
{
    if (c->depth_of != c->sql) {
        c->depth = sql_depth(c->sql);
        c->depth_of = c->sql;
    }
    return c->depth;
}

void spl_tr_limit_depth(spl_tr *tr)
{
    /* SQLite's parser nests about 100 levels: materialize deep expressions */
    for (int i = 0; i < tr->ncols; i++)
        if (col_depth(&tr->cols[i]) > 40) {
            spl_tr_flush(tr, -1, NULL);
            return;
        }
}

void spl_tr_note_depth(spl_tr *tr, size_t off)
{
    int d = tr->wh_depth;
    for (int i = 0; i < tr->ncols; i++) {
        int c = col_depth(&tr->cols[i]);
        if (c > d) d = c;
    }
    if (d > tr->deep_max) {
        tr->deep_max = d;
        tr->deep_off = off;
    }
}
