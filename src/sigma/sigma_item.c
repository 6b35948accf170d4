/* sigma_item.c: one detection item (`Field|mod|mod: value or list`) and one
 * search identifier's definition (a map, a list of maps, a keyword list)
 * turned into an expression over leaves, applying the modifiers in the
 * order written (sigma_modifiers.c has the table). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "sigma/sigma_int.h"
#include "netaddr.h"
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SG_MAX_MODS 16

typedef struct sg_vals {
    sg_str *v;
    size_t n;
} sg_vals;

static void sg_vals_free(sg_vals *l)
{
    for (size_t i = 0; i < l->n; i++) sg_str_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void sg_vals_push(sg_vals *l, sg_str *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = *s;
}

static sg_leaf *sg_leaf_new(sg_leaf_kind k, const char *field, int line)
{
    sg_leaf *l = xcalloc(1, sizeof *l);
    l->kind = k;
    l->field = field ? xstrdup(field) : NULL;
    l->line = line;
    return l;
}

/* Apply one transform or placement to every value. */
static int sg_apply(sg_item_ctx *cx, const char *mod, sg_vals *vals, int line)
{
    sg_vals out = {0};
    for (size_t i = 0; i < vals->n; i++) {
        sg_str *in = &vals->v[i];
        char *why = NULL;
        if (!strcmp(mod, "contains") || !strcmp(mod, "startswith") || !strcmp(mod, "endswith")) {
            sg_str o = {0};
            o.s = xcalloc(1, 1);
            o.w = xmalloc(1);
            int lead = strcmp(mod, "startswith") && !(in->n && in->w[0] == '*');
            int trail = strcmp(mod, "endswith") && !(in->n && in->w[in->n - 1] == '*');
            if (lead) sg_str_add(&o, '*', '*');
            for (size_t k = 0; k < in->n; k++) sg_str_add(&o, in->s[k], in->w[k]);
            if (trail) sg_str_add(&o, '*', '*');
            sg_vals_push(&out, &o);
        } else if (!strcmp(mod, "base64") || !strcmp(mod, "base64offset")) {
            sg_str o[3];
            size_t n = 0;
            if (sg_transform_base64(!strcmp(mod, "base64offset"), in, o, &n, &why)) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "%s: %s", mod, why);
                free(why);
                sg_vals_free(&out);
                return -1;
            }
            for (size_t k = 0; k < n; k++) sg_vals_push(&out, &o[k]);
        } else if (!strcmp(mod, "windash")) {
            sg_str *o = NULL;
            size_t n = 0;
            if (sg_transform_windash(in, &o, &n, &why)) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "%s", why);
                free(why);
                sg_vals_free(&out);
                return -1;
            }
            for (size_t k = 0; k < n; k++) sg_vals_push(&out, &o[k]);
            free(o);
        } else { /* wide, utf16le, utf16be, utf16 */
            sg_str o;
            sg_transform_utf16(mod, in, &o);
            sg_vals_push(&out, &o);
        }
    }
    sg_vals_free(vals);
    *vals = out;
    return 0;
}

static int sg_regex_ok(sg_item_ctx *cx, const char *re, const char *flags, int line)
{
    int ec;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (strchr(flags, 'i')) opts |= PCRE2_CASELESS;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
    if (c) {
        pcre2_code_free(c);
        return 1;
    }
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(ec, buf, sizeof buf);
    sg_diag(cx->d, SIGMA_ERROR, line, "invalid-regex", "invalid regular expression '%s' at offset %zu: %s", re, (size_t)off, (char *)buf);
    return 0;
}

static int sg_cidr_ok(const char *s)
{
    unsigned char addr[16];
    int bits;
    return netaddr_parse_cidr(s, addr, &bits) != 0;
}

/* The next unescaped '%' at or after p (\% is a plain percent), or NULL. */
static const char *sg_next_pct(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\' && p[1] == '%') {
            p++;
            continue;
        }
        if (*p == '%') return p;
    }
    return NULL;
}

/* Append s[0..n) with \% turned into %. */
static void sg_unescape_pct(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '%') i++;
        sbuf_addc(b, s[i]);
    }
}

/* Substitute %name% placeholders (|expand), every combination; \% is a
 * plain percent. */
