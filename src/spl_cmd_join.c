/* spl_cmd_join.c: commands that combine with a subsearch: join [type=
 * inner|left|outer] [max=N] [overwrite=bool] field, ... [subsearch] (each
 * result joined with up to max subsearch results having equal values of
 * the fields; default inner, max=1, overwrite=true; without a field list,
 * the non-internal fields that both the results and the subsearch's results
 * have, decided when the query runs), append [maxout=N]
 * [subsearch] (the subsearch's results, at most maxout of them (default
 * 50000, 0: all), after the current ones) and appendpipe
 * [pipeline] (the pipeline run over the current results, appended). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_join(spl_cmd_ctx *c);
int spl_cmd_append(spl_cmd_ctx *c);
int spl_cmd_appendpipe(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "yes");
}

/* the bracketed subsearch: tokens lb..rb; 0, or -1 with an error */
static int find_sub(spl_cmd_ctx *c, int *lb, int *rb)
{
    const spl_toks *a = &c->args;
    *lb = *rb = -1;
    int depth = 0;
    for (int i = 0; i < a->n; i++) {
        if (a->v[i].type == TK_LBRACKET) { if (!depth++ && *lb < 0) *lb = i; }
        else if (a->v[i].type == TK_RBRACKET && depth && !--depth && *rb < 0) *rb = i;
    }
    if (*lb < 0 || *rb < 0) return spl_arg_error(c, NULL, "expected a subsearch in [ ]");
    if (*rb != a->n - 1) return spl_arg_error(c, &a->v[*rb + 1], "unexpected text after the subsearch");
    return 0;
}

/* index of column name in a flushed level (sql "sK.cI") */
static int col_index(const spl_col *col)
{
    const char *p = strrchr(col->sql, 'c');
    return p ? atoi(p + 1) : -1;
}

