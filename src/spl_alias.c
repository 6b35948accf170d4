/* spl_alias.c: search-time field aliases and calculated fields (Splunk's
 * FIELDALIAS-/EVAL- of the Windows and Sysmon add-ons, kept in
 * the YAML files of datamodels/aliases/) in ordinary searches. When the events level is
 * set up, every field the query references that some alias assigns becomes
 *   CASE WHEN <match_1> THEN <expr_1> WHEN <match_2> THEN <expr_2> ...
 *        ELSE <extracted field> END
 * following dm_alias_plan (last assignment first; a set known to match ends
 * the chain). Expression k sees the fields as of assignment k-1 (resolved
 * recursively, memoized); an entry of kind alias or asnew falls back to or
 * keeps that earlier value of the field itself (dm_alias_kind). What the leading search pins down (sourcetype=,
 * source=, EventCode= conjuncts without wildcards) prunes the chains; so
 * does the entry an expression belongs to (its fields, and the value before
 * an alias/asnew entry, are only read for events that entry matches, so
 * entries disjoint from it drop out and entries it implies end the chain:
 * dm_match_disjoint, dm_match_implies); and
 * fields no alias assigns keep their plain column (indexes still apply). */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "datamodel.h"
#include "spl_int.h"

typedef struct alias_memo {
    char *field;
    size_t ndefs; /* assignments to field visible (defines the value) */
    const dm_alias_set *scope;
    char *sql;
    int mv;
} alias_memo;

typedef struct alias_ctx {
    spl_tr *tr;
    const dm_registry *reg;
    char *pin_st, *pin_src, *pin_ec;
    alias_memo *memo;
    int nmemo, capmemo;
    const dm_alias_set **msets; /* memoized match conditions */
    char **msql;
    int nm;
    int depth;
} alias_ctx;

static void extracted(alias_ctx *a, const char *field, sbuf *out, int *mv)
{
    store_field_sql(a->tr->st, "e", field, out);
    *mv = store_field_is_mv(a->tr->st, field);
}

/* SQL condition for an alias set's match, over extracted fields */
static int match_sql(alias_ctx *a, const dm_alias_set *set, char **out)
{
    for (int i = 0; i < a->nm; i++)
        if (a->msets[i] == set) { *out = a->msql[i]; return 0; }
    spl_env env = {0};
    for (size_t i = 0; i < set->match.nconds; i++) {
        sbuf b = {0};
        int mv = 0;
        extracted(a, set->match.conds[i].field, &b, &mv);
        spl_env_set(&env, set->match.conds[i].field, b.s, mv);
        sbuf_free(&b);
    }
    sbuf c = {0};
    spl_dm_match_sql(a->tr, &set->match, &env, &c);
    spl_env_free(&env);
    a->msets = xrealloc(a->msets, sizeof *a->msets * (size_t)(a->nm + 1));
    a->msql = xrealloc(a->msql, sizeof *a->msql * (size_t)(a->nm + 1));
    a->msets[a->nm] = set;
    a->msql[a->nm] = sbuf_detach(&c);
    *out = a->msql[a->nm++];
    return 0;
}

static int resolve(alias_ctx *a, const char *field, unsigned before, const dm_alias_set *scope, const char **sql,
                   int *mv);

typedef struct fields_acc {
    char **v;
    int n;
} fields_acc;

static void add_field(void *ctx, const char *name)
{
    fields_acc *f = ctx;
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->v[i], name)) return;
    f->v = xrealloc(f->v, sizeof *f->v * (size_t)(f->n + 1));
    f->v[f->n++] = xstrdup(name);
}

/* an alias assignment's expression, its fields as of assignment seq-1; for
 * kind alias, COALESCE(expr, field before); for asnew, the other way round */
static int assign_sql(alias_ctx *a, const dm_alias_set *set, const dm_assign *as, sbuf *out, int *mv)
{
    fields_acc f = {0};
    dm_expr_fields(as->expr, add_field, &f);
    spl_env env = {0};
    int rc = 0;
    for (int i = 0; i < f.n && !rc; i++) {
        const char *s;
        int m;
        rc = resolve(a, f.v[i], as->seq, set, &s, &m);
        if (!rc) spl_env_set(&env, f.v[i], s, m);
    }
    if (!rc) {
        char *where = xasprintf("%s:%d", as->file, as->line);
        sbuf x = {0};
        rc = spl_dm_compile(a->tr, as->expr, 0, &env, where, &x, mv);
        free(where);
        const char *prior = NULL;
        int pmv = 0;
        if (!rc && set->kind != DM_KIND_EVAL) rc = resolve(a, as->field, as->seq, set, &prior, &pmv);
        if (!rc && prior && !strcmp(prior, "NULL")) sbuf_add(out, x.s); /* no value before */
        else if (!rc && set->kind == DM_KIND_ALIAS) sbuf_printf(out, "COALESCE(%s, %s)", x.s, prior);
        else if (!rc && set->kind == DM_KIND_ASNEW) sbuf_printf(out, "COALESCE(%s, %s)", prior, x.s);
        else if (!rc) sbuf_add(out, x.s);
        *mv |= pmv;
        sbuf_free(&x);
    }
    for (int i = 0; i < f.n; i++) free(f.v[i]);
    free(f.v);
    spl_env_free(&env);
    return rc;
}

