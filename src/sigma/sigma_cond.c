/* sigma_cond.c: a rule's condition parsed (recursive descent) into an
 * expression over its search identifiers: and/or/not (keywords in any case)
 * with the specification's precedence (not binds tighter than and, and than
 * or), parentheses, `1 of x*`, `all of x*`, `them` (identifiers starting
 * with '_' excluded), and the deprecated aggregation after '|'
 * (`count(f) by g > n`). */
#include "sigma/sigma_int.h"
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SG_COND_MAX_DEPTH 100

typedef struct sg_parser {
    sg_cond_ctx *cx;
    const char *s, *p;
    int depth;
    int failed;
} sg_parser;

static void sg_skip(sg_parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p)) ps->p++;
}

static int sg_word_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '*' || c == '-' || c == '.' || (unsigned char)c >= 0x80; }

/* The next word without consuming it (length), 0 if none. */
static size_t sg_peek_word(sg_parser *ps)
{
    sg_skip(ps);
    size_t n = 0;
    while (ps->p[n] && sg_word_char(ps->p[n])) n++;
    return n;
}

static int sg_is_kw(sg_parser *ps, const char *kw)
{
    size_t n = sg_peek_word(ps);
    return n == strlen(kw) && !strncasecmp(ps->p, kw, n);
}

static sg_expr *sg_fail(sg_parser *ps, const char *fmt, const char *arg)
{
    if (!ps->failed) {
        char *m = xasprintf(fmt, arg);
        sg_diag(ps->cx->item->d, SIGMA_ERROR, ps->cx->line, "condition", "condition '%s', at offset %d: %s", ps->s, (int)(ps->p - ps->s), m);
        free(m);
    }
    ps->failed = 1;
    return NULL;
}

static int sg_ident_index(const sy_node *det, const char *name, size_t n)
{
    for (size_t i = 0; i < det->n; i++) {
        const sy_node *k = sy_key(det, i);
        if (k->len == n && !memcmp(k->text, name, n)) return (int)i;
    }
    return -1;
}

static int sg_is_reserved(const sy_node *k)
{
    return !strcmp(k->text, "condition") || !strcmp(k->text, "timeframe");
}

static sg_expr *sg_ident(sg_parser *ps, size_t i)
{
    const sy_node *det = ps->cx->detection;
    ps->cx->used[i] = 1;
    if (sy_val(det, i)->is_null) {
        sg_diag(ps->cx->item->d, SIGMA_ERROR, sy_key(det, i)->line, "invalid-detection", "search identifier '%s' has no value", sy_key(det, i)->text);
        ps->failed = 1;
        return NULL;
    }
    sg_expr *e = sg_search_build(ps->cx->item, sy_val(det, i));
    if (!e) ps->failed = 1;
    return e;
}

static sg_expr *sg_or(sg_parser *ps);

static sg_expr *sg_of(sg_parser *ps, int all)
{
    size_t n = sg_peek_word(ps);
    if (!n) return sg_fail(ps, "expected an identifier pattern or 'them' after 'of'%s", "");
    char *pat = xstrndup(ps->p, n);
    ps->p += n;
    const sy_node *det = ps->cx->detection;
    int them = !strcasecmp(pat, "them");
    sg_expr *e = sg_expr_new(all ? SG_E_AND : SG_E_OR);
    for (size_t i = 0; i < det->n && !ps->failed; i++) {
        const sy_node *k = sy_key(det, i);
        if (sg_is_reserved(k)) continue;
        /* identifiers starting with _ are left out of them, and of any
         * pattern that does not itself start with _ */
        if (k->text[0] == '_' && (them || pat[0] != '_')) continue;
        if (!them && fnmatch(pat, k->text, 0) != 0) continue;
        sg_expr_add(e, sg_ident(ps, i));
    }
    if (!ps->failed && e->n == 0) {
        sg_expr_free(e);
        e = sg_fail(ps, "no search identifier matches '%s'", pat);
    }
    free(pat);
    if (ps->failed) {
        sg_expr_free(e);
        return NULL;
    }
    return e;
}

static sg_expr *sg_primary(sg_parser *ps)
{
    sg_skip(ps);
    if (++ps->depth > SG_COND_MAX_DEPTH) return sg_fail(ps, "nested more than 100 deep%s", "");
    sg_expr *e = NULL;
    if (*ps->p == '(') {
        ps->p++;
        e = sg_or(ps);
        sg_skip(ps);
        if (e && *ps->p != ')') {
            sg_expr_free(e);
            e = sg_fail(ps, "expected ')'%s", "");
        } else if (e) {
            ps->p++;
        }
    } else if (sg_is_kw(ps, "not")) {
        ps->p += 3;
        sg_expr *k = sg_primary(ps);
        if (k) {
            e = sg_expr_new(SG_E_NOT);
            sg_expr_add(e, k);
        }
    } else {
        size_t n = sg_peek_word(ps);
        const char *w = ps->p;
        int all = n == 3 && !strncasecmp(w, "all", 3);
        int one = (n == 1 && w[0] == '1') || (n == 3 && !strncasecmp(w, "any", 3));
        if (all || one) {
            ps->p += n;
            if (sg_is_kw(ps, "of")) {
                ps->p += 2;
                e = sg_of(ps, all);
                ps->depth--;
                return e;
            }
            ps->p = w;
        }
        if (!n) {
            e = sg_fail(ps, "expected an identifier, not '%s'", *ps->p ? ps->p : "the end");
        } else if ((n == 3 && !strncasecmp(w, "and", 3)) || (n == 2 && !strncasecmp(w, "or", 2)) || (n == 2 && !strncasecmp(w, "of", 2))) {
            e = sg_fail(ps, "expected an identifier, not '%s'", n == 3 ? "and" : !strncasecmp(w, "or", 2) ? "or" : "of");
        } else {
            int i = sg_ident_index(ps->cx->detection, w, n);
            if (i < 0 || sg_is_reserved(sy_key(ps->cx->detection, (size_t)i))) {
                char *name = xstrndup(w, n);
                sg_diag(ps->cx->item->d, SIGMA_ERROR, ps->cx->line, "undefined-identifier", "condition names '%s', which the detection does not define", name);
                free(name);
                ps->failed = 1;
            } else {
                ps->p += n;
                e = sg_ident(ps, (size_t)i);
            }
        }
    }
    ps->depth--;
    return e;
}