int spl_cmd_join(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int lb, rb;
    if (find_sub(c, &lb, &rb)) return -1;
    char *type = xstrdup("inner");
    long max = 1;
    int overwrite = 1, rc = 0;
    char **f = NULL;
    int nf = 0;
    double d;
    for (int i = 0; i < lb && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "type", &v)) { free(type); type = v; i += 2; continue; }
        if (spl_arg_option(c, i, "max", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "max must be a number");
            max = util_clamp_long(d);
            free(v); i += 2; continue;
        }
        if (spl_arg_option(c, i, "overwrite", &v)) { overwrite = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "option '%.*s' is not supported", (int)a->v[i].n, a->v[i].s); break; }
        if (a->v[i].type == TK_COMMA) continue;
        if (a->v[i].type != TK_WORD && a->v[i].type != TK_STRING) { rc = spl_arg_error(c, &a->v[i], "expected a field name"); break; }
        f = xrealloc(f, sizeof *f * (size_t)(nf + 1));
        f[nf++] = spl_tok_text(&a->v[i]);
    }
    int left = !strcasecmp(type, "left") || !strcasecmp(type, "outer");
    if (!rc && !left && strcasecmp(type, "inner")) rc = spl_arg_error(c, NULL, "type must be inner, left or outer, not '%s'", type);
    /* no field list: the fields both sides have, found when the query runs */
    int auto_fields = !nf;
    spl_tr sub;
    int have_sub = 0;
    size_t ctes_before = 0;
    char *lt = NULL, *guard = NULL; /* left/outer (or no field list): the current rows' temporary table */
    if (!rc) {
        spl_tr_flush(tr, -1, NULL);
        if (left || auto_fields) {
            /* the current rows go into a temporary table first; the
             * subsearch reads no events when it is empty (nothing to join) */
            lt = xasprintf("splite_joinl_%d", tr->nlevels);
            sbuf l = {0};
            sbuf_add(&l, "temp.");
            sbuf_add_sql_ident(&l, lt);
            spl_tr_add_pre(tr, xasprintf("DROP TABLE IF EXISTS %s", l.s));
            sbuf fill = {0};
            sbuf_add(&fill, "CREATE TEMP TABLE ");
            sbuf_add_sql_ident(&fill, lt);
            sbuf_add(&fill, " AS ");
            if (tr->ctes.len) sbuf_printf(&fill, "WITH %s\n", tr->ctes.s);
            sbuf_printf(&fill, "SELECT * FROM %s", tr->from);
            spl_tr_add_pre(tr, sbuf_detach(&fill));
            guard = xasprintf("EXISTS (SELECT 1 FROM %s)", l.s);
            sbuf_free(&l);
            tr->sub_events_guard = guard;
        }
        ctes_before = tr->ctes.len;
        rc = spl_tr_subsearch(tr, a->v[lb].off + 1, a->v[rb].off, 0, &sub);
        tr->sub_events_guard = NULL;
        have_sub = 1;
    }
    if (!rc && auto_fields) {
        /* candidates: the non-internal fields both sides can have; each
         * joins only when a current result and a subsearch result have it
         * (jpK below), as Splunk takes the fields the two result sets have */
        for (int j = 0; j < sub.ncols; j++) {
            const char *nm = sub.cols[j].name;
            if (nm[0] == '_' || !spl_tr_find(tr, nm)) continue;
            f = xrealloc(f, sizeof *f * (size_t)(nf + 1));
            f[nf++] = xstrdup(nm);
        }
        if (!nf) rc = spl_arg_error(c, NULL, "no field list, and the results and the subsearch's share no field");
    }
    if (!rc) {
        const char *L = tr->from;
        sbuf q = {0}, on = {0}, part = {0}, sord = {0};
        int nl = tr->ncols, total = nl;
        char **names = xcalloc((size_t)(nl + sub.ncols) + 1, sizeof *names);
        int *mv = xcalloc((size_t)(nl + sub.ncols) + 1, sizeof *mv);
        sbuf_add(&q, "SELECT ");
        for (int i = 0; i < nl; i++) {
            spl_col *r = spl_tr_find(&sub, tr->cols[i].name);
            int is_key = 0;
            for (int k = 0; k < nf && !auto_fields; k++) is_key |= !strcmp(f[k], tr->cols[i].name);
            if (r && overwrite && !is_key)
                sbuf_printf(&q, "%scoalesce(jr.c%d, %s) AS c%d", i ? ", " : "", col_index(r), tr->cols[i].sql, i);
            else
                sbuf_printf(&q, "%s%s AS c%d", i ? ", " : "", tr->cols[i].sql, i);
            names[i] = xstrdup(tr->cols[i].name);
            mv[i] = tr->cols[i].mv || (r && r->mv);
        }
        for (int j = 0; j < sub.ncols; j++) {
            if (spl_tr_find(tr, sub.cols[j].name)) continue;
            sbuf_printf(&q, "%sjr.c%d AS c%d", total ? ", " : "", col_index(&sub.cols[j]), total);
            names[total] = xstrdup(sub.cols[j].name);
            mv[total] = sub.cols[j].mv;
            total++;
        }
        for (int i = 0; i < tr->nord; i++) sbuf_printf(&q, ", %s AS o%d", tr->ord[i].sql, i);
        sbuf flags = {0}; /* no field list: whether each candidate is on both sides */
        for (int k = 0; k < nf; k++) {
            spl_col *lc = spl_tr_find(tr, f[k]);
            spl_col *r = spl_tr_find(&sub, f[k]);
            if (auto_fields) {
                assert(lc && r && lt);
                sbuf lq = {0};
                sbuf_add(&lq, "temp.");
                sbuf_add_sql_ident(&lq, lt);
                char *flag = xasprintf("(EXISTS (SELECT 1 FROM %s WHERE c%d IS NOT NULL) AND EXISTS (SELECT 1 FROM %s AS jx "
                                       "WHERE jx.c%d IS NOT NULL))",
                                       lq.s, col_index(lc), sub.from, col_index(r));
                sbuf_free(&lq);
                sbuf_printf(&flags, ", %s AS jp%d", flag, k);
                sbuf_printf(&on, "%s(NOT jr.jp%d OR %s = jr.c%d)", k ? " AND " : "", k, lc->sql, col_index(r));
                sbuf_printf(&part, "%sCASE WHEN %s THEN %s END", k ? ", " : "", flag, r->sql);
                free(flag);
                continue;
            }
            sbuf_printf(&on, "%s%s = ", k ? " AND " : "", lc ? lc->sql : "NULL");
            if (r) sbuf_printf(&on, "jr.c%d", col_index(r));
            else sbuf_add(&on, "NULL");
            sbuf_printf(&part, "%s%s", k ? ", " : "", r ? r->sql : "NULL");
        }
        if (sub.nord) spl_tr_order_sql(&sub, &sord, 0);
        /* The subsearch's rows go into a temporary table indexed on the join
         * fields, filled before the query runs: SQLite would otherwise
         * often scan them once per result (it does not index a grouped
         * subquery it believes small). The subsearch's CTEs move into that
         * statement. */
        char *jt = xasprintf("splite_join_%d", tr->nlevels);
        sbuf jq = {0}, fill = {0}, ix = {0};
        sbuf_add(&jq, "temp.");
        sbuf_add_sql_ident(&jq, jt);
        spl_tr_add_pre(tr, xasprintf("DROP TABLE IF EXISTS %s", jq.s));
        sbuf_printf(&fill, "CREATE TEMP TABLE ");
        sbuf_add_sql_ident(&fill, jt);
        sbuf_add(&fill, " AS ");
        if (sub.ctes.len) sbuf_printf(&fill, "WITH %s\n", sub.ctes.s);
        sbuf_printf(&fill, "SELECT *%s, row_number() OVER (PARTITION BY %s%s%s) AS jn FROM %s", flags.len ? flags.s : "",
                    part.s, sub.nord ? " ORDER BY " : "", sub.nord ? sord.s : "", sub.from);
        sbuf_free(&flags);
        spl_tr_add_pre(tr, sbuf_detach(&fill));
        int nix = 0;
        for (int k = 0; k < nf; k++) {
            spl_col *r = spl_tr_find(&sub, f[k]);
            if (!r) continue;
            if (!nix++) {
                char *in = xasprintf("%s#key", jt);
                sbuf_add(&ix, "CREATE INDEX temp.");
                sbuf_add_sql_ident(&ix, in);
                sbuf_add(&ix, " ON ");
                sbuf_add_sql_ident(&ix, jt);
                sbuf_addc(&ix, '(');
                free(in);
            } else {
                sbuf_add(&ix, ", ");
            }
            sbuf_printf(&ix, "c%d", col_index(r));
        }
        if (nix) {
            sbuf_addc(&ix, ')');
            spl_tr_add_pre(tr, sbuf_detach(&ix));
        }
        sbuf_free(&ix);
        tr->ctes.len = ctes_before;
        if (tr->ctes.s) tr->ctes.s[ctes_before] = 0;
        if (left || auto_fields) {
            /* the temporary table stands in for the current level's CTE */
            sbuf lq = {0};
            sbuf_add(&lq, "temp.");
            sbuf_add_sql_ident(&lq, lt);
            sbuf_printf(&q, " FROM %s AS %s %sJOIN %s AS jr ON %s", lq.s, L, left ? "LEFT " : "", jq.s, on.s);
            sbuf_free(&lq);
        } else {
            /* inner: an outermost loop over at most one of the
             * subsearch's rows (CROSS JOIN fixes the order), so that when
             * the subsearch found nothing the current rows are not even
             * computed; then the current rows, each looked up in the
             * subsearch's rows through their index */
            sbuf_printf(&q, " FROM (SELECT 1 FROM %s LIMIT 1) AS jg CROSS JOIN %s CROSS JOIN %s AS jr ON %s", jq.s, L,
                        jq.s, on.s);
        }
        sbuf_free(&jq);
        free(jt);
        if (max > 0) sbuf_printf(&q, " AND jr.jn <= %ld", max);
        int nord = tr->nord;
        int *desc = xcalloc((size_t)nord + 1, sizeof *desc);
        for (int i = 0; i < nord; i++) desc[i] = tr->ord[i].desc;
        spl_tr_new_level(tr, q.s, names, mv, total);
        spl_tr_clear_ord(tr);
        for (int i = 0; i < nord; i++) {
            char *o = xasprintf("%s.o%d", tr->from, i);
            spl_tr_add_ord(tr, o, desc[i], 0);
            free(o);
        }
        tr->events = tr->events && sub.events;
        for (int i = 0; i < total; i++) free(names[i]);
        free(names);
        free(mv);
        free(desc);
        sbuf_free(&q);
        sbuf_free(&on);
        sbuf_free(&part);
        sbuf_free(&sord);
    }
    if (have_sub) spl_tr_sub_free(&sub);
    free(lt);
    free(guard);
    for (int k = 0; k < nf; k++) free(f[k]);
    free(f);
    free(type);
    return rc;
}

