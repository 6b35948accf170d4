/* spl_cmd_join.c: join [type=inner|left|outer] [max=N] [overwrite=B]
 * [field, ...] [subsearch]: each result is combined with the subsearch
 * results whose join fields have the same values (compared as text; a
 * result lacking a join field matches nothing). Without a field list the
 * fields common to both sides are used. type=inner (default) drops results
 * without a match, left/outer keep them. max (default 1, 0 = no limit) is
 * how many subsearch results, in their order, one result joins with. Other
 * fields both sides have take the subsearch's value when overwrite=true
 * (default) and it has one. usetime/earlier are not supported. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_subsearch.h"

int spl_cmd_join(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

int spl_cmd_join(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int first = 0, rc = 0, outer = 0, overwrite = 1;
    long max = 1;
    char **keys = NULL;
    int nkeys = 0;
    if (spl_sub_find(c, &first)) return -1;
    for (int i = 0; i < first && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (t->type == TK_COMMA) continue;
        if (spl_arg_option(c, i, "type", &v)) {
            if (!strcasecmp(v, "left") || !strcasecmp(v, "outer")) outer = 1;
            else if (!strcasecmp(v, "inner")) outer = 0;
            else rc = spl_arg_error(c, &a->v[i + 2], "type must be inner, left or outer");
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "max", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "max must be a number");
            else max = (long)d;
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "overwrite", &v)) {
            overwrite = truthy(v);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) {
            rc = spl_arg_error(c, t, "option '%.*s' is not supported", (int)t->n, t->s);
            break;
        }
        if (t->type == TK_WORD || t->type == TK_STRING) {
            keys = xrealloc(keys, sizeof *keys * (size_t)(nkeys + 1));
            keys[nkeys++] = spl_tok_text(t);
            continue;
        }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    spl_sub sub = {0};
    if (!rc) rc = spl_sub_compile(c, first, &sub);
    if (rc) goto out;
    spl_tr_flush(tr, -1, NULL);
    if (!nkeys) {
        for (int i = 0; i < tr->ncols; i++)
            if (spl_sub_col(&sub, tr->cols[i].name) >= 0) {
                keys = xrealloc(keys, sizeof *keys * (size_t)(nkeys + 1));
                keys[nkeys++] = xstrdup(tr->cols[i].name);
            }
        if (!nkeys) {
            rc = spl_arg_error(c, NULL, "no field list and no field common to both sides to join on");
            goto out;
        }
    }
    /* the subsearch ranked within each key */
    char *ranked = spl_tr_next_cte(tr);
    {
        sbuf r = {0};
        sbuf_printf(&r, "SELECT *, row_number() OVER (PARTITION BY ");
        for (int k = 0; k < nkeys; k++) {
            int j = spl_sub_col(&sub, keys[k]);
            if (j >= 0) sbuf_printf(&r, "%ssplop_str(c%d)", k ? ", " : "", j);
            else sbuf_printf(&r, "%sNULL", k ? ", " : "");
        }
        sbuf_printf(&r, " ORDER BY seq) AS rn FROM (SELECT *, row_number() OVER () AS seq FROM %s)", sub.cte);
        sbuf_printf(&tr->ctes, ",\n%s AS (%s)", ranked, r.s);
        tr->nlevels++;
        sbuf_free(&r);
    }
    sbuf q = {0};
    int n = 0, cap = tr->ncols + sub.ncols + 1;
    char **names = xcalloc((size_t)cap, sizeof *names);
    int *mv = xcalloc((size_t)cap, sizeof *mv);
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < tr->ncols; i++) {
        const spl_col *col = &tr->cols[i];
        int j = spl_sub_col(&sub, col->name), is_key = 0;
        for (int k = 0; k < nkeys; k++) is_key |= !strcmp(keys[k], col->name);
        if (j >= 0 && !is_key) {
            if (overwrite) sbuf_printf(&q, "%sCOALESCE(r.c%d, %s)", n ? ", " : "", j, col->sql);
            else sbuf_printf(&q, "%sCOALESCE(%s, r.c%d)", n ? ", " : "", col->sql, j);
        } else {
            sbuf_printf(&q, "%s%s", n ? ", " : "", col->sql);
        }
        sbuf_printf(&q, " AS c%d", n);
        names[n] = xstrdup(col->name);
        mv[n] = col->mv || (j >= 0 && sub.mv[j]);
        n++;
    }
    for (int j = 0; j < sub.ncols; j++) {
        if (spl_tr_col(tr, sub.names[j])) continue;
        sbuf_printf(&q, "%sr.c%d AS c%d", n ? ", " : "", j, n);
        names[n] = xstrdup(sub.names[j]);
        mv[n] = sub.mv[j];
        n++;
    }
    if (!n) sbuf_add(&q, "NULL AS c_");
    for (int i = 0; i < tr->nord; i++) sbuf_printf(&q, ", %s AS o%d", tr->ord[i].sql, i);
    sbuf_printf(&q, ", r.rn AS o%d FROM %s %sJOIN %s AS r ON ", tr->nord, tr->from, outer ? "LEFT " : "", ranked);
    for (int k = 0; k < nkeys; k++) {
        spl_col *mc = spl_tr_col(tr, keys[k]);
        int j = spl_sub_col(&sub, keys[k]);
        sbuf_printf(&q, "%ssplop_str(%s) = ", k ? " AND " : "", mc ? mc->sql : "NULL");
        if (j >= 0) sbuf_printf(&q, "splop_str(r.c%d)", j);
        else sbuf_add(&q, "NULL");
    }
    if (max > 0) sbuf_printf(&q, " AND r.rn <= %ld", max);
    int nord = tr->nord;
    int *desc = xcalloc((size_t)nord + 1, sizeof *desc);
    for (int i = 0; i < nord; i++) desc[i] = tr->ord[i].desc;
    spl_tr_new_level(tr, q.s, names, mv, n);
    spl_tr_clear_ord(tr);
    for (int i = 0; i <= nord; i++) {
        char *o = xasprintf("%s.o%d", tr->from, i);
        spl_tr_add_ord(tr, o, i < nord ? desc[i] : 0, 0);
        free(o);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    free(mv);
    free(desc);
    free(ranked);
    sbuf_free(&q);
out:
    spl_sub_free(&sub);
    for (int k = 0; k < nkeys; k++) free(keys[k]);
    free(keys);
    return rc;
}
