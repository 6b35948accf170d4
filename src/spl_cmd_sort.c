/* spl_cmd_sort.c: sort [N] [+|-]field ... [desc] [limit=N]: numbers before
 * strings, numbers numerically, strings lexicographically; num()/str()/
 * auto()/ip() modifiers; stable (ties keep the previous order); default
 * limit 10000, 0 = no limit. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_sort(spl_cmd_ctx *c);

int spl_cmd_sort(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    long limit = 10000;
    int i = 0, pos = 0, nkeys = 0;
    int pending_desc = -1;
    int reverse_all = 0;
    double d;
    if (i < a->n && a->v[i].type == TK_WORD && util_is_number(a->v[i].s, a->v[i].n, &d) && d >= 0) {
        limit = util_clamp_long(d);
        i++;
    }
    int first_key = pos;
    while (i < a->n) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (spl_arg_option(c, i, "limit", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0) { free(v); return spl_arg_error(c, &a->v[i + 2], "limit must be a number"); }
            limit = util_clamp_long(d);
            free(v);
            i += 3;
            continue;
        }
        if (t->type == TK_COMMA) { i++; continue; }
        if (t->type == TK_WORD && (spl_tok_is(t, "desc", 1) || spl_tok_is(t, "d", 1)) && i == a->n - 1 && nkeys) {
            reverse_all = 1;
            i++;
            continue;
        }
        if (t->type == TK_WORD && t->n == 1 && (t->s[0] == '-' || t->s[0] == '+')) {
            pending_desc = t->s[0] == '-';
            i++;
            continue;
        }
        if (t->type != TK_WORD && t->type != TK_STRING)
            return spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s);
        char *name = spl_tok_text(t);
        int desc = pending_desc == 1;
        char *p = name;
        if (t->type == TK_WORD && (*p == '-' || *p == '+')) { desc = *p == '-'; p++; }
        int mode = 0; /* 0 auto, 1 num, 2 str */
        i++;
        if (i < a->n && a->v[i].type == TK_LP && t->type == TK_WORD) {
            if (!strcasecmp(p, "num")) mode = 1;
            else if (!strcasecmp(p, "str")) mode = 2;
            else if (!strcasecmp(p, "auto") || !strcasecmp(p, "ip")) mode = 0;
            else {
                int rc = spl_arg_error(c, t, "unknown sort modifier '%s'", p);
                free(name);
                return rc;
            }
            if (i + 2 >= a->n || a->v[i + 2].type != TK_RP) {
                int rc = spl_arg_error(c, &a->v[i], "expected %s(field)", p);
                free(name);
                return rc;
            }
            free(name);
            name = spl_tok_text(&a->v[i + 1]);
            p = name;
            i += 3;
        }
        spl_col *col = spl_tr_col(tr, p);
        const char *x = col ? col->sql : "NULL";
        if (mode == 0) {
            spl_tr_add_sort_ord(tr, x, desc, &pos);
        } else {
            char *k = mode == 1 ? xasprintf("splop_num(%s)", x) : xasprintf("CAST(%s AS TEXT)", x);
            char *nul = xasprintf("(%s IS NULL)", k);
            tr->ord = xrealloc(tr->ord, sizeof *tr->ord * (size_t)(tr->nord + 2));
            memmove(&tr->ord[pos + 2], &tr->ord[pos], sizeof *tr->ord * (size_t)(tr->nord - pos));
            tr->ord[pos].sql = nul;
            tr->ord[pos].desc = desc;
            tr->ord[pos + 1].sql = k;
            tr->ord[pos + 1].desc = desc;
            tr->nord += 2;
            pos += 2;
        }
        free(name);
        pending_desc = -1;
        nkeys++;
    }
    if (!nkeys) return spl_arg_error(c, NULL, "expected at least one field to sort by");
    if (reverse_all)
        for (int k = first_key; k < pos; k++) tr->ord[k].desc = !tr->ord[k].desc;
    /* without a limit the order columns carry the new order on */
    spl_tr_flush(tr, limit > 0 ? limit : -1, NULL);
    return 0;
}