/* 1 if SQL expressions a and b are the same text, one layer of enclosing
 * parentheses aside ("(e.x)" and "e.x") */
static int same_sql(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb) return !memcmp(a, b, la);
    const char *l = la > lb ? a : b, *sh = la > lb ? b : a;
    size_t ll = la > lb ? la : lb, ls = la > lb ? lb : la;
    if (ll != ls + 2 || l[0] != '(' || l[ll - 1] != ')') return 0;
    /* the outer parentheses must enclose the whole of l */
    int depth = 0;
    for (size_t i = 0; i < ll - 1; i++) {
        if (l[i] == '(') depth++;
        else if (l[i] == ')' && --depth == 0) return 0;
    }
    return !memcmp(l + 1, sh, ls);
}

/* field as of assignment `before`, for events that match scope's entry
 * (NULL: any event): assignments whose entry cannot match such an event
 * (dm_match_disjoint) are left out of the chain */
static int resolve(alias_ctx *a, const char *field, unsigned before, const dm_alias_set *scope, const char **sql,
                   int *mv)
{
    size_t nd = dm_alias_defs(a->reg, field, before, NULL, NULL, 0);
    for (int i = 0; i < a->nmemo; i++)
        if (a->memo[i].ndefs == nd && a->memo[i].scope == scope && !strcmp(a->memo[i].field, field)) {
            *sql = a->memo[i].sql;
            *mv = a->memo[i].mv;
            return 0;
        }
    if (a->depth > 64) return spl_tr_error(a->tr, a->tr->cmd_off, "field aliases nest too deeply at '%s'", field);
    sbuf out = {0};
    int rmv = 0, rc = 0;
    dm_alias_def *plan = NULL;
    size_t n = nd ? dm_alias_plan(a->reg, field, before, a->pin_st, a->pin_src, a->pin_ec, &plan) : 0;
    if (scope) {
        size_t keep = 0;
        for (size_t k = 0; k < n; k++) {
            if (dm_match_disjoint(&plan[k].set->match, &scope->match)) continue;
            plan[keep] = plan[k];
            if (dm_match_implies(&scope->match, &plan[k].set->match)) plan[keep].known = DM_YES;
            if (plan[keep++].known == DM_YES) break; /* shadows the rest */
        }
        n = keep;
    }
    if (!n) {
        extracted(a, field, &out, &rmv);
    } else {
        a->depth++;
        int has_else = 0;
        int same = 1;       /* every branch computes the same expression so far */
        char *first = NULL; /* ... namely this one */
        sbuf_add(&out, "CASE");
        for (size_t k = 0; k < n && !rc; k++) {
            sbuf x = {0};
            int xmv = 0;
            rc = assign_sql(a, plan[k].set, plan[k].assign, &x, &xmv);
            if (rc) { sbuf_free(&x); break; }
            rmv |= xmv;
            if (!first) first = xstrdup(x.s);
            else if (!same_sql(first, x.s)) same = 0;
            if (plan[k].known == DM_YES) {
                if (k == 0) {
                    /* applies to every event in scope: no CASE at all */
                    sbuf_reset(&out);
                    sbuf_printf(&out, "(%s)", x.s);
                    sbuf_free(&x);
                    has_else = 2;
                    break;
                }
                sbuf_printf(&out, " ELSE %s", x.s);
                has_else = 1;
            } else {
                char *m = NULL;
                rc = match_sql(a, plan[k].set, &m);
                if (!rc) sbuf_printf(&out, " WHEN %s THEN %s", m, x.s);
            }
            sbuf_free(&x);
        }
        if (!rc && !has_else) {
            sbuf b = {0};
            int bmv = 0;
            extracted(a, field, &b, &bmv);
            rmv |= bmv;
            sbuf_printf(&out, " ELSE %s", b.s);
            if (first && !same_sql(first, b.s)) same = 0;
            sbuf_free(&b);
        }
        if (has_else != 2) sbuf_add(&out, " END");
        if (!rc && has_else != 2 && same && first) {
            /* CASE WHEN m1 THEN x ... ELSE x END is x: the conditions have no
             * side effects, and SQLite can then use x (a column) directly */
            sbuf_reset(&out);
            sbuf_printf(&out, "(%s)", first);
        }
        free(first);
        a->depth--;
    }
    free(plan);
    if (rc) { sbuf_free(&out); return -1; }
    if (a->nmemo == a->capmemo) {
        a->capmemo = a->capmemo ? a->capmemo * 2 : 32;
        a->memo = xrealloc(a->memo, sizeof *a->memo * (size_t)a->capmemo);
    }
    alias_memo *mm = &a->memo[a->nmemo++];
    mm->field = xstrdup(field);
    mm->ndefs = nd;
    mm->scope = scope;
    mm->sql = sbuf_detach(&out);
    mm->mv = rmv;
    *sql = mm->sql;
    *mv = rmv;
    return 0;
}