static sg_expr *sg_and(sg_parser *ps)
{
    sg_expr *l = sg_primary(ps);
    if (!l) return NULL;
    while (sg_is_kw(ps, "and")) {
        ps->p += 3;
        sg_expr *r = sg_primary(ps);
        if (!r) {
            sg_expr_free(l);
            return NULL;
        }
        if (l->op != SG_E_AND) {
            sg_expr *a = sg_expr_new(SG_E_AND);
            sg_expr_add(a, l);
            l = a;
        }
        sg_expr_add(l, r);
    }
    return l;
}

static sg_expr *sg_or(sg_parser *ps)
{
    sg_expr *l = sg_and(ps);
    if (!l) return NULL;
    while (sg_is_kw(ps, "or")) {
        ps->p += 2;
        sg_expr *r = sg_and(ps);
        if (!r) {
            sg_expr_free(l);
            return NULL;
        }
        if (l->op != SG_E_OR) {
            sg_expr *a = sg_expr_new(SG_E_OR);
            sg_expr_add(a, l);
            l = a;
        }
        sg_expr_add(l, r);
    }
    return l;
}

/* `count(f) by g > n` after the '|' of a deprecated aggregation. */
static int sg_aggregation(sg_parser *ps)
{
    sg_cond_ctx *cx = ps->cx;
    sg_skip(ps);
    size_t n = sg_peek_word(ps);
    char *fn = xstrndup(ps->p, n);
    ps->p += n;
    if (strcasecmp(fn, "count") && strcasecmp(fn, "min") && strcasecmp(fn, "max") && strcasecmp(fn, "avg") && strcasecmp(fn, "sum")) {
        free(fn);
        sg_fail(ps, "unknown aggregation '%s'", n ? "function" : "(none)");
        return -1;
    }
    cx->agg_func = fn;
    sg_skip(ps);
    if (*ps->p != '(') {
        sg_fail(ps, "expected '(' after the aggregation function%s", "");
        return -1;
    }
    ps->p++;
    n = sg_peek_word(ps);
    if (n) cx->agg_field = xstrndup(ps->p, n);
    ps->p += n;
    sg_skip(ps);
    if (*ps->p != ')') {
        sg_fail(ps, "expected ')'%s", "");
        return -1;
    }
    ps->p++;
    if (sg_is_kw(ps, "by")) {
        ps->p += 2;
        n = sg_peek_word(ps);
        if (!n) {
            sg_fail(ps, "expected a field after 'by'%s", "");
            return -1;
        }
        cx->agg_by = xstrndup(ps->p, n);
        ps->p += n;
    }
    sg_skip(ps);
    const char *ops[] = {">=", "<=", "==", "!=", ">", "<", "=", NULL};
    for (int i = 0; ops[i]; i++)
        if (!strncmp(ps->p, ops[i], strlen(ops[i]))) {
            cx->agg_op = xstrdup(ops[i]);
            ps->p += strlen(ops[i]);
            break;
        }
    if (!cx->agg_op) {
        sg_fail(ps, "expected a comparison (>, >=, <, <=, ==) in the aggregation%s", "");
        return -1;
    }
    sg_skip(ps);
    n = 0;
    while (ps->p[n] && !isspace((unsigned char)ps->p[n])) n++;
    double d;
    if (!n || !util_is_number(ps->p, n, &d)) {
        sg_fail(ps, "expected a number in the aggregation%s", "");
        return -1;
    }
    cx->agg_value = xstrndup(ps->p, n);
    ps->p += n;
    cx->has_agg = 1;
    return 0;
}

sg_expr *sg_cond_parse(sg_cond_ctx *cx, const char *text)
{
    sg_parser ps = {.cx = cx, .s = text, .p = text};
    sg_expr *e = sg_or(&ps);
    if (!e) return NULL;
    sg_skip(&ps);
    if (*ps.p == '|') {
        ps.p++;
        if (sg_aggregation(&ps)) {
            sg_expr_free(e);
            return NULL;
        }
        sg_skip(&ps);
    }
    if (*ps.p) {
        sg_expr_free(e);
        return sg_fail(&ps, "unexpected '%s'", ps.p);
    }
    return e;
}
