/* spl_ops.c: SQL functions implementing SPL's operators in generated SQL:
 * splop_num (Splunk's number reading), splop_str (text form, numbers printed
 * as Splunk prints them), splop_add ('+' on numbers or strings), splop_cmp
 * (comparison: numeric when both sides are numbers, else case-sensitive
 * string order; any value of a multivalue matches), splop_term and
 * splop_terms (search terms against _raw at token boundaries, '*'
 * wildcards, case-insensitive), splop_is, splop_typeof, splop_log. */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include "spl_values.h"
#include "util.h"

int spl_values_each(sqlite3_value *v, spl_value_fn fn, void *ctx)
{
    int t = sqlite3_value_type(v);
    if (t == SQLITE_NULL) return 0;
    if (t == SQLITE_BLOB) {
        const char *b = sqlite3_value_blob(v);
        int n = sqlite3_value_bytes(v);
        json_error_t je;
        json_t *a = b ? json_loadb(b, (size_t)n, 0, &je) : NULL;
        int count = 0;
        if (a && json_is_array(a)) {
            size_t i;
            json_t *x;
            json_array_foreach(a, i, x) {
                char nb[32];
                const char *s = NULL;
                int len = 0;
                if (json_is_string(x)) { s = json_string_value(x); len = (int)json_string_length(x); }
                else if (json_is_number(x)) { s = spl_num_format(json_number_value(x), nb); len = (int)strlen(s); }
                else continue;
                count++;
                if (fn(ctx, s, len)) break;
            }
        } else if (b) {
            count = 1;
            fn(ctx, b, n);
        }
        json_decref(a);
        return count;
    }
    char nb[32];
    if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
        const char *s = nb;
        if (t == SQLITE_INTEGER) snprintf(nb, sizeof nb, "%lld", (long long)sqlite3_value_int64(v));
        else s = spl_num_format(sqlite3_value_double(v), nb);
        fn(ctx, s, (int)strlen(s));
        return 1;
    }
    const char *s = (const char *)sqlite3_value_text(v);
    fn(ctx, s ? s : "", sqlite3_value_bytes(v));
    return 1;
}

const char *spl_num_format(double d, char *buf)
{
    if (isnan(d)) { strcpy(buf, "nan"); return buf; }
    if (d == floor(d) && fabs(d) < 1e15) snprintf(buf, 32, "%.0f", d);
    else {
        snprintf(buf, 32, "%.15g", d);
        double back = strtod(buf, NULL);
        if (back != d) snprintf(buf, 32, "%.17g", d);
    }
    if (!strcmp(buf, "-0")) strcpy(buf, "0");
    return buf;
}

void spl_result_mv(sqlite3_context *ctx, char **vals, int n)
{
    if (n == 0) { sqlite3_result_null(ctx); return; }
    if (n == 1) { sqlite3_result_text(ctx, vals[0], -1, SQLITE_TRANSIENT); return; }
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_string(vals[i]));
    char *s = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(a);
    if (!s) { sqlite3_result_error_nomem(ctx); return; }
    sqlite3_result_blob(ctx, s, (int)strlen(s), free);
}

/* value -> number; 1 when it is one */
static int value_num(sqlite3_value *v, double *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        *out = sqlite3_value_double(v);
        return 1;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v);
        return s && util_is_number(s, (size_t)sqlite3_value_bytes(v), out);
    }
    default:
        return 0;
    }
}

static void fn_num(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double d;
    if (value_num(argv[0], &d)) sqlite3_result_double(ctx, d);
    else sqlite3_result_null(ctx);
}

/* splop_sortkey(x): one BLOB that orders as the four keys (x IS NULL),
 * (splop_num(x) IS NULL), splop_num(x), CAST(x AS TEXT) do together, in
 * either direction: nulls last, numbers (numerically) before strings (by
 * byte order), ties between equal numbers by their text. Layout: a null
 * byte flag, a not-a-number flag, for a number its double in 8 bytes that
 * compare as the number does, then the text. */
