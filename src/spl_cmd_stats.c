/* spl_cmd_stats.c: stats and eventstats. Aggregations (count, dc, sum, avg,
 * min, max, range, values, list, first, last, earliest, latest, median,
 * mode, stdev, var, percN, ...) with AS names and a BY clause. stats
 * replaces the rows with one per group (groups sorted by the BY fields;
 * events lacking a BY field dropped; a multivalue BY field puts the event in
 * each of its values' groups); eventstats adds the group's aggregates to
 * every row (as window functions over the group, so the rows are read once:
 * a level read twice makes SQLite's prepare time double per eventstats). */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_stats(spl_cmd_ctx *c);
int spl_cmd_eventstats(spl_cmd_ctx *c);

enum { K_PLAIN, K_SEQ, K_TIME, K_PERC };

typedef struct agg_def {
    const char *name;   /* as written */
    const char *fn;     /* SQL aggregate */
    int key;            /* second argument */
    int needs_arg;
    int mv;             /* result may be multivalue */
} agg_def;

static const agg_def aggs[] = {
    {"count", "splagg_count", K_PLAIN, 0, 0}, {"c", "splagg_count", K_PLAIN, 0, 0},
    {"dc", "splagg_dc", K_PLAIN, 1, 0}, {"distinct_count", "splagg_dc", K_PLAIN, 1, 0},
    {"estdc", "splagg_dc", K_PLAIN, 1, 0},
    {"sum", "splagg_sum", K_PLAIN, 1, 0}, {"sumsq", "splagg_sumsq", K_PLAIN, 1, 0},
    {"avg", "splagg_avg", K_PLAIN, 1, 0}, {"mean", "splagg_avg", K_PLAIN, 1, 0},
    {"min", "splagg_min", K_PLAIN, 1, 0}, {"max", "splagg_max", K_PLAIN, 1, 0},
    {"range", "splagg_range", K_PLAIN, 1, 0},
    {"values", "splagg_values", K_PLAIN, 1, 1}, {"list", "splagg_list", K_SEQ, 1, 1},
    {"first", "splagg_first", K_SEQ, 1, 0}, {"last", "splagg_last", K_SEQ, 1, 0},
    {"earliest", "splagg_earliest", K_TIME, 1, 0}, {"latest", "splagg_latest", K_TIME, 1, 0},
    {"earliest_time", "splagg_min", K_TIME, 1, 0}, {"latest_time", "splagg_max", K_TIME, 1, 0},
    {"median", "splagg_median", K_PLAIN, 1, 0}, {"mode", "splagg_mode", K_PLAIN, 1, 0},
    {"stdev", "splagg_stdev", K_PLAIN, 1, 0}, {"stdevp", "splagg_stdevp", K_PLAIN, 1, 0},
    {"var", "splagg_var", K_PLAIN, 1, 0}, {"varp", "splagg_varp", K_PLAIN, 1, 0},
    {NULL, NULL, 0, 0, 0},
};

typedef struct agg_item {
    const agg_def *def;
    double perc;
    char *arg;      /* field, NULL for bare count */
    char *as;       /* output name */
    int arg_mv;
    int arg_tok;    /* token index of the field argument */
    size_t eval_off, eval_len; /* agg(eval(expr)): the expression text */
    int has_eval;
} agg_item;

typedef struct stats_spec {
    agg_item *items;
    int n;
    char **by;
    int nby;
    int need_seq;
} stats_spec;

static void spec_free(stats_spec *s)
{
    for (int i = 0; i < s->n; i++) { free(s->items[i].arg); free(s->items[i].as); }
    free(s->items);
    for (int i = 0; i < s->nby; i++) free(s->by[i]);
    free(s->by);
}

/* percN / pN / exactpercN / upperpercN */
static int perc_name(const char *s, size_t n, double *p)
{
    static const char *pre[] = {"exactperc", "upperperc", "perc", "p"};
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(pre[i]);
        if (n > l && !strncasecmp(s, pre[i], l)) {
            char buf[32];
            if (n - l >= sizeof buf) return 0;
            memcpy(buf, s + l, n - l);
            buf[n - l] = 0;
            if (!util_is_number(buf, strlen(buf), p) || *p < 0 || *p > 100) return 0;
            return 1;
        }
    }
    return 0;
}