/* sourcetype=, source=, EventCode= conjuncts of the leading search */
static void find_pins(alias_ctx *a, const spl_node *n)
{
    if (!n) return;
    if (n->kind == SN_AND) {
        for (int i = 0; i < n->nkids; i++) find_pins(a, n->kids[i]);
        return;
    }
    if (n->kind != SN_CMP || n->op != TK_EQ) return;
    char *f = spl_tok_text(&n->tok);
    char **pin = !strcmp(f, "sourcetype") ? &a->pin_st : !strcmp(f, "source") ? &a->pin_src
                 : !strcmp(f, "EventCode") ? &a->pin_ec : NULL;
    free(f);
    if (!pin || *pin) return;
    char *v = spl_tok_text(&n->val);
    if (strchr(v, '*')) free(v);
    else *pin = v;
}

static void alias_ctx_free(alias_ctx *a)
{
    for (int i = 0; i < a->nmemo; i++) { free(a->memo[i].field); free(a->memo[i].sql); }
    free(a->memo);
    for (int i = 0; i < a->nm; i++) free(a->msql[i]);
    free(a->msql);
    free(a->msets);
    free(a->pin_st);
    free(a->pin_src);
    free(a->pin_ec);
}

/* A field as a search sees it on any event (no pins): for event type
 * searches (spl_eventtype.c). */
struct spl_alias_res {
    alias_ctx a;
};

spl_alias_res *spl_alias_res_new(spl_tr *tr)
{
    spl_alias_res *r = xcalloc(1, sizeof *r);
    r->a.tr = tr;
    r->a.reg = tr->opts ? tr->opts->datamodels : NULL;
    return r;
}

int spl_alias_res_field(spl_alias_res *r, const char *field, const char **sql, int *mv)
{
    if (!r->a.reg || !r->a.reg->naliases || !dm_alias_defs(r->a.reg, field, UINT_MAX, NULL, NULL, 0)) {
        for (int i = 0; i < r->a.nmemo; i++)
            if (r->a.memo[i].ndefs == (size_t)-1 && !strcmp(r->a.memo[i].field, field)) {
                *sql = r->a.memo[i].sql;
                *mv = r->a.memo[i].mv;
                return 0;
            }
        sbuf b = {0};
        extracted(&r->a, field, &b, mv);
        if (!b.s) sbuf_add(&b, "NULL");
        /* kept in the memo, so the string lives as long as r */
        alias_ctx *a = &r->a;
        if (a->nmemo == a->capmemo) {
            a->capmemo = a->capmemo ? a->capmemo * 2 : 32;
            a->memo = xrealloc(a->memo, sizeof *a->memo * (size_t)a->capmemo);
        }
        alias_memo *mm = &a->memo[a->nmemo++];
        mm->field = xstrdup(field);
        mm->ndefs = (size_t)-1; /* never matched by resolve's lookup */
        mm->scope = NULL;
        mm->sql = sbuf_detach(&b);
        mm->mv = *mv;
        *sql = mm->sql;
        return 0;
    }
    return resolve(&r->a, field, UINT_MAX, NULL, sql, mv);
}

void spl_alias_res_free(spl_alias_res *r)
{
    if (!r) return;
    alias_ctx_free(&r->a);
    free(r);
}

void spl_alias_apply(spl_tr *tr)
{
    const dm_registry *reg = tr->opts ? tr->opts->datamodels : NULL;
    if (!reg || !reg->naliases) return;
    alias_ctx a = {0};
    a.tr = tr;
    a.reg = reg;
    if (tr->first_search && tr->first_search->n) {
        spl_pctx P = {0};
        spl_error e = {0};
        P.err = &e;
        if (!spl_parse_expr(&P, TK_SEARCH_START, tr->first_search, 0, tr->first_search->n, 0))
            find_pins(&a, P.result);
        spl_pctx_free(&P);
        spl_error_clear(&e);
        free(e.text);
    }
    for (int i = 0; i < tr->nrefs && !tr->err->msg; i++) {
        const char *f = tr->refs[i];
        if (strchr(f, '*') || !dm_alias_defs(reg, f, UINT_MAX, NULL, NULL, 0)) continue;
        const char *sql;
        int mv;
        if (resolve(&a, f, UINT_MAX, NULL, &sql, &mv)) break;
        spl_tr_set(tr, f, sql, mv);
        spl_col *col = spl_tr_find(tr, f);
        if (col) col->weak = 1;
    }
    alias_ctx_free(&a);
}
