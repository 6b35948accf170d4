/* spl_cmd_foreach.c: foreach [mode=multifield] [fieldstr=S] [matchstr=S]
 * [matchseg1=S] [matchseg2=S] [matchseg3=S] PATTERN ... [ eval TEMPLATE ]:
 * runs the eval template once per current field matching a pattern (a
 * wildcard matches an internal field, a leading '_', only when the pattern
 * starts with '_'), with <<FIELD>> (or fieldstr) the field name,
 * <<MATCHSTR>> (or matchstr) what the pattern's first '*' matched and
 * <<MATCHSEGn>> (or matchsegn) what its n-th '*' matched. Templates other
 * than eval and the modes multivalue and json_array are not supported.
 * Errors inside a template point at its '['. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "spl_int.h"

int spl_cmd_foreach(spl_cmd_ctx *c);
int spl_cmd_eval(spl_cmd_ctx *c);

/* what the k-th (1-based) '*' of pat matched in name */
static char *capture(const char *pat, const char *name, int k)
{
    sbuf r = {0};
    for (int i = 1; i <= k; i++) {
        if (i > 1) sbuf_addc(&r, '\x1f');
        sbuf_addc(&r, '*');
    }
    char *all = spl_wild_rename(pat, r.s, name);
    sbuf_free(&r);
    if (!all) return xstrdup("");
    char *last = strrchr(all, '\x1f');
    char *out = xstrdup(last ? last + 1 : all);
    free(all);
    return out;
}

/* the replacement strings: [0] field, [1] matchstr, [2..4] matchseg1..3;
 * NULL: the default <<FIELD>>, <<MATCHSTR>>, <<MATCHSEGn>> */
#define FE_NSTR 5

static char *substitute(const char *tmpl, size_t n, const char *pat, const char *field, char *const *str)
{
    sbuf b = {0};
    for (size_t i = 0; i < n;) {
        int hit = 0;
        for (int k = 0; k < FE_NSTR && !hit; k++) {
            if (!str[k]) continue;
            size_t l = strlen(str[k]);
            if (!l || l > n - i || strncmp(tmpl + i, str[k], l)) continue;
            if (k == 0) {
                sbuf_add(&b, field);
            } else {
                char *m = capture(pat, field, k == 1 ? 1 : k - 1);
                sbuf_add(&b, m);
                free(m);
            }
            i += l;
            hit = 1;
        }
        if (hit) continue;
        if (!str[0] && !strncmp(tmpl + i, "<<FIELD>>", 9)) { sbuf_add(&b, field); i += 9; continue; }
        if (!str[1] && !strncmp(tmpl + i, "<<MATCHSTR>>", 12)) {
            char *m = capture(pat, field, 1);
            sbuf_add(&b, m);
            free(m);
            i += 12;
            continue;
        }
        if (!strncmp(tmpl + i, "<<MATCHSEG", 10) && tmpl[i + 10] >= '1' && tmpl[i + 10] <= '9' &&
            !strncmp(tmpl + i + 11, ">>", 2) && (tmpl[i + 10] > '3' || !str[tmpl[i + 10] - '0' + 1])) {
            char *m = capture(pat, field, tmpl[i + 10] - '0');
            sbuf_add(&b, m);
            free(m);
            i += 13;
            continue;
        }
        sbuf_addc(&b, tmpl[i++]);
    }
    return b.s ? sbuf_detach(&b) : xstrdup("");
}