static int sg_expand_rec(sg_item_ctx *cx, sbuf *done, const char *s, sg_vals *out, int line)
{
    const char *p = sg_next_pct(s);
    const char *q = p ? strchr(p + 1, '%') : NULL;
    if (!p || !q) {
        size_t mark = done->len;
        sg_unescape_pct(done, s, strlen(s));
        sg_str v;
        sg_str_from_sigma(&v, done->s, done->len);
        sg_vals_push(out, &v);
        done->len = mark;
        done->s[mark] = 0;
        return 0;
    }
    char *name = xstrndup(p + 1, (size_t)(q - p - 1));
    size_t nv = 0;
    const char *const *vals = NULL;
    if (!cx->map || !sigma_map_placeholder(cx->map, name, &nv, &vals) || nv == 0) {
        sg_diag(cx->d, SIGMA_ERROR, line, "unknown-placeholder", "placeholder %%%s%% has no values (placeholders: in datamodels/sigma/)", name);
        free(name);
        return -1;
    }
    free(name);
    size_t mark = done->len;
    sg_unescape_pct(done, s, (size_t)(p - s));
    size_t mark2 = done->len;
    for (size_t i = 0; i < nv; i++) {
        sbuf_add(done, vals[i]);
        int rc = sg_expand_rec(cx, done, q + 1, out, line);
        done->len = mark2;
        done->s[mark2] = 0;
        if (rc) return -1;
    }
    done->len = mark;
    if (done->s) done->s[mark] = 0;
    return 0;
}

static int sg_expand(sg_item_ctx *cx, const char *s, sg_vals *out, int line)
{
    sbuf done = {0};
    sbuf_add(&done, "");
    int rc = sg_expand_rec(cx, &done, s, out, line);
    sbuf_free(&done);
    return rc;
}

