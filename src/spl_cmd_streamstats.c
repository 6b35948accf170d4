/* spl_cmd_streamstats.c: streamstats: running aggregates in result order,
 * per BY group: count, count(f), sum, avg/mean, min, max (numeric), dc is
 * not available as a running aggregate. Options: window=N (the last N
 * results), current=true|false (include the result itself). Built on
 * SQLite window functions. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_streamstats(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "yes");
}

int spl_cmd_streamstats(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    long window = 0;
    int current = 1, rc = 0, i = 0;
    double d;
    typedef struct item { const char *fn; char *arg; char *as; } item;
    item *items = NULL;
    int n = 0;
    char **by = NULL;
    int nby = 0;
    while (i < a->n && spl_arg_is_option(c, i) && !rc) {
        char *v = NULL;
        if (spl_arg_option(c, i, "window", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "window must be a number");
            window = util_clamp_long(d);
        } else if (spl_arg_option(c, i, "current", &v)) {
            current = truthy(v);
        } else if (spl_arg_option(c, i, "global", &v)) {
            if (!truthy(v)) rc = spl_arg_error(c, &a->v[i], "global=false is not supported");
        } else {
            rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s);
        }
        free(v);
        i += 3;
    }
    static const struct { const char *name, *fn; } fns[] = {
        {"count", "count"}, {"c", "count"}, {"sum", "sum"}, {"avg", "avg"}, {"mean", "avg"},
        {"min", "min"}, {"max", "max"}, {NULL, NULL}};
    while (!rc && i < a->n) {
        const spl_token *t = &a->v[i];
        if (t->type == TK_COMMA) { i++; continue; }
        if (spl_tok_is(t, "by", 1)) break;
        const char *fn = NULL;
        for (int k = 0; fns[k].name && !fn; k++)
            if (spl_tok_is(t, fns[k].name, 1)) fn = fns[k].fn;
        if (!fn) { rc = spl_arg_error(c, t, "aggregation '%.*s' is not supported by streamstats", (int)t->n, t->s); break; }
        item it = {fn, NULL, NULL};
        size_t ns = t->off, ne = t->off + t->n;
        i++;
        if (i + 2 < a->n && a->v[i].type == TK_LP && a->v[i + 2].type == TK_RP) {
            it.arg = spl_tok_text(&a->v[i + 1]);
            ne = a->v[i + 2].off + 1;
            i += 3;
        } else if (strcmp(fn, "count")) {
            rc = spl_arg_error(c, t, "%.*s needs a field", (int)t->n, t->s);
            break;
        }
        if (i + 1 < a->n && spl_tok_is(&a->v[i], "as", 1)) { it.as = spl_tok_text(&a->v[i + 1]); i += 2; }
        else it.as = xstrndup(tr->text + ns, ne - ns);
        items = xrealloc(items, sizeof *items * (size_t)(n + 1));
        items[n++] = it;
    }
    if (!rc && i < a->n) {
        for (i++; i < a->n; i++) {
            if (a->v[i].type == TK_COMMA) continue;
            by = xrealloc(by, sizeof *by * (size_t)(nby + 1));
            by[nby++] = spl_tok_text(&a->v[i]);
        }
        if (!nby) rc = spl_arg_error(c, NULL, "BY needs at least one field");
    }
    if (!rc && !n) rc = spl_arg_error(c, NULL, "expected at least one aggregation");
    if (!rc) {
        /* the window clause, in result order */
        sbuf w = {0};
        sbuf_add(&w, "OVER (");
        if (nby) {
            sbuf_add(&w, "PARTITION BY ");
            for (int b = 0; b < nby; b++) {
                spl_col *col = spl_tr_col(tr, by[b]);
                sbuf_printf(&w, "%s%s", b ? ", " : "", col ? col->sql : "NULL");
            }
            sbuf_addc(&w, ' ');
        }
        if (tr->nord) {
            sbuf_add(&w, "ORDER BY ");
            spl_tr_order_sql(tr, &w, 0);
        }
        if (window > 0)
            sbuf_printf(&w, " ROWS BETWEEN %ld PRECEDING AND %s)", current ? window - 1 : window, current ? "CURRENT ROW" : "1 PRECEDING");
        else
            sbuf_printf(&w, " ROWS BETWEEN UNBOUNDED PRECEDING AND %s)", current ? "CURRENT ROW" : "1 PRECEDING");
        for (int k = 0; k < n; k++) {
            sbuf s = {0};
            spl_col *col = items[k].arg ? spl_tr_col(tr, items[k].arg) : NULL;
            const char *x = col ? col->sql : "NULL";
            if (!strcmp(items[k].fn, "count")) {
                if (items[k].arg) sbuf_printf(&s, "count(%s) %s", x, w.s);
                else sbuf_printf(&s, "count(*) %s", w.s);
            } else {
                sbuf_printf(&s, "%s(splop_num(%s)) %s", items[k].fn, x, w.s);
            }
            free(items[k].arg);
            items[k].arg = sbuf_detach(&s);
        }
        /* window functions cannot sit in a WHERE later: materialize */
        for (int k = 0; k < n; k++) spl_tr_set(tr, items[k].as, items[k].arg, 0);
        spl_tr_flush(tr, -1, NULL);
        sbuf_free(&w);
    }
    for (int k = 0; k < n; k++) { free(items[k].arg); free(items[k].as); }
    free(items);
    for (int b = 0; b < nby; b++) free(by[b]);
    free(by);
    return rc;
}
