/* test_sqlfn_window.c: the splwin_* sliding-window aggregates of streamstats
 * (src/sqlfn_window.c) against a brute-force recomputation of every row's
 * window, on random rows (ties in time, NULLs, numbers and text, many
 * distinct values leaving the window): SQLite frames (xInverse), time
 * windows ascending and descending, position (global) windows,
 * current=false; and the time-order error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlfn.h"
#include "util.h"

static sqlite3 *db;

#define NROWS 1000
#define NGRP 4

typedef struct row {
    int seq, grp;
    double t;
    int vt;   /* 0 NULL, 1 integer, 2 text */
    int iv;
    char sv[16];
} row;

static row rows[NROWS];

static void exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", sql, err);
}

static int setup(void **state)
{
    (void)state;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
    if (sqlfn_register(db) != SQLITE_OK) return -1;
    exec("CREATE TABLE r(seq INTEGER, grp INTEGER, t REAL, v)");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO r VALUES (?, ?, ?, ?)", -1, &st, NULL);
    unsigned x = 12345;
    double t = 1000;
    for (int i = 0; i < NROWS; i++) {
        x = x * 1103515245u + 12345u;
        unsigned r = (x >> 8) & 0xffff;
        row *w = &rows[i];
        w->seq = i;
        w->grp = (int)(r % NGRP);
        t += (r >> 4) % 4; /* 0..3 seconds: ties */
        w->t = t;
        int k = (int)((r >> 6) % 10);
        w->vt = k == 0 ? 0 : k <= 6 ? 1 : 2;
        w->iv = (int)((r >> 3) % 300); /* many distinct values come and go */
        snprintf(w->sv, sizeof w->sv, "s%d", (int)((r >> 2) % 97));
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_int(st, 2, w->grp);
        sqlite3_bind_double(st, 3, w->t);
        if (w->vt == 0) sqlite3_bind_null(st, 4);
        else if (w->vt == 1) sqlite3_bind_int(st, 4, w->iv);
        else sqlite3_bind_text(st, 4, w->sv, -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    return 0;
}

/* a window's shape */
typedef struct shape {
    int rows_n;    /* SQLite frame of the last N of the group (0: none) */
    double tw;     /* time window */
    int pw;        /* position window over all rows */
    int cur;
    int desc;      /* stream order: seq descending (time descending) */
} shape;

static const char *val_text(const row *w, char *buf)
{
    if (w->vt == 1) { snprintf(buf, 16, "%d", w->iv); return buf; }
    return w->sv;
}

static int cmp_s(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the expected result of fn for row i, as "<type>:<value>" (see got()) */
static char *expect(const char *fn, const shape *sh, int i)
{
    const row *me = &rows[i];
    /* members, in stream order */
    int *m = xmalloc(sizeof *m * NROWS);
    int n = 0, ingrp = 0;
    int step = sh->desc ? -1 : 1;
    /* the group's rows up to i, newest first, for the N-rows frame */
    for (int j = i; j != (sh->desc ? NROWS : -1); j -= step) {
        const row *o = &rows[j];
        if (o->grp != me->grp) continue;
        ingrp++;
        if (j == i && !sh->cur) continue;
        if (sh->rows_n && ingrp > sh->rows_n + !sh->cur) break;
        if (sh->tw > 0 && fabs(me->t - o->t) >= sh->tw) break;
        if (sh->pw > 0 && abs(me->seq - o->seq) >= sh->pw) break;
        m[n++] = j;
    }
    /* into stream order */
    for (int a = 0, b = n - 1; a < b; a++, b--) { int x = m[a]; m[a] = m[b]; m[b] = x; }
    int nv = 0;
    for (int k = 0; k < n; k++) nv += rows[m[k]].vt != 0;
    char *out = NULL;
    char buf[32];
    if (!strcmp(fn, "count")) {
        out = xasprintf("I:%d", nv);
    } else if (!strcmp(fn, "sum")) {
        long long s = 0;
        int nn = 0;
        for (int k = 0; k < n; k++)
            if (rows[m[k]].vt == 1) { s += rows[m[k]].iv; nn++; }
        out = nn ? xasprintf("I:%lld", s) : xstrdup("N");
    } else if (!strcmp(fn, "dc") || !strcmp(fn, "values") || !strcmp(fn, "list") || !strcmp(fn, "min") || !strcmp(fn, "max")) {
        char **v = xmalloc(sizeof *v * (size_t)(nv + 1));
        int c = 0, allnum = 1;
        double lo = 0, hi = 0;
        for (int k = 0; k < n; k++) {
            const row *o = &rows[m[k]];
            if (!o->vt) continue;
            v[c++] = xstrdup(val_text(o, buf));
            if (o->vt == 2) allnum = 0;
        }
        int first = 1;
        for (int k = 0; k < n; k++) {
            const row *o = &rows[m[k]];
            if (o->vt != 1) continue;
            if (first || o->iv < lo) lo = o->iv;
            if (first || o->iv > hi) hi = o->iv;
            first = 0;
        }
        if (!strcmp(fn, "list")) {
            sbuf b = {0};
            if (!c) sbuf_add(&b, "N");
            else if (c == 1) sbuf_printf(&b, "T:%s", v[0]);
            else {
                sbuf_add(&b, "B:[");
                for (int k = 0; k < c && k < 100; k++) sbuf_printf(&b, "%s\"%s\"", k ? "," : "", v[k]);
                sbuf_add(&b, "]");
            }
            out = sbuf_detach(&b);
        } else if (!strcmp(fn, "min") || !strcmp(fn, "max")) {
            int mx = !strcmp(fn, "max");
            if (!c) out = xstrdup("N");
            else if (allnum) out = xasprintf("R:%.17g", mx ? hi : lo);
            else {
                qsort(v, (size_t)c, sizeof *v, cmp_s);
                out = xasprintf("T:%s", mx ? v[c - 1] : v[0]);
            }
        } else {
            qsort(v, (size_t)c, sizeof *v, cmp_s);
            int d = 0;
            for (int k = 0; k < c; k++)
                if (!d || strcmp(v[k], v[d - 1])) v[d++] = v[k];
                else free(v[k]);
            c = d;
            if (!strcmp(fn, "dc")) out = xasprintf("I:%d", c);
            else {
                sbuf b = {0};
                if (!c) sbuf_add(&b, "N");
                else if (c == 1) sbuf_printf(&b, "T:%s", v[0]);
                else {
                    sbuf_add(&b, "B:[");
                    for (int k = 0; k < c; k++) sbuf_printf(&b, "%s\"%s\"", k ? "," : "", v[k]);
                    sbuf_add(&b, "]");
                }
                out = sbuf_detach(&b);
            }
        }
        for (int k = 0; k < c; k++) free(v[k]);
        free(v);
    } else { /* first, last, earliest, latest: the whole value */
        int pick = -1;
        for (int k = 0; k < n; k++) {
            const row *o = &rows[m[k]];
            if (!o->vt) continue;
            if (!strcmp(fn, "first")) { if (pick < 0) pick = m[k]; }
            else if (!strcmp(fn, "last")) pick = m[k];
            else if (!strcmp(fn, "earliest")) { if (pick < 0 || o->t < rows[pick].t) pick = m[k]; }
            else if (pick < 0 || o->t > rows[pick].t) pick = m[k];
        }
        if (pick < 0) out = xstrdup("N");
        else if (rows[pick].vt == 1) out = xasprintf("I:%d", rows[pick].iv);
        else out = xasprintf("T:%s", rows[pick].sv);
    }
    free(m);
    return out;
}

static char *got(sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER: return xasprintf("I:%lld", (long long)sqlite3_column_int64(st, col));
    case SQLITE_FLOAT: return xasprintf("R:%.17g", sqlite3_column_double(st, col));
    case SQLITE_TEXT: return xasprintf("T:%s", (const char *)sqlite3_column_text(st, col));
    case SQLITE_BLOB: return xasprintf("B:%.*s", sqlite3_column_bytes(st, col), (const char *)sqlite3_column_blob(st, col));
    default: return xstrdup("N");
    }
}

static const char *fns[] = {"count", "sum", "dc", "values", "list", "min", "max", "first", "last", "earliest", "latest"};
#define NFNS (sizeof fns / sizeof fns[0])

static void check_shape(const shape *sh)
{
    sbuf w = {0}, q = {0};
    sbuf_printf(&w, "OVER (PARTITION BY grp ORDER BY seq%s ROWS BETWEEN ", sh->desc ? " DESC" : "");
    if (sh->rows_n) sbuf_printf(&w, "%d PRECEDING AND CURRENT ROW)", sh->rows_n - sh->cur);
    else sbuf_add(&w, "UNBOUNDED PRECEDING AND CURRENT ROW)");
    sbuf_add(&q, "SELECT seq");
    for (size_t f = 0; f < NFNS; f++)
        sbuf_printf(&q, ", splwin_%s(v, t, %g, seq, %d, %d) %s", fns[f], sh->tw, sh->pw, sh->cur, w.s);
    sbuf_add(&q, " FROM r ORDER BY seq");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, q.s, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", q.s, sqlite3_errmsg(db));
    int nrow = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = sqlite3_column_int(st, 0);
        for (size_t f = 0; f < NFNS; f++) {
            char *g = got(st, (int)f + 1), *e = expect(fns[f], sh, i);
            if (strcmp(g, e))
                fail_msg("rows_n=%d tw=%g pw=%d cur=%d desc=%d row %d %s:\n  got  %s\n  want %s", sh->rows_n, sh->tw,
                         sh->pw, sh->cur, sh->desc, i, fns[f], g, e);
            free(g);
            free(e);
        }
        nrow++;
    }
    if (rc != SQLITE_DONE) fail_msg("%s", sqlite3_errmsg(db));
    assert_int_equal(nrow, NROWS);
    sqlite3_finalize(st);
    sbuf_free(&w);
    sbuf_free(&q);
}

static void test_rows_frame(void **state)
{
    (void)state;
    for (int cur = 0; cur <= 1; cur++) {
        shape a = {1, 0, 0, cur, 0}, b = {7, 0, 0, cur, 0}, c = {40, 0, 0, cur, 1};
        check_shape(&a);
        check_shape(&b);
        check_shape(&c);
    }
}

static void test_time_window(void **state)
{
    (void)state;
    for (int cur = 0; cur <= 1; cur++)
        for (int desc = 0; desc <= 1; desc++) {
            shape a = {0, 1, 0, cur, desc}, b = {0, 20, 0, cur, desc}, c = {0, 300, 0, cur, desc},
                  d = {5, 30, 0, cur, desc};
            check_shape(&a);
            check_shape(&b);
            check_shape(&c);
            check_shape(&d);
        }
}

static void test_pos_window(void **state)
{
    (void)state;
    for (int cur = 0; cur <= 1; cur++) {
        /* pw counts the current row: window=N current=false is N+1 */
        shape a = {0, 0, 9 + !cur, cur, 0}, b = {0, 25, 30 + !cur, cur, 1};
        check_shape(&a);
        check_shape(&b);
    }
}

static void test_unbounded(void **state)
{
    (void)state;
    /* pw = -1: no row ever leaves, the functions keep only what they need */
    for (int pw = -1; pw <= 0; pw++)
        for (int cur = 0; cur <= 1; cur++)
            for (int desc = 0; desc <= 1; desc++) {
                shape a = {0, 0, pw, cur, desc};
                check_shape(&a);
            }
}

static void test_time_order_error(void **state)
{
    (void)state;
    sqlite3_stmt *st;
    const char *sql = "SELECT splwin_count(1, t, 60, NULL, 0, 1) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
                      "FROM (SELECT 1 AS x, 10 AS t UNION ALL SELECT 2, 20 UNION ALL SELECT 3, 15)";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    assert_int_equal(rc, SQLITE_ERROR);
    assert_non_null(strstr(sqlite3_errmsg(db), "not in time order"));
    sqlite3_finalize(st);
    /* equal times in between do not set a direction */
    sql = "SELECT max(c) FROM (SELECT splwin_count(1, t, 60, NULL, 0, 1) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c "
          "FROM (SELECT 1 AS x, 20 AS t UNION ALL SELECT 2, 20 UNION ALL SELECT 3, 15 UNION ALL SELECT 4, 15))";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 4);
    sqlite3_finalize(st);
    /* a row without a time in a time window */
    sql = "SELECT splwin_count(1, t, 60, NULL, 0, 1) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
          "FROM (SELECT 1 AS x, 10 AS t UNION ALL SELECT 2, NULL)";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    assert_int_equal(rc, SQLITE_ERROR);
    assert_non_null(strstr(sqlite3_errmsg(db), "no _time"));
    sqlite3_finalize(st);
}

static void test_sums(void **state)
{
    (void)state;
    sqlite3_stmt *st;
    /* fractions leave the window: the sum is exact again; big integers
     * are summed as doubles; text is no number */
    const char *sql = "SELECT group_concat(CASE WHEN s IS NULL THEN 'NULL' ELSE typeof(s) || ':' || printf('%.17g', s) END, ' ') FROM (SELECT splwin_sum(v, NULL, 0, NULL, 0, 1) OVER "
                      "(ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM (SELECT 1 AS x, 0.1 AS v "
                      "UNION ALL SELECT 2, 0.2 UNION ALL SELECT 3, 3 UNION ALL SELECT 4, 4 UNION ALL SELECT 5, 'x' "
                      "UNION ALL SELECT 6, 'y' UNION ALL SELECT 7, 1e15 UNION ALL SELECT 8, '5') ORDER BY x)";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0),
                        "real:0.1 real:0.3 real:3.2 integer:7 integer:4 NULL real:1000000000000000 real:1000000000000005");
    sqlite3_finalize(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_frame),  cmocka_unit_test(test_time_window),
        cmocka_unit_test(test_pos_window),  cmocka_unit_test(test_unbounded),
        cmocka_unit_test(test_time_order_error), cmocka_unit_test(test_sums),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
