/* spl_cmd_fillnull.c: fillnull [value=V] [field ...]: replace null values
 * of the listed fields (default: every field of the results) with V
 * (default 0); a listed field that does not exist is created. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_fillnull(spl_cmd_ctx *c);

static void fill(spl_tr *tr, spl_col *col, const char *name, const char *value)
{
    sbuf s = {0};
    sbuf_printf(&s, "coalesce(%s, ", col ? col->sql : "NULL");
    spl_tr_bind_text(tr, &s, value);
    sbuf_addc(&s, ')');
    spl_tr_set(tr, name, s.s, col ? col->mv : 0);
    sbuf_free(&s);
}

int spl_cmd_fillnull(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *value = xstrdup("0");
    int nf = 0;
    for (int i = 0; i < a->n; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "value", &v)) { free(value); value = v; i += 2; continue; }
        if (spl_arg_is_option(c, i)) {
            free(value);
            return spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s);
        }
    }
    for (int i = 0; i < a->n; i++) {
        if (spl_arg_is_option(c, i)) { i += 2; continue; }
        const spl_token *t = &a->v[i];
        if (t->type == TK_COMMA) continue;
        if (t->type != TK_WORD && t->type != TK_STRING) {
            free(value);
            return spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s);
        }
        char *name = spl_tok_text(t);
        if (strchr(name, '*')) {
            for (int k = 0; k < tr->ncols; k++)
                if (spl_wild_match(name, tr->cols[k].name)) fill(tr, &tr->cols[k], tr->cols[k].name, value);
        } else {
            char *nm = xstrdup(name);
            fill(tr, spl_tr_col(tr, nm), nm, value);
            free(nm);
        }
        free(name);
        nf++;
    }
    if (!nf)
        for (int k = 0; k < tr->ncols; k++) {
            const char *nm = tr->cols[k].name;
            if (!strcmp(nm, "_raw") || !strcmp(nm, "_time")) continue;
            char *copy = xstrdup(nm);
            fill(tr, &tr->cols[k], copy, value);
            free(copy);
        }
    free(value);
    return 0;
}
