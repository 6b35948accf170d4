/* spl_cmd_spath.c: spath [input=F] [output=O] [path=P] (or spath P): the
 * value at a JSON path of a field (default _raw) into a field (default: the
 * path). Without a path, spath on _raw is a no-op here: JSON events already
 * have their fields extracted at ingest (KV_MODE=json); without a path on
 * another field it is an error (the field set must be known when the query
 * is translated). */
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
    if (!rc && !path && strcmp(input, "_raw"))
        rc = spl_arg_error(c, NULL, "spath without path= on a field other than _raw is not supported");
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
