/* spl_cmd_sort.c: sort [N] [+|-]field ... [desc] [limit=N]: numbers before
 * strings, numbers numerically, strings lexicographically; num()/str()/
 * auto()/ip() modifiers; results missing a field last in either direction
 * (the Search Reference: smallest when descending, largest when
 * ascending); stable (ties keep the previous order); default limit 10000,
 * 0 = no limit. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_sort(spl_cmd_ctx *c);

/* Insert the order key sql (taken) at *pos; fixed[] marks the keys a
 * trailing desc leaves alone (the missing-field key). */
static void add_key(spl_tr *tr, int *pos, char *sql, int desc, int fixed, int *fixedv, int first_key)
{
    tr->ord = xrealloc(tr->ord, sizeof *tr->ord * (size_t)(tr->nord + 1));
    memmove(&tr->ord[*pos + 1], &tr->ord[*pos], sizeof *tr->ord * (size_t)(tr->nord - *pos));
    tr->ord[*pos].sql = sql;
    tr->ord[*pos].desc = desc;
    fixedv[*pos - first_key] = fixed;
    tr->nord++;
    (*pos)++;
}

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
    /* at most four order keys per argument token */
    int *fixedv = xcalloc((size_t)a->n * 4 + 4, sizeof *fixedv);
    while (i < a->n) {
        const spl_token *t = &a->v[i];
        char *v = NULL;
        if (spl_arg_option(c, i, "limit", &v)) {
            if (!util_is_number(v, strlen(v), &d) || d < 0) { free(v); free(fixedv); return spl_arg_error(c, &a->v[i + 2], "limit must be a number"); }
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
        if (t->type != TK_WORD && t->type != TK_STRING) {
            free(fixedv);
            return spl_arg_error(c, t, "expected a field name, got '%.*s'", (int)t->n, t->s);
        }
        char *name = spl_tok_text(t);
        int desc = pending_desc == 1;
        char *p = name;
        if (t->type == TK_WORD && (*p == '-' || *p == '+')) { desc = *p == '-'; p++; }
        int mode = 0; /* 0 auto, 1 num, 2 str, 3 ip */
        i++;
        if (i < a->n && a->v[i].type == TK_LP && t->type == TK_WORD) {
            if (!strcasecmp(p, "num")) mode = 1;
            else if (!strcasecmp(p, "str")) mode = 2;
            else if (!strcasecmp(p, "auto")) mode = 0;
            else if (!strcasecmp(p, "ip")) mode = 3;
            else {
                int rc = spl_arg_error(c, t, "unknown sort modifier '%s'", p);
                free(name);
                free(fixedv);
                return rc;
            }
            if (i + 2 >= a->n || a->v[i + 2].type != TK_RP) {
                int rc = spl_arg_error(c, &a->v[i], "expected %s(field)", p);
                free(name);
                free(fixedv);
                return rc;
            }
            free(name);
            name = spl_tok_text(&a->v[i + 1]);
            p = name;
            i += 3;
        }
        spl_col *col = spl_tr_col(tr, p);
        const char *x = col ? col->sql : "NULL";
        /* a result missing the field comes last either way */
        add_key(tr, &pos, xasprintf("(%s IS NULL)", x), 0, 1, fixedv, first_key);
        if (mode == 0) {
            add_key(tr, &pos, xasprintf("splop_sortkey(%s)", x), desc, 0, fixedv, first_key);
        } else if (mode == 3) {
            /* addresses by their bytes (IPv4 first), then other values as auto() */
            char *k = xasprintf("spl_ipsortkey(%s)", x);
            add_key(tr, &pos, xasprintf("(%s IS NULL)", k), desc, 0, fixedv, first_key);
            add_key(tr, &pos, k, desc, 0, fixedv, first_key);
            add_key(tr, &pos, xasprintf("splop_sortkey(%s)", x), desc, 0, fixedv, first_key);
        } else {
            /* num(): values that are not numbers after the numbers */
            char *k = mode == 1 ? xasprintf("splop_num(%s)", x) : xasprintf("CAST(%s AS TEXT)", x);
            add_key(tr, &pos, xasprintf("(%s IS NULL)", k), desc, 0, fixedv, first_key);
            add_key(tr, &pos, k, desc, 0, fixedv, first_key);
        }
        free(name);
        pending_desc = -1;
        nkeys++;
    }
    if (!nkeys) { free(fixedv); return spl_arg_error(c, NULL, "expected at least one field to sort by"); }
    if (reverse_all)
        for (int k = first_key; k < pos; k++)
            if (!fixedv[k - first_key]) tr->ord[k].desc = !tr->ord[k].desc;
    free(fixedv);
    /* without a limit the order columns carry the new order on */
    spl_tr_flush(tr, limit > 0 ? limit : -1, NULL);
    return 0;
}