/* End (exclusive token index) of the name after AS starting at token i: a
 * word directly followed, without spaces, by balanced parentheses and words
 * is one name (values(x) as aceFlags(inheritance)). */
static int as_name_end(const spl_toks *a, int i)
{
    assert(i < a->n);
    if (a->v[i].type != TK_WORD) return i + 1;
    size_t end = a->v[i].off + a->v[i].n;
    int depth = 0, k = i + 1, last = i + 1;
    for (; k < a->n && a->v[k].off == end; k++) {
        int ty = a->v[k].type;
        if (ty == TK_LP) depth++;
        else if (ty == TK_RP) { if (!depth) break; depth--; }
        else if (ty != TK_WORD) break;
        end = a->v[k].off + a->v[k].n;
        if (!depth) last = k + 1;
    }
    return last;
}

static int is_by_field(const stats_spec *sp, const char *name)
{
    for (int b = 0; b < sp->nby; b++)
        if (!strcmp(sp->by[b], name)) return 1;
    return 0;
}

/* agg(pattern) [AS pattern]: one item per existing field the pattern
 * matches, BY fields excepted; '*' does not match internal fields (leading
 * '_') unless the pattern starts with '_'. The AS pattern takes the parts
 * the wildcards matched (values(req.*) AS * names values(req.a) "a");
 * without AS the name is the written one with the field put in (values(a)). */
static int expand_wildcards(spl_cmd_ctx *c, stats_spec *sp)
{
    spl_tr *tr = c->tr;
    agg_item *out = NULL;
    int n = 0, rc = 0;
    for (int k = 0; k < sp->n; k++) {
        agg_item *it = &sp->items[k];
        if (rc || !it->arg || !strchr(it->arg, '*')) {
            out = xrealloc(out, sizeof *out * (size_t)(n + 1));
            out[n++] = *it;
            continue;
        }
        int nsf = 0, nst = 0;
        for (const char *p = it->arg; *p; p++) nsf += *p == '*';
        for (const char *p = it->as; *p; p++) nst += *p == '*';
        if (nst != nsf) {
            rc = spl_arg_error(c, &c->args.v[it->arg_tok], "the AS name must have as many wildcards as the field");
        } else {
            for (int f = 0; f < tr->ncols; f++) {
                const char *name = tr->cols[f].name;
                if (name[0] == '_' && it->arg[0] != '_') continue;
                if (is_by_field(sp, name)) continue;
                char *nn = spl_wild_rename(it->arg, it->as, name);
                if (!nn) continue;
                agg_item x = *it;
                x.arg = xstrdup(name);
                x.as = nn;
                out = xrealloc(out, sizeof *out * (size_t)(n + 1));
                out[n++] = x;
            }
        }
        free(it->arg);
        free(it->as);
    }
    free(sp->items);
    sp->items = out;
    sp->n = n;
    return rc;
}

