/* spl_cmd_rename.c: rename old AS new [, ...], quoted names and wildcards
 * (rename Processes.* AS *). A renamed field replaces an existing field of
 * the new name, also where the old one is missing: renaming a field no
 * result has removes the new name's field (the Search Reference's "loss of
 * data" note); a wildcard that matches nothing changes nothing. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_rename(spl_cmd_ctx *c);

static void rename_one(spl_tr *tr, int idx, const char *newname)
{
    if (!strcmp(tr->cols[idx].name, newname)) return;
    char *old = xstrdup(tr->cols[idx].name);
    spl_tr_remove(tr, newname);
    spl_col *col = spl_tr_col(tr, old);
    free(col->name);
    col->name = xstrdup(newname);
    free(old);
}

/* Adjacent name tokens with nothing between them form one name, as in
 * Splunk: `rename "Authentication".* AS *` (what drop_dm_object_name
 * expands to when given a quoted argument). */
static void join_adjacent(const spl_toks *in, spl_toks *out, char ***texts)
{
    out->v = xcalloc((size_t)in->n + 1, sizeof *out->v);
    *texts = xcalloc((size_t)in->n + 1, sizeof **texts);
    for (int i = 0; i < in->n; i++) {
        const spl_token *t = &in->v[i];
        int name = t->type == TK_WORD || t->type == TK_STRING;
        spl_token *prev = out->n ? &out->v[out->n - 1] : NULL;
        int pname = prev && (prev->type == TK_WORD || prev->type == TK_STRING);
        if (name && pname && prev->off + prev->n == t->off && !spl_tok_is(t, "as", 1) && !spl_tok_is(prev, "as", 1)) {
            char *a = (*texts)[out->n - 1] ? (*texts)[out->n - 1] : spl_tok_text(prev);
            char *b = spl_tok_text(t);
            (*texts)[out->n - 1] = xasprintf("%s%s", a, b);
            free(a);
            free(b);
            prev->n = t->off + t->n - prev->off;
            prev->type = TK_WORD;
            continue;
        }
        out->v[out->n++] = *t;
    }
}

int spl_cmd_rename(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    spl_toks joined = {0};
    char **texts = NULL;
    join_adjacent(&c->args, &joined, &texts);
    const spl_toks *a = &joined;
    int rc = 0;
    int i = 0, pairs = 0;
    while (i < a->n) {
        if (a->v[i].type == TK_COMMA) { i++; continue; }
        if (i + 2 >= a->n || !spl_tok_is(&a->v[i + 1], "as", 1) ||
            (a->v[i].type != TK_WORD && a->v[i].type != TK_STRING) ||
            (a->v[i + 2].type != TK_WORD && a->v[i + 2].type != TK_STRING)) {
            rc = spl_arg_error(c, &a->v[i], "expected 'old AS new'");
            goto out;
        }
        char *from = texts[i] ? xstrdup(texts[i]) : spl_tok_text(&a->v[i]);
        char *to = texts[i + 2] ? xstrdup(texts[i + 2]) : spl_tok_text(&a->v[i + 2]);
        int nsf = 0, nst = 0;
        for (char *p = from; *p; p++) nsf += *p == '*';
        for (char *p = to; *p; p++) nst += *p == '*';
        if (nst != nsf) {
            free(from);
            free(to);
            rc = spl_arg_error(c, &a->v[i + 2], "the new name must have as many wildcards as the old one");
            goto out;
        }
        if (nsf) {
            /* collect matches first: renaming changes the column list */
            int n = tr->ncols;
            char **olds = xcalloc((size_t)n + 1, sizeof *olds), **news = xcalloc((size_t)n + 1, sizeof *news);
            int m = 0;
            for (int k = 0; k < n; k++) {
                char *nn = spl_wild_rename(from, to, tr->cols[k].name);
                if (nn) { olds[m] = xstrdup(tr->cols[k].name); news[m] = nn; m++; }
            }
            for (int k = 0; k < m; k++) {
                spl_col *col = spl_tr_col(tr, olds[k]);
                if (col && *news[k]) rename_one(tr, (int)(col - tr->cols), news[k]);
                free(olds[k]);
                free(news[k]);
            }
            free(olds);
            free(news);
        } else {
            spl_col *col = spl_tr_col(tr, from);
            if (col) rename_one(tr, (int)(col - tr->cols), to);
            else if (strcmp(from, to)) spl_tr_remove(tr, to);
        }
        free(from);
        free(to);
        pairs++;
        i += 3;
    }
    if (!pairs) rc = spl_arg_error(c, NULL, "expected 'old AS new'");
out:
    for (int k = 0; k < c->args.n; k++) free(texts[k]);
    free(texts);
    free(joined.v);
    return rc;
}
