/* spl_cmd_transaction.c: transaction [field ...] [maxspan=T] [maxpause=T]
 * [maxevents=N] [startswith=F] [endswith=F] [connected=B] [mvlist=B]
 * [keepevicted=B], F being ( search ), "search", eval(expression) or
 * one search term.
 * Events with the same values of the fields (all present) are read newest
 * first, as Splunk reads them; a new transaction begins at the newest
 * event, at an event matching endswith, before (older than) an event
 * matching startswith, at a gap longer than maxpause, when the event is
 * more than maxspan before the transaction's newest event, or when the
 * transaction already has maxevents events (default 1000, negative: no
 * limit). A transaction is kept when (with startswith) its first event
 * matches it and (with endswith) its last event matches it; keepevicted=true
 * keeps the others too, with closed_txn 0 (1 for a kept one when
 * maxevents, maxpause, maxspan or startswith was given). Each gives one
 * result: the fields, _time of its first event, duration (last - first,
 * seconds), eventcount, _raw (the events' _raw in time order, one per line)
 * and every other field as the set of its values (as stats values() gives
 * them; mvlist=true: every value in time order, as list() gives them);
 * newest transaction first.
 * Transaction ids come from the window function spl_txn_id, an ordered
 * walk over each group (registered by spl_txn_register). Simplification:
 * events are grouped by the exact values of all the fields (connected= has
 * no effect); which transactions Splunk counts as closed is approximated. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_transaction(spl_cmd_ctx *c);
void spl_txn_register(sqlite3 *db);

/* ---- the window function ---- */
typedef struct txn_state {
    double last, prev; /* the open transaction's newest event; the previous event */
    sqlite3_int64 id, count;
    int inited, prev_start;
} txn_state;

/* spl_txn_id(t, is_start, is_end, maxspan, maxpause, maxevents) OVER
 * (PARTITION BY ... ORDER BY t DESC ROWS UNBOUNDED PRECEDING): the
 * transaction number. Events come newest first, as Splunk reads them: an
 * event opens a new transaction when it matches endswith, when the newer
 * event before it matched startswith, or when joining the open one would
 * break maxpause, maxspan or maxevents (a negative limit is no limit). */
static void txn_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    txn_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
    if (!s) return;
    double t = sqlite3_value_double(argv[0]);
    int is_start = sqlite3_value_int(argv[1]), is_end = sqlite3_value_int(argv[2]);
    double maxspan = sqlite3_value_double(argv[3]), maxpause = sqlite3_value_double(argv[4]);
    sqlite3_int64 maxevents = sqlite3_value_int64(argv[5]);
    int fresh = !s->inited || is_end || s->prev_start || (maxpause >= 0 && s->prev - t > maxpause) ||
                (maxspan >= 0 && s->last - t > maxspan) || (maxevents >= 0 && s->count >= maxevents);
    if (fresh) {
        s->id++;
        s->last = t;
        s->count = 0;
    }
    s->count++;
    s->prev = t;
    s->prev_start = is_start;
    s->inited = 1;
}

static void txn_value(sqlite3_context *ctx)
{
    txn_state *s = sqlite3_aggregate_context(ctx, 0);
    sqlite3_result_int64(ctx, s ? s->id : 0);
}

static void txn_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    /* frames start at the partition's first row: never called */
    (void)argc;
    (void)argv;
    (void)ctx;
}

void spl_txn_register(sqlite3 *db)
{
    sqlite3_create_window_function(db, "spl_txn_id", 6, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL, txn_step, txn_value,
                                   txn_value, txn_inverse, NULL);
}

/* ---- the command ---- */
static int parse_time_span(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return v == -1 && end != s ? (*out = -1, 0) : -1;
    const char *u = end;
    double mul = 1;
    if (!*u || !strcasecmp(u, "s") || !strcasecmp(u, "sec") || !strcasecmp(u, "secs")) mul = 1;
    else if (!strcasecmp(u, "m") || !strcasecmp(u, "min") || !strcasecmp(u, "mins")) mul = 60;
    else if (!strcasecmp(u, "h") || !strcasecmp(u, "hr") || !strcasecmp(u, "hrs")) mul = 3600;
    else if (!strcasecmp(u, "d") || !strcasecmp(u, "day") || !strcasecmp(u, "days")) mul = 86400;
    else return -1;
    *out = v * mul;
    return 0;
}

