/* spl_cmd_eval.c: eval (name = expression, comma-separated, each seeing the
 * previous ones) and where (an eval expression used as a filter). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_eval(spl_cmd_ctx *c);
int spl_cmd_where(spl_cmd_ctx *c);

/* The expression t[from..to) as SQL; assign_off: where the assigned field's
 * name is (eval), or SIZE_MAX (where: a boolean is what it wants). */
static int expr_at(spl_cmd_ctx *c, spl_toks *t, int from, int to, size_t endoff, size_t assign_off, sbuf *out,
                   int *mv, const char *name)
{
    spl_pctx P = {0};
    P.err = c->tr->err;
    int rc = spl_parse_expr(&P, TK_EVAL_START, t, from, to, endoff);
    if (!rc && !P.result) rc = spl_tr_error(c->tr, endoff, "%.*s: missing expression", (int)c->name->n, c->name->s);
    if (!rc && assign_off != SIZE_MAX && spl_expr_is_bool(P.result))
        rc = spl_tr_error(c->tr, assign_off,
                          "Fields cannot be assigned a boolean result. Instead, try if(<bool expr>, <expr>, <expr>)");
    if (!rc) rc = spl_expr_sql(c->tr, P.result, out, mv);
    if (!rc && name) spl_eval_pf_hint(c->tr, name, P.result, out->s); /* the shared scan */
    spl_pctx_free(&P);
    return rc;
}

int spl_cmd_eval(spl_cmd_ctx *c)
{
    spl_toks t = {0};
    if (spl_cmd_lex_eval(c, &t)) { spl_toks_free(&t); return -1; }
    int rc = 0;
    size_t end = c->argoff + c->arglen;
    if (!t.n) rc = spl_arg_error(c, NULL, "expected name=expression");
    int i = 0;
    while (!rc && i < t.n) {
        /* name = expr up to the next top-level comma */
        const spl_token *nt = &t.v[i];
        if (nt->type != TK_IDENT && nt->type != TK_QIDENT && nt->type != TK_STRING) {
            rc = spl_arg_error(c, nt, "expected a field name, got '%.*s'", (int)nt->n, nt->s);
            break;
        }
        if (i + 1 >= t.n || t.v[i + 1].type != TK_EQ) {
            rc = spl_arg_error(c, i + 1 < t.n ? &t.v[i + 1] : nt, "expected '=' after the field name");
            break;
        }
        int j = i + 2, depth = 0;
        while (j < t.n && !(depth == 0 && t.v[j].type == TK_COMMA)) {
            if (t.v[j].type == TK_LP) depth++;
            if (t.v[j].type == TK_RP) depth--;
            j++;
        }
        char *name = nt->type == TK_IDENT ? xstrndup(nt->s, nt->n) : spl_tok_text(nt);
        sbuf v = {0};
        int mv = 0;
        rc = expr_at(c, &t, i + 2, j, j < t.n ? t.v[j].off : end, nt->off, &v, &mv, name);
        if (!rc) {
            spl_tr_set(c->tr, name, v.s, mv);
            /* keep later expressions small: materialize big ones */
            if (v.len > 4000) spl_tr_flush(c->tr, -1, NULL);
        }
        sbuf_free(&v);
        free(name);
        i = j + 1;
        if (j < t.n && i >= t.n) rc = spl_arg_error(c, &t.v[j], "expected name=expression after ','");
    }
    spl_toks_free(&t);
    return rc;
}

int spl_cmd_where(spl_cmd_ctx *c)
{
    spl_toks t = {0};
    if (spl_cmd_lex_eval(c, &t)) { spl_toks_free(&t); return -1; }
    sbuf v = {0};
    int mv = 0;
    int rc = expr_at(c, &t, 0, t.n, c->argoff + c->arglen, SIZE_MAX, &v, &mv, NULL);
    if (!rc) spl_tr_where(c->tr, v.s);
    sbuf_free(&v);
    spl_toks_free(&t);
    return rc;
}