static void fn_sortkey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_value *v = argv[0];
    int t = sqlite3_value_type(v);
    if (t == SQLITE_NULL) {
        static const unsigned char one = 1;
        sqlite3_result_blob(ctx, &one, 1, SQLITE_STATIC);
        return;
    }
    double d = 0;
    int num = value_num(v, &d);
    const unsigned char *txt;
    size_t n;
    if (t == SQLITE_BLOB) {
        txt = sqlite3_value_blob(v);
        n = (size_t)sqlite3_value_bytes(v);
    } else {
        txt = sqlite3_value_text(v); /* numbers as CAST(x AS TEXT) writes them */
        n = (size_t)sqlite3_value_bytes(v);
    }
    unsigned char *k = sqlite3_malloc64(2 + 8 + n + 1);
    if (!k) { sqlite3_result_error_nomem(ctx); return; }
    size_t at = 0;
    k[at++] = 0;
    k[at++] = num ? 0 : 1;
    if (num) {
        if (d == 0) d = 0; /* -0 sorts as 0 */
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        u = (u >> 63) ? ~u : (u | (1ULL << 63));
        for (int i = 7; i >= 0; i--) k[at++] = (unsigned char)(u >> (8 * i));
    }
    if (n) memcpy(k + at, txt, n);
    sqlite3_result_blob64(ctx, k, at + n, sqlite3_free);
}

static void result_str(sqlite3_context *ctx, sqlite3_value *v)
{
    char nb[32];
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
    case SQLITE_BLOB: sqlite3_result_null(ctx); return;
    case SQLITE_INTEGER:
        snprintf(nb, sizeof nb, "%lld", (long long)sqlite3_value_int64(v));
        sqlite3_result_text(ctx, nb, -1, SQLITE_TRANSIENT);
        return;
    case SQLITE_FLOAT:
        sqlite3_result_text(ctx, spl_num_format(sqlite3_value_double(v), nb), -1, SQLITE_TRANSIENT);
        return;
    default:
        sqlite3_result_value(ctx, v);
    }
}

static void fn_str(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    result_str(ctx, argv[0]);
}

/* splop_add(a, b, ...): Splunk's + folded left to right (a chain a+b+c is
 * one call, which keeps the generated SQL flat): numbers (numeric strings
 * included) add, two non-numeric strings concatenate, anything else (null,
 * multivalue, number + string) is null. */