int spl_cmd_foreach(spl_cmd_ctx *c)
{
    spl_tr *tr = c->tr;
    const spl_toks *a = &c->args;
    int lb = -1, rb = -1;
    for (int i = 0; i < a->n; i++) {
        if (a->v[i].type == TK_LBRACKET && lb < 0) lb = i;
        if (a->v[i].type == TK_RBRACKET) rb = i;
    }
    if (lb < 0 || rb < lb) return spl_arg_error(c, NULL, "expected a template in [ ]");
    if (rb != a->n - 1) return spl_arg_error(c, &a->v[rb + 1], "unexpected text after the template");
    char **pats = NULL;
    char *str[FE_NSTR] = {0};
    static const char *const strname[FE_NSTR] = {"fieldstr", "matchstr", "matchseg1", "matchseg2", "matchseg3"};
    int np = 0, rc = 0;
    for (int i = 0; i < lb && !rc; i++) {
        char *v = NULL;
        if (spl_arg_option(c, i, "mode", &v)) {
            if (strcasecmp(v, "multifield"))
                rc = spl_arg_error(c, &a->v[i + 2], "mode=%s is not supported (only multifield)", v);
            free(v);
            i += 2;
            continue;
        }
        int named = 0;
        for (int k = 0; k < FE_NSTR && !named; k++)
            if (spl_arg_option(c, i, strname[k], &v)) {
                free(str[k]);
                str[k] = v;
                named = 1;
            }
        if (named) { i += 2; continue; }
        if (spl_arg_is_option(c, i)) { rc = spl_arg_error(c, &a->v[i], "option '%.*s' is not supported", (int)a->v[i].n, a->v[i].s); break; }
        if (a->v[i].type == TK_COMMA) continue;
        if (a->v[i].type != TK_WORD && a->v[i].type != TK_STRING) { rc = spl_arg_error(c, &a->v[i], "expected a field pattern"); break; }
        pats = xrealloc(pats, sizeof *pats * (size_t)(np + 1));
        pats[np++] = spl_tok_text(&a->v[i]);
    }
    if (!rc && !np) rc = spl_arg_error(c, NULL, "expected at least one field pattern");
    /* the template: "eval ..." between the brackets */
    size_t ts = a->v[lb].off + 1, te = a->v[rb].off;
    const char *t = tr->text + ts;
    size_t tn = te - ts;
    while (tn && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++, tn--;
    if (!rc && (tn < 5 || strncasecmp(t, "eval", 4) || !strchr(" \t\r\n", t[4])))
        rc = spl_tr_error(tr, a->v[lb].off, "foreach: only eval templates are supported");
    /* the fields to visit, fixed before the template changes any */
    char **fields = NULL, **fpat = NULL;
    int nf = 0;
    for (int p = 0; !rc && p < np; p++)
        for (int k = 0; k < tr->ncols; k++)
            if (spl_wild_match(pats[p], tr->cols[k].name) &&
                (tr->cols[k].name[0] != '_' || pats[p][0] == '_')) {
                fields = xrealloc(fields, sizeof *fields * (size_t)(nf + 1));
                fpat = xrealloc(fpat, sizeof *fpat * (size_t)(nf + 1));
                fields[nf] = xstrdup(tr->cols[k].name);
                fpat[nf] = pats[p];
                nf++;
            }
    for (int k = 0; !rc && k < nf; k++) {
        char *body = substitute(t + 4, tn - 4, fpat[k], fields[k], str);
        spl_token name = {TK_WORD, "eval", 4, a->v[lb].off};
        spl_cmd_ctx sub = {0};
        sub.tr = tr;
        sub.name = &name;
        sub.argtext = body;
        sub.argoff = a->v[lb].off;
        sub.arglen = strlen(body);
        if (spl_cmd_eval(&sub)) {
            char *m = xasprintf("foreach template for field '%s': %s", fields[k], tr->err->msg ? tr->err->msg : "error");
            free(tr->err->msg);
            tr->err->msg = m;
            tr->err->off = a->v[lb].off;
            tr->err->has_pos = 1;
            rc = -1;
        }
        free(body);
    }
    for (int k = 0; k < nf; k++) free(fields[k]);
    free(fields);
    free(fpat);
    for (int p = 0; p < np; p++) free(pats[p]);
    free(pats);
    for (int k = 0; k < FE_NSTR; k++) free(str[k]);
    return rc;
}
