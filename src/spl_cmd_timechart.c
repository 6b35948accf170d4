/* spl_cmd_timechart.c: timechart span=T [cont=B] [limit=N] agg ... : one
 * result per time bucket of span T (a `bin _time span=T` then `stats agg
 * ... by _time`), oldest first; with cont=true (the default) the buckets
 * between the first and the last one that have no events are filled in,
 * count and dc as 0 and the other aggregations empty. Without span= (an
 * automatic span from the time range) and with a BY clause (one column per
 * value, known only from the data) it is an error. limit= only matters with
 * BY and is accepted. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_timechart(spl_cmd_ctx *c);

/* translate command `name` with argument text args at the current level */
static int run_cmd(spl_cmd_ctx *c, const char *name, const char *args)
{
    spl_tr *tr = c->tr;
    const spl_command *cmd = spl_command_find(name, strlen(name));
    if (!cmd) return spl_tr_error(tr, c->name->off, "timechart needs the %s command", name);
    char *text = xasprintf("%s %s", name, args);
    size_t w = strlen(name);
    spl_token nt = {TK_WORD, text, w, 0};
    spl_cmd_ctx sc = {0};
    sc.tr = tr;
    sc.name = &nt;
    sc.argtext = text + w;
    sc.argoff = w;
    sc.arglen = strlen(text) - w;
    const char *saved = tr->text;
    tr->text = text;
    int rc = spl_lex(sc.argtext, sc.arglen, sc.argoff, SPL_LEX_SEARCH, &sc.args, tr->err);
    if (!rc) rc = cmd->translate(&sc);
    tr->text = saved;
    if (rc && tr->err->msg) {
        char *m = xasprintf("timechart: %s", tr->err->msg);
        free(tr->err->msg);
        tr->err->msg = m;
        tr->err->off = c->name->off;
    }
    spl_toks_free(&sc.args);
    free(text);
    return rc;
}

static int span_seconds(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v <= 0) return -1;
    static const struct { const char *u; double secs; } units[] = {
        {"", 1}, {"s", 1}, {"sec", 1}, {"secs", 1}, {"m", 60}, {"min", 60}, {"mins", 60},
        {"h", 3600}, {"hr", 3600}, {"hrs", 3600}, {"d", 86400}, {"day", 86400}, {"days", 86400},
        {"w", 604800}, {"week", 604800}, {"weeks", 604800},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(end, units[i].u)) { *out = v * units[i].secs; return 0; }
    return -1;
}

int spl_cmd_timechart(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *span = NULL;
    int cont = 1, i = 0, rc = 0;
    for (; i < a->n && spl_arg_is_option(c, i); i += 3) {
        char *v = NULL;
        const spl_token *t = &a->v[i];
        if (spl_arg_option(c, i, "span", &v)) { free(span); span = v; continue; }
        if (spl_arg_option(c, i, "cont", &v)) {
            cont = !(!strcasecmp(v, "f") || !strcasecmp(v, "false") || !strcmp(v, "0"));
            free(v);
            continue;
        }
        if (spl_arg_option(c, i, "limit", &v) || spl_arg_option(c, i, "useother", &v) ||
            spl_arg_option(c, i, "usenull", &v)) {
            free(v); /* they shape BY columns only */
            continue;
        }
        free(span);
        return spl_arg_error(c, t, "option '%.*s' is not supported", (int)t->n, t->s);
    }
    for (int k = i; k < a->n; k++)
        if (a->v[k].type == TK_WORD && spl_tok_is(&a->v[k], "by", 1)) {
            free(span);
            return spl_arg_error(c, &a->v[k], "BY is not supported (its columns depend on the data)");
        }
    if (!span) return spl_arg_error(c, NULL, "span= is required (automatic spans are not supported)");
    double secs = 0;
    if (span_seconds(span, &secs)) {
        free(span);
        return spl_arg_error(c, NULL, "span must be a time span such as 5m or 1h");
    }
    if (i >= a->n) {
        free(span);
        return spl_arg_error(c, NULL, "expected an aggregation such as count");
    }
    size_t aoff = a->v[i].off - c->argoff;
    char *aggs = xstrndup(c->argtext + aoff, c->arglen - aoff);
    char *binargs = xasprintf("_time span=%s", span);
    char *statsargs = xasprintf("%s by _time", aggs);
    rc = run_cmd(c, "bin", binargs);
    if (!rc) rc = run_cmd(c, "stats", statsargs);
    free(binargs);
    free(statsargs);
    free(aggs);
    free(span);
    if (rc) return rc;
    spl_tr_flush(tr, -1, NULL);
    spl_col *tc = spl_tr_col(tr, "_time");
    if (!tc) return spl_tr_error(tr, c->name->off, "timechart: no _time after the aggregation");
    int n = tr->ncols;
    char **names = xcalloc((size_t)n + 1, sizeof *names);
    int *mv = xcalloc((size_t)n + 1, sizeof *mv);
    sbuf q = {0};
    if (cont) {
        /* the next bucket: the bucket of t + 1.5 spans (local days are 23
         * to 25 hours long across DST changes) */
        sbuf_printf(&q, "WITH RECURSIVE g(t) AS (SELECT min(%s) FROM %s UNION ALL SELECT max(spl_bin_time(t + ",
                    tc->sql, tr->from);
        spl_tr_bind_num(tr, &q, secs * 1.5);
        sbuf_add(&q, ", ");
        spl_tr_bind_num(tr, &q, secs);
        sbuf_add(&q, "), t + "); /* always forward */
        spl_tr_bind_num(tr, &q, secs * 0.5);
        sbuf_printf(&q, ") FROM g WHERE t < (SELECT max(%s) FROM %s)) SELECT ", tc->sql, tr->from);
    } else {
        sbuf_add(&q, "SELECT ");
    }
    for (int k = 0; k < n; k++) {
        const spl_col *col = &tr->cols[k];
        names[k] = xstrdup(col->name);
        mv[k] = col->mv;
        if (cont && col == tc) sbuf_printf(&q, "%sg.t AS c%d", k ? ", " : "", k);
        else if (cont) {
            /* count/dc columns of empty buckets are 0 */
            int zero = !strcmp(col->name, "count") || !strncmp(col->name, "count(", 6) || !strncmp(col->name, "dc(", 3) ||
                       !strncmp(col->name, "distinct_count(", 15);
            sbuf_printf(&q, "%s%s%s%s AS c%d", k ? ", " : "", zero ? "coalesce(" : "", col->sql, zero ? ", 0)" : "", k);
        } else {
            sbuf_printf(&q, "%s%s AS c%d", k ? ", " : "", col->sql, k);
        }
    }
    if (cont) sbuf_printf(&q, ", g.t AS o0 FROM g LEFT JOIN %s ON %s = g.t", tr->from, tc->sql);
    else sbuf_printf(&q, ", %s AS o0 FROM %s", tc->sql, tr->from);
    spl_tr_new_level(tr, q.s, names, mv, n);
    spl_tr_clear_ord(tr);
    spl_tr_add_ord_col(tr, "o0", 0);
    tr->events = 0;
    for (int k = 0; k < n; k++) free(names[k]);
    free(names);
    free(mv);
    sbuf_free(&q);
    return 0;
}
