/* spl_cmd_replace.c: replace OLD WITH NEW [, OLD WITH NEW ...] [IN field,
 * ...]: a value that matches OLD as a whole ('*' wildcards, case-sensitive)
 * becomes NEW, with NEW's '*'s filled from what OLD's matched. Without IN,
 * every field except the internal ones. Each value is replaced at most
 * once: a later exact pair wins over an earlier one and over wildcard
 * pairs, a fuller wildcard match over a lesser one. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_replace(spl_cmd_ctx *c);

int spl_cmd_replace(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char **olds = NULL, **news = NULL;
    int np = 0, i = 0, rc = 0;
    while (i < a->n) {
        if (a->v[i].type == TK_COMMA) { i++; continue; }
        if (a->v[i].type == TK_IN || spl_tok_is(&a->v[i], "in", 1)) break;
        if (i + 2 >= a->n || !spl_tok_is(&a->v[i + 1], "with", 1)) {
            rc = spl_arg_error(c, &a->v[i], "expected 'OLD WITH NEW'");
            break;
        }
        olds = xrealloc(olds, sizeof *olds * (size_t)(np + 1));
        news = xrealloc(news, sizeof *news * (size_t)(np + 1));
        olds[np] = spl_tok_text(&a->v[i]);
        news[np] = spl_tok_text(&a->v[i + 2]);
        np++;
        i += 3;
    }
    if (!rc && !np) rc = spl_arg_error(c, NULL, "expected 'OLD WITH NEW'");
    char **fields = NULL;
    int nf = 0;
    if (!rc && i < a->n) {
        for (i++; i < a->n; i++) {
            if (a->v[i].type == TK_COMMA) continue;
            fields = xrealloc(fields, sizeof *fields * (size_t)(nf + 1));
            fields[nf++] = spl_tok_text(&a->v[i]);
        }
        if (!nf) rc = spl_arg_error(c, NULL, "IN needs at least one field");
    }
    for (int k = 0; !rc && k < tr->ncols; k++) {
        spl_col *col = &tr->cols[k];
        int hit = !nf && col->name[0] != '_';
        for (int f = 0; f < nf && !hit; f++) hit = spl_wild_match(fields[f], col->name);
        if (!hit) continue;
        /* one call with every pair: a value is replaced once, by the pair
         * that takes precedence (see splop_wildreplace) */
        sbuf s = {0};
        sbuf_printf(&s, "splop_wildreplace(%s", col->sql);
        for (int p = 0; p < np; p++) {
            sbuf_add(&s, ", ");
            spl_tr_bind_text(tr, &s, olds[p]);
            sbuf_add(&s, ", ");
            spl_tr_bind_text(tr, &s, news[p]);
        }
        sbuf_addc(&s, ')');
        spl_tr_set(tr, col->name, s.s, col->mv);
        sbuf_free(&s);
    }
    for (int p = 0; p < np; p++) { free(olds[p]); free(news[p]); }
    free(olds);
    free(news);
    for (int f = 0; f < nf; f++) free(fields[f]);
    free(fields);
    return rc;
}
