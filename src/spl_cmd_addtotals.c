/* spl_cmd_addtotals.c: addtotals [row=true] [col=false] [fieldname=Total]
 * [labelfield=F] [label=Total] [field ...]: each result gets the sum of its
 * numeric values of the listed fields (wildcards allowed; default every
 * field not starting with '_'); a result with none of them numeric gets no
 * total. col=true adds a last result with each such field's sum over the
 * results, and label in labelfield. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_addtotals(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

/* Whether addtotals sums the field name (the listed patterns, or every
 * field not starting with '_'). */
static int summed(const char *name, char **pats, int npats)
{
    if (!npats) return name[0] != '_';
    for (int p = 0; p < npats; p++)
        if (spl_wild_match(pats[p], name)) return 1;
    return 0;
}

/* col=true: one more result, last, with the sum of each summed field's
 * numeric values (none: no value) and label in labelfield when given. */
static void col_totals(spl_tr *tr, char **pats, int npats, const char *fieldname, const char *labelfield,
                       const char *label)
{
    (void)fieldname;
    spl_tr_flush(tr, -1, NULL);
    int n = tr->ncols;
    int add_label = labelfield && !spl_tr_col(tr, labelfield);
    char **names = xcalloc((size_t)n + 2, sizeof *names);
    int *mv = xcalloc((size_t)n + 2, sizeof *mv);
    sbuf q = {0}, ord = {0};
    sbuf_add(&q, "SELECT ");
    for (int i = 0; i < n; i++) {
        names[i] = xstrdup(tr->cols[i].name);
        mv[i] = tr->cols[i].mv;
        sbuf_printf(&q, "%s AS c%d, ", tr->cols[i].sql, i);
    }
    if (add_label) {
        names[n] = xstrdup(labelfield);
        sbuf_printf(&q, "NULL AS c%d, ", n);
    }
    spl_tr_order_sql(tr, &ord, 0);
    sbuf_printf(&q, "0 AS g1, row_number() OVER (%s%s) AS o1 FROM %s UNION ALL SELECT ", ord.len ? "ORDER BY " : "",
                ord.s ? ord.s : "", tr->from);
    for (int i = 0; i < n; i++) {
        const spl_col *col = &tr->cols[i];
        if (labelfield && !strcmp(col->name, labelfield)) spl_tr_bind_text(tr, &q, label);
        else if (summed(col->name, pats, npats))
            sbuf_printf(&q, "CASE WHEN count(splop_num(%s)) THEN sum(splop_num(%s)) END", col->sql, col->sql);
        else sbuf_add(&q, "NULL");
        sbuf_add(&q, ", ");
    }
    if (add_label) {
        spl_tr_bind_text(tr, &q, label);
        sbuf_add(&q, ", ");
    }
    sbuf_printf(&q, "1, 0 FROM %s", tr->from);
    spl_tr_new_level(tr, q.s, names, mv, n + add_label);
    spl_tr_clear_ord(tr);
    spl_tr_add_ord_col(tr, "g1", 0);
    spl_tr_add_ord_col(tr, "o1", 0);
    tr->events = 0;
    for (int i = 0; i < n + add_label; i++) free(names[i]);
    free(names);
    free(mv);
    sbuf_free(&q);
    sbuf_free(&ord);
}

int spl_cmd_addtotals(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *fieldname = xstrdup("Total");
    char **pats = NULL;
    char *labelfield = NULL, *label = xstrdup("Total");
    int npats = 0, rc = 0, row = 1, colsum = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (t->type == TK_COMMA) continue;
        if (spl_arg_option(c, i, "fieldname", &v)) { free(fieldname); fieldname = v; i += 2; continue; }
        if (spl_arg_option(c, i, "row", &v)) { row = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "col", &v)) { colsum = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "labelfield", &v)) { free(labelfield); labelfield = v; i += 2; continue; }
        if (spl_arg_option(c, i, "label", &v)) { free(label); label = v; i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s); break; }
        if (t->type == TK_WORD || t->type == TK_STRING) {
            pats = xrealloc(pats, sizeof *pats * (size_t)(npats + 1));
            pats[npats++] = spl_tok_text(t);
            continue;
        }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    if (!rc && row) {
        sbuf sum = {0}, any = {0};
        int n = 0;
        for (int i = 0; i < tr->ncols; i++) {
            const spl_col *col = &tr->cols[i];
            int hit = 0;
            if (!npats) hit = col->name[0] != '_' && strcmp(col->name, fieldname);
            for (int p = 0; p < npats && !hit; p++) hit = spl_wild_match(pats[p], col->name);
            if (!hit) continue;
            sbuf_printf(&sum, "%scoalesce(splop_num(%s), 0)", n ? " + " : "", col->sql);
            sbuf_printf(&any, "%ssplop_num(%s)", n ? ", " : "", col->sql);
            n++;
        }
        if (n) {
            char *e = n > 1 ? xasprintf("CASE WHEN coalesce(%s) IS NULL THEN NULL ELSE %s END", any.s, sum.s)
                            : xasprintf("splop_num(%s)", any.s);
            spl_tr_set(tr, fieldname, e, 0);
            free(e);
        }
        sbuf_free(&sum);
        sbuf_free(&any);
    }
    if (!rc && colsum) col_totals(tr, pats, npats, fieldname, labelfield, label);
    for (int p = 0; p < npats; p++) free(pats[p]);
    free(pats);
    free(fieldname);
    free(labelfield);
    free(label);
    return rc;
}
