/* spl_cmd_rex.c: rex [field=F] [max_match=N] [mode=sed] "regex" (PCRE named
 * groups become fields; a field keeps its value where the regex does not
 * match) and regex [F=|F!=]"regex" (keep results whose field matches / does
 * not match). Patterns are checked with PCRE2 when the query is compiled. */
#include <stdlib.h>
#include <string.h>
#include "spl_int.h"
#include "sqlfn.h"

int spl_cmd_rex(spl_cmd_ctx *c);
int spl_cmd_regex(spl_cmd_ctx *c);

static int check_regex(spl_cmd_ctx *c, const spl_token *t, const char *re, char ***names)
{
    char *e = NULL;
    size_t eo = 0;
    if (sqlfn_regex_check(re, names, &e, &eo)) {
        spl_tr_error(c->tr, t->off + (t->type == TK_STRING ? 1 : 0) + eo, "%.*s: bad regular expression: %s",
                     (int)c->name->n, c->name->s, e ? e : "?");
        free(e);
        return -1;
    }
    return 0;
}

int spl_cmd_rex(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = xstrdup("_raw"), *re = NULL, *mode = NULL;
    long max_match = 1;
    const spl_token *ret = NULL;
    int rc = 0;
    for (int i = 0; i < a->n && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "field", &v)) { free(field); field = v; i += 2; continue; }
        if (spl_arg_option(c, i, "mode", &v)) { free(mode); mode = v; i += 2; continue; }
        if (spl_arg_option(c, i, "max_match", &v)) {
            double d;
            if (!util_is_number(v, strlen(v), &d) || d < 0) rc = spl_arg_error(c, &a->v[i + 2], "max_match must be a number");
            max_match = util_clamp_long(d);
            free(v);
            i += 2;
            continue;
        }
        if (spl_arg_option(c, i, "offset_field", &v)) { free(v); rc = spl_arg_error(c, &a->v[i], "offset_field is not supported"); break; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "unknown option '%.*s'", (int)a->v[i].n, a->v[i].s); break; }
        if (a->v[i].type == TK_STRING && !re) { re = spl_tok_text(&a->v[i]); ret = &a->v[i]; continue; }
        rc = spl_arg_error(c, &a->v[i], "unexpected '%.*s' (the regular expression must be quoted)", (int)a->v[i].n, a->v[i].s);
    }
    if (!rc && !re) rc = spl_arg_error(c, NULL, "expected a quoted regular expression");
    if (!rc && mode && strcasecmp(mode, "sed")) rc = spl_arg_error(c, NULL, "unknown mode '%s'", mode);
    if (!rc) {
        spl_col *src = spl_tr_col(tr, field);
        char *x = xstrdup(src ? src->sql : "NULL");
        if (mode) {
            sbuf s = {0};
            sbuf_printf(&s, "spl_sed(%s, ", x);
            spl_tr_bind_text(tr, &s, re);
            sbuf_addc(&s, ')');
            if (src) spl_tr_set(tr, field, s.s, src->mv);
            sbuf_free(&s);
        } else {
            char **names = NULL;
            rc = check_regex(c, ret, re, &names);
            if (!rc) {
                int pre = spl_tr_param_text(tr, re);
                for (int k = 0; names && names[k]; k++) {
                    sbuf s = {0};
                    spl_col *old = spl_tr_col(tr, names[k]);
                    if (old) sbuf_add(&s, "coalesce(");
                    sbuf_printf(&s, "spl_rex(%s, ?%d, ", x, pre);
                    spl_tr_bind_text(tr, &s, names[k]);
                    if (max_match != 1) {
                        sbuf_add(&s, ", ");
                        spl_tr_bind_num(tr, &s, (double)max_match);
                    }
                    sbuf_addc(&s, ')');
                    if (old) sbuf_printf(&s, ", %s)", old->sql);
                    spl_tr_set(tr, names[k], s.s, max_match != 1 || (old && old->mv));
                    sbuf_free(&s);
                }
                sqlfn_free_names(names);
            }
        }
        free(x);
    }
    free(field);
    free(re);
    free(mode);
    return rc;
}

int spl_cmd_regex(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    char *field = xstrdup("_raw");
    int negate = 0;
    int i = 0;
    if (a->n >= 3 && (a->v[0].type == TK_WORD || a->v[0].type == TK_STRING) &&
        (a->v[1].type == TK_EQ || a->v[1].type == TK_NE)) {
        free(field);
        field = spl_tok_text(&a->v[0]);
        negate = a->v[1].type == TK_NE;
        i = 2;
    }
    if (i >= a->n || i + 1 != a->n) {
        free(field);
        return spl_arg_error(c, i < a->n ? &a->v[i] : NULL, "expected [field=]\"regex\"");
    }
    char *re = spl_tok_text(&a->v[i]);
    int rc = check_regex(c, &a->v[i], re, NULL);
    if (!rc) {
        spl_col *col = spl_tr_col(tr, field);
        sbuf s = {0};
        sbuf_printf(&s, "%sspl_match(%s, ", negate ? "NOT " : "", col ? col->sql : "NULL");
        spl_tr_bind_text(tr, &s, re);
        sbuf_addc(&s, ')');
        if (negate) {
            /* field!=regex keeps results that have the field */
            sbuf w = {0};
            sbuf_printf(&w, "%s IS NOT NULL AND %s", col ? col->sql : "NULL", s.s);
            spl_tr_where(tr, w.s);
            sbuf_free(&w);
        } else {
            spl_tr_where(tr, s.s);
            /* the shared scan: a row must match the regex */
            if (spl_tr_pf_open(tr)) spl_tr_pf_add(tr, spl_match_pf(tr, col ? col->sql : "NULL", re));
        }
        sbuf_free(&s);
    }
    free(re);
    free(field);
    return rc;
}