static int parse_spec(spl_cmd_ctx *c, stats_spec *sp)
{
    static const agg_def perc_def = {"perc", "splagg_perc", K_PERC, 1, 0};
    const spl_toks *a = &c->args;
    int i = 0;
    /* options before the aggregations */
    while (spl_arg_is_option(c, i)) {
        const spl_token *t = &a->v[i];
        /* partitions= is a performance hint only */
        if (spl_tok_is(t, "partitions", 1)) { i += 3; continue; }
        return spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s);
    }
    while (i < a->n) {
        const spl_token *t = &a->v[i];
        if (t->type == TK_COMMA) { i++; continue; }
        if (t->type == TK_WORD && spl_tok_is(t, "by", 1)) break;
        if (t->type != TK_WORD)
            return spl_arg_error(c, t, "expected an aggregation, got '%.*s'", (int)t->n, t->s);
        const agg_def *d = NULL;
        double perc = 0;
        for (const agg_def *x = aggs; x->name && !d; x++)
            if (spl_tok_is(t, x->name, 1)) d = x;
        if (!d && perc_name(t->s, t->n, &perc)) d = &perc_def;
        if (!d && spl_tok_is(t, "sparkline", 1))
            return spl_arg_error(c, t, "sparkline is not supported (it draws a chart in Splunk Web)");
        if (!d) return spl_arg_error(c, t, "unknown aggregation '%.*s'", (int)t->n, t->s);
        agg_item it = {0};
        it.def = d;
        it.perc = perc;
        size_t name_start = t->off, name_end = t->off + t->n;
        i++;
        if (i + 2 < a->n && a->v[i].type == TK_LP && a->v[i].off == name_end &&
            a->v[i + 1].type == TK_WORD && spl_tok_is(&a->v[i + 1], "eval", 1) && a->v[i + 2].type == TK_LP) {
            /* agg(eval(expression)): find the parenthesis closing eval( */
            int depth = 0, k = i + 2;
            for (; k < a->n; k++) {
                if (a->v[k].type == TK_LP) depth++;
                else if (a->v[k].type == TK_RP && --depth == 0) break;
            }
            if (k + 1 >= a->n || a->v[k + 1].type != TK_RP)
                return spl_arg_error(c, &a->v[i + 1], "unbalanced parentheses in %.*s(eval(...))", (int)t->n, t->s);
            it.has_eval = 1;
            it.eval_off = a->v[i + 2].off + 1;
            it.eval_len = a->v[k].off - it.eval_off;
            name_end = a->v[k + 1].off + 1;
            i = k + 2;
        } else if (i < a->n && a->v[i].type == TK_LP && a->v[i].off == name_end) {
            if (i + 2 >= a->n || a->v[i + 2].type != TK_RP ||
                (a->v[i + 1].type != TK_WORD && a->v[i + 1].type != TK_STRING)) {
                const spl_token *bad = i + 1 < a->n ? &a->v[i + 1] : t;
                if (bad->type == TK_WORD && spl_tok_is(bad, "eval", 1))
                    return spl_arg_error(c, bad, "eval() inside an aggregation is not supported");
                return spl_arg_error(c, bad, "expected %s(field)", d->name);
            }
            it.arg = spl_tok_text(&a->v[i + 1]);
            it.arg_tok = i + 1;
            name_end = a->v[i + 2].off + 1;
            i += 3;
        } else if (d->needs_arg) {
            return spl_arg_error(c, t, "%.*s needs a field: %.*s(field)", (int)t->n, t->s, (int)t->n, t->s);
        }
        if (i + 1 < a->n && a->v[i].type == TK_WORD && spl_tok_is(&a->v[i], "as", 1)) {
            i++;
            int k = as_name_end(a, i);
            if (k == i + 1) it.as = spl_tok_text(&a->v[i]);
            else it.as = xstrndup(c->tr->text + a->v[i].off, a->v[k - 1].off + a->v[k - 1].n - a->v[i].off);
            i = k;
        } else if (i < a->n && a->v[i].type == TK_WORD && spl_tok_is(&a->v[i], "as", 1)) {
            free(it.arg);
            return spl_arg_error(c, &a->v[i], "expected a name after AS");
        } else {
            it.as = xstrndup(c->tr->text + name_start, name_end - name_start);
        }
        if (d->key == K_SEQ) sp->need_seq = 1;
        sp->items = xrealloc(sp->items, sizeof *sp->items * (size_t)(sp->n + 1));
        sp->items[sp->n++] = it;
    }
    if (!sp->n) return spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected at least one aggregation");
    if (i < a->n) {
        const spl_token *byt = &a->v[i];
        i++;
        for (; i < a->n; i++) {
            const spl_token *t = &a->v[i];
            if (t->type == TK_COMMA) continue;
            if (t->type != TK_WORD && t->type != TK_STRING)
                return spl_arg_error(c, t, "expected a field name after BY, got '%.*s'", (int)t->n, t->s);
            sp->by = xrealloc(sp->by, sizeof *sp->by * (size_t)(sp->nby + 1));
            sp->by[sp->nby++] = spl_tok_text(t);
        }
        if (!sp->nby) return spl_arg_error(c, byt, "BY needs at least one field");
    }
    if (expand_wildcards(c, sp)) return -1;
    if (!sp->n && !sp->nby) return spl_arg_error(c, NULL, "the wildcard aggregations match no field");
    return 0;
}

/* SQL of the expression of agg(eval(expr)); boolean expressions count
 * only where true */
