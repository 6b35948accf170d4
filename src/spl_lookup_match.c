/* spl_lookup_match.c: the SQL function behind the lookup command for
 * lookups loaded from CSV files or collections (TEMP tables, spl_lookup.h):
 *
 *   spl_lookup_match(name, outcol, max_matches, nocase,
 *                    col1, kind1, value1, col2, kind2, value2, ...)
 *
 * gives the values of outcol over the rows of lookup `name` that match the
 * event: for every i, some value of value_i (a multivalue matches by any of
 * its values) matches column col_i as kind_i says (SPL_LOOKUP_EXACT,
 * SPL_LOOKUP_WILD: '*' stands for any run of characters, SPL_LOOKUP_CIDR:
 * the cell is an address range holding the value); with nocase, letters
 * compare ASCII case-insensitively. Rows count in file order, at most
 * max_matches of them, a row once for every combination of event values
 * that matches it; empty cells are left out and the result collapses like
 * spl_list (none -> NULL, one -> TEXT, several -> multivalue BLOB). This
 * is what the SQL join with LIKE/GLOB/spl_cidrmatch/= the command used to
 * generate computes, without comparing each event with each row: the table
 * is read once per statement into a matcher (exact cells hashed, '*' cells
 * kept apart) and results are memoized by the event's values, of which
 * searches have few distinct ones. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "mv.h"
#include "netaddr.h"
#include "spl_lookup.h"
#include "util.h"

/* spl_list keeps at most this many values (sqlfn_mv.c, SPL_LIST_MAX) */
#define LKM_LIST_MAX 100
/* memoized results kept before the memo starts over */
#define LKM_MEMO_MAX 200000

typedef struct lkm_field {
    int kind;
    char **v;             /* per row: the cell (ASCII-lowercased with nocase), NULL when empty */
    size_t *len;
    unsigned char *star;  /* per row: the cell holds a '*' (WILD) */
    unsigned char *net;   /* per row: 16 bytes of parsed range (CIDR) */
    int *bits;            /* per row: prefix length (CIDR) */
    unsigned char *netlen;/* per row: 4, 16, or 0 when the cell is no range (CIDR) */
} lkm_field;

typedef struct lkm_result {
    int *rows;
    int n;
} lkm_result;

typedef struct lkm {
    int nf, nrows, nocase, max;
    lkm_field *f;
    char **out;           /* per row: the output cell, NULL when empty */
    size_t *outlen;
    int key;              /* field candidate rows come from, -1: every row */
    hmap index;           /* key field cell (without '*') -> 1 + first row */
    int *next;            /* per row: next row with the same key cell, or -1 */
    int *stars;           /* rows whose WILD key cell holds a '*', in order */
    int nstars;
    hmap memo;            /* event values -> index in res */
    lkm_result *res;
    int nres, capres;
} lkm;

static void fold(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] - 'A' + 'a');
}

static void memo_clear(lkm *m)
{
    for (int i = 0; i < m->nres; i++) free(m->res[i].rows);
    free(m->res);
    m->res = NULL;
    m->nres = m->capres = 0;
    hmap_free(&m->memo);
    hmap_init(&m->memo);
}

static void lkm_free(void *p)
{
    lkm *m = p;
    if (!m) return;
    for (int k = 0; k < m->nf; k++) {
        lkm_field *f = &m->f[k];
        for (int r = 0; r < m->nrows; r++) free(f->v[r]);
        free(f->v);
        free(f->len);
        free(f->star);
        free(f->net);
        free(f->bits);
        free(f->netlen);
    }
    free(m->f);
    for (int r = 0; r < m->nrows; r++) free(m->out[r]);
    free(m->out);
    free(m->outlen);
    hmap_free(&m->index);
    free(m->next);
    free(m->stars);
    memo_clear(m);
    free(m);
}

/* '*' matches any run of bytes, everything else itself. Byte-wise is
 * character-wise for UTF-8: a literal can only match at a character start. */
static int star_match(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pn && p[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == '*') pi++;
    return pi == pn;
}