sg_expr *sg_item_build(sg_item_ctx *cx, const char *key, const sy_node *val, int line)
{
    char *k = xstrdup(key);
    char *mods[SG_MAX_MODS];
    size_t nmods = 0;
    char *bar = strchr(k, '|');
    if (bar) {
        *bar = 0;
        char *m = bar + 1;
        for (;;) {
            char *next = strchr(m, '|');
            if (next) *next = 0;
            if (nmods == SG_MAX_MODS) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "more than %d modifiers on '%s'", SG_MAX_MODS, key);
                free(k);
                return NULL;
            }
            mods[nmods++] = m;
            if (!next) break;
            m = next + 1;
        }
    }
    const char *field = *k ? k : NULL;
    if (field && !sg_field_name_ok(field)) {
        sg_diag(cx->d, SIGMA_ERROR, line, "invalid-field", "field name '%s' has a character SPL cannot carry in a field name (backtick, quote, backslash or control character)", field);
        free(k);
        return NULL;
    }
    int all = 0, cased = 0, neq = 0, expand = 0, bad = 0;
    char reflags[4] = "";
    const char *kind = NULL, *place = NULL;
    for (size_t i = 0; i < nmods; i++) {
        const sg_modifier *m = sg_modifier_find(mods[i]);
        if (!m) {
            sg_diag(cx->d, SIGMA_ERROR, line, "unknown-modifier", "unknown modifier '%s' in '%s'", mods[i], key);
            bad = 1;
            continue;
        }
        if (m->kind == SG_MK_KIND) {
            if (kind) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "modifiers '%s' and '%s' cannot be combined", kind, mods[i]);
                bad = 1;
            }
            kind = mods[i];
        } else if (m->kind == SG_MK_PLACE) {
            if (place) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "modifiers '%s' and '%s' cannot be combined", place, mods[i]);
                bad = 1;
            }
            place = mods[i];
        } else if (m->kind == SG_MK_FLAG) {
            const char *n = mods[i];
            if (!strcmp(n, "all")) all = 1;
            else if (!strcmp(n, "cased")) cased = 1;
            else if (!strcmp(n, "neq")) neq = 1;
            else if (!strcmp(n, "expand")) expand = 1;
            else {
                char f = !strcmp(n, "ignorecase") ? 'i' : !strcmp(n, "multiline") ? 'm' : !strcmp(n, "dotall") ? 's' : n[0];
                if (!strchr(reflags, f) && strlen(reflags) < 3) strncat(reflags, &f, 1);
            }
        }
    }
    int cmp = kind && (!strcmp(kind, "lt") || !strcmp(kind, "lte") || !strcmp(kind, "gt") || !strcmp(kind, "gte"));
    int timepart = kind && strchr("mhdwy", kind[0]) && strcmp(kind, "re") && !cmp && strcmp(kind, "fieldref");
    if (!bad && reflags[0] && (!kind || strcmp(kind, "re"))) {
        sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "regular expression flags (i, m, s) need the 're' modifier in '%s'", key);
        bad = 1;
    }
    if (!bad && kind && strcmp(kind, "fieldref")) {
        for (size_t i = 0; i < nmods; i++) {
            const sg_modifier *m = sg_modifier_find(mods[i]);
            if (m && (m->kind == SG_MK_PLACE || m->kind == SG_MK_TRANSFORM)) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "modifier '%s' cannot be combined with '%s'", mods[i], kind);
                bad = 1;
                break;
            }
        }
    }
    if (!bad && cased && kind && strcmp(kind, "fieldref")) {
        sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "modifier 'cased' cannot be combined with '%s' in '%s'", kind, key);
        bad = 1;
    }
    if (!bad && all && (val->kind != SY_SEQ || val->n < 2)) {
        sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "'all' needs a list of two or more values (the specification does not allow it on one)");
        bad = 1;
    }
    if (!bad && !field && kind && strcmp(kind, "re")) {
        sg_diag(cx->d, SIGMA_ERROR, line, "invalid-modifier", "modifier '%s' needs a field", kind);
        bad = 1;
    }
    if (bad) {
        free(k);
        return NULL;
    }
    /* the values */
    if (val->kind == SY_MAP) {
        sg_diag(cx->d, SIGMA_ERROR, val->line, "invalid-value", "the value of '%s' must be a value or a list of values, not a mapping", key);
        free(k);
        return NULL;
    }
    const sy_node *const *items;
    size_t nitems = sy_items(&val, &items);
    sg_expr *comb = sg_expr_new(all ? SG_E_AND : SG_E_OR);
    for (size_t i = 0; i < nitems && !bad; i++) {
        const sy_node *v = items[i];
        int vl = v->line;
        if (v->kind != SY_SCALAR) {
            sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "a value of '%s' is a %s; only values are allowed", key, v->kind == SY_MAP ? "mapping" : "list");
            bad = 1;
            break;
        }
        if (v->is_null) {
            if (nitems > 1 || val->kind == SY_SEQ) {
                sg_diag(cx->d, SIGMA_ERROR, line, "invalid-value", "null cannot be part of a list of values of '%s' (the specification: write it as its own item)", key);
                bad = 1;
                break;
            }
            if (kind && strcmp(kind, "exists")) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "null cannot be compared with '%s'", kind);
                bad = 1;
                break;
            }
            if (!field) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "a keyword cannot be null");
                bad = 1;
                break;
            }
            sg_expr_add(comb, sg_expr_leaf(sg_leaf_new(SG_L_NULL, field, vl)));
            continue;
        }
        const char *s = v->text;
        if (kind && !strcmp(kind, "exists")) {
            int t = !strcasecmp(s, "true"), f = !strcasecmp(s, "false");
            if (!t && !f) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "exists takes true or false, not '%s'", s);
                bad = 1;
                break;
            }
            sg_expr *e = sg_expr_leaf(sg_leaf_new(SG_L_EXISTS, field, vl));
            if (f) {
                sg_expr *n = sg_expr_new(SG_E_NOT);
                sg_expr_add(n, e);
                e = n;
            }
            sg_expr_add(comb, e);
            continue;
        }
        if (kind && !strcmp(kind, "re")) {
            if (!sg_regex_ok(cx, s, reflags, vl)) {
                bad = 1;
                break;
            }
            sg_leaf *l = sg_leaf_new(SG_L_RE, field, vl);
            l->text = xstrdup(s);
            l->flags = xstrdup(reflags);
            sg_expr_add(comb, sg_expr_leaf(l));
            continue;
        }
        if (kind && !strcmp(kind, "cidr")) {
            if (!sg_cidr_ok(s)) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "'%s' is not a CIDR block", s);
                bad = 1;
                break;
            }
            sg_leaf *l = sg_leaf_new(SG_L_CIDR, field, vl);
            l->text = xstrdup(s);
            sg_expr_add(comb, sg_expr_leaf(l));
            continue;
        }
        if (cmp || timepart) {
            double d;
            if (!util_is_number(s, strlen(s), &d)) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-value", "'%s' needs a number, not '%s'", kind, s);
                bad = 1;
                break;
            }
            sg_leaf *l = sg_leaf_new(cmp ? SG_L_CMP : SG_L_TIMEPART, field, vl);
            l->text = xstrdup(s);
            l->flags = xstrdup(!cmp ? kind : !strcmp(kind, "lt") ? "<" : !strcmp(kind, "lte") ? "<=" : !strcmp(kind, "gt") ? ">" : ">=");
            sg_expr_add(comb, sg_expr_leaf(l));
            continue;
        }
        if (kind && !strcmp(kind, "fieldref")) {
            if (!sg_field_name_ok(s) || strpbrk(s, "*?")) {
                sg_diag(cx->d, SIGMA_ERROR, vl, "invalid-field", "fieldref: '%s' is not a field name (no wildcards, quotes, backticks or control characters)", s);
                bad = 1;
                break;
            }
            sg_leaf *l = sg_leaf_new(SG_L_FIELDREF, field, vl);
            l->text = xstrdup(s);
            l->cased = cased;
            l->fieldref_mode = !place ? 0 : !strcmp(place, "contains") ? 1 : !strcmp(place, "startswith") ? 2 : 3;
            sg_expr_add(comb, sg_expr_leaf(l));
            continue;
        }
        /* a string: expand placeholders, then the modifiers in order */
        sg_vals vals = {0};
        if (expand) {
            if (sg_expand(cx, s, &vals, vl)) {
                bad = 1;
                break;
            }
        } else {
            sg_str x;
            sg_str_from_sigma(&x, s, v->len);
            sg_vals_push(&vals, &x);
        }
        for (size_t m = 0; m < nmods && !bad; m++) {
            const sg_modifier *md = sg_modifier_find(mods[m]);
            if (md->kind == SG_MK_PLACE || md->kind == SG_MK_TRANSFORM)
                if (sg_apply(cx, mods[m], &vals, vl)) bad = 1;
        }
        if (!bad) {
            sg_expr *alt = vals.n == 1 ? NULL : sg_expr_new(SG_E_OR);
            for (size_t j = 0; j < vals.n; j++) {
                sg_leaf *l = sg_leaf_new(SG_L_STR, field, vl);
                l->str = vals.v[j];
                memset(&vals.v[j], 0, sizeof vals.v[j]);
                l->cased = cased;
                if (alt) sg_expr_add(alt, sg_expr_leaf(l));
                else sg_expr_add(comb, sg_expr_leaf(l));
            }
            if (alt) sg_expr_add(comb, alt);
        }
        sg_vals_free(&vals);
    }
    free(k);
    if (bad) {
        sg_expr_free(comb);
        return NULL;
    }
    if (comb->n == 0) {
        /* an empty list matches nothing (our choice; the spec is silent) */
        sg_expr_free(comb);
        comb = sg_expr_new(SG_E_FALSE);
    }
    if (neq) {
        sg_expr *n = sg_expr_new(SG_E_NOT);
        sg_expr_add(n, comb);
        return n;
    }
    return comb;
}

