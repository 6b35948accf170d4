/* spl_cmd_search.c: the search command (explicit, implicit at the head of a
 * query, or later in the pipeline): parses its arguments with the search
 * grammar and adds the condition to the current level. The first search of
 * a query stays a plain WHERE over the events table so indexes apply. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_search(spl_cmd_ctx *c);

int spl_cmd_search(spl_cmd_ctx *c)
{
    spl_pctx P = {0};
    int rc = spl_cmd_parse_search(c, 0, c->args.n, &P);
    if (!rc) {
        sbuf cond = {0};
        rc = spl_search_sql(c->tr, P.result, &cond, c->first);
        if (!rc && strcmp(cond.s, "1")) spl_tr_where(c->tr, cond.s);
        sbuf_free(&cond);
    }
    spl_pctx_free(&P);
    return rc;
}
