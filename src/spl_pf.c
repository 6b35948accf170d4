/* spl_pf.c: prefilter formulas (see spl_pf.h): building and simplifying
 * them, the atoms of one SPL value, and reading which events columns a
 * field's SQL expression takes its value from. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "spl_pf.h"
#include "util.h"

static spl_pf *node(spl_pf_kind k)
{
    spl_pf *f = xcalloc(1, sizeof *f);
    f->kind = k;
    return f;
}

spl_pf *spl_pf_true(void) { return node(PF_TRUE); }
spl_pf *spl_pf_false(void) { return node(PF_FALSE); }

void spl_pf_free(spl_pf *f)
{
    if (!f) return;
    for (int i = 0; i < f->nkids; i++) spl_pf_free(f->kids[i]);
    free(f->kids);
    free(f->col);
    free(f->text);
    free(f);
}

int spl_pf_useful(const spl_pf *f)
{
    return f && f->kind != PF_TRUE;
}

static spl_pf *atom(const char *col, const char *text, size_t n, int eq, int at_start, int at_end)
{
    spl_pf *f = node(PF_ATOM);
    f->col = xstrdup(col);
    f->text = xstrndup(text, n);
    f->eq = eq;
    f->at_start = at_start;
    f->at_end = at_end;
    return f;
}

spl_pf *spl_pf_regex(const char *col, const char *pattern)
{
    spl_pf *f = atom(col, pattern, strlen(pattern), 0, 0, 0);
    f->re = 1;
    return f;
}

spl_pf *spl_pf_copy(const spl_pf *f)
{
    spl_pf *c = node(f->kind);
    if (f->col) c->col = xstrdup(f->col);
    if (f->text) c->text = xstrdup(f->text);
    c->eq = f->eq;
    c->re = f->re;
    c->at_start = f->at_start;
    c->at_end = f->at_end;
    if (f->nkids) {
        c->kids = xcalloc((size_t)f->nkids, sizeof *c->kids);
        for (int i = 0; i < f->nkids; i++) c->kids[i] = spl_pf_copy(f->kids[i]);
        c->nkids = f->nkids;
    }
    return c;
}

spl_pf *spl_pf_value(const char *col, const char *v)
{
    if (!strchr(v, '*')) return atom(col, v, strlen(v), 1, 1, 1);
    spl_pf **parts = NULL;
    int n = 0;
    const char *p = v;
    for (;;) {
        const char *star = strchr(p, '*');
        size_t len = star ? (size_t)(star - p) : strlen(p);
        if (len >= SPL_PF_MIN_ATOM) {
            parts = xrealloc(parts, sizeof *parts * (size_t)(n + 1));
            parts[n++] = atom(col, p, len, 0, p == v, !star);
        }
        if (!star) break;
        p = star + 1;
    }
    spl_pf *f = spl_pf_and(parts, n);
    free(parts);
    return f;
}

static int same_atom(const spl_pf *a, const spl_pf *b)
{
    return a->kind == PF_ATOM && b->kind == PF_ATOM && a->eq == b->eq && a->re == b->re && a->at_start == b->at_start &&
           a->at_end == b->at_end && !strcmp(a->col, b->col) && !strcmp(a->text, b->text);
}

/* AND (is_and) or OR of kids, flattened and simplified (an atom twice once) */
static spl_pf *combine(spl_pf **kids, int n, int is_and)
{
    spl_pf_kind same = is_and ? PF_AND : PF_OR;
    spl_pf_kind absorb = is_and ? PF_FALSE : PF_TRUE;   /* decides the whole */
    spl_pf_kind neutral = is_and ? PF_TRUE : PF_FALSE;  /* drops out */
    spl_pf *out = node(same);
    int decided = 0;
    for (int i = 0; i < n; i++) {
        spl_pf *k = kids[i];
        if (decided || k->kind == neutral) { spl_pf_free(k); continue; }
        if (k->kind == absorb) { decided = 1; spl_pf_free(k); continue; }
        if (k->kind == same) {
            out->kids = xrealloc(out->kids, sizeof *out->kids * (size_t)(out->nkids + k->nkids));
            for (int j = 0; j < k->nkids; j++) out->kids[out->nkids++] = k->kids[j];
            k->nkids = 0;
            spl_pf_free(k);
            continue;
        }
        int dup = 0;
        for (int j = 0; j < out->nkids && j < 64 && !dup; j++) dup = same_atom(out->kids[j], k);
        if (dup) { spl_pf_free(k); continue; }
        out->kids = xrealloc(out->kids, sizeof *out->kids * (size_t)(out->nkids + 1));
        out->kids[out->nkids++] = k;
    }
    if (decided) { spl_pf_free(out); return node(absorb); }
    if (out->nkids == 0) { spl_pf_free(out); return node(neutral); }
    if (out->nkids == 1) {
        spl_pf *one = out->kids[0];
        out->nkids = 0;
        spl_pf_free(out);
        return one;
    }
    return out;
}

spl_pf *spl_pf_and(spl_pf **kids, int n) { return combine(kids, n, 1); }
spl_pf *spl_pf_or(spl_pf **kids, int n) { return combine(kids, n, 0); }

/* ---- which columns an expression's value comes from ---- */

typedef struct pfp {
    const char *s;
    const char *alias;
    size_t alen;
    char **cols;
    int n;
    int bad;
} pfp;

