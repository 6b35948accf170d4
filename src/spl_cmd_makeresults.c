/* spl_cmd_makeresults.c: makeresults [count=N]: a generating command that
 * makes N results holding only _time (the reference "now"); handy for eval
 * tests. It shows how a generating command (tstats) supplies the first
 * stage: build a CTE and start a level on it. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_makeresults(spl_cmd_ctx *c);

int spl_cmd_makeresults(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    long count = 1;
    for (int i = 0; i < c->args.n; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "count", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 1 || d > 1e7) {
                free(v);
                return spl_arg_error(c, &c->args.v[i + 2], "count must be a number from 1");
            }
            count = util_clamp_long(d);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "annotate", &v)) {
            int on = !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "t");
            free(v);
            if (on) return spl_arg_error(c, &c->args.v[i], "annotate=true is not supported");
            i += 2;
            continue;
        }
        return spl_arg_error(c, &c->args.v[i], "unexpected '%.*s'", (int)c->args.v[i].n, c->args.v[i].s);
    }
    sbuf q = {0};
    sbuf_add(&q, "WITH RECURSIVE mr(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM mr WHERE i < ");
    spl_tr_bind_num(tr, &q, (double)count);
    sbuf_add(&q, ") SELECT ");
    spl_tr_bind_num(tr, &q, tr->now);
    sbuf_add(&q, " AS c0, i AS o0 FROM mr");
    char *names[] = {"_time"};
    tr->has_rows = 1;
    tr->time_applied = 1; /* reads no events: the time range does not apply */
    tr->from = xstrdup("");
    spl_tr_new_level(tr, q.s, names, NULL, 1);
    spl_tr_clear_ord(tr);
    spl_tr_add_ord_col(tr, "o0", 0);
    tr->events = 0;
    sbuf_free(&q);
    return 0;
}
