/* spl_dm.c: compiling the SPL expressions of the data model and alias YAML
 * files (datamodels/) inside the translator: each is lexed and parsed like
 * query text and translated with its field names resolved in a given
 * environment (extracted columns, alias chains, a data set's CIM columns)
 * rather than in the current level. Errors name the YAML file and line. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "datamodel.h"
#include "spl_int.h"

void spl_env_set(spl_env *e, const char *name, const char *sql, int mv)
{
    for (int i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].name, name)) {
            char *s = xstrdup(sql);
            free(e->v[i].sql);
            e->v[i].sql = s;
            e->v[i].mv = mv;
            return;
        }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->v = xrealloc(e->v, sizeof *e->v * (size_t)e->cap);
    }
    e->v[e->n].name = xstrdup(name);
    e->v[e->n].sql = xstrdup(sql);
    e->v[e->n].mv = mv;
    e->n++;
}

const spl_col *spl_env_get(const spl_env *e, const char *name)
{
    for (int i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].name, name)) return &e->v[i];
    return NULL;
}

void spl_env_free(spl_env *e)
{
    for (int i = 0; i < e->n; i++) {
        free(e->v[i].name);
        free(e->v[i].sql);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}

int spl_dm_compile(spl_tr *tr, const char *text, int search, const spl_env *env, const char *where,
                   sbuf *out, int *mv)
{
    assert(tr && text && env && out);
    /* swap the level's fields for env (expressions may add to it: mvfilter) */
    spl_col *saved = tr->cols;
    int saved_n = tr->ncols, saved_cap = tr->capcols;
    spl_error *saved_err = tr->err;
    int saved_ev = tr->is_event_table;
    int saved_ndyn = tr->ndyn; /* no on-demand fields (spath/xmlkv) here */
    tr->ndyn = 0;
    tr->cols = NULL;
    tr->ncols = tr->capcols = 0;
    for (int i = 0; i < env->n; i++) spl_tr_set(tr, env->v[i].name, env->v[i].sql, env->v[i].mv);
    spl_error e = {0};
    tr->err = &e;
    tr->is_event_table = 0; /* bare terms read _raw from env */
    size_t len = strlen(text);
    spl_toks t = {0};
    spl_pctx P = {0};
    P.err = &e;
    int m = 0;
    int rc = spl_lex(text, len, 0, search ? SPL_LEX_SEARCH : SPL_LEX_EVAL, &t, &e);
    if (!rc) rc = spl_parse_expr(&P, search ? TK_SEARCH_START : TK_EVAL_START, &t, 0, t.n, len);
    if (!rc) {
        if (search) rc = spl_search_sql(tr, P.result, out, 0);
        else if (!P.result) rc = spl_tr_error(tr, 0, "empty expression");
        else rc = spl_expr_sql(tr, P.result, out, &m);
    }
    spl_pctx_free(&P);
    spl_toks_free(&t);
    spl_tr_clear_cols(tr);
    free(tr->cols);
    tr->cols = saved;
    tr->ncols = saved_n;
    tr->capcols = saved_cap;
    tr->err = saved_err;
    tr->is_event_table = saved_ev;
    tr->ndyn = saved_ndyn;
    if (mv) *mv = m;
    if (rc) spl_tr_error(tr, tr->cmd_off, "%s: %s (in `%s`)", where, e.msg ? e.msg : "bad expression", text);
    spl_error_clear(&e);
    free(e.text);
    return rc;
}

/* '*' -> '%', with %, _ and \ escaped by '\' for LIKE ... ESCAPE '\' */
static char *dm_like_pattern(const char *v)
{
    sbuf b = {0};
    for (const char *p = v; *p; p++) {
        if (*p == '*') sbuf_addc(&b, '%');
        else if (*p == '%' || *p == '_' || *p == '\\') { sbuf_addc(&b, '\\'); sbuf_addc(&b, *p); }
        else sbuf_addc(&b, *p);
    }
    if (!b.s) sbuf_add(&b, "");
    return sbuf_detach(&b);
}

void spl_dm_match_sql(spl_tr *tr, const dm_match *m, const spl_env *env, sbuf *out)
{
    if (!m->nconds) { sbuf_add(out, "1"); return; }
    sbuf_addc(out, '(');
    for (size_t i = 0; i < m->nconds; i++) {
        const dm_cond *c = &m->conds[i];
        const spl_col *col = spl_env_get(env, c->field);
        const char *x = col ? col->sql : "NULL";
        sbuf_add(out, i ? " AND (" : "(");
        for (size_t k = 0; k < c->nvalues; k++) {
            char *pat = dm_like_pattern(c->values[k]);
            sbuf_printf(out, "%s%s LIKE ", k ? " OR " : "", x);
            spl_tr_bind_text(tr, out, pat);
            sbuf_add(out, " ESCAPE '\\'");
            free(pat);
        }
        if (!c->nvalues) sbuf_add(out, "0");
        sbuf_addc(out, ')');
    }
    sbuf_addc(out, ')');
}

/* ---- a set of names (spl_names) ---- */
int spl_names_has(const spl_names *s, const char *x)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return 1;
    return 0;
}

void spl_names_add(spl_names *s, const char *x)
{
    if (spl_names_has(s, x)) return;
    s->v = xrealloc(s->v, sizeof *s->v * (size_t)(s->n + 1));
    s->v[s->n++] = xstrdup(x);
}

void spl_names_free(spl_names *s)
{
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

void spl_names_add_cb(void *ctx, const char *name) { spl_names_add(ctx, name); }

void spl_search_fields(const spl_node *n, spl_names *out)
{
    if (!n) return;
    if (n->kind == SN_CMP || n->kind == SN_IN) {
        char *f = spl_tok_text(&n->tok);
        spl_names_add(out, f);
        free(f);
        return;
    }
    for (int i = 0; i < n->nkids; i++) spl_search_fields(n->kids[i], out);
}
