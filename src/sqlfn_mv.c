/* sqlfn_mv.c: multivalue SQL functions (spl_mvcount, spl_mvindex,
 * spl_mvjoin, spl_mvappend, spl_mvdedup, spl_mvsort, spl_mvzip,
 * spl_mvrange, spl_split, spl_mv_any_eq, spl_mv_json) and the aggregates
 * stats needs for multivalue results (spl_values, spl_list, spl_dc). */
#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

/* spl_mvcount(x): number of values; NULL for NULL. */
static void fn_mvcount(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL) {
        sqlite3_result_null(ctx);
    } else if (t != SQLITE_BLOB) {
        sqlite3_result_int(ctx, 1);
    } else {
        mv_list l = {0};
        mv_list_from_value(&l, argv[0]);
        sqlite3_result_int64(ctx, (sqlite3_int64)l.n);
        mv_list_free(&l);
    }
}

/* Resolve a Splunk index (negative = from the end) against n values;
 * -1 when out of range. */
static long long mv_index(long long i, size_t n)
{
    if (i < 0) i += (long long)n;
    return (i < 0 || i >= (long long)n) ? -1 : i;
}

/* spl_mvindex(x, start[, end]): the value at start, or the values from
 * start to end inclusive; 0-based, negative counts from the end. NULL when
 * out of range. */
static void fn_mvindex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    long long a, b;
    if (!sqlfn_arg_int(argv[1], &a) || (argc > 2 && !sqlfn_arg_int(argv[2], &b))) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    long long s = mv_index(a, l.n);
    long long e = argc > 2 ? mv_index(b, l.n) : s;
    if (argc > 2 && e < 0 && b >= (long long)l.n) e = (long long)l.n - 1;
    if (s >= 0 && e >= s)
        for (long long i = s; i <= e; i++) mv_list_add(&r, l.v[i], l.len[i]);
    mv_result(ctx, &r);
    mv_list_free(&l);
    mv_list_free(&r);
}

/* spl_mvjoin(x, sep): the values joined by sep. */
static void fn_mvjoin(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_list l = {0};
    if (!mv_list_from_value(&l, argv[0])) {
        sqlite3_result_null(ctx);
        mv_list_free(&l);
        return;
    }
    size_t sn = 0;
    char *sep = mv_first(argv[1], &sn);
    sbuf b = {0};
    for (size_t i = 0; i < l.n; i++) {
        if (i && sep) sbuf_addn(&b, sep, sn);
        sbuf_addn(&b, l.v[i], l.len[i]);
    }
    if (!b.s) sbuf_add(&b, "");
    sqlite3_result_text64(ctx, b.s, b.len, free, SQLITE_UTF8);
    free(sep);
    mv_list_free(&l);
}

/* spl_mvappend(x, ...): all values of all arguments in order; NULLs are
 * skipped. */
static void fn_mvappend(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    mv_list l = {0};
    for (int i = 0; i < argc; i++) mv_list_add_value(&l, argv[i]);
    mv_result(ctx, &l);
    mv_list_free(&l);
}

/* spl_mvdedup(x): values with duplicates removed, first occurrence kept. */
static void fn_mvdedup(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    for (size_t i = 0; i < l.n; i++) {
        int dup = 0;
        for (size_t j = 0; j < r.n && !dup; j++) dup = r.len[j] == l.len[i] && memcmp(r.v[j], l.v[i], l.len[i]) == 0;
        if (!dup) mv_list_add(&r, l.v[i], l.len[i]);
    }
    mv_result(ctx, &r);
    mv_list_free(&l);
    mv_list_free(&r);
}

typedef struct mv_pair {
    char *v;
    size_t len;
} mv_pair;

