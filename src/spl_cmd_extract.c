/* spl_cmd_extract.c: commands whose fields depend on the data: fromjson
 * FIELD (JSON keys) and xmlkv [FIELD] (<name>value</name> pairs, default
 * _raw). The fields the rest of the query names are read from the source
 * field on demand (spl_tr_add_dyn); wildcards do not see them. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_fromjson(spl_cmd_ctx *c);
int spl_cmd_xmlkv(spl_cmd_ctx *c);

static int one_field(spl_cmd_ctx *c, const char *def, char **out)
{
    const spl_toks *a = &c->args;
    *out = NULL;
    for (int i = 0; i < a->n; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "maxinputs", &v)) { free(v); i += 2; continue; }
        if (spl_arg_is_option(c, i)) {
            free(*out);
            return spl_arg_error(c, &a->v[i], "option '%.*s' is not supported", (int)a->v[i].n, a->v[i].s);
        }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !*out) { *out = spl_tok_text(&a->v[i]); continue; }
        free(*out);
        return spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!*out && !def) return spl_arg_error(c, NULL, "expected a field");
    if (!*out) *out = xstrdup(def);
    return 0;
}

int spl_cmd_fromjson(spl_cmd_ctx *c)
{
    char *f;
    if (one_field(c, NULL, &f)) return -1;
    spl_tr_add_dyn(c->tr, f, 0);
    free(f);
    return 0;
}

int spl_cmd_xmlkv(spl_cmd_ctx *c)
{
    char *f;
    if (one_field(c, "_raw", &f)) return -1;
    spl_tr_add_dyn(c->tr, f, 1);
    free(f);
    return 0;
}
