/* spl_search_pf.c: the prefilter formula (spl_pf.h) of a search expression
 * over the events table: for each field=value the translator turned into a
 * comparison of an events column (or of a coalesce/CASE of columns), the
 * literals that column must hold; AND and OR as in the search; everything
 * else (NOT, !=, <, bare terms against _raw, subsearches, event types,
 * computed fields) is "true", which never drops a row. spl_search_sql
 * defines the SQL; this only reads the same tree the same way. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "spl_pf.h"

/* what column(s) x must hold for the value v to match (v: SPL value) */
static spl_pf *value_pf(const char *x, const char *alias, const char *v)
{
    if (!strcmp(v, "*") || strstr(v, SPL_MAP_MARKER)) return spl_pf_true();
    char **cols = NULL;
    int n = spl_pf_columns(x, alias, &cols);
    if (n < 0) return spl_pf_true();
    spl_pf **kids = xcalloc((size_t)n + 1, sizeof *kids);
    for (int i = 0; i < n; i++) {
        kids[i] = spl_pf_value(cols[i], v);
        free(cols[i]);
    }
    free(cols);
    spl_pf *f = spl_pf_or(kids, n); /* no column: always NULL, never matches */
    free(kids);
    return f;
}

static char *value_text(const spl_token *t)
{
    char *v = spl_tok_text(t);
    int cs = 0;
    if (t->type == TK_WORD) v = spl_search_directive(v, &cs);
    return v;
}

/* the events level's field SQL (spl_tr_col; "NULL" for a field no event has) */
static const char *level_field(void *ctx, const char *name)
{
    spl_col *c = spl_tr_col(ctx, name);
    return c ? c->sql : "NULL";
}

/* an eval hint for name=value (spl_eval_pf_hint), while name's SQL is as then */
static spl_pf *level_hint(void *ctx, const char *name, const char *sql, const char *value)
{
    spl_tr *tr = ctx;
    if (strcmp(value, "1")) return NULL;
    for (int i = tr->npf_hints - 1; i >= 0; i--)
        if (!strcmp(tr->pf_hints[i].name, name))
            return strcmp(tr->pf_hints[i].sql, sql) ? NULL : spl_pf_copy(tr->pf_hints[i].pf);
    return NULL;
}

spl_pf *spl_search_pf(spl_tr *tr, const spl_node *n)
{
    return spl_search_pf_with(n, "e", level_field, level_hint, tr);
}

static spl_pf *match_pf(const char *x, const char *re, const char *raw);

/* the formula of an eval condition: match(field, "regex") and AND/OR of it */
static spl_pf *cond_pf(spl_tr *tr, const spl_node *n, const char *raw)
{
    if (n->kind == EX_AND || n->kind == EX_OR) {
        spl_pf **kids = xcalloc((size_t)n->nkids + 1, sizeof *kids);
        for (int i = 0; i < n->nkids; i++) kids[i] = cond_pf(tr, n->kids[i], raw);
        spl_pf *f = n->kind == EX_AND ? spl_pf_and(kids, n->nkids) : spl_pf_or(kids, n->nkids);
        free(kids);
        return f;
    }
    if (n->kind != EX_CALL || n->nkids != 2 || n->tok.n != 5 || strncasecmp(n->tok.s, "match", 5) ||
        n->kids[0]->kind != EX_FIELD || n->kids[1]->kind != EX_STR)
        return spl_pf_true();
    const spl_token *ft = &n->kids[0]->tok;
    char *fname = ft->type == TK_QIDENT ? spl_tok_text(ft) : xstrndup(ft->s, ft->n);
    spl_col *c = spl_tr_col(tr, fname);
    free(fname);
    if (!c) return spl_pf_false(); /* match(NULL, ...) is NULL: if() gives 0 */
    char *re = spl_tok_text(&n->kids[1]->tok);
    spl_pf *f = match_pf(c->sql, re, raw);
    free(re);
    return f;
}

spl_pf *spl_match_pf(spl_tr *tr, const char *x, const char *re)
{
    sbuf raw = {0};
    store_field_sql(tr->st, "e", "_raw", &raw);
    spl_pf *f = match_pf(x, re, raw.s);
    sbuf_free(&raw);
    return f;
}