sg_expr *sg_search_build(sg_item_ctx *cx, const sy_node *def)
{
    if (def->kind == SY_MAP) {
        if (def->n == 0) {
            sg_diag(cx->d, SIGMA_ERROR, def->line, "invalid-detection", "an empty search identifier");
            return NULL;
        }
        sg_expr *and = sg_expr_new(SG_E_AND);
        for (size_t i = 0; i < def->n; i++) {
            sg_expr *e = sg_item_build(cx, sy_key(def, i)->text, sy_val(def, i), sy_key(def, i)->line);
            if (!e) {
                sg_expr_free(and);
                return NULL;
            }
            sg_expr_add(and, e);
        }
        return and;
    }
    if (def->kind == SY_SEQ) {
        size_t maps = 0;
        for (size_t i = 0; i < def->n; i++) maps += def->items[i]->kind == SY_MAP;
        if (maps && maps != def->n) {
            sg_diag(cx->d, SIGMA_ERROR, def->line, "invalid-detection", "a list mixes mappings and plain values");
            return NULL;
        }
        if (!maps) return sg_item_build(cx, "", def, def->line); /* keywords */
        sg_expr *or = sg_expr_new(SG_E_OR);
        for (size_t i = 0; i < def->n; i++) {
            sg_expr *e = sg_search_build(cx, def->items[i]);
            if (!e) {
                sg_expr_free(or);
                return NULL;
            }
            sg_expr_add(or, e);
        }
        return or;
    }
    return sg_item_build(cx, "", def, def->line); /* one keyword */
}