static int eval_arg_sql(spl_tr *tr, const agg_item *it, sbuf *out)
{
    spl_toks t = {0};
    int rc = spl_lex(tr->text + it->eval_off, it->eval_len, it->eval_off, SPL_LEX_EVAL, &t, tr->err);
    spl_pctx P = {0};
    P.err = tr->err;
    if (!rc) rc = spl_parse_expr(&P, TK_EVAL_START, &t, 0, t.n, it->eval_off + it->eval_len);
    if (!rc && !P.result) rc = spl_tr_error(tr, it->eval_off, "eval() needs an expression");
    if (!rc) {
        int boolean = spl_expr_is_bool(P.result);
        sbuf e = {0};
        int mv = 0;
        rc = spl_expr_sql(tr, P.result, &e, &mv);
        if (!rc) {
            if (boolean) sbuf_printf(out, "CASE WHEN %s THEN 1 END", e.s);
            else sbuf_add(out, e.s);
        }
        sbuf_free(&e);
    }
    spl_pctx_free(&P);
    spl_toks_free(&t);
    return rc;
}

/* SQL for aggregate item over the current level; seq is the order column */
static int agg_sql(spl_tr *tr, const agg_item *it, const char *seq, sbuf *out)
{
    sbuf ev = {0};
    if (it->has_eval) {
        if (eval_arg_sql(tr, it, &ev)) { sbuf_free(&ev); return -1; }
    } else if (!it->arg) {
        sbuf_add(out, "count(*)");
        return 0;
    }
    spl_col *col = it->has_eval ? NULL : spl_tr_col(tr, it->arg);
    const char *x = it->has_eval ? ev.s : col ? col->sql : "NULL";
    if (it->def->key == K_PLAIN) sbuf_printf(out, "%s(%s)", it->def->fn, x);
    else if (it->def->key == K_SEQ) sbuf_printf(out, "%s(%s, %s)", it->def->fn, x, seq);
    else if (it->def->key == K_PERC) {
        sbuf_printf(out, "%s(%s, ", it->def->fn, x);
        spl_tr_bind_num(tr, out, it->perc);
        sbuf_addc(out, ')');
    } else {
        spl_col *tc = spl_tr_col(tr, "_time");
        const char *t = tc ? tc->sql : "NULL";
        if (!strcmp(it->def->name, "earliest_time") || !strcmp(it->def->name, "latest_time"))
            sbuf_printf(out, "%s(CASE WHEN %s IS NOT NULL THEN %s END)", it->def->fn, x, t);
        else
            sbuf_printf(out, "%s(%s, %s)", it->def->fn, x, t);
    }
    sbuf_free(&ev);
    return 0;
}

static const char *prepare_seq(spl_tr *tr, const stats_spec *sp)
{
    if (!sp->need_seq) return "NULL";
    sbuf o = {0};
    sbuf_add(&o, "row_number() OVER (");
    if (tr->nord) {
        sbuf_add(&o, "ORDER BY ");
        spl_tr_order_sql(tr, &o, 0);
    }
    sbuf_add(&o, ") AS sq");
    spl_tr_flush(tr, -1, o.s);
    sbuf_free(&o);
    return "sq";
}