static void grow_rows(lkm *m, int n)
{
    lkm_field *f;
    for (int k = 0; k < m->nf; k++) {
        f = &m->f[k];
        f->v = xrealloc(f->v, sizeof *f->v * (size_t)n);
        f->len = xrealloc(f->len, sizeof *f->len * (size_t)n);
        f->star = xrealloc(f->star, (size_t)n);
        if (f->kind == SPL_LOOKUP_CIDR) {
            f->net = xrealloc(f->net, (size_t)n * 16);
            f->bits = xrealloc(f->bits, sizeof *f->bits * (size_t)n);
            f->netlen = xrealloc(f->netlen, (size_t)n);
        }
    }
    m->out = xrealloc(m->out, sizeof *m->out * (size_t)n);
    m->outlen = xrealloc(m->outlen, sizeof *m->outlen * (size_t)n);
}

/* Read the lookup's table into a matcher. argv as the SQL function's. */
static lkm *lkm_load(sqlite3 *db, int argc, sqlite3_value **argv, char **err)
{
    int nf = (argc - 4) / 3;
    lkm *m = xcalloc(1, sizeof *m);
    m->nf = nf;
    m->nocase = sqlite3_value_int(argv[3]) != 0;
    m->max = sqlite3_value_int(argv[2]);
    m->f = xcalloc((size_t)nf, sizeof *m->f);
    m->key = -1;
    hmap_init(&m->index);
    hmap_init(&m->memo);
    sbuf q = {0};
    sbuf_add(&q, "SELECT ");
    for (int k = 0; k < nf; k++) {
        m->f[k].kind = sqlite3_value_int(argv[5 + 3 * k]);
        /* qualified, so that an unknown column is an error, not a string */
        sbuf_add(&q, "lk.");
        sbuf_add_sql_ident(&q, (const char *)sqlite3_value_text(argv[4 + 3 * k]));
        sbuf_add(&q, ", ");
    }
    sbuf_add(&q, "lk.");
    sbuf_add_sql_ident(&q, (const char *)sqlite3_value_text(argv[1]));
    char *tname = xasprintf("lookup:%s", (const char *)sqlite3_value_text(argv[0]));
    sbuf_add(&q, " FROM temp.");
    sbuf_add_sql_ident(&q, tname);
    sbuf_add(&q, " AS lk ORDER BY lk.rowid");
    free(tname);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, q.s, -1, &st, NULL) != SQLITE_OK) {
        *err = xasprintf("lookup: %s", sqlite3_errmsg(db));
        sbuf_free(&q);
        lkm_free(m);
        return NULL;
    }
    sbuf_free(&q);
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int r = m->nrows;
        if (r == cap) {
            cap = cap ? cap * 2 : 64;
            grow_rows(m, cap);
        }
        for (int k = 0; k < nf; k++) {
            lkm_field *f = &m->f[k];
            const char *s = (const char *)sqlite3_column_text(st, k);
            size_t n = (size_t)sqlite3_column_bytes(st, k);
            f->v[r] = s ? xstrndup(s, n) : NULL;
            f->len[r] = s ? n : 0;
            f->star[r] = s && f->kind == SPL_LOOKUP_WILD && memchr(s, '*', n);
            if (f->kind == SPL_LOOKUP_CIDR)
                f->netlen[r] = s ? (unsigned char)netaddr_parse_cidr(s, f->net + 16 * r, &f->bits[r]) : 0;
            else if (s && m->nocase)
                fold(f->v[r], n);
        }
        const char *o = (const char *)sqlite3_column_text(st, nf);
        m->out[r] = o ? xstrndup(o, (size_t)sqlite3_column_bytes(st, nf)) : NULL;
        m->outlen[r] = o ? (size_t)sqlite3_column_bytes(st, nf) : 0;
        m->nrows++;
    }
    if (rc != SQLITE_DONE) {
        *err = xasprintf("lookup: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        lkm_free(m);
        return NULL;
    }
    sqlite3_finalize(st);
    /* candidates come from an exact field if there is one, else a wildcard one */
    for (int k = 0; k < nf && m->key < 0; k++)
        if (m->f[k].kind == SPL_LOOKUP_EXACT) m->key = k;
    for (int k = 0; k < nf && m->key < 0; k++)
        if (m->f[k].kind == SPL_LOOKUP_WILD) m->key = k;
    if (m->key >= 0) {
        lkm_field *f = &m->f[m->key];
        m->next = xmalloc(sizeof *m->next * (size_t)(m->nrows ? m->nrows : 1));
        for (int r = m->nrows - 1; r >= 0; r--) {
            m->next[r] = -1;
            if (!f->v[r] || f->star[r]) continue;
            long *h = hmap_get(&m->index, f->v[r], f->len[r]);
            if (h) m->next[r] = (int)*h - 1;
            hmap_put(&m->index, f->v[r], f->len[r], r + 1);
        }
        for (int r = 0; r < m->nrows; r++)
            if (f->star[r]) {
                m->stars = xrealloc(m->stars, sizeof *m->stars * (size_t)(m->nstars + 1));
                m->stars[m->nstars++] = r;
            }
    }
    return m;
}

