/* spl_cmd_streamstats.c: streamstats: running aggregates in result order,
 * per BY group: count, dc, sum, avg, min, max, range, values, list,
 * first, last, earliest, latest, stdev, var... [AS name]. Options:
 * window=N (the last N results; with BY and global=true, the default, the
 * group's results among the last N of all; global=false: the group's last
 * N), time_window=SPAN (the results within SPAN of the current one's _time;
 * they must come in time order), current=true|false (include the result
 * itself), reset_on_change=bool (start again when a BY value differs from
 * the previous result's), reset_before="(expr)" / reset_after="(expr)"
 * (start again before / after a result where expr holds). Results lacking
 * a BY field get no aggregates. Built on SQLite
 * window functions: the splwin_* aggregates (sqlfn_window.c) over
 * OVER (PARTITION BY ... ORDER BY <result order> ROWS ...). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_streamstats(spl_cmd_ctx *c);

static int truthy(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1") || !strcasecmp(v, "yes");
}

static int boolean(const char *v, int *out)
{
    if (truthy(v)) { *out = 1; return 0; }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "f") || !strcmp(v, "0") || !strcasecmp(v, "no")) { *out = 0; return 0; }
    return -1;
}

/* time_window's <int><timescale>: seconds; a bare number is seconds.
 * Months and years have no fixed length: refused. */
static int time_span(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0 || v > 1e12) return -1;
    static const struct { const char *u; double secs; } units[] = {
        {"", 1}, {"s", 1}, {"sec", 1}, {"secs", 1}, {"second", 1}, {"seconds", 1},
        {"m", 60}, {"min", 60}, {"mins", 60}, {"minute", 60}, {"minutes", 60},
        {"h", 3600}, {"hr", 3600}, {"hrs", 3600}, {"hour", 3600}, {"hours", 3600},
        {"d", 86400}, {"day", 86400}, {"days", 86400},
        {"w", 604800}, {"week", 604800}, {"weeks", 604800},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(end, units[i].u)) { *out = v * units[i].secs; return 0; }
    return -1;
}

typedef struct ss_item {
    const char *fn;  /* splwin_* */
    int mv;          /* result may be a multivalue: 1, or that of the field: 2 */
    char *arg, *as;
} ss_item;

static const struct { const char *name, *fn; int needs_arg, mv; } ss_fns[] = {
    {"count", "splwin_count", 0, 0}, {"c", "splwin_count", 0, 0},
    {"dc", "splwin_dc", 1, 0}, {"distinct_count", "splwin_dc", 1, 0}, {"estdc", "splwin_dc", 1, 0},
    {"sum", "splwin_sum", 1, 0}, {"sumsq", "splwin_sumsq", 1, 0},
    {"avg", "splwin_avg", 1, 0}, {"mean", "splwin_avg", 1, 0},
    {"min", "splwin_min", 1, 0}, {"max", "splwin_max", 1, 0}, {"range", "splwin_range", 1, 0},
    {"stdev", "splwin_stdev", 1, 0}, {"stdevp", "splwin_stdevp", 1, 0},
    {"var", "splwin_var", 1, 0}, {"varp", "splwin_varp", 1, 0},
    {"values", "splwin_values", 1, 1}, {"list", "splwin_list", 1, 1},
    {"first", "splwin_first", 1, 2}, {"last", "splwin_last", 1, 2},
    {"earliest", "splwin_earliest", 1, 2}, {"latest", "splwin_latest", 1, 2},
    {NULL, NULL, 0, 0},
};

typedef struct ss_opts {
    long window;
    double time_window;
    int current, global;
    const spl_token *time_tok;
    int reset_on_change;
    char *reset_before, *reset_after; /* eval expressions, or NULL */
    const spl_token *before_tok, *after_tok;
} ss_opts;

