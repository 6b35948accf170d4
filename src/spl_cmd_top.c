/* spl_cmd_top.c: top and rare: the most (least) common values of the
 * fields, with count and percent (of the results that have the fields),
 * optionally per BY group: [N] [limit=N] [countfield=F] [percentfield=F]
 * [showcount=bool] [showperc=bool] [useother=bool] [otherstr=S] field ...
 * [by field ...]. Default limit 10 (0 = all). Ties are ordered by value.
 * useother=true adds a row (per group) with otherstr (default OTHER) in
 * the fields and the count and percent of the values past the limit. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_top(spl_cmd_ctx *c);
int spl_cmd_rare(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "yes");
}

static int top_rare(spl_cmd_ctx *c, int rare)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    long limit = 10;
    char *countf = xstrdup("count"), *percf = xstrdup("percent");
    char *otherstr = xstrdup("OTHER");
    int showcount = 1, showperc = 1, useother = 0, rc = 0;
    char **f = NULL, **by = NULL;
    int nf = 0, nby = 0, in_by = 0;
    double d;
    for (int i = 0; i < a->n && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (spl_arg_option(c, i, "limit", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "limit must be a number");
            else limit = util_clamp_long(d);
            free(v); i += 2; continue;
        }
        if (spl_arg_option(c, i, "countfield", &v)) { free(countf); countf = v; i += 2; continue; }
        if (spl_arg_option(c, i, "percentfield", &v)) { free(percf); percf = v; i += 2; continue; }
        if (spl_arg_option(c, i, "showcount", &v)) { showcount = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "showperc", &v)) { showperc = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "useother", &v)) { useother = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "otherstr", &v)) { free(otherstr); otherstr = v; i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s); break; }
        if (t->type == TK_COMMA) continue;
        if (i == 0 && t->type == TK_WORD && util_is_number(t->s, t->n, &d) && d >= 0) { limit = util_clamp_long(d); continue; }
        if (t->type == TK_WORD && spl_tok_is(t, "by", 1)) { in_by = 1; continue; }
        if (t->type != TK_WORD && t->type != TK_STRING) { rc = spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s); break; }
        char ***lst = in_by ? &by : &f;
        int *n = in_by ? &nby : &nf;
        *lst = xrealloc(*lst, sizeof **lst * (size_t)(*n + 1));
        (*lst)[(*n)++] = spl_tok_text(t);
    }
    if (!rc && !nf) rc = spl_arg_error(c, NULL, "expected at least one field");
    if (!rc && in_by && !nby) rc = spl_arg_error(c, NULL, "BY needs at least one field");
    if (!rc) {
        sbuf q = {0}, grp = {0}, part = {0}, where = {0};
        if (tr->nwh) sbuf_add(&where, spl_tr_where_sql(tr));
        int ncols = nby + nf + 2;
        char **names = xcalloc((size_t)ncols, sizeof *names);
        int k = 0;
        sbuf_add(&q, "SELECT ");
        for (int i = 0; i < nby + nf; i++) {
            const char *nm = i < nby ? by[i] : f[i - nby];
            spl_col *col = spl_tr_col(tr, nm);
            const char *x = col ? col->sql : "NULL";
            sbuf_printf(&q, "%s%s AS c%d", i ? ", " : "", x, k);
            sbuf_printf(&grp, "%s%s", i ? ", " : "", x);
            if (i < nby) sbuf_printf(&part, "%s%s", i ? ", " : "", x);
            if (where.len) sbuf_add(&where, " AND ");
            sbuf_printf(&where, "%s IS NOT NULL", x);
            names[k++] = (char *)nm;
        }
        sbuf_printf(&q, ", count(*) AS c%d", k);
        names[k++] = countf;
        sbuf_printf(&q, ", round(count(*) * 100.0 / sum(count(*)) OVER (%s%s), 6) AS c%d",
                    nby ? "PARTITION BY " : "", nby ? part.s : "", k);
        names[k++] = percf;
        sbuf_printf(&q, ", row_number() OVER (%s%s ORDER BY count(*)%s", nby ? "PARTITION BY " : "", nby ? part.s : "",
                    rare ? "" : " DESC");
        for (int i = nby; i < nby + nf; i++) {
            spl_col *col = spl_tr_col(tr, f[i - nby]);
            sbuf_printf(&q, ", %s", col ? col->sql : "NULL");
        }
        sbuf_add(&q, ") AS o1");
        if (useother) sbuf_printf(&q, ", sum(count(*)) OVER (%s%s) AS t1", nby ? "PARTITION BY " : "", nby ? part.s : "");
        sbuf_printf(&q, " FROM %s", tr->from);
        if (where.len) sbuf_printf(&q, " WHERE %s", where.s);
        sbuf_printf(&q, " GROUP BY %s", grp.s);
        spl_tr_new_level(tr, q.s, names, NULL, ncols);
        if (useother && limit > 0) {
            /* one more row per group: the values past the limit together */
            sbuf u = {0}, g = {0};
            const char *prev = tr->from;
            sbuf_add(&u, "SELECT ");
            for (int i = 0; i < ncols; i++) sbuf_printf(&u, "c%d, ", i);
            sbuf_printf(&u, "o1 FROM %s WHERE o1 <= %ld UNION ALL SELECT ", prev, limit);
            for (int i = 0; i < nby; i++) {
                sbuf_printf(&u, "c%d, ", i);
                sbuf_printf(&g, "%sc%d", i ? ", " : "", i);
            }
            for (int i = 0; i < nf; i++) {
                spl_tr_bind_text(tr, &u, otherstr);
                sbuf_add(&u, ", ");
            }
            sbuf_printf(&u, "sum(c%d), round(sum(c%d) * 100.0 / max(t1), 6), %ld FROM %s WHERE o1 > %ld", ncols - 2,
                        ncols - 2, limit + 1, prev, limit);
            if (nby) sbuf_printf(&u, " GROUP BY %s", g.s);
            else sbuf_add(&u, " HAVING count(*) > 0");
            spl_tr_new_level(tr, u.s, names, NULL, ncols);
            sbuf_free(&u);
            sbuf_free(&g);
            limit = 0;
        }
        spl_tr_clear_ord(tr);
        int pos = 0;
        for (int i = 0; i < nby; i++) {
            spl_col *col = spl_tr_col(tr, by[i]);
            if (col) spl_tr_add_sort_ord(tr, col->sql, 0, &pos);
        }
        char *o = xasprintf("%s.o1", tr->from);
        spl_tr_add_ord(tr, o, 0, 0);
        if (limit > 0) {
            char *w = xasprintf("%s.o1 <= %ld", tr->from, limit);
            spl_tr_where(tr, w);
            free(w);
        }
        free(o);
        if (!showcount) spl_tr_remove(tr, countf);
        if (!showperc) spl_tr_remove(tr, percf);
        tr->events = 0;
        free(names);
        sbuf_free(&q);
        sbuf_free(&grp);
        sbuf_free(&part);
        sbuf_free(&where);
    }
    for (int i = 0; i < nf; i++) free(f[i]);
    for (int i = 0; i < nby; i++) free(by[i]);
    free(f);
    free(by);
    free(countf);
    free(percf);
    free(otherstr);
    return rc;
}

int spl_cmd_top(spl_cmd_ctx *c) { return top_rare(c, 0); }
int spl_cmd_rare(spl_cmd_ctx *c) { return top_rare(c, 1); }