/* current rows, then the child's: union of the columns, order kept */
/* the current rows, then at most maxout (0: all) of sub's */
static void append_rows(spl_tr *tr, spl_tr *sub, long maxout)
{
    const char *L = tr->from;
    int nl = tr->ncols, total = nl;
    char **names = xcalloc((size_t)(nl + sub->ncols) + 1, sizeof *names);
    int *mv = xcalloc((size_t)(nl + sub->ncols) + 1, sizeof *mv);
    for (int i = 0; i < nl; i++) { names[i] = xstrdup(tr->cols[i].name); mv[i] = tr->cols[i].mv; }
    for (int j = 0; j < sub->ncols; j++)
        if (!spl_tr_find(tr, sub->cols[j].name)) {
            names[total] = xstrdup(sub->cols[j].name);
            mv[total] = sub->cols[j].mv;
            total++;
        }
    sbuf q = {0}, lo = {0}, ro = {0};
    spl_tr_order_sql(tr, &lo, 0);
    spl_tr_order_sql(sub, &ro, 0);
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < total; i++) {
        spl_col *x = spl_tr_find(tr, names[i]);
        sbuf_printf(&q, "%s%s AS c%d", i ? ", " : "", x ? x->sql : "NULL", i);
        if (x) mv[i] |= x->mv;
    }
    sbuf_printf(&q, ", 0 AS o0, row_number() OVER (%s%s) AS o1 FROM %s UNION ALL ", tr->nord ? "ORDER BY " : "",
                tr->nord ? lo.s : "", L);
    size_t at = q.len; /* where the subsearch's part starts */
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < total; i++) {
        spl_col *x = spl_tr_find(sub, names[i]);
        sbuf_printf(&q, "%s%s", i ? ", " : "", x ? x->sql : "NULL");
        if (x) mv[i] |= x->mv;
    }
    sbuf_printf(&q, ", 1, row_number() OVER (%s%s) AS o1 FROM %s", sub->nord ? "ORDER BY " : "", sub->nord ? ro.s : "", sub->from);
    if (maxout > 0) {
        /* the subsearch part as a nested select limited on its row number */
        sbuf w = {0};
        sbuf_printf(&w, "%.*sSELECT * FROM (%s) WHERE o1 <= %ld", (int)at, q.s, q.s + at, maxout);
        sbuf_free(&q);
        q = w;
    }
    spl_tr_new_level(tr, q.s, names, mv, total);
    spl_tr_clear_ord(tr);
    spl_tr_add_ord_col(tr, "o0", 0);
    spl_tr_add_ord_col(tr, "o1", 0);
    tr->events = tr->events && sub->events;
    for (int i = 0; i < total; i++) free(names[i]);
    free(names);
    free(mv);
    sbuf_free(&q);
    sbuf_free(&lo);
    sbuf_free(&ro);
}

