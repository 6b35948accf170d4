/* spl_cmd_append.c: append [subsearch]: the subsearch's results after the
 * current ones (fields one side lacks are empty on the other side's
 * results). maxtime=/maxout=/timeout= are accepted only with the values
 * that change nothing here (they bound a subsearch's run time and size). */
#include <stdlib.h>
#include <string.h>
#include "spl_subsearch.h"

int spl_cmd_append(spl_cmd_ctx *c);

int spl_cmd_append(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int first = 0, rc = 0;
    if (spl_sub_find(c, &first)) return -1;
    for (int i = 0; i < first && !rc; i++) {
        const spl_token *t = &a->v[i];
        if (spl_arg_is_option(c, i) && (spl_tok_is(t, "maxtime", 1) || spl_tok_is(t, "maxout", 1) ||
                                        spl_tok_is(t, "timeout", 1) || spl_tok_is(t, "extendtimerange", 1))) {
            i += 2;
            continue;
        }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    spl_sub sub = {0};
    if (!rc) rc = spl_sub_compile(c, first, &sub);
    if (rc) goto out;
    spl_tr_flush(tr, -1, NULL);
    int cap = tr->ncols + sub.ncols + 1, n = 0;
    char **names = xcalloc((size_t)cap, sizeof *names);
    int *mv = xcalloc((size_t)cap, sizeof *mv);
    int *subcol = xcalloc((size_t)cap, sizeof *subcol);
    for (int i = 0; i < tr->ncols; i++) {
        names[n] = xstrdup(tr->cols[i].name);
        subcol[n] = spl_sub_col(&sub, tr->cols[i].name);
        mv[n] = tr->cols[i].mv || (subcol[n] >= 0 && sub.mv[subcol[n]]);
        n++;
    }
    int nmain = n;
    for (int j = 0; j < sub.ncols; j++) {
        if (spl_tr_col(tr, sub.names[j])) continue;
        names[n] = xstrdup(sub.names[j]);
        subcol[n] = j;
        mv[n] = sub.mv[j];
        n++;
    }
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < n; i++)
        sbuf_printf(&q, "%s%s AS c%d", i ? ", " : "", i < nmain ? tr->cols[i].sql : "NULL", i);
    if (!n) sbuf_add(&q, "NULL AS c_");
    sbuf_add(&q, ", 0 AS o0");
    for (int i = 0; i < tr->nord; i++) sbuf_printf(&q, ", %s AS o%d", tr->ord[i].sql, i + 1);
    sbuf_printf(&q, ", NULL AS o%d FROM %s UNION ALL SELECT ", tr->nord + 1, tr->from);
    for (int i = 0; i < n; i++) {
        if (subcol[i] >= 0) sbuf_printf(&q, "%sc%d", i ? ", " : "", subcol[i]);
        else sbuf_printf(&q, "%sNULL", i ? ", " : "");
    }
    if (!n) sbuf_add(&q, "NULL");
    sbuf_add(&q, ", 1");
    for (int i = 0; i < tr->nord; i++) sbuf_add(&q, ", NULL");
    sbuf_printf(&q, ", row_number() OVER () FROM %s", sub.cte);
    int nord = tr->nord;
    int *desc = xcalloc((size_t)nord + 2, sizeof *desc);
    for (int i = 0; i < nord; i++) desc[i + 1] = tr->ord[i].desc;
    spl_tr_new_level(tr, q.s, names, mv, n);
    spl_tr_clear_ord(tr);
    for (int i = 0; i <= nord + 1; i++) {
        char *o = xasprintf("%s.o%d", tr->from, i);
        spl_tr_add_ord(tr, o, desc[i], 0);
        free(o);
    }
    tr->events = 0;
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    free(mv);
    free(subcol);
    free(desc);
    sbuf_free(&q);
out:
    spl_sub_free(&sub);
    return rc;
}