static int parse_options(spl_cmd_ctx *c, int *ip, ss_opts *o)
{
    const spl_toks *a = &c->args;
    int i = *ip, rc = 0;
    double d;
    while (i < a->n && spl_arg_is_option(c, i) && !rc) {
        char *v = NULL;
        const spl_token *val = &a->v[i + 2];
        if (spl_arg_option(c, i, "window", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0 || d != floor(d))
                rc = spl_arg_error(c, val, "window must be a whole number of results");
            else o->window = util_clamp_long(d);
        } else if (spl_arg_option(c, i, "time_window", &v)) {
            o->time_tok = val;
            if (time_span(v, &o->time_window))
                rc = spl_arg_error(c, val, "time_window must be a span such as 30s, 5m, 1h or 1d, not '%s'", v);
        } else if (spl_arg_option(c, i, "current", &v)) {
            if (boolean(v, &o->current)) rc = spl_arg_error(c, val, "current must be true or false");
        } else if (spl_arg_option(c, i, "global", &v)) {
            if (boolean(v, &o->global)) rc = spl_arg_error(c, val, "global must be true or false");
        } else if (spl_arg_option(c, i, "reset_on_change", &v)) {
            if (boolean(v, &o->reset_on_change)) rc = spl_arg_error(c, val, "reset_on_change must be true or false");
        } else if (spl_arg_option(c, i, "reset_before", &v)) {
            free(o->reset_before);
            o->reset_before = v;
            o->before_tok = val;
            v = NULL;
        } else if (spl_arg_option(c, i, "reset_after", &v)) {
            free(o->reset_after);
            o->reset_after = v;
            o->after_tok = val;
            v = NULL;
        } else {
            rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s);
        }
        free(v);
        i += 3;
    }
    *ip = i;
    return rc;
}

static int parse_items(spl_cmd_ctx *c, int *ip, ss_item **items, int *n)
{
    const spl_toks *a = &c->args;
    int i = *ip;
    while (i < a->n) {
        const spl_token *t = &a->v[i];
        if (t->type == TK_COMMA) { i++; continue; }
        if (spl_tok_is(t, "by", 1)) break;
        int k = 0;
        while (ss_fns[k].name && !spl_tok_is(t, ss_fns[k].name, 1)) k++;
        if (!ss_fns[k].name)
            return spl_arg_error(c, t, "aggregation '%.*s' is not supported by streamstats", (int)t->n, t->s);
        ss_item it = {ss_fns[k].fn, ss_fns[k].mv, NULL, NULL};
        size_t ns = t->off, ne = t->off + t->n;
        i++;
        if (i + 2 < a->n && a->v[i].type == TK_LP && a->v[i + 2].type == TK_RP &&
            (a->v[i + 1].type == TK_WORD || a->v[i + 1].type == TK_STRING)) {
            it.arg = spl_tok_text(&a->v[i + 1]);
            ne = a->v[i + 2].off + 1;
            i += 3;
        } else if (i < a->n && a->v[i].type == TK_LP) {
            return spl_arg_error(c, i + 1 < a->n ? &a->v[i + 1] : t, "expected %s(field)", ss_fns[k].name);
        } else if (ss_fns[k].needs_arg) {
            return spl_arg_error(c, t, "%.*s needs a field", (int)t->n, t->s);
        }
        if (i + 1 < a->n && spl_tok_is(&a->v[i], "as", 1)) { it.as = spl_tok_text(&a->v[i + 1]); i += 2; }
        else if (i < a->n && spl_tok_is(&a->v[i], "as", 1)) { free(it.arg); return spl_arg_error(c, &a->v[i], "expected a name after AS"); }
        else it.as = xstrndup(c->tr->text + ns, ne - ns);
        *items = xrealloc(*items, sizeof **items * (size_t)(*n + 1));
        (*items)[(*n)++] = it;
    }
    *ip = i;
    return 0;
}

/* The SQL of a reset_before=/reset_after= eval expression (the option's
 * text, "(expr)" or expr) as 1 where it holds, else 0. */