static int mv_pair_cmp(const void *x, const void *y)
{
    const mv_pair *a = x, *b = y;
    int c = memcmp(a->v, b->v, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Sort the values of l in place, byte-wise (Splunk sorts lexicographically,
 * numbers included); with dedup, drop repeated values. */
static void mv_sort(mv_list *l, int dedup)
{
    if (l->n < 2) return;
    mv_pair *p = xmalloc(l->n * sizeof *p);
    for (size_t i = 0; i < l->n; i++) p[i] = (mv_pair){l->v[i], l->len[i]};
    qsort(p, l->n, sizeof *p, mv_pair_cmp);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (dedup && k && mv_pair_cmp(&p[i], &p[k - 1]) == 0) {
            free(p[i].v);
            continue;
        }
        p[k++] = p[i];
    }
    for (size_t i = 0; i < k; i++) l->v[i] = p[i].v, l->len[i] = p[i].len;
    l->n = k;
    free(p);
}

/* spl_mvsort(x): values sorted lexicographically. */
static void fn_mvsort(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_list l = {0};
    mv_list_from_value(&l, argv[0]);
    mv_sort(&l, 0);
    mv_result(ctx, &l);
    mv_list_free(&l);
}

/* spl_mvzip(a, b[, sep]): pairwise a[i] sep b[i] up to the shorter
 * length; sep defaults to ",". */
static void fn_mvzip(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    mv_list a = {0}, b = {0}, r = {0};
    mv_list_from_value(&a, argv[0]);
    mv_list_from_value(&b, argv[1]);
    size_t sn = 1;
    char *sep = argc > 2 ? mv_first(argv[2], &sn) : xstrdup(",");
    if (!sep) sep = xstrdup(""), sn = 0;
    for (size_t i = 0; i < a.n && i < b.n; i++) {
        sbuf t = {0};
        sbuf_addn(&t, a.v[i], a.len[i]);
        sbuf_addn(&t, sep, sn);
        sbuf_addn(&t, b.v[i], b.len[i]);
        mv_list_add(&r, t.s, t.len);
        sbuf_free(&t);
    }
    mv_result(ctx, &r);
    free(sep);
    mv_list_free(&a);
    mv_list_free(&b);
    mv_list_free(&r);
}

/* spl_mvrange(start, end[, step]): numbers from start up to but not
 * including end. step defaults to 1; at most 100000 values. */
static void fn_mvrange(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double a, b, st = 1;
    if (!sqlfn_arg_number(argv[0], &a) || !sqlfn_arg_number(argv[1], &b) ||
        (argc > 2 && !sqlfn_arg_number(argv[2], &st)) || st == 0 || isnan(st)) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_list r = {0};
    for (double x = a; (st > 0 ? x < b : x > b) && r.n < 100000; x += st) mv_list_add_number(&r, x);
    mv_result(ctx, &r);
    mv_list_free(&r);
}

/* spl_split(str, sep): str cut at every sep (empty sep: every character).
 * A multivalue str is split value by value. */
/* the values of l split at sep (into characters when sep is empty) */
static void split_values(const mv_list *l, const char *sep, size_t sn, mv_list *r)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *s = l->v[i], *end = s + l->len[i];
        if (sn == 0) {
            while (s < end) {
                size_t k = 1;
                while (s + k < end && ((unsigned char)s[k] & 0xC0) == 0x80) k++;
                mv_list_add(r, s, k);
                s += k;
            }
            continue;
        }
        for (;;) {
            const char *q = memmem(s, (size_t)(end - s), sep, sn);
            if (!q) {
                mv_list_add(r, s, (size_t)(end - s));
                break;
            }
            mv_list_add(r, s, (size_t)(q - s));
            s = q + sn;
        }
    }
}

static void fn_split(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    size_t sn;
    char *sep = mv_first(argv[1], &sn);
    split_values(&l, sep, sn, &r);
    mv_result(ctx, &r);
    free(sep);
    mv_list_free(&l);
    mv_list_free(&r);
}

/* spl_split_nth(x, sep, i): mvindex(split(x, sep), i), which the data models
 * use to take a file name out of a path, without building the list of
 * pieces for a single text value. */
static void fn_split_nth(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    long long want;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL ||
        !sqlfn_arg_int(argv[2], &want)) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t sn;
    char *sep = mv_first(argv[1], &sn);
    if (sqlite3_value_type(argv[0]) == SQLITE_TEXT && sn > 0) {
        const char *s = (const char *)sqlite3_value_text(argv[0]);
        size_t n = (size_t)sqlite3_value_bytes(argv[0]);
        const char *end = s + n;
        size_t pieces = 1;
        for (const char *p = s; (p = memmem(p, (size_t)(end - p), sep, sn)); p += sn) pieces++;
        long long k = mv_index(want, pieces);
        if (k < 0) {
            sqlite3_result_null(ctx);
        } else {
            const char *p = s;
            for (long long j = 0; j < k; j++) p = (const char *)memmem(p, (size_t)(end - p), sep, sn) + sn;
            const char *q = memmem(p, (size_t)(end - p), sep, sn);
            sqlite3_result_text64(ctx, p, (sqlite3_uint64)((q ? q : end) - p), SQLITE_TRANSIENT, SQLITE_UTF8);
        }
        free(sep);
        return;
    }
    mv_list l = {0}, r = {0}, one = {0};
    mv_list_from_value(&l, argv[0]);
    split_values(&l, sep, sn, &r);
    long long k = mv_index(want, r.n);
    if (k >= 0) mv_list_add(&one, r.v[k], r.len[k]);
    mv_result(ctx, &one);
    free(sep);
    mv_list_free(&l);
    mv_list_free(&r);
    mv_list_free(&one);
}

/* 1 if a equals b as Splunk's eval compares: numerically when both read as
 * numbers, else byte for byte (case-sensitive). */
