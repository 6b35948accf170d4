/* spl_cmd_xmlkv.c: xmlkv [field] [maxinputs=N]: fields from the XML
 * elements <name>value</name> of a field (default _raw). Fields are known
 * when the query is translated, so the fields extracted are those the rest
 * of the query names (a field it only reaches through a wildcard, as in
 * `table *`, is not extracted). An element the value lacks leaves an
 * existing field as it is; the first element of a name wins; entities are
 * not decoded. maxinputs is accepted and has no effect (every result is
 * processed). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"

int spl_cmd_xmlkv(spl_cmd_ctx *c);

/* a name that can be an XML element name */
static int xml_name(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.')) return 0;
    return 1;
}

int spl_cmd_xmlkv(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = NULL;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "maxinputs", &v)) { free(v); i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s); break; }
        if ((a->v[i].type == TK_WORD || a->v[i].type == TK_STRING) && !field) { field = spl_tok_text(&a->v[i]); continue; }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s'", (int)a->v[i].n, a->v[i].s);
    }
    if (rc) { free(field); return rc; }
    spl_col *src = spl_tr_col(tr, field ? field : "_raw");
    char *x = xstrdup(src ? src->sql : "NULL");
    for (int r = 0; r < tr->nrefs; r++) {
        const char *nm = tr->refs[r];
        if (!xml_name(nm) || (field && !strcmp(nm, field))) continue;
        char *re = xasprintf("<\\Q%s\\E(?:\\s[^>]*)?>(?<v>[^<]*)</\\Q%s\\E>", nm, nm);
        sbuf s = {0};
        spl_col *old = spl_tr_col(tr, nm);
        sbuf_printf(&s, "%sspl_rex(%s, ", old ? "coalesce(" : "", x);
        spl_tr_bind_text(tr, &s, re);
        sbuf_add(&s, ", 'v')");
        if (old) sbuf_printf(&s, ", %s)", old->sql);
        spl_tr_set(tr, nm, s.s, old && old->mv);
        sbuf_free(&s);
        free(re);
    }
    free(x);
    free(field);
    return 0;
}
