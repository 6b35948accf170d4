/* spl_cmd_tstats.c: tstats over the CIM data models of datamodels/ (and
 * over indexed fields when no data model is named):
 *
 *   | tstats [options] aggregations... [from datamodel=Model.Dataset]
 *            [where <search expression>] [by fields... [span=N]]
 *
 * This file parses the command, picks the data set (nodename= in where
 * picks a child), asks spl_dm_rows.c for the rows of the fields the query
 * names, then applies the where clause (search semantics), fillnull_value
 * (null by-fields get the value; Splunk otherwise drops such rows), span=
 * on _time (the bin command) and the aggregation (the stats command).
 * Fields are named like Splunk's (Processes.process_name); prestats=true is
 * not supported. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "datamodel.h"
#include "spl_int.h"

int spl_cmd_tstats(spl_cmd_ctx *c);
int spl_cmd_from(spl_cmd_ctx *c);
int spl_cmd_datamodel(spl_cmd_ctx *c);
int spl_cmd_stats(spl_cmd_ctx *c);
int spl_cmd_bin(spl_cmd_ctx *c);

/* ---- the tstats command ---- */
typedef struct ts_args {
    int agg_from, agg_to;   /* aggregation tokens */
    char *dm;               /* Model.Dataset, NULL: indexed fields of events */
    int where_from, where_to;
    int by_tok;             /* index of BY, -1 */
    int by_from, by_to;
    char *fillnull;         /* fillnull_value */
    int span_tok;           /* index of span=, -1 */
} ts_args;

static int tok_word(const spl_token *t, const char *w)
{
    return t->type == TK_WORD && spl_tok_is(t, w, 1);
}

static int parse_args(spl_cmd_ctx *c, ts_args *a)
{
    const spl_toks *t = &c->args;
    static const char *const ignored[] = {"summariesonly", "allow_old_summaries", "local", "chunk_size",
                                          "include_reduced_buckets", "append", NULL};
    memset(a, 0, sizeof *a);
    a->by_tok = -1;
    a->span_tok = -1;
    int i = 0;
    while (spl_arg_is_option(c, i)) {
        const spl_token *o = &t->v[i];
        char *v = spl_tok_text(&t->v[i + 2]);
        int known = 0;
        for (int k = 0; ignored[k]; k++) known |= spl_tok_is(o, ignored[k], 1);
        if (spl_tok_is(o, "fillnull_value", 1)) {
            free(a->fillnull);
            a->fillnull = v;
            v = NULL;
            known = 1;
        } else if (spl_tok_is(o, "prestats", 1)) {
            known = 1;
            if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "t")) {
                free(v);
                return spl_arg_error(c, o, "prestats=true is not supported (its output is only for a later chart/stats)");
            }
        }
        free(v);
        if (!known) return spl_arg_error(c, o, "unknown option '%.*s'", (int)o->n, o->s);
        i += 3;
    }
    a->agg_from = i;
    while (i < t->n && !tok_word(&t->v[i], "from") && !tok_word(&t->v[i], "where") && !tok_word(&t->v[i], "by")) i++;
    a->agg_to = i;
    if (a->agg_to == a->agg_from) return spl_arg_error(c, i < t->n ? &t->v[i] : NULL, "expected at least one aggregation");
    if (i < t->n && tok_word(&t->v[i], "from")) {
        i++;
        if (i + 2 < t->n && tok_word(&t->v[i], "datamodel") && t->v[i + 1].type == TK_EQ) {
            a->dm = spl_tok_text(&t->v[i + 2]);
            i += 3;
        } else if (i < t->n && t->v[i].type == TK_WORD && t->v[i].n > 10 && !strncasecmp(t->v[i].s, "datamodel:", 10)) {
            char *w = spl_tok_text(&t->v[i]);
            a->dm = xstrdup(w + 10);
            free(w);
            i++;
        } else {
            return spl_arg_error(c, i < t->n ? &t->v[i] : NULL, "expected datamodel=Model.Dataset after FROM");
        }
        /* datamodel="Endpoint.Processes" may be quoted */
        size_t l = strlen(a->dm);
        if (l >= 2 && a->dm[0] == '"' && a->dm[l - 1] == '"') {
            memmove(a->dm, a->dm + 1, l - 2);
            a->dm[l - 2] = 0;
        }
    }
    if (i < t->n && tok_word(&t->v[i], "where")) {
        i++;
        a->where_from = i;
        int depth = 0;
        while (i < t->n && !(depth == 0 && tok_word(&t->v[i], "by"))) {
            if (t->v[i].type == TK_LP) depth++;
            if (t->v[i].type == TK_RP && depth) depth--;
            i++;
        }
        a->where_to = i;
    }
    if (i < t->n && tok_word(&t->v[i], "by")) {
        a->by_tok = i++;
        a->by_from = i;
        for (; i < t->n; i++) {
            if (spl_arg_is_option(c, i) && spl_tok_is(&t->v[i], "span", 1)) {
                a->span_tok = i;
                i += 2;
                continue;
            }
            if (t->v[i].type == TK_COMMA) continue;
            if (t->v[i].type != TK_WORD && t->v[i].type != TK_STRING)
                return spl_arg_error(c, &t->v[i], "expected a field name after BY, got '%.*s'", (int)t->v[i].n, t->v[i].s);
        }
        a->by_to = i;
        if (a->by_to == a->by_from) return spl_arg_error(c, &t->v[a->by_tok], "BY needs at least one field");
    }
    if (i < t->n) return spl_arg_error(c, &t->v[i], "unexpected '%.*s'", (int)t->v[i].n, t->v[i].s);
    return 0;
}

