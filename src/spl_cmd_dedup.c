/* spl_cmd_dedup.c: dedup [N] field ... [keepempty=bool] [keepevents=bool]
 * [consecutive=bool]: keep the first N results (in the current order) of
 * each combination of the fields' values; results lacking one of the fields
 * are dropped unless keepempty=true; keepevents=true keeps every result but
 * removes the fields from the duplicates; consecutive=true removes only
 * duplicates that follow one another (N must then be 1). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_dedup(spl_cmd_ctx *c);

static int is_true(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "yes");
}

int spl_cmd_dedup(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    long keep = 1;
    int keepempty = 0, keepevents = 0, consecutive = 0;
    int i = 0;
    double d;
    char **names = NULL;
    int n = 0;
    if (i < a->n && a->v[i].type == TK_WORD && util_is_number(a->v[i].s, a->v[i].n, &d) && d >= 1) {
        keep = util_clamp_long(d);
        i++;
    }
    int rc = 0;
    for (; i < a->n && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (spl_arg_option(c, i, "keepempty", &v)) { keepempty = is_true(v); free(v); i += 2; continue; }
        if (spl_arg_option(c, i, "consecutive", &v)) {
            consecutive = is_true(v);
            free(v);
            if (consecutive && keep != 1) rc = spl_arg_error(c, t, "consecutive=true takes no count");
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "keepevents", &v)) {
            keepevents = is_true(v);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s); break; }
        if (t->type == TK_WORD && spl_tok_is(t, "sortby", 1)) { rc = spl_arg_error(c, t, "sortby is not supported (use sort after dedup)"); break; }
        if (t->type == TK_COMMA) continue;
        if (t->type != TK_WORD && t->type != TK_STRING) { rc = spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s); break; }
        names = xrealloc(names, sizeof *names * (size_t)(n + 1));
        names[n++] = spl_tok_text(t);
    }
    if (!rc && !n) rc = spl_arg_error(c, NULL, "expected at least one field");
    if (!rc) {
        sbuf part = {0}, extra = {0}, nn = {0};
        for (int k = 0; k < n; k++) {
            spl_col *col = spl_tr_col(tr, names[k]);
            const char *x = col ? col->sql : "NULL";
            sbuf_printf(&part, "%s%s", k ? ", " : "", x);
            sbuf_printf(&nn, "%s%s IS NOT NULL", k ? " AND " : "", x);
        }
        if (consecutive) {
            /* rn is 1 where some field differs from the previous result's */
            sbuf w = {0};
            if (tr->nord) {
                sbuf_add(&w, "OVER (ORDER BY ");
                spl_tr_order_sql(tr, &w, 0);
                sbuf_addc(&w, ')');
            } else {
                sbuf_add(&w, "OVER ()");
            }
            sbuf_add(&extra, "CASE WHEN ");
            for (int k = 0; k < n; k++) {
                spl_col *col = spl_tr_col(tr, names[k]);
                const char *x = col ? col->sql : "NULL";
                sbuf_printf(&extra, "%slag(%s) %s IS NOT %s", k ? " OR " : "", x, w.s, x);
            }
            sbuf_printf(&extra, " OR row_number() %s = 1 THEN 1 ELSE 2 END AS rn", w.s);
            sbuf_free(&w);
        } else {
            sbuf_printf(&extra, "row_number() OVER (PARTITION BY %s", part.s);
            if (tr->nord) {
                sbuf_add(&extra, " ORDER BY ");
                spl_tr_order_sql(tr, &extra, 0);
            }
            sbuf_add(&extra, ") AS rn");
        }
        /* rows lacking a field do not take part */
        if (!keepempty) spl_tr_where(tr, nn.s);
        spl_tr_flush(tr, -1, extra.s);
        char *w = keepempty ? xasprintf("%s.rn <= %ld OR NOT (%s)", tr->from, keep, nn.s)
                            : xasprintf("%s.rn <= %ld", tr->from, keep);
        /* nn refers to the previous level: rebuild against this one */
        if (keepempty) {
            sbuf nn2 = {0};
            for (int k = 0; k < n; k++) {
                spl_col *col = spl_tr_col(tr, names[k]);
                sbuf_printf(&nn2, "%s%s IS NOT NULL", k ? " AND " : "", col ? col->sql : "NULL");
            }
            free(w);
            w = xasprintf("%s.rn <= %ld OR NOT (%s)", tr->from, keep, nn2.s);
            sbuf_free(&nn2);
        }
        if (keepevents) {
            /* every result stays; the duplicates lose the fields */
            for (int k = 0; k < n; k++) {
                spl_col *col = spl_tr_col(tr, names[k]);
                if (!col) continue;
                char *v = xasprintf("CASE WHEN %s THEN %s END", w, col->sql);
                spl_tr_set(tr, names[k], v, col->mv);
                free(v);
            }
        } else {
            spl_tr_where(tr, w);
        }
        free(w);
        sbuf_free(&part);
        sbuf_free(&extra);
        sbuf_free(&nn);
    }
    for (int k = 0; k < n; k++) free(names[k]);
    free(names);
    return rc;
}
