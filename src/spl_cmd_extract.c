/* spl_cmd_extract.c: commands whose fields depend on the data: fromjson
 * FIELD [prefix=P] (the top-level keys of a JSON object, named P+key),
 * xmlkv [FIELD] (<name>value</name> pairs, default
 * _raw) and extract/kv [pairdelim=S] [kvdelim=S] (key/value pairs of _raw;
 * default pairs separated by spaces, commas and semicolons, key=value). The fields the rest of the query names are read from the source
 * field on demand (spl_tr_add_dyn); wildcards do not see them. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_fromjson(spl_cmd_ctx *c);
int spl_cmd_xmlkv(spl_cmd_ctx *c);
int spl_cmd_extract(spl_cmd_ctx *c);

/* the one field argument (def when none); prefix=: when prefix is not NULL */
static int one_field(spl_cmd_ctx *c, const char *def, char **out, char **prefix)
{
    const spl_toks *a = &c->args;
    *out = NULL;
    for (int i = 0; i < a->n; i++) {
        char *v = NULL;
        if (!prefix && spl_arg_option(c, i, "maxinputs", &v)) { free(v); i += 2; continue; }
        if (prefix && spl_arg_option(c, i, "prefix", &v)) { free(*prefix); *prefix = v; i += 2; continue; }
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
    char *f, *prefix = NULL;
    if (one_field(c, NULL, &f, &prefix)) { free(prefix); return -1; }
    spl_tr_add_json_dyn(c->tr, f, prefix ? prefix : "");
    free(f);
    free(prefix);
    return 0;
}

int spl_cmd_xmlkv(spl_cmd_ctx *c)
{
    char *f;
    if (one_field(c, "_raw", &f, NULL)) return -1;
    spl_tr_add_dyn(c->tr, f, 1);
    free(f);
    return 0;
}

int spl_cmd_extract(spl_cmd_ctx *c)
{
    const spl_toks *a = &c->args;
    char *pd = xstrdup(" \t\r\n,;"), *kd = xstrdup("=");
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "pairdelim", &v)) { free(pd); pd = v; i += 2; }
        else if (spl_arg_option(c, i, "kvdelim", &v)) { free(kd); kd = v; i += 2; }
        else if (spl_arg_option(c, i, "clean_keys", &v) || spl_arg_option(c, i, "mv_add", &v) ||
                 spl_arg_option(c, i, "limit", &v) || spl_arg_option(c, i, "maxchars", &v) ||
                 spl_arg_option(c, i, "segment", &v) || spl_arg_option(c, i, "auto", &v) ||
                 spl_arg_option(c, i, "reload", &v)) {
            free(v);
            rc = spl_arg_error(c, &a->v[i], "option '%.*s' is not supported", (int)a->v[i].n, a->v[i].s);
        } else
            rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s' (extraction stanzas are not supported; use pairdelim= and kvdelim=)",
                               (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && (!*pd || !*kd)) rc = spl_arg_error(c, NULL, "pairdelim and kvdelim must not be empty");
    if (!rc) spl_tr_add_kv_dyn(c->tr, "_raw", pd, kd);
    free(pd);
    free(kd);
    return rc;
}
