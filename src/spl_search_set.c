/* spl_search_set.c: long lists of equality tests on one field in a search
 * (`f=a OR f=b OR ...`, `f IN (a, b, ...)`, and the exclusions `NOT f=a
 * NOT f=b ...` or `f!=a f!=b ...` of filter macros) become one membership
 * test against a JSON array bound as a single parameter:
 *   f COLLATE NOCASE IN (SELECT value FROM json_each(?N))
 * SQLite prepares a statement with thousands of separate comparisons in
 * quadratic time (it compares the terms pairwise and looks each numbered
 * parameter up in a list); one set per field keeps compiling linear. The
 * result is the same as the separate comparisons of spl_search.c: values
 * compare case-insensitively, numbers also numerically against computed
 * numbers, NOT matches events without the field, != only events with it.
 * Likewise many bare terms become one splop_terms call over _raw. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hmap.h"
#include "spl_int.h"

typedef struct set_group {
    char *field;
    int neg;       /* 0: equal to one; 1: NOT (equal to one); 2: != every one */
    int nvals;
    int ok;        /* long enough, on a single-valued field: one set */
    sbuf txt, num; /* JSON arrays of the values, of those that are numbers */
} set_group;

/* 1 if a value is compared by plain equality (no wildcard, TERM(), CASE(),
 * map token marker) */
static int plain_value(const spl_token *t)
{
    if (memchr(t->s, '*', t->n)) return 0;
    size_t ml = strlen(SPL_MAP_MARKER);
    if (t->n >= ml && memmem(t->s, t->n, SPL_MAP_MARKER, ml)) return 0;
    if (t->type == TK_WORD && t->n >= 6 && t->s[t->n - 1] == ')' &&
        (!strncmp(t->s, "TERM(", 5) || !strncmp(t->s, "CASE(", 5)))
        return 0;
    return 1;
}

/* The comparison a kid of an OR (and==0) or AND (and==1) node makes, if it
 * can join a set: *neg as set_group.neg; returns the SN_CMP or SN_IN node */
static const spl_node *candidate(const spl_node *k, int and, int *neg)
{
    *neg = 0;
    if (and && k->kind == SN_NOT) {
        k = k->kids[0];
        *neg = 1;
    } else if (and && k->kind == SN_CMP && k->op == TK_NE) {
        *neg = 2;
    } else if (and) {
        return NULL;
    }
    if (k->kind == SN_CMP) {
        if (k->op != (*neg == 2 ? TK_NE : TK_EQ) || !plain_value(&k->val)) return NULL;
    } else if (k->kind == SN_IN) {
        if (*neg == 2 || !k->nkids) return NULL;
        for (int i = 0; i < k->nkids; i++)
            if (!plain_value(&k->kids[i]->tok)) return NULL;
    } else {
        return NULL;
    }
    if ((k->tok.n == 8 && !strncmp(k->tok.s, "earliest", 8)) || (k->tok.n == 6 && !strncmp(k->tok.s, "latest", 6)))
        return NULL;
    return k;
}

static void json_str(sbuf *b, const char *s)
{
    sbuf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            sbuf_addc(b, '\\');
            sbuf_addc(b, (char)*p);
        } else if (*p < 0x20) {
            sbuf_printf(b, "\\u%04x", *p);
        } else {
            sbuf_addc(b, (char)*p);
        }
    }
    sbuf_addc(b, '"');
}

/* add one value to the text and number arrays */
static void add_value(const spl_token *t, sbuf *txt, sbuf *num)
{
    char *v = spl_tok_text(t);
    sbuf_addc(txt, txt->len ? ',' : '[');
    json_str(txt, v);
    double d;
    if (util_is_number(v, strlen(v), &d) && isfinite(d)) {
        sbuf_addc(num, num->len ? ',' : '[');
        sbuf_printf(num, "%.17g", d);
    }
    free(v);
}

/* A bare term (or phrase) compared as splop_term does by default:
 * not '*', not CASE(), not a map token; TERM(x) is x. NULL otherwise. */
static char *plain_term(const spl_node *k)
{
    if (k->kind != SN_TERM) return NULL;
    size_t ml = strlen(SPL_MAP_MARKER);
    if (k->tok.n >= ml && memmem(k->tok.s, k->tok.n, SPL_MAP_MARKER, ml)) return NULL;
    char *v = spl_tok_text(&k->tok);
    size_t n = strlen(v);
    if (k->tok.type == TK_WORD && n >= 6 && v[n - 1] == ')' && !strncmp(v, "CASE(", 5)) {
        free(v);
        return NULL;
    }
    if (k->tok.type == TK_WORD && n >= 6 && v[n - 1] == ')' && !strncmp(v, "TERM(", 5)) {
        memmove(v, v + 5, n - 6);
        v[n - 6] = 0;
    }
    if (!*v || !strcmp(v, "*")) {
        free(v);
        return NULL;
    }
    return v;
}

/* Many bare terms of one AND/OR node: one splop_terms call over _raw
 * (which is read once, not once per term): kind 0 the terms themselves
 * (all of them in an AND, any in an OR), kind 1 NOT term in an AND (none
 * of them). */