static int reset_sql(spl_cmd_ctx *c, const char *text, const spl_token *tok, sbuf *out)
{
    spl_tr *tr = c->tr;
    spl_toks t = {0};
    spl_pctx P = {0};
    P.err = tr->err;
    int rc = spl_lex(text, strlen(text), tok->off, SPL_LEX_EVAL, &t, tr->err);
    if (!rc) rc = spl_parse_expr(&P, TK_EVAL_START, &t, 0, t.n, tok->off + tok->n);
    if (!rc && !P.result) rc = spl_arg_error(c, tok, "expected an eval expression");
    sbuf e = {0};
    int mv = 0;
    if (!rc) rc = spl_expr_sql(tr, P.result, &e, &mv);
    if (!rc) sbuf_printf(out, "(CASE WHEN (%s) THEN 1 ELSE 0 END)", e.s);
    sbuf_free(&e);
    spl_pctx_free(&P);
    spl_toks_free(&t);
    return rc;
}

/* Resets: a segment number (running count of resets in result order) as
 * the level's column ss_seg; aggregates then restart in each segment.
 * reset_on_change: a BY value differs from the previous result's;
 * reset_before: the result's expression holds; reset_after: the previous
 * result's expression held. */
static int add_segments(spl_cmd_ctx *c, const ss_opts *o, char **by, int nby, char **seg)
{
    spl_tr *tr = c->tr;
    sbuf ord = {0}, flag = {0}, x = {0};
    int rc = 0;
    if (tr->nord) {
        sbuf_add(&ord, "ORDER BY ");
        spl_tr_order_sql(tr, &ord, 0);
    }
    sbuf_add(&flag, "(0");
    if (o->reset_on_change)
        for (int b = 0; b < nby; b++) {
            spl_col *col = spl_tr_col(tr, by[b]);
            const char *v = col ? col->sql : "NULL";
            sbuf_printf(&flag, " OR (row_number() OVER (%s) > 1 AND lag(%s) OVER (%s) IS NOT %s)", ord.s ? ord.s : "", v,
                        ord.s ? ord.s : "", v);
        }
    if (!rc && o->reset_before) {
        sbuf_add(&flag, " OR ");
        rc = reset_sql(c, o->reset_before, o->before_tok, &flag);
    }
    if (!rc && o->reset_after) {
        sbuf e = {0};
        rc = reset_sql(c, o->reset_after, o->after_tok, &e);
        if (!rc) sbuf_printf(&flag, " OR coalesce(lag(%s) OVER (%s), 0)", e.s, ord.s ? ord.s : "");
        sbuf_free(&e);
    }
    sbuf_addc(&flag, ')');
    if (!rc) {
        sbuf_printf(&x, "CASE WHEN %s THEN 1 ELSE 0 END AS ss_flag", flag.s);
        spl_tr_flush(tr, -1, x.s);
        sbuf_reset(&ord);
        if (tr->nord) {
            sbuf_add(&ord, "ORDER BY ");
            spl_tr_order_sql(tr, &ord, 0);
        }
        sbuf_reset(&x);
        sbuf_printf(&x, "sum(%s.ss_flag) OVER (%s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ss_seg", tr->from,
                    ord.s ? ord.s : "");
        spl_tr_flush(tr, -1, x.s);
        *seg = xasprintf("%s.ss_seg", tr->from);
    }
    sbuf_free(&ord);
    sbuf_free(&flag);
    sbuf_free(&x);
    return rc;
}