static spl_pf *match_pf(const char *x, const char *re, const char *raw)
{
    spl_pf *f;
    if (!strcmp(x, "NULL")) {
        f = spl_pf_false();
    } else if (raw && !strcmp(x, raw)) {
        f = spl_pf_regex("_raw", re);
    } else {
        char **cols = NULL;
        int nc = spl_pf_columns(x, "e", &cols);
        if (nc < 0) {
            f = spl_pf_true();
        } else {
            spl_pf **kids = xcalloc((size_t)nc + 1, sizeof *kids);
            for (int i = 0; i < nc; i++) {
                kids[i] = strcmp(cols[i], "_time") ? spl_pf_regex(cols[i], re) : spl_pf_true();
                free(cols[i]);
            }
            free(cols);
            f = spl_pf_or(kids, nc);
            free(kids);
        }
    }
    return f;
}

void spl_eval_pf_hint(spl_tr *tr, const char *name, const spl_node *e, const char *sql)
{
    if (!tr->opts || !tr->opts->prefilter || !tr->is_event_table || tr->subpipe || tr->sub_depth || tr->pf_closed)
        return;
    if (e->kind != EX_CALL || e->nkids != 3 || e->tok.n != 2 || strncasecmp(e->tok.s, "if", 2) ||
        e->kids[1]->kind != EX_NUM || e->kids[1]->tok.n != 1 || e->kids[1]->tok.s[0] != '1' ||
        e->kids[2]->kind != EX_NUM || e->kids[2]->tok.n != 1 || e->kids[2]->tok.s[0] != '0')
        return;
    sbuf raw = {0};
    store_field_sql(tr->st, "e", "_raw", &raw);
    spl_pf *f = cond_pf(tr, e->kids[0], raw.s);
    sbuf_free(&raw);
    if (!spl_pf_useful(f)) { spl_pf_free(f); return; }
    tr->pf_hints = xrealloc(tr->pf_hints, sizeof *tr->pf_hints * (size_t)(tr->npf_hints + 1));
    tr->pf_hints[tr->npf_hints].name = xstrdup(name);
    tr->pf_hints[tr->npf_hints].sql = xstrdup(sql);
    tr->pf_hints[tr->npf_hints++].pf = f;
}

spl_pf *spl_search_pf_with(const spl_node *n, const char *alias, spl_pf_field_fn field, spl_pf_hint_fn hint,
                           void *ctx)
{
    if (!n) return spl_pf_true();
    switch (n->kind) {
    case SN_AND:
    case SN_OR: {
        spl_pf **kids = xcalloc((size_t)n->nkids + 1, sizeof *kids);
        for (int i = 0; i < n->nkids; i++) kids[i] = spl_search_pf_with(n->kids[i], alias, field, hint, ctx);
        spl_pf *f = n->kind == SN_AND ? spl_pf_and(kids, n->nkids) : spl_pf_or(kids, n->nkids);
        free(kids);
        return f;
    }
    case SN_CMP:
    case SN_IN: {
        if (n->kind == SN_CMP && n->op != TK_EQ) return spl_pf_true();
        char *f = spl_tok_text(&n->tok);
        if (!strcmp(f, "earliest") || !strcmp(f, "latest") || spl_et_is_field(f)) {
            free(f);
            return spl_pf_true();
        }
        const char *fx = field(ctx, f);
        if (!fx) { free(f); return spl_pf_true(); }
        char *x = xstrdup(fx);
        spl_pf *out;
        if (!strcmp(x, "NULL")) {
            out = spl_search_holds_map_marker(n) ? spl_pf_true() : spl_pf_false();
        } else if (n->kind == SN_CMP) {
            char *v = value_text(&n->val);
            out = hint ? hint(ctx, f, x, v) : NULL;
            if (!out) out = value_pf(x, alias, v);
            free(v);
        } else {
            spl_pf **kids = xcalloc((size_t)n->nkids + 1, sizeof *kids);
            for (int i = 0; i < n->nkids; i++) {
                char *v = value_text(&n->kids[i]->tok);
                kids[i] = value_pf(x, alias, v);
                free(v);
            }
            out = spl_pf_or(kids, n->nkids);
            free(kids);
        }
        free(f);
        free(x);
        return out;
    }
    default:
        /* NOT, bare terms, subsearches: not a necessary literal */
        return spl_pf_true();
    }
}