static int append_common(spl_cmd_ctx *c, int subpipe)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int lb, rb;
    long maxout = subpipe ? 0 : 50000; /* append's documented default */
    if (find_sub(c, &lb, &rb)) return -1;
    for (int i = 0; i < lb; i++) {
        char *v = NULL;
        if (!subpipe && spl_arg_option(c, i, "maxout", &v)) {
            double d;
            int bad = !util_is_number(v, strlen(v), &d) || d < 0;
            free(v);
            if (bad) return spl_arg_error(c, &a->v[i + 2], "maxout must be a number");
            maxout = util_clamp_long(d);
            i += 2;
            continue;
        }
        /* time limits, and appendpipe's run_in_preview (splite shows no
         * previews): no effect */
        if ((!subpipe && (spl_arg_option(c, i, "extendtimerange", &v) || spl_arg_option(c, i, "maxtime", &v) ||
                          spl_arg_option(c, i, "timeout", &v))) ||
            (subpipe && spl_arg_option(c, i, "run_in_preview", &v))) {
            free(v);
            i += 2;
            continue;
        }
        return spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    spl_tr_flush(tr, -1, NULL);
    spl_tr sub;
    int rc = spl_tr_subsearch(tr, a->v[lb].off + 1, a->v[rb].off, subpipe, &sub);
    if (!rc) append_rows(tr, &sub, maxout);
    spl_tr_sub_free(&sub);
    return rc;
}

int spl_tr_append_search(spl_tr *tr, size_t start, size_t end)
{
    spl_tr_flush(tr, -1, NULL);
    spl_tr sub;
    int rc = spl_tr_subsearch(tr, start, end, 0, &sub);
    if (!rc) append_rows(tr, &sub, 0);
    spl_tr_sub_free(&sub);
    return rc;
}

int spl_cmd_append(spl_cmd_ctx *c) { return append_common(c, 0); }
int spl_cmd_appendpipe(spl_cmd_ctx *c) { return append_common(c, 1); }