int spl_cmd_streamstats(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    ss_opts o = {0, 0, 1, 1, NULL, 0, NULL, NULL, NULL, NULL};
    char *seg = NULL;
    int rc = 0, i = 0, n = 0, nby = 0;
    ss_item *items = NULL;
    char **by = NULL;
    rc = parse_options(c, &i, &o);
    if (!rc) rc = parse_items(c, &i, &items, &n);
    if (!rc && i < a->n) {
        for (i++; i < a->n; i++) {
            if (a->v[i].type == TK_COMMA) continue;
            by = xrealloc(by, sizeof *by * (size_t)(nby + 1));
            by[nby++] = spl_tok_text(&a->v[i]);
        }
        if (!nby) rc = spl_arg_error(c, NULL, "BY needs at least one field");
    }
    if (!rc && !n) rc = spl_arg_error(c, NULL, "expected at least one aggregation");
    spl_col *tcol = rc ? NULL : spl_tr_col(tr, "_time");
    if (!rc && o.time_window > 0 && !tcol)
        rc = spl_arg_error(c, o.time_tok, "time_window needs _time, and the results have none");
    if (!rc && ((o.reset_on_change && nby) || o.reset_before || o.reset_after)) {
        rc = add_segments(c, &o, by, nby, &seg);
        tcol = spl_tr_col(tr, "_time");
    }
    if (!rc) {
        /* global=true window=N by ...: the last N results of all, counted
         * by their position in the result order (computed first) */
        int by_pos = o.window > 0 && o.global && nby;
        char *pos = NULL;
        if (by_pos) {
            sbuf rn = {0};
            sbuf_add(&rn, "row_number() OVER (");
            if (tr->nord) {
                sbuf_add(&rn, "ORDER BY ");
                spl_tr_order_sql(tr, &rn, 0);
            }
            sbuf_add(&rn, ") AS ss_pos");
            spl_tr_flush(tr, -1, rn.s);
            sbuf_free(&rn);
            pos = xasprintf("%s.ss_pos", tr->from);
            tcol = spl_tr_col(tr, "_time");
        }
        /* the window clause, in result order; window=N without by_pos is
         * SQLite's frame (rows leave through the aggregates' xInverse) */
        sbuf w = {0}, nn = {0};
        sbuf_add(&w, "OVER (");
        if (nby || seg) {
            sbuf_add(&w, "PARTITION BY ");
            if (seg) sbuf_printf(&w, "%s%s", seg, nby ? ", " : "");
            for (int b = 0; b < nby; b++) {
                spl_col *col = spl_tr_col(tr, by[b]);
                sbuf_printf(&w, "%s%s", b ? ", " : "", col ? col->sql : "NULL");
                sbuf_printf(&nn, "%s%s IS NOT NULL", b ? " AND " : "", col ? col->sql : "NULL");
            }
            sbuf_addc(&w, ' ');
        }
        if (tr->nord) {
            sbuf_add(&w, "ORDER BY ");
            spl_tr_order_sql(tr, &w, 0);
        }
        if (o.window > 0 && !by_pos)
            sbuf_printf(&w, " ROWS BETWEEN %ld PRECEDING AND CURRENT ROW)", o.current ? o.window - 1 : o.window);
        else
            sbuf_add(&w, " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
        for (int k = 0; k < n; k++) {
            sbuf s = {0};
            spl_col *col = items[k].arg ? spl_tr_col(tr, items[k].arg) : NULL;
            const char *x = items[k].arg ? (col ? col->sql : "NULL") : "1";
            if (nby) sbuf_printf(&s, "CASE WHEN %s THEN ", nn.s);
            sbuf_printf(&s, "%s(%s, %s, ", items[k].fn, x, tcol ? tcol->sql : "NULL");
            spl_tr_bind_num(tr, &s, o.time_window);
            sbuf_printf(&s, ", %s, ", pos ? pos : "NULL");
            /* pos_window: the global window's size, or -1 when no row ever
             * leaves (the aggregates then keep only what they need) */
            spl_tr_bind_num(tr, &s, by_pos ? (double)o.window + !o.current : (o.window > 0 || o.time_window > 0) ? 0 : -1);
            sbuf_printf(&s, ", %d) %s", o.current, w.s);
            if (nby) sbuf_add(&s, " END");
            if (items[k].mv == 2) items[k].mv = col ? col->mv : 0;
            free(items[k].arg);
            items[k].arg = sbuf_detach(&s);
        }
        /* set after computing all, so every aggregate sees the input
         * fields; window functions cannot sit in a later WHERE: materialize */
        for (int k = 0; k < n; k++) spl_tr_set(tr, items[k].as, items[k].arg, items[k].mv);
        spl_tr_flush(tr, -1, NULL);
        sbuf_free(&w);
        sbuf_free(&nn);
        free(pos);
    }
    for (int k = 0; k < n; k++) { free(items[k].arg); free(items[k].as); }
    free(items);
    free(seg);
    free(o.reset_before);
    free(o.reset_after);
    for (int b = 0; b < nby; b++) free(by[b]);
    free(by);
    return rc;
}