/* earliest=/latest= conjuncts of the where clause, before the rows are built */
static int where_times(spl_tr *tr, const spl_node *n)
{
    if (!n) return 0;
    if (n->kind == SN_AND) {
        for (int i = 0; i < n->nkids; i++)
            if (where_times(tr, n->kids[i])) return -1;
        return 0;
    }
    if (n->kind != SN_CMP || n->op != TK_EQ) return 0;
    char *f = spl_tok_text(&n->tok);
    int rc = 0;
    if (!strcmp(f, "earliest") || !strcmp(f, "latest")) {
        char *v = spl_tok_text(&n->val);
        double t;
        rc = spl_time_modifier(tr, v, n->val.off, &t);
        if (!rc && f[0] == 'e') { tr->earliest = t; tr->has_earliest = 2; }
        else if (!rc) { tr->latest = t; tr->has_latest = 2; }
        free(v);
    }
    free(f);
    return rc;
}

/* nodename=Model.Dataset.Child (a conjunct of where) picks a child data set */
static const spl_node *where_nodename(const spl_node *n)
{
    if (!n) return NULL;
    if (n->kind == SN_AND) {
        for (int i = 0; i < n->nkids; i++) {
            const spl_node *x = where_nodename(n->kids[i]);
            if (x) return x;
        }
        return NULL;
    }
    if (n->kind == SN_CMP && n->op == TK_EQ && n->tok.n == 8 && !strncasecmp(n->tok.s, "nodename", 8)) return n;
    return NULL;
}

/* add the CIM fields the tokens [from, to) name (Processes.x, _time) */
static void token_fields(spl_cmd_ctx *c, const dm_dataset *ds, int from, int to, spl_names *out)
{
    for (int i = from; i < to; i++) {
        const spl_token *t = &c->args.v[i];
        if (t->type != TK_WORD && t->type != TK_STRING) continue;
        char *s = spl_tok_text(t);
        const char *f = dm_field_from_path(ds, s);
        if (f) spl_names_add(out, f);
        free(s);
    }
}

static int has_subsearch(const spl_node *n)
{
    if (!n) return 0;
    if (n->kind == SN_SUB) return 1;
    for (int i = 0; i < n->nkids; i++)
        if (has_subsearch(n->kids[i])) return 1;
    return 0;
}

static int tstats_folded(spl_cmd_ctx *c);

/* where may hold subsearches ([| inputlookup ...]): they become single
 * tokens before the arguments are read, as in search */
int spl_cmd_tstats(spl_cmd_ctx *c)
{
    spl_toks folded = {0};
    if (spl_fold_subsearches(c, &folded)) { spl_toks_free(&folded); return -1; }
    spl_toks orig = c->args;
    c->args = folded;
    int rc = tstats_folded(c);
    c->args = orig;
    spl_toks_free(&folded);
    return rc;
}