static int ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static void ws(pfp *p)
{
    while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r') p->s++;
}

/* the keyword w (case-insensitive, whole word) at p->s: consume it */
static int kw(pfp *p, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(p->s, w, n) || ident_char(p->s[n])) return 0;
    p->s += n;
    return 1;
}

/* skip a quoted string or identifier starting at *s (quote q); NULL if unterminated */
static const char *skip_quoted(const char *s)
{
    char q = *s++;
    for (; *s; s++) {
        if (*s != q) continue;
        if (s[1] == q) { s++; continue; }
        return s + 1;
    }
    return NULL;
}

/* skip a CASE's WHEN condition, up to and including its THEN */
static void skip_cond(pfp *p)
{
    int depth = 0, cases = 0;
    const char *s = p->s;
    while (*s) {
        if (*s == '\'' || *s == '"') {
            s = skip_quoted(s);
            if (!s) break;
            continue;
        }
        if (*s == '(') depth++;
        else if (*s == ')') {
            if (!depth) break;
            depth--;
        } else if (ident_char(*s) && (s == p->s || !ident_char(s[-1]))) {
            const char *w = s;
            while (ident_char(*s)) s++;
            size_t n = (size_t)(s - w);
            if (!depth) {
                if (n == 4 && !strncasecmp(w, "CASE", 4)) cases++;
                else if (n == 3 && !strncasecmp(w, "END", 3)) cases--;
                else if (n == 4 && !strncasecmp(w, "THEN", 4) && !cases) { p->s = s; return; }
                if (cases < 0) break;
            }
            continue;
        }
        s++;
    }
    p->bad = 1;
}

static void add_col(pfp *p, const char *name, size_t n)
{
    p->cols = xrealloc(p->cols, sizeof *p->cols * (size_t)(p->n + 1));
    sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        sbuf_addc(&b, name[i]);
        if (name[i] == '"') i++; /* "" inside an identifier */
    }
    if (!b.s) sbuf_add(&b, "");
    p->cols[p->n++] = sbuf_detach(&b);
}

static void value(pfp *p, int depth)
{
    ws(p);
    if (p->bad || depth > 64) { p->bad = 1; return; }
    if (*p->s == '(') {
        p->s++;
        value(p, depth + 1);
        ws(p);
        if (*p->s != ')') { p->bad = 1; return; }
        p->s++;
        return;
    }
    if (kw(p, "NULL")) return;
    if (kw(p, "coalesce")) {
        ws(p);
        if (*p->s != '(') { p->bad = 1; return; }
        p->s++;
        for (;;) {
            value(p, depth + 1);
            ws(p);
            if (p->bad) return;
            if (*p->s == ',') { p->s++; continue; }
            if (*p->s == ')') { p->s++; return; }
            p->bad = 1;
            return;
        }
    }
    if (kw(p, "CASE")) {
        ws(p);
        if (!kw(p, "WHEN")) { p->bad = 1; return; }
        for (;;) {
            skip_cond(p);
            value(p, depth + 1);
            ws(p);
            if (p->bad) return;
            if (kw(p, "WHEN")) continue;
            if (kw(p, "ELSE")) {
                value(p, depth + 1);
                ws(p);
            }
            if (!kw(p, "END")) p->bad = 1;
            return;
        }
    }
    if (!strncmp(p->s, p->alias, p->alen) && p->s[p->alen] == '.' && p->s[p->alen + 1] == '"') {
        const char *start = p->s + p->alen + 1;
        const char *end = skip_quoted(start);
        if (!end) { p->bad = 1; return; }
        add_col(p, start + 1, (size_t)(end - start - 2));
        p->s = end;
        return;
    }
    p->bad = 1;
}

int spl_pf_columns(const char *x, const char *alias, char ***cols)
{
    pfp p = {.s = x, .alias = alias, .alen = strlen(alias)};
    value(&p, 0);
    ws(&p);
    if (*p.s) p.bad = 1;
    if (p.bad) {
        for (int i = 0; i < p.n; i++) free(p.cols[i]);
        free(p.cols);
        *cols = NULL;
        return -1;
    }
    *cols = p.cols;
    return p.n;
}

/* ---- rendering ---- */

static void text_rec(const spl_pf *f, sbuf *b)
{
    switch (f->kind) {
    case PF_TRUE: sbuf_add(b, "true"); return;
    case PF_FALSE: sbuf_add(b, "false"); return;
    case PF_ATOM:
        if (f->re) sbuf_printf(b, "%s=~/%s/", f->col, f->text);
        else if (f->eq) sbuf_printf(b, "%s=\"%s\"", f->col, f->text);
        else sbuf_printf(b, "%s~\"%s%s%s\"", f->col, f->at_start ? "^" : "", f->text, f->at_end ? "$" : "");
        return;
    case PF_AND:
    case PF_OR:
        sbuf_addc(b, '(');
        for (int i = 0; i < f->nkids; i++) {
            if (i) sbuf_add(b, f->kind == PF_AND ? " AND " : " OR ");
            text_rec(f->kids[i], b);
        }
        sbuf_addc(b, ')');
        return;
    }
    assert(0);
}

char *spl_pf_text(const spl_pf *f)
{
    sbuf b = {0};
    text_rec(f, &b);
    return sbuf_detach(&b);
}
