/* sigma_emit.c: a rule's expression written as SPL for one source. A leaf
 * that SPL `search` can express exactly (a case-insensitive value with only
 * '*' wildcards, exists, null) becomes `Field="value"`; any other (regex,
 * cidr, '?', a literal '*', cased, numeric comparison, fieldref, a field
 * mapped to an expression, keywords) becomes a flag computed by one
 * `| eval sigma_mN=if(<expr>, 1, 0)` and tested as `sigma_mN=1`, so a NOT
 * over an event without the field is true, as the Sigma spec says. */
#include "sigma/sigma_int.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void sg_spl_quote(sbuf *out, const char *s, size_t n)
{
    sbuf_addc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' || s[i] == '"') sbuf_addc(out, '\\');
        sbuf_addc(out, s[i]);
    }
    sbuf_addc(out, '"');
}

int sg_field_is_plain(const char *f)
{
    if (!f || !*f || !(isalpha((unsigned char)*f) || *f == '_')) return 0;
    for (const char *p = f; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_.{}-:@", *p)) return 0;
    return 1;
}

int sg_field_name_ok(const char *f)
{
    for (const unsigned char *p = (const unsigned char *)f; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '`' || *p == '"' || *p == '\\') return 0;
    return *f != 0;
}

void sg_spl_field_eval(sbuf *out, const char *f)
{
    int plain = sg_field_is_plain(f) && !strpbrk(f, ".{}-:@");
    if (plain) {
        sbuf_add(out, f);
        return;
    }
    sbuf_addc(out, '\'');
    for (const char *p = f; *p; p++) {
        if (*p == '\'' || *p == '\\') sbuf_addc(out, '\\');
        sbuf_addc(out, *p);
    }
    sbuf_addc(out, '\'');
}

/* The field as an eval operand: a mapped expression in parentheses, or the
 * field name. */
static void sg_operand(sbuf *out, const char *f, int is_expr)
{
    if (is_expr) {
        sbuf_addc(out, '(');
        sbuf_add(out, f);
        sbuf_addc(out, ')');
    } else {
        sg_spl_field_eval(out, f);
    }
}

static int sg_str_searchable(const sg_str *x)
{
    if (sg_str_has(x, '?') || sg_str_has_literal(x, '*')) return 0;
    for (size_t i = 0; i < x->n; i++)
        if ((unsigned char)x->s[i] < 0x20 || x->s[i] == 0x7f) return 0;
    return 1;
}

static void sg_quote_sbuf(sbuf *out, const sbuf *b) { sg_spl_quote(out, b->s ? b->s : "", b->len); }

/* The eval condition for a leaf over operand f. */
static void sg_leaf_where(const sg_leaf *l, const char *f, int is_expr, sbuf *out)
{
    sbuf t = {0};
    switch (l->kind) {
    case SG_L_STR:
        if (!f) { /* keyword: anywhere in the event, case-insensitive */
            sg_str_regex(&l->str, &t);
            /* drop the anchors: a keyword is a substring of the event */
            sbuf r = {0};
            sbuf_add(&r, l->cased ? "(?s)" : "(?is)");
            sbuf_addn(&r, t.s + 1, t.len - 2);
            sbuf_add(out, "match(_raw, ");
            sg_quote_sbuf(out, &r);
            sbuf_addc(out, ')');
            sbuf_free(&r);
            break;
        }
        if (l->cased && !sg_str_has(&l->str, '*') && !sg_str_has(&l->str, '?')) {
            sg_operand(out, f, is_expr);
            sbuf_add(out, "==");
            sg_spl_quote(out, l->str.s, l->str.n);
            break;
        }
        sbuf_add(&t, l->cased ? "(?s)" : "(?is)");
        sg_str_regex(&l->str, &t);
        sbuf_add(out, "match(");
        sg_operand(out, f, is_expr);
        sbuf_add(out, ", ");
        sg_quote_sbuf(out, &t);
        sbuf_addc(out, ')');
        break;
    case SG_L_RE:
        if (l->flags && *l->flags) sbuf_printf(&t, "(?%s)", l->flags);
        sbuf_add(&t, l->text);
        sbuf_add(out, "match(");
        if (f) sg_operand(out, f, is_expr);
        else sbuf_add(out, "_raw");
        sbuf_add(out, ", ");
        sg_quote_sbuf(out, &t);
        sbuf_addc(out, ')');
        break;
    case SG_L_CIDR:
        sbuf_add(out, "cidrmatch(");
        sg_spl_quote(out, l->text, strlen(l->text));
        sbuf_add(out, ", ");
        sg_operand(out, f, is_expr);
        sbuf_addc(out, ')');
        break;
    case SG_L_NULL:
        sbuf_add(out, "isnull(");
        sg_operand(out, f, is_expr);
        sbuf_add(out, ") OR ");
        sg_operand(out, f, is_expr);
        sbuf_add(out, "==\"\"");
        break;
    case SG_L_EXISTS:
        sbuf_add(out, "isnotnull(");
        sg_operand(out, f, is_expr);
        sbuf_addc(out, ')');
        break;
    case SG_L_CMP:
        sbuf_add(out, "tonumber(");
        sg_operand(out, f, is_expr);
        sbuf_printf(out, ")%s%s", l->flags, l->text);
        break;
    case SG_L_FIELDREF: {
        sbuf a = {0}, b = {0};
        sg_operand(&a, f, is_expr);
        sg_spl_field_eval(&b, l->text);
        if (l->fieldref_mode == 0) {
            if (l->cased) sbuf_printf(out, "%s==%s", a.s, b.s);
            else sbuf_printf(out, "lower(%s)==lower(%s)", a.s, b.s);
        } else {
            /* no wildcards: the other field's value is data (split() and
             * substr() take it literally, like() would not) */
            const char *lo = l->cased ? "" : "lower";
            if (l->fieldref_mode == 1)
                sbuf_printf(out, "isnotnull(%s) AND isnotnull(%s) AND (len(%s)==0 OR mvcount(split(%s(%s), %s(%s)))>1)", a.s, b.s, b.s, lo, a.s, lo, b.s);
            else if (l->fieldref_mode == 2)
                sbuf_printf(out, "isnotnull(%s) AND isnotnull(%s) AND substr(%s(%s), 1, len(%s))==%s(%s)", a.s, b.s, lo, a.s, b.s, lo, b.s);
            else
                sbuf_printf(out, "isnotnull(%s) AND isnotnull(%s) AND len(%s)>=len(%s) AND substr(%s(%s), len(%s)-len(%s)+1)==%s(%s)", a.s, b.s, a.s, b.s, lo, a.s, a.s, b.s, lo, b.s);
        }
        sbuf_free(&a);
        sbuf_free(&b);
        break;
    }
    case SG_L_TIMEPART: {
        const char *fmt = !strcmp(l->flags, "minute") ? "%M" : !strcmp(l->flags, "hour") ? "%H" : !strcmp(l->flags, "day") ? "%d"
                        : !strcmp(l->flags, "week") ? "%V" : !strcmp(l->flags, "month") ? "%m" : "%Y";
        sbuf a = {0};
        sg_operand(&a, f, is_expr);
        sbuf_printf(out, "tonumber(strftime(coalesce(tonumber(%s), strptime(%s, \"%%Y-%%m-%%dT%%H:%%M:%%S\"), strptime(%s, \"%%Y-%%m-%%d %%H:%%M:%%S\")), \"%s\"))==%s",
                    a.s, a.s, a.s, fmt, l->text);
        sbuf_free(&a);
        break;
    }
    }
    sbuf_free(&t);
}

static void sg_flag(sg_emit *em, const char *expr, sbuf *out)
{
    size_t i;
    for (i = 0; i < em->nflags; i++)
        if (!strcmp(em->flag_exprs[i], expr)) break;
    if (i == em->nflags) {
        em->flag_exprs = xrealloc(em->flag_exprs, (em->nflags + 1) * sizeof *em->flag_exprs);
        em->flag_exprs[em->nflags++] = xstrdup(expr);
        sbuf_printf(&em->flags, "%ssigma_m%zu=if(%s, 1, 0)", i ? ", " : "| eval ", i + 1, expr);
    }
    sbuf_printf(out, "sigma_m%zu=1", i + 1);
}

/* The where condition a leaf needs, or NULL when search can say it. */
static char *sg_leaf_where_text(const sigma_map *map, const sg_source *src, const sg_leaf *l)
{
    const char *f = l->field ? (map ? sigma_map_rename(map, src, l->field) : l->field) : NULL;
    int is_expr = f && !sg_field_is_plain(f) && strcmp(f, l->field);
    int plain = f && sg_field_is_plain(f);
    if (plain && ((l->kind == SG_L_STR && !l->cased && sg_str_searchable(&l->str)) || l->kind == SG_L_EXISTS || l->kind == SG_L_NULL)) return NULL;
    sbuf w = {0};
    sg_leaf_where(l, f, is_expr, &w);
    return sbuf_detach(&w);
}

static void sg_leaf_emit(sg_emit *em, const sigma_map *map, const sg_source *src, const sg_leaf *l, sbuf *out)
{
    char *w = sg_leaf_where_text(map, src, l);
    if (w) {
        sg_flag(em, w, out);
        free(w);
        return;
    }
    /* search can say it: a plain field name with a value, exists or null */
    const char *f = map ? sigma_map_rename(map, src, l->field) : l->field;
    if (l->kind == SG_L_EXISTS) {
        sbuf_printf(out, "%s=*", f);
    } else if (l->kind == SG_L_NULL) { /* absent or empty */
        sbuf_printf(out, "(NOT %s=* OR %s=\"\")", f, f);
    } else {
        sbuf v = {0};
        sg_str_search_value(&l->str, &v);
        sbuf_add(out, f);
        sbuf_addc(out, '=');
        sg_quote_sbuf(out, &v);
        sbuf_free(&v);
    }
}

void sg_emit_expr(sg_emit *em, const sigma_map *map, const sg_source *src, const sg_expr *e, sbuf *out)
{
    switch (e->op) {
    case SG_E_LEAF:
        sg_leaf_emit(em, map, src, e->leaf, out);
        return;
    case SG_E_TRUE:
        sg_flag(em, "true()", out);
        return;
    case SG_E_FALSE:
        sg_flag(em, "false()", out);
        return;
    case SG_E_NOT: {
        const sg_expr *k = e->kids[0];
        while ((k->op == SG_E_AND || k->op == SG_E_OR) && k->n == 1) k = k->kids[0];
        sbuf_add(out, "NOT ");
        sg_emit_expr(em, map, src, k, out); /* a group brings its own parentheses */
        return;
    }
    case SG_E_AND:
    case SG_E_OR: {
        if (e->n == 1) {
            sg_emit_expr(em, map, src, e->kids[0], out);
            return;
        }
        /* the leaves only a where can say: one flag for all of them (a
         * windash or a list of regexes would otherwise make one each) */
        char **w = xcalloc(e->n, sizeof *w);
        size_t nw = 0;
        /* keywords OR'ed: one regex over _raw with alternatives, read once */
        size_t first_kw = e->n, nkw = 0;
        if (e->op == SG_E_OR)
            for (size_t i = 0; i < e->n; i++) {
                const sg_expr *k = e->kids[i];
                if (k->op == SG_E_LEAF && !k->leaf->field && k->leaf->kind == SG_L_STR && !k->leaf->cased) {
                    if (first_kw == e->n) first_kw = i;
                    nkw++;
                }
            }
        if (nkw > 1) {
            sbuf re = {0};
            sbuf_add(&re, "(?is)(?:");
            size_t j = 0;
            for (size_t i = 0; i < e->n; i++) {
                const sg_expr *k = e->kids[i];
                if (!(k->op == SG_E_LEAF && !k->leaf->field && k->leaf->kind == SG_L_STR && !k->leaf->cased)) continue;
                sbuf t = {0};
                sg_str_regex(&k->leaf->str, &t);
                if (j++) sbuf_addc(&re, '|');
                sbuf_addn(&re, t.s + 1, t.len - 2); /* a substring: no anchors */
                sbuf_free(&t);
                if (i != first_kw) w[i] = xstrdup(""); /* folded into first_kw's */
            }
            sbuf_addc(&re, ')');
            sbuf m = {0};
            sbuf_add(&m, "match(_raw, ");
            sg_quote_sbuf(&m, &re);
            sbuf_addc(&m, ')');
            w[first_kw] = sbuf_detach(&m);
            sbuf_free(&re);
            nw += nkw;
        }
        for (size_t i = 0; i < e->n; i++)
            if (!w[i] && e->kids[i]->op == SG_E_LEAF && (w[i] = sg_leaf_where_text(map, src, e->kids[i]->leaf))) nw++;
        size_t parts = e->n - nw + (nw ? 1 : 0);
        if (parts > 1) sbuf_addc(out, '(');
        size_t k = 0;
        for (size_t i = 0; i < e->n; i++) {
            if (w[i]) continue;
            if (k++) sbuf_add(out, e->op == SG_E_AND ? " " : " OR ");
            sg_emit_expr(em, map, src, e->kids[i], out);
        }
        if (nw) {
            if (k) sbuf_add(out, e->op == SG_E_AND ? " " : " OR ");
            sbuf all = {0};
            size_t j = 0;
            size_t nparts = 0;
            for (size_t i = 0; i < e->n; i++) nparts += w[i] && *w[i];
            for (size_t i = 0; i < e->n; i++) {
                if (!w[i]) continue;
                if (!*w[i]) { /* folded into the keywords' regex */
                    free(w[i]);
                    continue;
                }
                if (nparts > 1) sbuf_printf(&all, "%s(%s)", j++ ? (e->op == SG_E_AND ? " AND " : " OR ") : "", w[i]);
                else sbuf_add(&all, w[i]);
                free(w[i]);
            }
            sg_flag(em, all.s, out);
            sbuf_free(&all);
        }
        if (parts > 1) sbuf_addc(out, ')');
        free(w);
        return;
    }
    }
}

void sg_emit_free(sg_emit *em)
{
    for (size_t i = 0; i < em->nflags; i++) free(em->flag_exprs[i]);
    free(em->flag_exprs);
    sbuf_free(&em->flags);
    memset(em, 0, sizeof *em);
}