static int tstats_folded(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    ts_args a;
    if (parse_args(c, &a)) { free(a.dm); free(a.fillnull); return -1; }
    int rc = 0;
    spl_pctx P = {0};
    const dm_dataset *ds = NULL;
    if (a.where_to > a.where_from) rc = spl_cmd_parse_search(c, a.where_from, a.where_to, &P);
    if (!rc) rc = where_times(tr, P.result);
    const spl_node *nn = rc ? NULL : where_nodename(P.result);
    if (!rc && a.dm) {
        const spl_token *dmt = &c->args.v[a.agg_to];
        char *spec = xstrdup(a.dm);
        if (nn) {
            /* nodename names the data set by its path inside the model */
            char *v = spl_tok_text(&nn->val);
            char *m = xstrdup(a.dm);
            char *dot = strchr(m, '.');
            if (dot) *dot = 0;
            free(spec);
            spec = !strncasecmp(v, m, strlen(m)) && v[strlen(m)] == '.' ? xstrdup(v) : xasprintf("%s.%s", m, v);
            free(v);
            free(m);
        }
        ds = spl_dm_find(c, spec, dmt);
        free(spec);
        if (!ds) rc = -1;
        if (!rc) {
            spl_names want = {0};
            token_fields(c, ds, a.agg_from, a.agg_to, &want);
            if (has_subsearch(P.result)) {
                /* a subsearch's result fields are known only when it runs */
                const char **all = NULL;
                size_t n = dm_dataset_all_fields(ds, &all);
                for (size_t i = 0; i < n; i++) spl_names_add(&want, all[i]);
                free(all);
            }
            if (P.result) {
                spl_names wf = {0};
                spl_search_fields(P.result, &wf);
                for (int i = 0; i < wf.n; i++) {
                    const char *f = dm_field_from_path(ds, wf.v[i]);
                    if (f) spl_names_add(&want, f);
                }
                spl_names_free(&wf);
            }
            if (a.by_tok >= 0) token_fields(c, ds, a.by_from, a.by_to, &want);
            rc = spl_dm_rows(tr, ds, &want, P.result);
            spl_names_free(&want);
        }
    } else if (!rc) {
        /* no data model: the events' indexed fields */
        spl_tr_ensure_events(tr);
        spl_tr_apply_time_range(tr);
        tr->events = 0;
    }
    if (!rc && nn) {
        /* nodename=... holds for every row of the chosen data set */
        char *v = spl_tok_text(&nn->val);
        sbuf b = {0};
        spl_tr_bind_text(tr, &b, v);
        char *f = spl_tok_text(&nn->tok);
        spl_tr_set(tr, f, b.s, 0);
        free(f);
        sbuf_free(&b);
        free(v);
    }
    if (!rc && P.result) {
        sbuf cond = {0};
        rc = spl_search_sql(tr, P.result, &cond, 1);
        if (!rc && strcmp(cond.s, "1")) spl_tr_where(tr, cond.s);
        sbuf_free(&cond);
    }
    /* the time range is in the sources' WHEREs, not again after the aggregation */
    tr->time_applied = 1;
    /* fillnull_value: null by-fields get the value instead of dropping the row */
    if (!rc && a.fillnull && a.by_tok >= 0) {
        for (int i = a.by_from; i < a.by_to; i++) {
            const spl_token *t = &c->args.v[i];
            if (i == a.span_tok) { i += 2; continue; }
            if (t->type != TK_WORD && t->type != TK_STRING) continue;
            char *f = spl_tok_text(t);
            spl_col *col = spl_tr_col(tr, f);
            sbuf b = {0};
            sbuf_printf(&b, "coalesce(%s, ", col ? col->sql : "NULL");
            spl_tr_bind_text(tr, &b, a.fillnull);
            sbuf_addc(&b, ')');
            spl_tr_set(tr, f, b.s, col ? col->mv : 0);
            sbuf_free(&b);
            free(f);
        }
    }
    /* by _time span=N: bin _time first */
    if (!rc && a.span_tok >= 0) {
        spl_toks bt = {0};
        bt.v = xcalloc(4, sizeof *bt.v);
        spl_token tt = {TK_WORD, "_time", 5, c->args.v[a.span_tok].off};
        bt.v[0] = tt;
        for (int k = 0; k < 3; k++) bt.v[1 + k] = c->args.v[a.span_tok + k];
        bt.n = bt.cap = 4;
        spl_cmd_ctx b = *c;
        b.args = bt;
        rc = spl_cmd_bin(&b);
        free(bt.v);
    }
    /* the aggregation: stats over [aggregations] BY [fields] */
    if (!rc) {
        spl_toks st = {0};
        int n = (a.agg_to - a.agg_from) + (a.by_tok >= 0 ? 1 + a.by_to - a.by_from : 0);
        st.v = xcalloc((size_t)n + 1, sizeof *st.v);
        for (int i = a.agg_from; i < a.agg_to; i++) st.v[st.n++] = c->args.v[i];
        if (a.by_tok >= 0) {
            st.v[st.n++] = c->args.v[a.by_tok];
            for (int i = a.by_from; i < a.by_to; i++) {
                if (i == a.span_tok) { i += 2; continue; }
                st.v[st.n++] = c->args.v[i];
            }
        }
        st.cap = n + 1;
        spl_cmd_ctx s = *c;
        s.args = st;
        rc = spl_cmd_stats(&s);
        free(st.v);
    }
    spl_pctx_free(&P);
    free(a.dm);
    free(a.fillnull);
    return rc;
}
