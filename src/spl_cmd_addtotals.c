/* spl_cmd_addtotals.c: addtotals [row=true] [fieldname=Total] [field ...]:
 * each result gets the sum of its numeric values of the listed fields
 * (wildcards allowed; default every field not starting with '_'); a result
 * with none of them numeric gets no total. col=true (a summary result of
 * column totals) is not supported. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_addtotals(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
}

int spl_cmd_addtotals(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *fieldname = xstrdup("Total");
    char **pats = NULL;
    int npats = 0, rc = 0, row = 1;
    for (int i = 0; i < a->n && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (t->type == TK_COMMA) continue;
        if (spl_arg_option(c, i, "fieldname", &v)) { free(fieldname); fieldname = v; i += 2; continue; }
        if (spl_arg_option(c, i, "row", &v)) { row = truthy(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "col", &v)) {
            if (truthy(v)) rc = spl_arg_error(c, t, "col=true is not supported");
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "labelfield", &v) || spl_arg_option(c, i, "label", &v)) {
            free(v); /* they only label the col=true summary result */
            i += 2;
            continue;
        }
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
    for (int p = 0; p < npats; p++) free(pats[p]);
    free(pats);
    free(fieldname);
    return rc;
}