/* SQL of a search given as text (the inside of a quoted startswith=),
 * positions counted from off */
static int cond_text(spl_cmd_ctx *c, const char *text, size_t n, size_t off, int eval, sbuf *out)
{
    spl_toks t = {0};
    spl_pctx P = {0};
    P.err = c->tr->err;
    int rc = spl_lex(text, n, off, eval ? SPL_LEX_EVAL : SPL_LEX_SEARCH, &t, c->tr->err);
    if (!rc) rc = spl_parse_expr(&P, eval ? TK_EVAL_START : TK_SEARCH_START, &t, 0, t.n, off + n);
    if (!rc && !P.result) rc = spl_tr_error(c->tr, off, "transaction: empty condition");
    if (!rc && eval) {
        int mv = 0;
        rc = spl_expr_sql(c->tr, P.result, out, &mv);
    } else if (!rc) {
        rc = spl_search_sql(c->tr, P.result, out, 0);
    }
    spl_pctx_free(&P);
    spl_toks_free(&t);
    return rc;
}

/* startswith=( search ), ="search", =eval(expression) or =term: the
 * condition SQL; *i advanced to the option's last token */
static int cond_arg(spl_cmd_ctx *c, int *i, sbuf *out)
{
    const spl_toks *a = &c->args;
    int k = *i + 2;
    if (k < a->n && a->v[k].type == TK_STRING) {
        char *q = spl_tok_text(&a->v[k]);
        int rc = cond_text(c, q, strlen(q), a->v[k].off + 1, 0, out);
        free(q);
        *i = k;
        return rc;
    }
    if (k + 1 < a->n && a->v[k].type == TK_WORD && spl_tok_is(&a->v[k], "eval", 1) && a->v[k + 1].type == TK_LP) {
        int depth = 0, e = k + 1;
        for (; e < a->n; e++) {
            if (a->v[e].type == TK_LP) depth++;
            if (a->v[e].type == TK_RP && --depth == 0) break;
        }
        if (e >= a->n) return spl_arg_error(c, &a->v[k + 1], "missing ')'");
        size_t from = a->v[k + 1].off + 1, to = a->v[e].off;
        assert(from >= c->argoff && to <= c->argoff + c->arglen && from <= to);
        *i = e;
        return cond_text(c, c->argtext + (from - c->argoff), to - from, from, 1, out);
    }
    if (k < a->n && a->v[k].type == TK_WORD) {
        spl_pctx P = {0};
        int rc = spl_cmd_parse_search(c, k, k + 1, &P);
        if (!rc && !P.result) rc = spl_arg_error(c, &a->v[k], "empty condition");
        if (!rc) rc = spl_search_sql(c->tr, P.result, out, 0);
        spl_pctx_free(&P);
        *i = k;
        return rc;
    }
    if (k < a->n && a->v[k].type == TK_LP) {
        int depth = 0, e = k;
        for (; e < a->n; e++) {
            if (a->v[e].type == TK_LP) depth++;
            if (a->v[e].type == TK_RP && --depth == 0) break;
        }
        if (e >= a->n) return spl_arg_error(c, &a->v[k], "missing ')'");
        spl_pctx P = {0};
        int rc = spl_cmd_parse_search(c, k + 1, e, &P);
        if (!rc && !P.result) rc = spl_arg_error(c, &a->v[k], "empty condition");
        if (!rc) rc = spl_search_sql(c->tr, P.result, out, 0);
        spl_pctx_free(&P);
        *i = e;
        return rc;
    }
    return spl_arg_error(c, &a->v[*i], "%.*s= needs ( search ), \"search\", eval(expression) or a term", (int)a->v[*i].n,
                         a->v[*i].s);
}

