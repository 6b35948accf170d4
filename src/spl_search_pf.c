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

spl_pf *spl_search_pf(spl_tr *tr, const spl_node *n)
{
    return spl_search_pf_with(n, "e", level_field, tr);
}

spl_pf *spl_search_pf_with(const spl_node *n, const char *alias, spl_pf_field_fn field, void *ctx)
{
    if (!n) return spl_pf_true();
    switch (n->kind) {
    case SN_AND:
    case SN_OR: {
        spl_pf **kids = xcalloc((size_t)n->nkids + 1, sizeof *kids);
        for (int i = 0; i < n->nkids; i++) kids[i] = spl_search_pf_with(n->kids[i], alias, field, ctx);
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
        free(f);
        if (!fx) return spl_pf_true();
        char *x = xstrdup(fx);
        spl_pf *out;
        if (!strcmp(x, "NULL")) {
            out = spl_search_holds_map_marker(n) ? spl_pf_true() : spl_pf_false();
        } else if (n->kind == SN_CMP) {
            char *v = value_text(&n->val);
            out = value_pf(x, alias, v);
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
        free(x);
        return out;
    }
    default:
        /* NOT, bare terms, subsearches: not a necessary literal */
        return spl_pf_true();
    }
}
