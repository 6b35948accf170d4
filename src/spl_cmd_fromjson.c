/* spl_cmd_fromjson.c: fromjson [prefix=P] field: the top-level keys of the
 * JSON object in a field become fields (P + key; an array gives a
 * multivalue). As with xmlkv, the keys extracted are those the rest of the
 * query names as fields; a key the object lacks leaves an existing field
 * as it is. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_fromjson(spl_cmd_ctx *c);

int spl_cmd_fromjson(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = NULL, *prefix = xstrdup("");
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "prefix", &v)) { free(prefix); prefix = v; i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s); break; }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !field) { field = spl_tok_text(&a->v[i]); continue; }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !field) rc = spl_arg_error(c, NULL, "expected the field that holds JSON");
    if (rc) { free(field); free(prefix); return rc; }
    spl_col *src = spl_tr_col(tr, field);
    char *x = xstrdup(src ? src->sql : "NULL");
    size_t pl = strlen(prefix);
    for (int r = 0; r < tr->nrefs; r++) {
        const char *nm = tr->refs[r];
        if (strncmp(nm, prefix, pl) || !nm[pl] || !strcmp(nm, field) || nm[0] == '_') continue;
        const char *key = nm + pl;
        int ok = 1;
        for (const char *p = key; *p && ok; p++)
            if (*p == '*' || *p == '.' || *p == '{' || *p == '}' || *p == '(' || *p == ')' || isspace((unsigned char)*p)) ok = 0;
        if (!ok) continue;
        sbuf s = {0};
        spl_col *old = spl_tr_col(tr, nm);
        /* an array's elements (path key{}), else the value itself */
        char *arr = xasprintf("%s{}", key);
        sbuf_printf(&s, "%scoalesce(spl_spath(%s, ", old ? "coalesce(" : "", x);
        spl_tr_bind_text(tr, &s, arr);
        sbuf_printf(&s, "), spl_spath(%s, ", x);
        spl_tr_bind_text(tr, &s, key);
        sbuf_add(&s, "))");
        free(arr);
        if (old) sbuf_printf(&s, ", %s)", old->sql);
        spl_tr_set(tr, nm, s.s, 1);
        sbuf_free(&s);
    }
    free(x);
    free(field);
    free(prefix);
    return 0;
}