int spl_cmd_transaction(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    double maxspan = -1, maxpause = -1;
    long maxevents = 1000; /* Splunk's default */
    char **keys = NULL;
    int nkeys = 0, rc = 0, mvlist = 0, keepevicted = 0, maxevents_given = 0;
    sbuf scond = {0}, econd = {0};
    /* conditions refer to the rows as they are before the transaction */
    spl_tr_flush(tr, -1, NULL);
    for (int i = 0; i < a->n && !rc; i++) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (t->type == TK_COMMA) continue;
        if (i + 1 < a->n && a->v[i + 1].type == TK_EQ && t->type == TK_WORD &&
            (spl_tok_is(t, "startswith", 1) || spl_tok_is(t, "endswith", 1))) {
            sbuf *dst = spl_tok_is(t, "startswith", 1) ? &scond : &econd;
            sbuf_reset(dst);
            rc = cond_arg(c, &i, dst);
            continue;
        }
        if (spl_arg_option(c, i, "maxspan", &v) || spl_arg_option(c, i, "maxpause", &v)) {
            double d;
            if (parse_time_span(v, &d)) rc = spl_arg_error(c, &a->v[i + 2], "expected a time span such as 30s, 5m or 2h");
            else if (spl_tok_is(t, "maxspan", 1)) maxspan = d;
            else maxpause = d;
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "maxevents", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d == 0) rc = spl_arg_error(c, &a->v[i + 2], "maxevents must be a number, not 0");
            else maxevents = d < 0 ? -1 : util_clamp_long(d);
            maxevents_given = 1;
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "connected", &v) ||
            spl_arg_option(c, i, "maxopentxn", &v) || spl_arg_option(c, i, "maxopenevents", &v)) {
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "keepevicted", &v) || spl_arg_option(c, i, "mvlist", &v)) {
            int on = !strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1");
            free(v);
            if (spl_tok_is(t, "mvlist", 1)) mvlist = on;
            else keepevicted = on;
            i += 2;
            continue;
        }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, t, "option '%.*s' is not supported", (int)t->n, t->s); break; }
        if (t->type == TK_WORD || t->type == TK_STRING) {
            keys = xrealloc(keys, sizeof *keys * (size_t)(nkeys + 1));
            keys[nkeys++] = spl_tok_text(t);
            continue;
        }
        rc = spl_arg_error(c, t, "unexpected '%.*s'", (int)t->n, t->s);
    }
    if (rc) goto out;
    {
        spl_col *tc = spl_tr_col(tr, "_time");
        spl_col *rawc = spl_tr_col(tr, "_raw");
        const char *tsql = tc ? tc->sql : "NULL";
        /* level 1: rows with their transaction id */
        sbuf part = {0}, keep = {0}, l1 = {0};
        for (int k = 0; k < nkeys; k++) {
            spl_col *kc = spl_tr_col(tr, keys[k]);
            sbuf_printf(&part, "%s%s", k ? ", " : "", kc ? kc->sql : "NULL");
            sbuf_printf(&keep, "%s%s IS NOT NULL", k ? " AND " : "", kc ? kc->sql : "NULL");
        }
        sbuf_add(&l1, "SELECT ");
        for (int i = 0; i < tr->ncols; i++) sbuf_printf(&l1, "%s AS c%d, ", tr->cols[i].sql, i);
        sbuf_printf(&l1, "%s AS tt, coalesce((%s), 0) AS ts, coalesce((%s), 0) AS te, spl_txn_id(%s, coalesce((%s), 0), "
                         "coalesce((%s), 0), ",
                    tsql, scond.len ? scond.s : "0", econd.len ? econd.s : "0", tsql, scond.len ? scond.s : "0",
                    econd.len ? econd.s : "0");
        spl_tr_bind_num(tr, &l1, maxspan);
        sbuf_add(&l1, ", ");
        spl_tr_bind_num(tr, &l1, maxpause);
        sbuf_printf(&l1, ", %ld) OVER (", maxevents);
        if (nkeys) sbuf_printf(&l1, "PARTITION BY %s ", part.s);
        sbuf_printf(&l1, "ORDER BY %s DESC", tsql);
        if (tr->nord) { sbuf_add(&l1, ", "); spl_tr_order_sql(tr, &l1, 1); }
        sbuf_printf(&l1, " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS txn FROM %s", tr->from);
        if (nkeys) sbuf_printf(&l1, " WHERE %s", keep.s);
        char *l1name = spl_tr_next_cte(tr);
        sbuf_printf(&tr->ctes, "%s%s AS (%s)", tr->ctes.len ? ",\n" : "", l1name, l1.s);
        tr->nlevels++;
        /* level 2: one row per transaction */
        int cap = tr->ncols + 4, n = 0;
        char **names = xcalloc((size_t)cap, sizeof *names);
        int *mv = xcalloc((size_t)cap, sizeof *mv);
        sbuf q = {0}, grp = {0};
        sbuf_add(&q, "SELECT ");
        for (int i = 0; i < tr->ncols; i++) {
            const char *nm = tr->cols[i].name;
            int is_key = 0;
            for (int k = 0; k < nkeys; k++) is_key |= !strcmp(keys[k], nm);
            if (is_key) {
                sbuf_printf(&q, "%sc%d AS c%d", n ? ", " : "", i, n);
                sbuf_printf(&grp, "c%d, ", i);
                mv[n] = tr->cols[i].mv;
            } else if (!strcmp(nm, "_time")) {
                sbuf_printf(&q, "%smin(tt) AS c%d", n ? ", " : "", n);
            } else if (&tr->cols[i] == rawc) {
                sbuf_printf(&q, "%sgroup_concat(c%d, char(10)) AS c%d", n ? ", " : "", i, n);
            } else {
                /* mvlist=true: every value in time order; else the set */
                sbuf_printf(&q, "%s%s(c%d) AS c%d", n ? ", " : "", mvlist ? "spl_list" : "spl_values", i, n);
                mv[n] = 1;
            }
            names[n++] = xstrdup(nm);
        }
        if (!tc) { sbuf_printf(&q, "%smin(tt) AS c%d", n ? ", " : "", n); names[n++] = xstrdup("_time"); }
        sbuf_printf(&q, "%smax(tt) - min(tt) AS c%d", n ? ", " : "", n);
        names[n++] = xstrdup("duration");
        sbuf_printf(&q, ", count(*) AS c%d", n);
        names[n++] = xstrdup("eventcount");
        /* complete: the first event matches startswith, the last endswith */
        sbuf done = {0};
        if (scond.len) sbuf_add(&done, "min(CASE WHEN ts THEN tt END) = min(tt)");
        if (econd.len) sbuf_printf(&done, "%smax(CASE WHEN te THEN tt END) = max(tt)", done.len ? " AND " : "");
        if (keepevicted) {
            /* closed_txn: 1 for a complete transaction when a condition
             * that closes one (maxevents, maxpause, maxspan, startswith)
             * was given, else 0 (Splunk: "all transactions have 0" without
             * such a condition) */
            int closing = maxevents_given || maxpause >= 0 || maxspan >= 0 || scond.len;
            if (closing && done.len) sbuf_printf(&q, ", CASE WHEN %s THEN 1 ELSE 0 END AS c%d", done.s, n);
            else sbuf_printf(&q, ", %d AS c%d", closing ? 1 : 0, n);
            names[n++] = xstrdup("closed_txn");
        }
        const char *g = grp.s ? grp.s : "";
        sbuf_printf(&q, ", min(tt) AS o0 FROM (SELECT * FROM %s ORDER BY %stxn, tt) GROUP BY %stxn", l1name, g, g);
        if (done.len && !keepevicted) sbuf_printf(&q, " HAVING %s", done.s);
        sbuf_free(&done);
        spl_tr_new_level(tr, q.s, names, mv, n);
        spl_tr_clear_ord(tr);
        spl_tr_add_ord_col(tr, "o0", 1);
        tr->events = 0;
        for (int i = 0; i < n; i++) free(names[i]);
        free(names);
        free(mv);
        free(l1name);
        sbuf_free(&q);
        sbuf_free(&grp);
        sbuf_free(&part);
        sbuf_free(&keep);
        sbuf_free(&l1);
    }
out:
    sbuf_free(&scond);
    sbuf_free(&econd);
    for (int k = 0; k < nkeys; k++) free(keys[k]);
    free(keys);
    return rc;
}
