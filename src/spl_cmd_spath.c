/* spl_cmd_spath.c: spath [input=F] [output=O] [path=P] (or spath P): the
 * value at a JSON path of a field (default _raw) into a field (default: the
 * path). Without a path, the fields the rest of the query names (and that
 * do not exist yet) are read from the JSON of the input on demand (JSON
 * events already have their fields extracted at ingest). */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_spath(spl_cmd_ctx *c);

int spl_cmd_spath(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *input = xstrdup("_raw"), *output = NULL, *path = NULL;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "input", &v)) { free(input); input = v; i += 2; continue; }
        if (spl_arg_option(c, i, "output", &v)) { free(output); output = v; i += 2; continue; }
        if (spl_arg_option(c, i, "path", &v)) { free(path); path = v; i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s); break; }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !path) { path = spl_tok_text(&a->v[i]); continue; }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !path && output)
        rc = spl_arg_error(c, NULL, "output= needs path=");
    if (!rc && !path)
        /* every field the query names from now on is read from the JSON */
        spl_tr_add_dyn(tr, input, 0);
    if (!rc && path) {
        spl_col *col = spl_tr_col(tr, input);
        sbuf s = {0};
        sbuf_printf(&s, "spl_spath(%s, ", col ? col->sql : "NULL");
        spl_tr_bind_text(tr, &s, path);
        sbuf_addc(&s, ')');
        spl_tr_set(tr, output ? output : path, s.s, strstr(path, "{}") != NULL);
        sbuf_free(&s);
    }
    free(input);
    free(output);
    free(path);
    return rc;
}