static void term_sets(spl_tr *tr, const spl_node *n, unsigned char *grouped, char **items, int *nitems)
{
    int and = n->kind == SN_AND;
    for (int kind = 0; kind < (and ? 2 : 1); kind++) {
        int count = 0;
        for (int i = 0; i < n->nkids; i++) {
            const spl_node *k = n->kids[i];
            if (kind) k = k->kind == SN_NOT ? k->kids[0] : NULL;
            char *v = !grouped[i] && k ? plain_term(k) : NULL;
            if (v) count++;
            free(v);
        }
        if (count <= SPL_SQL_FANOUT) continue;
        sbuf raw = {0};
        if (tr->is_event_table) {
            store_field_sql(tr->st, "e", "_raw", &raw);
        } else {
            spl_col *c = spl_tr_col(tr, "_raw");
            sbuf_add(&raw, c ? c->sql : "NULL");
        }
        if (!raw.s || !strcmp(raw.s, "NULL")) {
            sbuf_free(&raw);
            continue;
        }
        sbuf list = {0};
        for (int i = 0; i < n->nkids; i++) {
            const spl_node *k = n->kids[i];
            if (kind) k = k->kind == SN_NOT ? k->kids[0] : NULL;
            char *v = !grouped[i] && k ? plain_term(k) : NULL;
            if (!v) continue;
            sbuf_printf(&list, "%zu:%s", strlen(v), v);
            grouped[i] = 1;
            free(v);
        }
        sbuf c = {0};
        sbuf_printf(&c, "splop_terms(%s, %d, ", raw.s, and && !kind);
        spl_tr_bind_text(tr, &c, list.s);
        sbuf_add(&c, kind ? ") IS NOT 1" : ")");
        items[(*nitems)++] = sbuf_detach(&c);
        sbuf_free(&list);
        sbuf_free(&raw);
    }
}

int spl_search_sets(spl_tr *tr, const spl_node *n, unsigned char *grouped, char **items, int *nitems)
{
    assert(n->kind == SN_AND || n->kind == SN_OR);
    int and = n->kind == SN_AND;
    hmap ix;
    hmap_init(&ix);
    set_group *g = NULL;
    int ng = 0, capg = 0;
    int *gid = xmalloc(sizeof *gid * (size_t)n->nkids);
    /* count the values per field and kind */
    for (int i = 0; i < n->nkids; i++) {
        int neg;
        const spl_node *c = candidate(n->kids[i], and, &neg);
        gid[i] = -1;
        if (!c) continue;
        char *f = spl_tok_text(&c->tok);
        char *key = xasprintf("%d:%s", neg, f);
        long *at = hmap_get(&ix, key, strlen(key));
        if (!at) {
            if (ng == capg) { /* doubling: one field per term is common (field0=1 OR field1=1 ...) */
                capg = capg ? 2 * capg : 16;
                g = xrealloc(g, sizeof *g * (size_t)capg);
            }
            g[ng] = (set_group){f, neg, 0, 0, {0}, {0}};
            hmap_put(&ix, key, strlen(key), ng);
            at = hmap_get(&ix, key, strlen(key));
            ng++;
        } else {
            free(f);
        }
        gid[i] = (int)*at;
        g[*at].nvals += c->kind == SN_IN ? c->nkids : 1;
        free(key);
    }
    /* long groups on a single-valued field the events have become sets */
    for (int k = 0; k < ng; k++) {
        if (g[k].nvals <= SPL_SQL_FANOUT) continue;
        spl_col *col = spl_tr_col(tr, g[k].field);
        g[k].ok = col && !col->mv && strcmp(col->sql, "NULL");
    }
    for (int i = 0; i < n->nkids; i++) {
        if (gid[i] < 0 || !g[gid[i]].ok) continue;
        set_group *x = &g[gid[i]];
        int neg;
        const spl_node *c = candidate(n->kids[i], and, &neg);
        assert(c && neg == x->neg);
        grouped[i] = 1;
        if (c->kind == SN_IN)
            for (int j = 0; j < c->nkids; j++) add_value(&c->kids[j]->tok, &x->txt, &x->num);
        else
            add_value(&c->val, &x->txt, &x->num);
    }
    for (int k = 0; k < ng; k++) {
        if (!g[k].ok) continue;
        spl_col *col = spl_tr_find(tr, g[k].field);
        assert(col);
        char *x = xstrdup(col->sql);
        sbuf_addc(&g[k].txt, ']');
        sbuf m = {0};
        sbuf_printf(&m, "%s COLLATE NOCASE IN (SELECT value FROM json_each(", x);
        spl_tr_bind_text(tr, &m, g[k].txt.s);
        sbuf_add(&m, "))");
        /* a computed value may be a number, which never equals text */
        if (g[k].num.len && strncmp(x, "e.\"", 3)) {
            sbuf_addc(&g[k].num, ']');
            sbuf_printf(&m, " OR (typeof(%s) IN ('integer', 'real') AND %s IN (SELECT value FROM json_each(", x, x);
            spl_tr_bind_text(tr, &m, g[k].num.s);
            sbuf_add(&m, ")))");
        }
        sbuf c = {0};
        if (g[k].neg == 0) sbuf_printf(&c, "(%s)", m.s);
        else if (g[k].neg == 1) sbuf_printf(&c, "(%s) IS NOT 1", m.s);
        else sbuf_printf(&c, "(%s IS NOT NULL AND (%s) IS NOT 1)", x, m.s);
        items[(*nitems)++] = sbuf_detach(&c);
        sbuf_free(&m);
        free(x);
    }
    term_sets(tr, n, grouped, items, nitems);
    for (int k = 0; k < ng; k++) {
        free(g[k].field);
        sbuf_free(&g[k].txt);
        sbuf_free(&g[k].num);
    }
    free(g);
    free(gid);
    hmap_free(&ix);
    return 0;
}
