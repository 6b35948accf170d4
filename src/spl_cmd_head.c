/* spl_cmd_head.c: head [N | limit=N] (first N results in the current
 * order, default 10) and tail [N] (last N, returned in reverse order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_head(spl_cmd_ctx *c);
int spl_cmd_tail(spl_cmd_ctx *c);

static int count_arg(spl_cmd_ctx *c, long *n)
{
    *n = 10;
    const spl_toks *a = &c->args;
    int i = 0;
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
        if (spl_arg_is_option(c, i)) {
            const spl_token *t = &a->v[i];
            if (spl_tok_is(t, "keeplast", 1) || spl_tok_is(t, "null", 1)) { i += 3; continue; }
            return spl_arg_error(c, t, "unknown option '%.*s'", (int)t->n, t->s);
        }
        const spl_token *t = &a->v[i];
        double d;
        if (t->type == TK_WORD && util_is_number(t->s, t->n, &d) && d >= 0 && d == floor(d)) {
            *n = util_clamp_long(d);
            i++;
            continue;
        }
        return spl_arg_error(c, t, "expected a count, got '%.*s' (eval-expression limits are not supported)", (int)t->n, t->s);
    }
    return 0;
}

int spl_cmd_head(spl_cmd_ctx *c)
{
    long n;
    if (count_arg(c, &n)) return -1;
    spl_tr_flush(c->tr, n, NULL);
    return 0;
}

int spl_cmd_tail(spl_cmd_ctx *c)
{
    long n;
    if (count_arg(c, &n)) return -1;
    spl_tr *tr = c->tr;
    for (int i = 0; i < tr->nord; i++) tr->ord[i].desc = !tr->ord[i].desc;
    spl_tr_flush(tr, n, NULL);
    return 0;
}
