/* spl_cmd_table.c: table (keep the named fields, wildcards allowed, in the
 * given order; a named field that does not exist is an empty column) and
 * fields (+ keep / - remove, wildcards; fields + keeps _time and _raw). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_table(spl_cmd_ctx *c);
int spl_cmd_fields(spl_cmd_ctx *c);

static int names_from(spl_cmd_ctx *c, int from, char ***out)
{
    int n = 0;
    char **v = NULL;
    for (int i = from; i < c->args.n; i++) {
        const spl_token *t = &c->args.v[i];
        if (t->type == TK_COMMA) continue;
        if (t->type != TK_WORD && t->type != TK_STRING) {
            for (int k = 0; k < n; k++) free(v[k]);
            free(v);
            return spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s);
        }
        v = xrealloc(v, sizeof *v * (size_t)(n + 1));
        v[n++] = spl_tok_text(t);
    }
    *out = v;
    return n;
}

/* keep the listed fields in list order; add_missing: absent plain names
 * become NULL columns */
static void keep(spl_tr *tr, char **names, int n, int add_missing, int keep_internal)
{
    /* resolve on-demand names first, then only the kept fields exist */
    for (int k = 0; k < n; k++)
        if (!strchr(names[k], '*')) spl_tr_col(tr, names[k]);
    spl_tr_clear_dyn(tr);
    spl_col *old = tr->cols;
    int nold = tr->ncols;
    char *used = xcalloc((size_t)nold + 1, 1);
    tr->cols = NULL;
    tr->ncols = tr->capcols = 0;
    for (int k = 0; k < n; k++) {
        if (strchr(names[k], '*')) {
            for (int i = 0; i < nold; i++)
                if (!used[i] && spl_wild_match(names[k], old[i].name)) {
                    spl_tr_set(tr, old[i].name, old[i].sql, old[i].mv);
                    used[i] = 1;
                }
            continue;
        }
        int found = 0;
        for (int i = 0; i < nold; i++)
            if (!strcmp(old[i].name, names[k])) {
                if (!used[i]) spl_tr_set(tr, old[i].name, old[i].sql, old[i].mv);
                used[i] = 1;
                found = 1;
            }
        if (!found && add_missing && !spl_tr_col(tr, names[k])) spl_tr_set(tr, names[k], "NULL", 0);
    }
    if (keep_internal)
        for (int i = 0; i < nold; i++)
            if (!used[i] && (!strcmp(old[i].name, "_time") || !strcmp(old[i].name, "_raw"))) {
                spl_tr_set(tr, old[i].name, old[i].sql, old[i].mv);
                used[i] = 1;
            }
    for (int i = 0; i < nold; i++) { free(old[i].name); free(old[i].sql); }
    free(old);
    free(used);
}

int spl_cmd_table(spl_cmd_ctx *c)
{
    char **names = NULL;
    int n = names_from(c, 0, &names);
    if (n < 0) return -1;
    if (!n) return spl_arg_error(c, NULL, "expected at least one field name");
    keep(c->tr, names, n, 1, 0);
    c->tr->events = 0;
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}

int spl_cmd_fields(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    int from = 0, remove = 0;
    if (c->args.n && c->args.v[0].type == TK_WORD && c->args.v[0].n == 1 &&
        (c->args.v[0].s[0] == '-' || c->args.v[0].s[0] == '+')) {
        remove = c->args.v[0].s[0] == '-';
        from = 1;
    }
    char **names = NULL;
    int n = names_from(c, from, &names);
    if (n < 0) return -1;
    if (!n) return spl_arg_error(c, NULL, "expected at least one field name");
    if (remove) {
        for (int k = 0; k < n; k++)
            for (int i = tr->ncols - 1; i >= 0; i--)
                if (spl_wild_match(names[k], tr->cols[i].name)) spl_tr_remove(tr, tr->cols[i].name);
    } else {
        keep(tr, names, n, 0, 1);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}