int spl_cmd_stats(spl_cmd_ctx *c)
{
    int rc = 0;
    spl_tr *tr = c->tr;
    stats_spec sp = {0};
    if (parse_spec(c, &sp)) { spec_free(&sp); return -1; }
    const char *seq = prepare_seq(tr, &sp);
    char *seqsql = sp.need_seq ? xasprintf("%s.%s", tr->from, seq) : xstrdup("NULL");
    sbuf q = {0}, from = {0}, where = {0}, group = {0};
    sbuf_add(&from, tr->from);
    if (tr->nwh) sbuf_add(&where, spl_tr_where_sql(tr));
    int ncols = sp.nby + sp.n;
    char **names = xcalloc((size_t)ncols, sizeof *names);
    int *mv = xcalloc((size_t)ncols, sizeof *mv);
    sbuf_add(&q, "SELECT ");
    for (int b = 0; b < sp.nby; b++) {
        spl_col *col = spl_tr_col(tr, sp.by[b]);
        const char *x = col ? col->sql : "NULL";
        char *v;
        if (col && col->mv) {
            sbuf_printf(&from, ", json_each(CASE WHEN typeof(%s)='blob' THEN CAST(%s AS TEXT) ELSE json_array(%s) END) AS by%d",
                        x, x, x, b);
            v = xasprintf("by%d.value", b);
        } else {
            v = xstrdup(x);
        }
        if (where.len) sbuf_add(&where, " AND ");
        sbuf_printf(&where, "%s IS NOT NULL", v);
        sbuf_printf(&q, "%s%s AS c%d", b ? ", " : "", v, b);
        sbuf_printf(&group, "%s%s", b ? ", " : "", v);
        names[b] = sp.by[b];
        free(v);
    }
    for (int k = 0; k < sp.n; k++) {
        sbuf_printf(&q, "%s", (sp.nby || k) ? ", " : "");
        if (agg_sql(tr, &sp.items[k], seqsql, &q)) { rc = -1; break; }
        sbuf_printf(&q, " AS c%d", sp.nby + k);
        names[sp.nby + k] = sp.items[k].as;
        if (sp.items[k].def->mv) mv[sp.nby + k] = 1;
        else if (sp.items[k].def->key == K_SEQ || sp.items[k].def->key == K_TIME) {
            spl_col *col = sp.items[k].arg ? spl_tr_col(tr, sp.items[k].arg) : NULL;
            mv[sp.nby + k] = col ? col->mv : 0;
        }
    }
    sbuf_printf(&q, " FROM %s", from.s);
    if (where.len) sbuf_printf(&q, " WHERE %s", where.s);
    if (group.len) sbuf_printf(&q, " GROUP BY %s", group.s);
    if (rc) goto out;
    /* later names win when a name repeats (count twice) */
    spl_tr_new_level(tr, q.s, names, mv, ncols);
    spl_tr_clear_ord(tr);
    int pos = 0;
    for (int b = 0; b < sp.nby; b++) {
        spl_col *col = spl_tr_col(tr, sp.by[b]);
        if (col) spl_tr_add_sort_ord(tr, col->sql, 0, &pos);
    }
    tr->events = 0;
out:
    free(names);
    free(mv);
    free(seqsql);
    sbuf_free(&q);
    sbuf_free(&from);
    sbuf_free(&where);
    sbuf_free(&group);
    spec_free(&sp);
    return rc;
}

int spl_cmd_eventstats(spl_cmd_ctx *c)
{
    int rc = 0;
    spl_tr *tr = c->tr;
    stats_spec sp = {0};
    if (parse_spec(c, &sp)) { spec_free(&sp); return -1; }
    /* each aggregate as a window over its group: the rows are read once */
    const char *seq = prepare_seq(tr, &sp);
    char *seqsql = sp.need_seq ? xasprintf("%s.%s", tr->from, seq) : xstrdup("NULL");
    sbuf part = {0}, nn = {0};
    for (int b = 0; b < sp.nby; b++) {
        spl_col *col = spl_tr_col(tr, sp.by[b]);
        const char *x = col ? col->sql : "NULL";
        sbuf_printf(&part, "%s%s", b ? ", " : "", x);
        sbuf_printf(&nn, "%s%s IS NOT NULL", b ? " AND " : "", x);
    }
    char **sql = xcalloc((size_t)sp.n + 1, sizeof *sql);
    for (int k = 0; k < sp.n && !rc; k++) {
        sbuf e = {0}, w = {0};
        if (agg_sql(tr, &sp.items[k], seqsql, &e)) { rc = -1; sbuf_free(&e); break; }
        if (sp.nby) sbuf_printf(&w, "CASE WHEN %s THEN %s OVER (PARTITION BY %s) END", nn.s, e.s, part.s);
        else sbuf_printf(&w, "%s OVER ()", e.s);
        sql[k] = sbuf_detach(&w);
        sbuf_free(&e);
    }
    if (!rc) {
        /* set after computing all, so every aggregate sees the input fields */
        for (int k = 0; k < sp.n; k++) spl_tr_set(tr, sp.items[k].as, sql[k], sp.items[k].def->mv);
        /* window functions cannot appear in a later WHERE: materialize */
        spl_tr_flush(tr, -1, NULL);
    }
    for (int k = 0; k < sp.n; k++) free(sql[k]);
    free(sql);
    free(seqsql);
    sbuf_free(&part);
    sbuf_free(&nn);
    spec_free(&sp);
    return rc;
}