/* An event's values of one field, lowercased with nocase; for CIDR also
 * each value parsed as an address. */
typedef struct lkm_vals {
    mv_list l;
    unsigned char *ip;    /* 16 bytes per value */
    int *iplen;
} lkm_vals;

/* how many of the values match row r of field f */
static int count_matches(const lkm_field *f, const lkm_vals *vs, int r)
{
    if (f->kind == SPL_LOOKUP_CIDR) {
        if (!f->netlen[r]) return 0;
        int c = 0;
        for (size_t i = 0; i < vs->l.n; i++)
            c += vs->iplen[i] == f->netlen[r] && netaddr_prefix_eq(f->net + 16 * r, vs->ip + 16 * i, f->bits[r]);
        return c;
    }
    const char *cell = f->v[r];
    if (!cell) return 0;
    int c = 0;
    for (size_t i = 0; i < vs->l.n; i++) {
        if (f->star[r])
            c += star_match(cell, f->len[r], vs->l.v[i], vs->l.len[i]);
        else
            c += vs->l.len[i] == f->len[r] && !memcmp(cell, vs->l.v[i], f->len[r]);
    }
    return c;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The matching rows, in file order, each as often as it matches. */
static lkm_result compute(const lkm *m, const lkm_vals *vals)
{
    lkm_result res = {0};
    int *cand = NULL, ncand = 0, all = m->key < 0;
    if (!all) {
        const lkm_field *kf = &m->f[m->key];
        const mv_list *kl = &vals[m->key].l;
        int capc = 0;
        for (size_t i = 0; i < kl->n; i++) {
            long *h = hmap_get(&m->index, kl->v[i], kl->len[i]);
            for (int r = h ? (int)*h - 1 : -1; r >= 0; r = m->next[r]) {
                if (ncand == capc) {
                    capc = capc ? capc * 2 : 16;
                    cand = xrealloc(cand, sizeof *cand * (size_t)capc);
                }
                cand[ncand++] = r;
            }
        }
        int sorted = kl->n <= 1;
        if (kf->kind == SPL_LOOKUP_WILD && m->nstars && kl->n) {
            cand = xrealloc(cand, sizeof *cand * (size_t)(ncand + m->nstars));
            memcpy(cand + ncand, m->stars, sizeof *cand * (size_t)m->nstars);
            ncand += m->nstars;
            sorted = 0;
        }
        if (!sorted && ncand > 1) {
            qsort(cand, (size_t)ncand, sizeof *cand, cmp_int);
            int w = 1;
            for (int i = 1; i < ncand; i++)
                if (cand[i] != cand[w - 1]) cand[w++] = cand[i];
            ncand = w;
        }
    }
    int n = all ? m->nrows : ncand;
    for (int i = 0; i < n && res.n < m->max; i++) {
        int r = all ? i : cand[i];
        long mult = 1;
        for (int k = 0; k < m->nf && mult; k++) mult *= count_matches(&m->f[k], &vals[k], r);
        if (!mult) continue;
        if (mult > m->max - res.n) mult = m->max - res.n;
        res.rows = xrealloc(res.rows, sizeof *res.rows * (size_t)(res.n + mult));
        while (mult--) res.rows[res.n++] = r;
    }
    free(cand);
    return res;
}

static void fn_lookup_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc < 7 || (argc - 4) % 3) {
        sqlite3_result_error(ctx, "spl_lookup_match: wrong number of arguments", -1);
        return;
    }
    lkm *m = sqlite3_get_auxdata(ctx, 0);
    if (!m) {
        for (int i = 0; i < argc; i += i < 4 ? 1 : 3)
            if (i != 2 && i != 3 && sqlite3_value_type(argv[i]) != SQLITE_TEXT) {
                sqlite3_result_error(ctx, "spl_lookup_match: lookup, field and column names must be text", -1);
                return;
            }
        char *err = NULL;
        m = lkm_load(sqlite3_context_db_handle(ctx), argc, argv, &err);
        if (!m) {
            sqlite3_result_error(ctx, err, -1);
            free(err);
            return;
        }
        sqlite3_set_auxdata(ctx, 0, m, lkm_free);
        /* SQLite may have dropped it already (then it freed m) */
        m = sqlite3_get_auxdata(ctx, 0);
        if (!m) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    int nf = m->nf;
    assert(nf == (argc - 4) / 3);
    lkm_vals *vals = xcalloc((size_t)nf, sizeof *vals);
    sbuf key = {0};
    int any = 1;
    for (int k = 0; k < nf; k++) {
        mv_list *l = &vals[k].l;
        mv_list_from_value(l, argv[6 + 3 * k]);
        if (!l->n) any = 0;
        sbuf_printf(&key, "%zu:", l->n);
        for (size_t i = 0; i < l->n; i++) {
            if (m->nocase) fold(l->v[i], l->len[i]);
            sbuf_printf(&key, "%zu:", l->len[i]);
            sbuf_addn(&key, l->v[i], l->len[i]);
        }
    }
    if (!any) {
        /* a field without values matches nothing */
        sqlite3_result_null(ctx);
        goto out;
    }
    long *h = hmap_get(&m->memo, key.s, key.len);
    const lkm_result *res;
    if (h) {
        res = &m->res[*h];
    } else {
        for (int k = 0; k < nf; k++)
            if (m->f[k].kind == SPL_LOOKUP_CIDR) {
                lkm_vals *vs = &vals[k];
                vs->ip = xmalloc(16 * (vs->l.n ? vs->l.n : 1));
                vs->iplen = xmalloc(sizeof *vs->iplen * (vs->l.n ? vs->l.n : 1));
                for (size_t i = 0; i < vs->l.n; i++)
                    vs->iplen[i] = netaddr_parse_ip(vs->l.v[i], vs->l.len[i], vs->ip + 16 * i);
            }
        if (m->nres >= LKM_MEMO_MAX) memo_clear(m);
        if (m->nres == m->capres) {
            m->capres = m->capres ? m->capres * 2 : 64;
            m->res = xrealloc(m->res, sizeof *m->res * (size_t)m->capres);
        }
        m->res[m->nres] = compute(m, vals);
        hmap_put(&m->memo, key.s, key.len, m->nres);
        res = &m->res[m->nres++];
    }
    mv_list out = {0};
    for (int i = 0; i < res->n && out.n < LKM_LIST_MAX; i++) {
        int r = res->rows[i];
        if (m->out[r]) mv_list_add(&out, m->out[r], m->outlen[r]);
    }
    mv_result(ctx, &out);
    mv_list_free(&out);
out:
    for (int k = 0; k < nf; k++) {
        mv_list_free(&vals[k].l);
        free(vals[k].ip);
        free(vals[k].iplen);
    }
    free(vals);
    sbuf_free(&key);
}

int spl_lookup_match_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "spl_lookup_match", -1, SQLITE_UTF8, NULL, fn_lookup_match, NULL, NULL,
                                      NULL);
}
