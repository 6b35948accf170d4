/* spl_cmd_search.c: the search command (explicit, implicit at the head of a
 * query, or later in the pipeline): parses its arguments with the search
 * grammar and adds the condition to the current level. The first search of
 * a query stays a plain WHERE over the events table so indexes apply. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "spl_pf.h"

int spl_cmd_search(spl_cmd_ctx *c);

int spl_fold_subsearches(spl_cmd_ctx *c, spl_toks *out)
{
    const spl_toks *a = &c->args;
    out->v = xcalloc((size_t)a->n + 1, sizeof *out->v);
    out->n = 0;
    out->cap = a->n + 1;
    for (int i = 0; i < a->n; i++) {
        if (a->v[i].type == TK_RBRACKET)
            return spl_arg_error(c, &a->v[i], "']' without '['");
        if (a->v[i].type != TK_LBRACKET) { out->v[out->n++] = a->v[i]; continue; }
        int depth = 0, j = i;
        for (; j < a->n; j++) {
            if (a->v[j].type == TK_LBRACKET) depth++;
            else if (a->v[j].type == TK_RBRACKET && !--depth) break;
        }
        if (j >= a->n) return spl_arg_error(c, &a->v[i], "missing ']' after the subsearch");
        spl_token t = a->v[i];
        t.type = TK_SUBSEARCH;
        t.n = a->v[j].off + 1 - t.off;
        out->v[out->n++] = t;
        i = j;
    }
    return 0;
}

/* Compiling for the shared scan (spl_opts.prefilter): the query's first
 * search over the events also reads only the rows the scan listed for its
 * slot (a bound parameter), by rowid (NOT INDEXED: the list drives), when
 * the search has a formula that can rule rows out. A later search still on
 * the events level, after only row-local commands (eval, where, rename...:
 * an event's row depends on it alone), adds its formula: the rows it drops
 * cannot change any result. */
int spl_tr_pf_open(spl_tr *tr)
{
    if (!tr->is_event_table || tr->subpipe || tr->sub_depth || !tr->opts || !tr->opts->prefilter || tr->pf_closed)
        return 0;
    return !strcmp(tr->from, tr->pf ? "events e NOT INDEXED" : "events e");
}

static void shared_scan_filter(spl_cmd_ctx *c, const spl_node *n)
{
    spl_tr *tr = c->tr;
    if (spl_tr_pf_open(tr)) spl_tr_pf_add(tr, spl_search_pf(tr, n));
}

void spl_tr_pf_add(spl_tr *tr, struct spl_pf *f)
{
    assert(spl_tr_pf_open(tr));
    if (!spl_pf_useful(f)) { spl_pf_free(f); return; }
    if (tr->pf) {
        spl_pf *both[2] = {tr->pf, f};
        tr->pf = spl_pf_and(both, 2);
        return;
    }
    tr->pf = f;
    tr->pf_param = spl_tr_param_num(tr, -1);
    char *cond = xasprintf("e.rowid IN (SELECT value FROM splite_cand(?%d))", tr->pf_param);
    spl_tr_where(tr, cond);
    free(cond);
    free(tr->from);
    tr->from = xstrdup("events e NOT INDEXED");
}

int spl_cmd_search(spl_cmd_ctx *c)
{
    spl_pctx P = {0};
    spl_toks folded = {0};
    if (spl_fold_subsearches(c, &folded)) { spl_toks_free(&folded); return -1; }
    spl_toks orig = c->args;
    c->args = folded;
    int rc = spl_cmd_parse_search(c, 0, c->args.n, &P);
    c->args = orig;
    if (!rc) {
        sbuf cond = {0};
        rc = spl_search_sql(c->tr, P.result, &cond, c->first);
        if (!rc && strcmp(cond.s, "1")) spl_tr_where(c->tr, cond.s);
        sbuf_free(&cond);
        if (!rc) shared_scan_filter(c, P.result);
    }
    spl_pctx_free(&P);
    spl_toks_free(&folded);
    return rc;
}