static void fn_add(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    assert(argc >= 1);
    int t0 = sqlite3_value_type(argv[0]);
    if (t0 == SQLITE_NULL || t0 == SQLITE_BLOB) { sqlite3_result_null(ctx); return; }
    double acc = 0;
    int is_num = value_num(argv[0], &acc);
    int is_text = t0 == SQLITE_TEXT;
    sbuf txt = {0};
    if (!is_num) sbuf_addn(&txt, (const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
    for (int i = 1; i < argc; i++) {
        int tb = sqlite3_value_type(argv[i]);
        double b;
        if (tb == SQLITE_NULL || tb == SQLITE_BLOB) goto null;
        int nb = value_num(argv[i], &b);
        if (is_num && nb) { acc += b; continue; }
        if (is_num) {
            /* a number formed by an earlier + is not text */
            if (i > 1 || !is_text) goto null;
            is_num = 0;
            sbuf_addn(&txt, (const char *)sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
        }
        double a;
        if (nb && txt.len && util_is_number(txt.s, txt.len, &a)) {
            /* a concatenation that reads as a number adds (as two calls would) */
            acc = a + b;
            is_num = 1;
            txt.len = 0;
            continue;
        }
        if (!is_text || tb != SQLITE_TEXT) goto null;
        sbuf_addn(&txt, (const char *)sqlite3_value_text(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
    }
    if (is_num) sqlite3_result_double(ctx, acc);
    else sqlite3_result_text(ctx, txt.s ? txt.s : "", (int)txt.len, SQLITE_TRANSIENT);
    sbuf_free(&txt);
    return;
null:
    sbuf_free(&txt);
    sqlite3_result_null(ctx);
}

typedef struct cmp_ctx {
    int op;
    const char *rs;
    int rn;
    int rnum;
    double rd;
    int hit;
} cmp_ctx;

static int cmp_result(int op, int c)
{
    switch (op) {
    case 0: return c == 0;
    case 1: return c != 0;
    case 2: return c < 0;
    case 3: return c <= 0;
    case 4: return c > 0;
    default: return c >= 0;
    }
}

static int cmp_one(void *vctx, const char *s, int n)
{
    cmp_ctx *c = vctx;
    double d;
    int r;
    if (c->rnum && util_is_number(s, (size_t)n, &d)) {
        r = d < c->rd ? -1 : d > c->rd ? 1 : 0;
    } else {
        int m = n < c->rn ? n : c->rn;
        r = memcmp(s, c->rs, (size_t)m);
        if (!r) r = n < c->rn ? -1 : n > c->rn ? 1 : 0;
    }
    if (cmp_result(c->op, r)) { c->hit = 1; return 1; }
    return 0;
}

static void fn_cmp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int op = sqlite3_value_int(argv[0]);
    sqlite3_value *a = argv[1], *b = argv[2];
    if (sqlite3_value_type(a) == SQLITE_NULL || sqlite3_value_type(b) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (sqlite3_value_type(b) == SQLITE_BLOB && sqlite3_value_type(a) != SQLITE_BLOB) {
        sqlite3_value *t = a; a = b; b = t;
        op = op == 2 ? 4 : op == 3 ? 5 : op == 4 ? 2 : op == 5 ? 3 : op;
    }
    cmp_ctx c = {0};
    c.op = op;
    char nb[32];
    double d;
    if (sqlite3_value_type(b) == SQLITE_BLOB) {
        /* two multivalues: compare their JSON text */
        c.rs = sqlite3_value_blob(b);
        c.rn = sqlite3_value_bytes(b);
    } else if (value_num(b, &d)) {
        c.rnum = 1;
        c.rd = d;
        if (sqlite3_value_type(b) == SQLITE_TEXT) { c.rs = (const char *)sqlite3_value_text(b); c.rn = sqlite3_value_bytes(b); }
        else { c.rs = spl_num_format(d, nb); c.rn = (int)strlen(c.rs); }
    } else {
        c.rs = (const char *)sqlite3_value_text(b);
        c.rn = sqlite3_value_bytes(b);
    }
    if (sqlite3_value_type(a) == SQLITE_BLOB && sqlite3_value_type(b) == SQLITE_BLOB)
        cmp_one(&c, sqlite3_value_blob(a), sqlite3_value_bytes(a));
    else
        spl_values_each(a, cmp_one, &c);
    sqlite3_result_int(ctx, c.hit);
}

/* search terms: a character that separates terms (anything but a letter,
 * digit or non-ASCII byte) */
static int is_breaker(unsigned char c)
{
    return !(isalnum(c) || c >= 0x80);
}

/* first position >= from where needle[0..nn) occurs (case-insensitively
 * unless cs), or NULL */
static const char *find_ci(const char *from, const char *se, const char *needle, size_t nn, int cs)
{
    if (!nn) return from;
    unsigned char lo = (unsigned char)tolower((unsigned char)needle[0]);
    unsigned char up = (unsigned char)toupper((unsigned char)needle[0]);
    if (cs) lo = up = (unsigned char)needle[0];
    for (const char *t = from; t + nn <= se; t++) {
        /* cheap first-character filter before the full comparison */
        if ((unsigned char)*t != lo && (unsigned char)*t != up) continue;
        size_t k = 0;
        while (k < nn && (cs ? t[k] == needle[k] : tolower((unsigned char)t[k]) == tolower((unsigned char)needle[k]))) k++;
        if (k == nn) return t;
    }
    return NULL;
}

/* does the match ending at e end a term? */
static int ends_term(const char *e, const char *se, const char *p, const char *pe)
{
    return e == se || is_breaker((unsigned char)*e) || (pe > p && is_breaker((unsigned char)pe[-1]));
}

static int starts_term(const char *t, const char *s)
{
    return t == s || is_breaker((unsigned char)t[-1]);
}

/* splop_term(raw, pattern[, case_sensitive]): pattern ('*' any run) occurs
 * in raw starting at a term start and ending at a term end. Linear in the
 * raw size times the pattern size: the pieces between '*'s are found
 * leftmost-first, and a failure to find one ends the search (a later start
 * cannot do better). */
static int term_match(const char *s, const char *se, const char *p, const char *pe, int cs)
{
    /* split p at '*' */
    const char *seg[64];
    size_t len[64];
    int nseg = 0;
    const char *q = p;
    for (;;) {
        const char *st = memchr(q, '*', (size_t)(pe - q));
        if (nseg == 64) return 0;
        seg[nseg] = q;
        len[nseg] = (size_t)((st ? st : pe) - q);
        nseg++;
        if (!st) break;
        q = st + 1;
    }
    int lead = p < pe && p[0] == '*', trail = p < pe && pe[-1] == '*';
    if (nseg == 1) {
        /* no wildcard: every occurrence at a term start */
        for (const char *t = find_ci(s, se, seg[0], len[0], cs); t; t = find_ci(t + 1, se, seg[0], len[0], cs))
            if (starts_term(t, s) && ends_term(t + len[0], se, p, pe)) return 1;
        return 0;
    }
    const char *pos;
    if (lead) {
        pos = s;
    } else {
        const char *t = find_ci(s, se, seg[0], len[0], cs);
        while (t && !starts_term(t, s)) t = find_ci(t + 1, se, seg[0], len[0], cs);
        if (!t) return 0;
        pos = t + len[0];
    }
    int last = nseg - 1;
    for (int i = lead ? 0 : 1; i < last; i++) {
        const char *t = find_ci(pos, se, seg[i], len[i], cs);
        if (!t) return 0;
        pos = t + len[i];
    }
    if (trail) return 1; /* a trailing '*' can run to the end of the raw */
    for (const char *t = find_ci(pos, se, seg[last], len[last], cs); t; t = find_ci(t + 1, se, seg[last], len[last], cs))
        if (ends_term(t + len[last], se, p, pe)) return 1;
    return 0;
}

static void fn_term(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int cs = argc > 2 && sqlite3_value_int(argv[2]);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    const char *p = (const char *)sqlite3_value_text(argv[1]);
    int pn = sqlite3_value_bytes(argv[1]);
    if (!s || !p) { sqlite3_result_int(ctx, 0); return; }
    sqlite3_result_int(ctx, term_match(s, s + n, p, p + pn, cs));
}

/* splop_terms(raw, all, list): 1 when all (all=1) or any (all=0) of the
 * patterns of list match raw as splop_term matches one (case-insensitive).
 * list is "<length>:<pattern>" repeated (spl_search_set.c writes it); it
 * is split once per statement (auxiliary data). */
typedef struct term_list {
    int n;
    const char **p;
    size_t *len;
    char *buf;
} term_list;

static void term_list_free(void *v)
{
    term_list *t = v;
    free(t->p);
    free(t->len);
    free(t->buf);
    free(t);
}

static term_list *term_list_parse(const char *s, size_t n)
{
    term_list *t = xcalloc(1, sizeof *t);
    t->buf = xstrndup(s, n);
    int cap = 0;
    size_t i = 0;
    while (i < n) {
        char *end;
        unsigned long l = strtoul(t->buf + i, &end, 10);
        if (end == t->buf + i || *end != ':' || l > n - (size_t)(end + 1 - t->buf)) break;
        if (t->n == cap) {
            cap = cap ? cap * 2 : 16;
            t->p = xrealloc(t->p, sizeof *t->p * (size_t)cap);
            t->len = xrealloc(t->len, sizeof *t->len * (size_t)cap);
        }
        t->p[t->n] = end + 1;
        t->len[t->n] = l;
        t->n++;
        i = (size_t)(end + 1 - t->buf) + l;
    }
    return t;
}

static void fn_terms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int all = sqlite3_value_int(argv[1]);
    term_list *t = sqlite3_get_auxdata(ctx, 2);
    int fresh = !t;
    if (fresh) {
        const char *l = (const char *)sqlite3_value_text(argv[2]);
        t = term_list_parse(l ? l : "", l ? (size_t)sqlite3_value_bytes(argv[2]) : 0);
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int r = 0;
    if (s) {
        const char *se = s + sqlite3_value_bytes(argv[0]);
        r = all;
        for (int i = 0; i < t->n; i++)
            if (term_match(s, se, t->p[i], t->p[i] + t->len[i], 0) != all) {
                r = !all;
                break;
            }
    }
    /* kept for the next row, or freed at once when SQLite cannot keep it */
    if (fresh) sqlite3_set_auxdata(ctx, 2, t, term_list_free);
    sqlite3_result_int(ctx, r);
}

static void fn_is(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int kind = sqlite3_value_int(argv[0]);
    sqlite3_value *v = argv[1];
    int t = sqlite3_value_type(v);
    double d;
    int r;
    if (kind == 2) r = t == SQLITE_TEXT && !value_num(v, &d);
    else if (!value_num(v, &d)) r = 0;
    else r = kind == 0 ? 1 : d == floor(d);
    sqlite3_result_int(ctx, r);
}

static void fn_typeof(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double d;
    const char *r;
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL: r = "Invalid"; break;
    case SQLITE_BLOB: r = "Multivalue"; break;
    default: r = value_num(argv[0], &d) ? "Number" : "String";
    }
    sqlite3_result_text(ctx, r, -1, SQLITE_STATIC);
}

static void fn_log(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double x, b = 10;
    if (!value_num(argv[0], &x) || (argc > 1 && !value_num(argv[1], &b)) || x <= 0 || b <= 0 || b == 1) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_double(ctx, log(x) / log(b));
}

char *spl_wild_rename(const char *pat, const char *repl, const char *name);

/* splop_wildreplace(v, old1, new1[, old2, new2 ...]): the replace command
 * on one value (each value of a multivalue). Each value is replaced at most
 * once, by one pair: a pair without '*' (an exact value) beats a wildcard
 * pair and among exact pairs the later one wins; among wildcard pairs the
 * fuller match (more literal characters in OLD) wins, the later one on a
 * tie (Splunk's Search Reference: later non-wildcard replacements take
 * precedence, fuller wildcard matches over lesser ones). */
typedef struct wr_ctx { int np; sqlite3_value **pairs; char **out; int n, cap; } wr_ctx;
static int wr_one(void *vctx, const char *s, int n)
{
    wr_ctx *c = vctx;
    char *v = xstrndup(s, (size_t)n), *best = NULL;
    long best_score = -1;
    for (int p = 0; p < c->np; p++) {
        const char *old = (const char *)sqlite3_value_text(c->pairs[2 * p]);
        const char *repl = (const char *)sqlite3_value_text(c->pairs[2 * p + 1]);
        if (!old || !repl) continue;
        long lit = 0, wild = 0;
        for (const char *q = old; *q; q++) *q == '*' ? wild++ : lit++;
        long score = wild ? lit : LONG_MAX / 2; /* exact beats any wildcard */
        if (score < best_score) continue;
        char *r = spl_wild_rename(old, repl, v);
        if (!r) continue;
        free(best);
        best = r;
        best_score = score;
    }
    if (c->n == c->cap) { c->cap = c->cap ? c->cap * 2 : 4; c->out = xrealloc(c->out, sizeof *c->out * (size_t)c->cap); }
    c->out[c->n++] = best ? best : v;
    if (best) free(v);
    return 0;
}

static void fn_wildreplace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL || argc < 3 || argc % 2 == 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    wr_ctx c = {(argc - 1) / 2, argv + 1, NULL, 0, 0};
    spl_values_each(argv[0], wr_one, &c);
    if (t == SQLITE_BLOB) {
        if (c.n == 1) { /* keep a multivalue a multivalue */
            json_t *a = json_array();
            json_array_append_new(a, json_string(c.out[0]));
            char *s = json_dumps(a, JSON_COMPACT);
            json_decref(a);
            sqlite3_result_blob(ctx, s, (int)strlen(s), free);
        } else {
            spl_result_mv(ctx, c.out, c.n);
        }
    } else if (c.n == 1 && t == SQLITE_TEXT) {
        sqlite3_result_text(ctx, c.out[0], -1, SQLITE_TRANSIENT);
    } else if (c.n == 1 && !strcmp(c.out[0], (const char *)sqlite3_value_text(argv[0]))) {
        sqlite3_result_value(ctx, argv[0]);
    } else {
        spl_result_mv(ctx, c.out, c.n);
    }
    for (int i = 0; i < c.n; i++) free(c.out[i]);
    free(c.out);
}

/* splop_kv(text, name, pairdelim, kvdelim): the value of key name among
 * the pairs of text (extract): pairs end at any pairdelim character (not
 * inside a double-quoted value), a pair's key ends at its first kvdelim
 * character; key and value are trimmed of spaces and the value of one
 * level of double quotes. First match wins; NULL when the key is absent. */
static void fn_kv(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    const char *pd = (const char *)sqlite3_value_text(argv[2]);
    const char *kd = (const char *)sqlite3_value_text(argv[3]);
    if (!s || !name || !*name || !pd || !kd || sqlite3_value_type(argv[0]) == SQLITE_BLOB) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t nl = strlen(name);
    const char *p = s;
    while (*p) {
        size_t plen = strcspn(p, pd);
        const char *pe = p + plen;
        const char *k = p;
        size_t klen = strcspn(k, kd);
        if (klen < plen) {
            const char *ke = k + klen, *v = ke + 1, *ve = pe;
            /* a double-quoted value runs to its closing quote, over
             * delimiters (key="a b") */
            const char *q = v;
            while (isspace((unsigned char)*q) && !strchr(pd, *q)) q++;
            const char *qe = *q == '"' ? strchr(q + 1, '"') : NULL;
            if (qe && qe >= pe) {
                pe = qe + 1 + strcspn(qe + 1, pd);
                ve = pe;
            }
            while (k < ke && isspace((unsigned char)*k)) k++;
            while (ke > k && isspace((unsigned char)ke[-1])) ke--;
            if ((size_t)(ke - k) == nl && !memcmp(k, name, nl)) {
                while (v < ve && isspace((unsigned char)*v)) v++;
                while (ve > v && isspace((unsigned char)ve[-1])) ve--;
                if (ve - v >= 2 && *v == '"' && ve[-1] == '"') { v++; ve--; }
                sqlite3_result_text(ctx, v, (int)(ve - v), SQLITE_TRANSIENT);
                return;
            }
        }
        p = *pe ? pe + 1 : pe;
    }
    sqlite3_result_null(ctx);
}

/* splop_xmlkv(text, name): the content of the first <name>...</name> (or
 * <name .../>) element in text, XML entities decoded; NULL if none */
static void fn_xmlkv(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    if (!s || !name || !*name || sqlite3_value_type(argv[0]) == SQLITE_NULL) { sqlite3_result_null(ctx); return; }
    size_t nl = strlen(name);
    for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
        if (strncmp(p + 1, name, nl)) continue;
        char after = p[1 + nl];
        if (after != '>' && after != ' ' && after != '/' && after != '\t' && after != '\n' && after != '\r') continue;
        const char *gt = strchr(p + 1 + nl, '>');
        if (!gt) break;
        if (gt[-1] == '/') { sqlite3_result_text(ctx, "", 0, SQLITE_STATIC); return; }
        const char *v = gt + 1;
        sbuf close = {0};
        sbuf_printf(&close, "</%s>", name);
        const char *e = strstr(v, close.s);
        sbuf_free(&close);
        if (!e) break;
        sbuf out = {0};
        for (const char *q = v; q < e; q++) {
            static const struct { const char *ent; char c; } ents[] = {
                {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
            int hit = 0;
            if (*q == '&')
                for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !hit; k++) {
                    size_t el = strlen(ents[k].ent);
                    if ((size_t)(e - q) >= el && !strncmp(q, ents[k].ent, el)) {
                        sbuf_addc(&out, ents[k].c);
                        q += el - 1;
                        hit = 1;
                    }
                }
            if (!hit) sbuf_addc(&out, *q);
        }
        sqlite3_result_text(ctx, out.s ? out.s : "", (int)out.len, SQLITE_TRANSIENT);
        sbuf_free(&out);
        return;
    }
    sqlite3_result_null(ctx);
}

/* splop_jsonkey(json, key): fromjson's field key: the value of the
 * top-level key of the JSON object json: a string as it is, a number or a
 * boolean as its JSON text, an array as a multivalue of its elements, an
 * object as compact JSON; NULL when json is not an object or lacks key. */
static char *jk_text(json_t *j)
{
    if (json_is_string(j)) return xstrndup(json_string_value(j), json_string_length(j));
    return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void fn_jsonkey(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    const char *key = (const char *)sqlite3_value_text(argv[1]);
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !s || !key) { sqlite3_result_null(ctx); return; }
    json_t *j = json_loadb(s, (size_t)sqlite3_value_bytes(argv[0]), 0, NULL);
    json_t *v = json_is_object(j) ? json_object_get(j, key) : NULL;
    if (!v || json_is_null(v)) {
        sqlite3_result_null(ctx);
    } else if (json_is_array(v)) {
        size_t n = json_array_size(v), k = 0, i;
        char **vals = xcalloc(n + 1, sizeof *vals);
        json_t *e;
        json_array_foreach(v, i, e) if (!json_is_null(e)) vals[k++] = jk_text(e);
        if (!k) sqlite3_result_null(ctx);
        else if (k == 1) sqlite3_result_text(ctx, vals[0], -1, SQLITE_TRANSIENT);
        else spl_result_mv(ctx, vals, (int)k);
        for (size_t q = 0; q < k; q++) free(vals[q]);
        free(vals);
    } else {
        char *t = jk_text(v);
        sqlite3_result_text(ctx, t ? t : "", -1, SQLITE_TRANSIENT);
        free(t);
    }
    json_decref(j);
}

void spl_agg_register(sqlite3 *db);
void spl_op_eqnum_register(sqlite3 *db);

void spl_ops_register(sqlite3 *db)
{
    spl_op_eqnum_register(db);
    int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function(db, "splop_num", 1, f, NULL, fn_num, NULL, NULL);
    sqlite3_create_function(db, "splop_sortkey", 1, f, NULL, fn_sortkey, NULL, NULL);
    sqlite3_create_function(db, "splop_str", 1, f, NULL, fn_str, NULL, NULL);
    sqlite3_create_function(db, "splop_add", -1, f, NULL, fn_add, NULL, NULL);
    sqlite3_create_function(db, "splop_cmp", 3, f, NULL, fn_cmp, NULL, NULL);
    sqlite3_create_function(db, "splop_term", 2, f, NULL, fn_term, NULL, NULL);
    sqlite3_create_function(db, "splop_term", 3, f, NULL, fn_term, NULL, NULL);
    sqlite3_create_function(db, "splop_terms", 3, f, NULL, fn_terms, NULL, NULL);
    sqlite3_create_function(db, "splop_is", 2, f, NULL, fn_is, NULL, NULL);
    sqlite3_create_function(db, "splop_typeof", 1, f, NULL, fn_typeof, NULL, NULL);
    sqlite3_create_function(db, "splop_log", 1, f, NULL, fn_log, NULL, NULL);
    sqlite3_create_function(db, "splop_log", 2, f, NULL, fn_log, NULL, NULL);
    sqlite3_create_function(db, "splop_wildreplace", -1, f, NULL, fn_wildreplace, NULL, NULL);
    sqlite3_create_function(db, "splop_xmlkv", 2, f, NULL, fn_xmlkv, NULL, NULL);
    sqlite3_create_function(db, "splop_jsonkey", 2, f, NULL, fn_jsonkey, NULL, NULL);
    sqlite3_create_function(db, "splop_kv", 4, f, NULL, fn_kv, NULL, NULL);
    spl_agg_register(db);
}
