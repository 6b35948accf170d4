/* spl_subsearch.c: compiling a command's [subsearch] into a CTE of the outer
 * statement (see spl_subsearch.h). The subsearch's own statement ("WITH s0
 * AS (...) SELECT ...") becomes the body of the CTE; its CTE names shadow
 * the outer ones only inside it. */
#include <stdlib.h>
#include <string.h>
#include "spl_subsearch.h"

int spl_sub_find(spl_cmd_ctx *c, int *first)
{
    const spl_toks *a = &c->args;
    for (int i = 0; i < a->n; i++)
        if (a->v[i].type == TK_LBRACKET) {
            if (a->v[a->n - 1].type != TK_RBRACKET)
                return spl_arg_error(c, &a->v[i], "the subsearch must end the command with ']'");
            *first = i;
            return 0;
        }
    return spl_arg_error(c, NULL, "expected a subsearch in [ ]");
}

/* sql with every ?N outside quotes renumbered to ?(N + add) */
static char *renumber(const char *s, int add)
{
    sbuf b = {0};
    while (*s) {
        if (*s == '\'' || *s == '"') {
            char qc = *s;
            const char *e = s + 1;
            while (*e && !(*e == qc && e[1] != qc)) e += (*e == qc ? 2 : 1);
            if (*e) e++;
            sbuf_addn(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if (*s == '?' && s[1] >= '0' && s[1] <= '9') {
            char *end;
            long k = strtol(s + 1, &end, 10);
            sbuf_printf(&b, "?%ld", k + add);
            s = end;
            continue;
        }
        sbuf_addc(&b, *s++);
    }
    return sbuf_detach(&b);
}

int spl_sub_compile(spl_cmd_ctx *c, int first, spl_sub *out)
{
    spl_tr *tr = c->tr;
    memset(out, 0, sizeof *out);
    const spl_toks *a = &c->args;
    size_t from = a->v[first].off + 1, to = a->v[a->n - 1].off;
    char *text = xstrndup(tr->text + from, to > from ? to - from : 0);
    spl_macros none;
    spl_macros_init(&none);
    spl_error e = {0};
    spl_query *q = NULL;
    int rc = spl_compile(tr->st, &none, text, tr->opts, &q, &e);
    free(text);
    spl_macros_free(&none);
    if (rc) {
        if (!tr->err->msg) {
            spl_error_clear(tr->err);
            tr->err->msg = xasprintf("subsearch: %s", e.msg ? e.msg : "error");
            tr->err->off = from + (e.has_pos ? e.off : 0);
            tr->err->has_pos = 1;
            tr->err->syntax = e.syntax;
        }
        spl_error_clear(&e);
        free(e.text);
        return -1;
    }
    free(e.text);
    char *sql = renumber(q->sql, tr->nparams);
    for (int i = 0; i < q->nparams; i++) {
        if (q->params[i].is_num) spl_tr_param_num(tr, q->params[i].num);
        else spl_tr_param_text(tr, q->params[i].text);
    }
    out->cte = spl_tr_next_cte(tr);
    out->ncols = q->ncols;
    out->names = xcalloc((size_t)q->ncols + 1, sizeof *out->names);
    out->mv = xcalloc((size_t)q->ncols + 1, sizeof *out->mv);
    if (tr->ctes.len) sbuf_add(&tr->ctes, ",\n");
    sbuf_printf(&tr->ctes, "%s(", out->cte);
    for (int i = 0; i < q->ncols; i++) {
        out->names[i] = xstrdup(q->cols[i]);
        out->mv[i] = q->col_mv[i];
        sbuf_printf(&tr->ctes, "%sc%d", i ? ", " : "", i);
    }
    if (!q->ncols) sbuf_add(&tr->ctes, "c_");
    sbuf_printf(&tr->ctes, ") AS (%s)", sql);
    tr->nlevels++;
    free(sql);
    spl_query_free(q);
    return 0;
}

void spl_sub_free(spl_sub *s)
{
    free(s->cte);
    for (int i = 0; i < s->ncols; i++) free(s->names[i]);
    free(s->names);
    free(s->mv);
    memset(s, 0, sizeof *s);
}

int spl_sub_col(const spl_sub *s, const char *name)
{
    for (int i = 0; i < s->ncols; i++)
        if (!strcmp(s->names[i], name)) return i;
    return -1;
}
