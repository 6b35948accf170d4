/* spl_cmd_head.c: head [N | limit=N] (first N results in the current
 * order, default 10), head (eval-expression) [keeplast=bool] [null=bool]
 * [limit=N] (the results before the first one for which the expression is
 * false, or null unless null=true; keeplast=true keeps that one too), and
 * tail [N] (last N, returned in reverse order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_head(spl_cmd_ctx *c);
int spl_cmd_tail(spl_cmd_ctx *c);

typedef struct head_expr {
    int lp, rp;             /* the expression's parentheses in c->args, or -1 */
    int keeplast, nulltrue; /* keeplast=, null= */
} head_expr;

static int truthy(const char *v)
{
    return !strcasecmp(v, "true") || !strcasecmp(v, "t") || !strcmp(v, "1");
}

static int count_arg(spl_cmd_ctx *c, long *n, head_expr *he)
{
    *n = 10;
    const spl_toks *a = &c->args;
    int i = 0;
    if (he) he->lp = he->rp = -1;
    while (i < a->n) {
        char *v = NULL;
        if (spl_arg_option(c, i, "limit", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 0 || d != floor(d)) {
                free(v);
                return spl_arg_error(c, &a->v[i + 2], "limit must be a whole number");
            }
            *n = util_clamp_long(d);
            free(v);
            i += 3;
            continue;
        }
        if (he && (spl_arg_option(c, i, "keeplast", &v) || spl_arg_option(c, i, "null", &v))) {
            if (spl_tok_is(&a->v[i], "keeplast", 1)) he->keeplast = truthy(v);
            else he->nulltrue = truthy(v);
            free(v);
            i += 3;
            continue;
        }
        if (spl_arg_is_option(c, i)) {
            const spl_token *t = &a->v[i];
            return spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s);
        }
        const spl_token *t = &a->v[i];
        if (he && t->type == TK_LP && he->lp < 0) {
            int depth = 0, j = i;
            for (; j < a->n; j++) {
                if (a->v[j].type == TK_LP) depth++;
                if (a->v[j].type == TK_RP && --depth == 0) break;
            }
            if (j >= a->n) return spl_arg_error(c, t, "missing ')'");
            he->lp = i;
            he->rp = j;
            i = j + 1;
            continue;
        }
        double d;
        if (t->type == TK_WORD && util_is_number(t->s, t->n, &d) && d >= 0 && d == floor(d)) {
            *n = util_clamp_long(d);
            i++;
            continue;
        }
        return spl_arg_error(c, t, "expected a count or (eval-expression), got '%.*s'", (int)t->n, t->s);
    }
    return 0;
}

/* head (expr): keep the results up to the first one whose expression does
 * not hold (a running sum of "stops" over the current order) */
static int head_while(spl_cmd_ctx *c, const head_expr *he)
{
    spl_tr *tr = c->tr;
    const spl_token *l = &c->args.v[he->lp], *r = &c->args.v[he->rp];
    size_t off = l->off + 1, len = r->off - off;
    spl_toks t = {0};
    spl_pctx P = {0};
    P.err = tr->err;
    int rc = spl_lex(tr->text + off, len, off, SPL_LEX_EVAL, &t, tr->err);
    if (!rc) rc = spl_parse_expr(&P, TK_EVAL_START, &t, 0, t.n, r->off);
    if (!rc && !P.result) rc = spl_arg_error(c, l, "head: missing expression");
    sbuf e = {0};
    int mv = 0;
    if (!rc) rc = spl_expr_sql(tr, P.result, &e, &mv);
    if (!rc) {
        sbuf x = {0}, ord = {0};
        char *flag = xasprintf("(CASE WHEN (%s) THEN 0 WHEN (%s) IS NULL THEN %d ELSE 1 END)", e.s, e.s,
                               he->nulltrue ? 0 : 1);
        spl_tr_order_sql(tr, &ord, 0);
        sbuf_printf(&x, "%s AS hf, sum(%s) OVER (%s%s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS hs", flag,
                    flag, ord.len ? "ORDER BY " : "", ord.len ? ord.s : "");
        spl_tr_flush(tr, -1, x.s);
        char *w = he->keeplast ? xasprintf("(%s.hs = 0 OR (%s.hs = 1 AND %s.hf = 1))", tr->from, tr->from, tr->from)
                               : xasprintf("%s.hs = 0", tr->from);
        spl_tr_where(tr, w);
        free(w);
        free(flag);
        sbuf_free(&x);
        sbuf_free(&ord);
    }
    sbuf_free(&e);
    spl_pctx_free(&P);
    spl_toks_free(&t);
    return rc;
}

int spl_cmd_head(spl_cmd_ctx *c)
{
    long n;
    head_expr he = {0};
    if (count_arg(c, &n, &he)) return -1;
    int has_limit = 0;
    for (int i = 0; i < c->args.n; i++)
        if (i < he.lp || i > he.rp) has_limit |= spl_tok_is(&c->args.v[i], "limit", 1);
    if (he.lp >= 0) {
        if (head_while(c, &he)) return -1;
        if (!has_limit) return 0;
    }
    spl_tr_flush(c->tr, n, NULL);
    return 0;
}

int spl_cmd_tail(spl_cmd_ctx *c)
{
    long n;
    if (count_arg(c, &n, NULL)) return -1;
    spl_tr *tr = c->tr;
    for (int i = 0; i < tr->nord; i++) tr->ord[i].desc = !tr->ord[i].desc;
    spl_tr_flush(tr, n, NULL);
    return 0;
}