static int mv_values_equal(const char *a, size_t an, const char *b, size_t bn)
{
    double x, y;
    if (util_is_number(a, an, &x) && util_is_number(b, bn, &y)) return x == y;
    return an == bn && memcmp(a, b, an) == 0;
}

/* spl_mv_any_eq(x, v1[, v2...]): 1 if any value of x equals any value of
 * the others (eval == and in() over a multivalue field), 0 if none, NULL
 * if x is NULL. */
static void fn_mv_any_eq(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_view w;
    mv_view_init(&w, argv[0]);
    int found = 0;
    for (int a = 1; a < argc && !found; a++) {
        mv_view c;
        mv_view_init(&c, argv[a]);
        for (size_t i = 0; i < w.n && !found; i++)
            for (size_t j = 0; j < c.n && !found; j++) {
                size_t xn, yn;
                const char *x = mv_view_get(&w, i, &xn), *y = mv_view_get(&c, j, &yn);
                found = mv_values_equal(x, xn, y, yn);
            }
        mv_view_free(&c);
    }
    sqlite3_result_int(ctx, found);
    mv_view_free(&w);
}

/* spl_mv_json(x): the values of x as TEXT holding a JSON array ('[]' for
 * NULL), for json_each() in mvexpand and stats over multivalue fields
 * (SQLite's JSON functions refuse BLOB arguments). */
static void fn_mv_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_list l = {0};
    mv_list_from_value(&l, argv[0]);
    size_t n;
    char *s = mv_encode(&l, &n);
    sqlite3_result_text64(ctx, s, n, free, SQLITE_UTF8);
    mv_list_free(&l);
}

/* spl_mv_first(x): the first value (TEXT), NULL if none. */
static void fn_mv_first(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    size_t n;
    char *s = mv_first(argv[0], &n);
    if (s)
        sqlite3_result_text64(ctx, s, n, free, SQLITE_UTF8);
    else
        sqlite3_result_null(ctx);
}

/* Aggregates: state is an mv_list collecting every value seen. */
typedef struct mv_agg {
    mv_list l;
    int used;
} mv_agg;

#define SPL_LIST_MAX 100

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    a->used = 1;
    mv_list_add_value(&a->l, argv[0]);
}

static void agg_list_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    a->used = 1;
    if (a->l.n < SPL_LIST_MAX) {
        mv_list_add_value(&a->l, argv[0]);
        while (a->l.n > SPL_LIST_MAX) free(a->l.v[--a->l.n]);
    }
}

/* spl_values(x): distinct values over the group, sorted lexicographically
 * (stats values()). */
static void agg_values_final(sqlite3_context *ctx)
{
    mv_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_sort(&a->l, 1);
    mv_result(ctx, &a->l);
    mv_list_free(&a->l);
}

/* spl_list(x): the first 100 values over the group in order (stats
 * list()). */
static void agg_list_final(sqlite3_context *ctx)
{
    mv_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_result(ctx, &a->l);
    mv_list_free(&a->l);
}

/* spl_dc(x): number of distinct values over the group, multivalues
 * counted value by value (stats dc()). */
static void agg_dc_final(sqlite3_context *ctx)
{
    mv_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    mv_sort(&a->l, 1);
    sqlite3_result_int64(ctx, (sqlite3_int64)a->l.n);
    mv_list_free(&a->l);
}

static const sqlfn_def sqlfn_mv_defs[] = {
    {"spl_mvcount", 1, fn_mvcount, 1, 0},
    {"spl_mvindex", 2, fn_mvindex, 1, 0},
    {"spl_mvindex", 3, fn_mvindex, 1, 0},
    {"spl_mvjoin", 2, fn_mvjoin, 1, 0},
    {"spl_mvappend", -1, fn_mvappend, 1, 0},
    {"spl_mvdedup", 1, fn_mvdedup, 1, 0},
    {"spl_mvsort", 1, fn_mvsort, 1, 0},
    {"spl_mvzip", 2, fn_mvzip, 1, 0},
    {"spl_mvzip", 3, fn_mvzip, 1, 0},
    {"spl_mvrange", 2, fn_mvrange, 1, 0},
    {"spl_mvrange", 3, fn_mvrange, 1, 0},
    {"spl_split", 2, fn_split, 1, 0},
    {"spl_split_nth", 3, fn_split_nth, 1, 0},
    {"spl_mv_any_eq", -1, fn_mv_any_eq, 1, 0},
    {"spl_mv_json", 1, fn_mv_json, 1, 0},
    {"spl_mv_first", 1, fn_mv_first, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_mv(sqlite3 *db)
{
    int rc = sqlfn_register_table(db, sqlfn_mv_defs);
    int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "spl_values", 1, flags, NULL, NULL, agg_step, agg_values_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "spl_list", 1, flags, NULL, NULL, agg_list_step, agg_list_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "spl_dc", 1, flags, NULL, NULL, agg_step, agg_dc_final, NULL);
    return rc;
}
