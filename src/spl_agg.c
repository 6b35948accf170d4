/* spl_agg.c: the stats aggregate functions as SQLite aggregates, with
 * Splunk's semantics: multivalue inputs contribute each value; min/max are
 * numeric when every value is a number, else lexicographic; values() is
 * distinct and sorted, list() keeps event order (up to 100 values);
 * first/last/earliest/latest pick by an order key passed as 2nd argument. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "spl_values.h"
#include "util.h"

enum agg_kind {
    AG_COUNT, AG_DC, AG_SUM, AG_AVG, AG_MIN, AG_MAX, AG_RANGE, AG_VALUES, AG_LIST,
    AG_FIRST, AG_LAST, AG_EARLIEST, AG_LATEST, AG_MEDIAN, AG_PERC, AG_STDEV,
    AG_STDEVP, AG_VAR, AG_VARP, AG_MODE, AG_SUMSQ
};

typedef struct agg_val {
    char *s;
    double key;
} agg_val;

typedef struct agg_state {
    int init;
    long count;
    double sum, sumsq;
    long nnum, nstr;
    agg_val *v;
    int n, cap;
    sqlite3_value *pick;   /* first/last/earliest/latest */
    /* min/max/range: running extremes, numeric and as text */
    double nlo, nhi;
    char *slo, *shi;
    /* min/max over numbers given as numbers: their text (for slo/shi) is
     * written only once a text value shows up, which makes it matter */
    struct agg_num { double d; long long i; int isint; } *dn;
    size_t ndn, capdn;
    int texts;             /* a text value came: slo/shi kept up to date */
    double pick_key;
    double perc;
} agg_state;

static void add_val(agg_state *a, const char *s, int n, double key)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, sizeof *a->v * (size_t)a->cap);
    }
    a->v[a->n].s = xstrndup(s, (size_t)n);
    a->v[a->n].key = key;
    a->n++;
}

/* strcmp of s[0..n) against the string t */
static int cmp_n(const char *s, int n, const char *t)
{
    size_t tn = strlen(t), m = (size_t)n < tn ? (size_t)n : tn;
    int r = memcmp(s, t, m);
    if (r) return r;
    return (size_t)n < tn ? -1 : (size_t)n > tn;
}

typedef struct step_ctx {
    agg_state *a;
    int kind;
    double key;
} step_ctx;

static int step_one(void *vctx, const char *s, int n)
{
    step_ctx *c = vctx;
    agg_state *a = c->a;
    double d;
    int isnum = util_is_number(s, (size_t)n, &d);
    a->count++;
    switch (c->kind) {
    case AG_COUNT:
        break;
    case AG_SUM: case AG_AVG: case AG_STDEV: case AG_STDEVP: case AG_VAR: case AG_VARP: case AG_SUMSQ:
        if (isnum) { a->sum += d; a->sumsq += d * d; a->nnum++; }
        break;
    case AG_MEDIAN: case AG_PERC:
        if (isnum) add_val(a, s, n, d), a->nnum++;
        break;
    case AG_LIST:
        add_val(a, s, n, c->key);
        break;
    case AG_MIN: case AG_MAX: case AG_RANGE:
        if (isnum) {
            if (!a->nnum || d < a->nlo) a->nlo = d;
            if (!a->nnum || d > a->nhi) a->nhi = d;
            a->nnum++;
        } else {
            a->nstr++;
        }
        if (!a->slo || cmp_n(s, n, a->slo) < 0) { free(a->slo); a->slo = xstrndup(s, (size_t)n); }
        if (!a->shi || cmp_n(s, n, a->shi) > 0) { free(a->shi); a->shi = xstrndup(s, (size_t)n); }
        break;
    default: /* dc, values, mode */
        if (isnum) a->nnum++;
        else a->nstr++;
        add_val(a, s, n, isnum ? d : 0);
        break;
    }
    return 0;
}

/* the text of a deferred number, as spl_values_each gives it */
static const char *num_text(const struct agg_num *x, char *buf)
{
    if (x->isint) {
        snprintf(buf, 32, "%lld", x->i);
        return buf;
    }
    return spl_num_format(x->d, buf);
}

/* a text value comes to min/max: bring slo/shi up to date with the numbers
 * deferred so far, and keep them so from now on */
static void min_max_texts(agg_state *a)
{
    if (a->texts) return;
    a->texts = 1;
    for (size_t k = 0; k < a->ndn; k++) {
        char nb[32];
        const char *s = num_text(&a->dn[k], nb);
        int n = (int)strlen(s);
        if (!a->slo || cmp_n(s, n, a->slo) < 0) { free(a->slo); a->slo = xstrndup(s, (size_t)n); }
        if (!a->shi || cmp_n(s, n, a->shi) > 0) { free(a->shi); a->shi = xstrndup(s, (size_t)n); }
    }
    free(a->dn);
    a->dn = NULL;
    a->ndn = a->capdn = 0;
}

/* A number given as a number (SQLite INTEGER or FLOAT): what step_one does
 * with its text, without writing the text and reading it back. 1 when done,
 * 0 to take the general path. */
static int step_number(agg_state *a, int kind, sqlite3_value *v)
{
    int isint = sqlite3_value_type(v) == SQLITE_INTEGER;
    double d = sqlite3_value_double(v);
    if (!isfinite(d)) return 0; /* "inf" does not read as a number */
    if (d == 0) d = 0; /* its text is "0" */
    switch (kind) {
    case AG_COUNT:
        a->count++;
        return 1;
    case AG_SUM: case AG_AVG: case AG_STDEV: case AG_STDEVP: case AG_VAR: case AG_VARP: case AG_SUMSQ:
        a->count++;
        a->sum += d;
        a->sumsq += d * d;
        a->nnum++;
        return 1;
    case AG_MIN: case AG_MAX: case AG_RANGE:
        if (kind != AG_RANGE && a->texts) return 0;
        a->count++;
        if (!a->nnum || d < a->nlo) a->nlo = d;
        if (!a->nnum || d > a->nhi) a->nhi = d;
        a->nnum++;
        if (kind != AG_RANGE) { /* range needs no text: a text value makes it null */
            if (a->ndn == a->capdn) {
                a->capdn = a->capdn ? a->capdn * 2 : 16;
                a->dn = xrealloc(a->dn, sizeof *a->dn * a->capdn);
            }
            a->dn[a->ndn].d = d;
            a->dn[a->ndn].i = isint ? sqlite3_value_int64(v) : 0;
            a->dn[a->ndn].isint = isint;
            a->ndn++;
        }
        return 1;
    default:
        return 0;
    }
}

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int kind = (int)(intptr_t)sqlite3_user_data(ctx);
    agg_state *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) return;
    a->init = 1;
    if (argc == 0) { a->count++; return; }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (kind == AG_FIRST || kind == AG_LAST || kind == AG_EARLIEST || kind == AG_LATEST) {
        double key = argc > 1 ? sqlite3_value_double(argv[1]) : 0;
        int better = !a->pick || ((kind == AG_FIRST || kind == AG_EARLIEST) ? key < a->pick_key : key > a->pick_key);
        if (better) {
            sqlite3_value_free(a->pick);
            a->pick = sqlite3_value_dup(argv[0]);
            a->pick_key = key;
        }
        return;
    }
    int t = sqlite3_value_type(argv[0]);
    if ((t == SQLITE_INTEGER || t == SQLITE_FLOAT) && step_number(a, kind, argv[0])) return;
    if (kind == AG_MIN || kind == AG_MAX) min_max_texts(a);
    step_ctx c = {a, kind, argc > 1 ? sqlite3_value_double(argv[1]) : 0};
    if (kind == AG_PERC && argc > 1) { a->perc = c.key; c.key = 0; }
    spl_values_each(argv[0], step_one, &c);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(((const agg_val *)x)->s, ((const agg_val *)y)->s);
}

static int cmp_key(const void *x, const void *y)
{
    double a = ((const agg_val *)x)->key, b = ((const agg_val *)y)->key;
    return a < b ? -1 : a > b;
}

static void result_num(sqlite3_context *ctx, double d)
{
    if (isnan(d) || isinf(d)) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, d);
}

/* the result from the state, leaving the state usable (window xValue) */
static void agg_value(sqlite3_context *ctx)
{
    int kind = (int)(intptr_t)sqlite3_user_data(ctx);
    agg_state *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || !a->init) {
        if (kind == AG_COUNT || kind == AG_DC) sqlite3_result_int(ctx, 0);
        else sqlite3_result_null(ctx);
        return;
    }
    switch (kind) {
    case AG_COUNT: sqlite3_result_int64(ctx, a->count); break;
    case AG_SUM: if (a->nnum) result_num(ctx, a->sum); else sqlite3_result_null(ctx); break;
    case AG_SUMSQ: if (a->nnum) result_num(ctx, a->sumsq); else sqlite3_result_null(ctx); break;
    case AG_AVG: if (a->nnum) result_num(ctx, a->sum / (double)a->nnum); else sqlite3_result_null(ctx); break;
    case AG_STDEV: case AG_VAR: case AG_STDEVP: case AG_VARP: {
        int pop = kind == AG_STDEVP || kind == AG_VARP;
        long n = a->nnum;
        if (n < (pop ? 1 : 2)) { sqlite3_result_null(ctx); break; }
        double mean = a->sum / (double)n;
        double var = (a->sumsq - (double)n * mean * mean) / (double)(pop ? n : n - 1);
        if (var < 0) var = 0;
        result_num(ctx, (kind == AG_STDEV || kind == AG_STDEVP) ? sqrt(var) : var);
        break;
    }
    case AG_DC: {
        if (a->n) qsort(a->v, (size_t)a->n, sizeof *a->v, cmp_str);
        long d = 0;
        for (int i = 0; i < a->n; i++)
            if (!i || strcmp(a->v[i].s, a->v[i - 1].s)) d++;
        sqlite3_result_int64(ctx, d);
        break;
    }
    case AG_MIN: case AG_MAX: case AG_RANGE: {
        if (!a->nnum && !a->nstr) { sqlite3_result_null(ctx); break; }
        int numeric = a->nstr == 0;
        if (kind == AG_RANGE) {
            if (numeric) result_num(ctx, a->nhi - a->nlo);
            else sqlite3_result_null(ctx);
        } else if (numeric) {
            result_num(ctx, kind == AG_MIN ? a->nlo : a->nhi);
        } else {
            sqlite3_result_text(ctx, kind == AG_MIN ? a->slo : a->shi, -1, SQLITE_TRANSIENT);
        }
        break;
    }
    case AG_VALUES: case AG_LIST: case AG_MODE: {
        if (kind == AG_LIST && a->n) qsort(a->v, (size_t)a->n, sizeof *a->v, cmp_key);
        else if (a->n) qsort(a->v, (size_t)a->n, sizeof *a->v, cmp_str);
        char **out = xcalloc((size_t)a->n + 1, sizeof *out);
        int n = 0;
        if (kind == AG_MODE) {
            int best = -1, bestc = 0;
            for (int i = 0; i < a->n;) {
                int j = i;
                while (j < a->n && !strcmp(a->v[j].s, a->v[i].s)) j++;
                if (j - i > bestc) { bestc = j - i; best = i; }
                i = j;
            }
            if (best >= 0) out[n++] = a->v[best].s;
        } else {
            for (int i = 0; i < a->n && n < (kind == AG_LIST ? 100 : a->n); i++)
                if (kind == AG_LIST || !n || strcmp(a->v[i].s, out[n - 1])) out[n++] = a->v[i].s;
        }
        spl_result_mv(ctx, out, n);
        free(out);
        break;
    }
    case AG_FIRST: case AG_LAST: case AG_EARLIEST: case AG_LATEST:
        if (a->pick) sqlite3_result_value(ctx, a->pick);
        else sqlite3_result_null(ctx);
        break;
    case AG_MEDIAN: case AG_PERC: {
        if (!a->n) { sqlite3_result_null(ctx); break; }
        if (a->n) qsort(a->v, (size_t)a->n, sizeof *a->v, cmp_key);
        double p = kind == AG_MEDIAN ? 50 : a->perc;
        if (p < 0) p = 0;
        if (p > 100) p = 100;
        /* nearest rank, as Splunk's perc/median on small sets */
        int idx = kind == AG_MEDIAN ? (a->n - 1) / 2 : (int)floor(p / 100.0 * (double)(a->n - 1) + 0.5);
        if (idx >= a->n) idx = a->n - 1;
        result_num(ctx, a->v[idx].key);
        break;
    }
    default:
        sqlite3_result_null(ctx);
    }
}

static void agg_final(sqlite3_context *ctx)
{
    agg_value(ctx);
    agg_state *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) return;
    for (int i = 0; i < a->n; i++) free(a->v[i].s);
    free(a->v);
    a->v = NULL;
    a->n = 0;
    sqlite3_value_free(a->pick);
    a->pick = NULL;
    free(a->slo);
    free(a->shi);
    a->slo = a->shi = NULL;
    free(a->dn);
    a->dn = NULL;
    a->ndn = a->capdn = 0;
}

static void agg_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_error(ctx, "stats aggregates support only whole-partition windows", -1);
}

void spl_agg_register(sqlite3 *db)
{
    static const struct { const char *name; int kind, nargs; } fns[] = {
        {"splagg_count", AG_COUNT, 1}, {"splagg_count", AG_COUNT, 0},
        {"splagg_dc", AG_DC, 1}, {"splagg_sum", AG_SUM, 1}, {"splagg_sumsq", AG_SUMSQ, 1},
        {"splagg_avg", AG_AVG, 1}, {"splagg_min", AG_MIN, 1}, {"splagg_max", AG_MAX, 1},
        {"splagg_range", AG_RANGE, 1}, {"splagg_values", AG_VALUES, 1},
        {"splagg_list", AG_LIST, 2}, {"splagg_first", AG_FIRST, 2}, {"splagg_last", AG_LAST, 2},
        {"splagg_earliest", AG_EARLIEST, 2}, {"splagg_latest", AG_LATEST, 2},
        {"splagg_median", AG_MEDIAN, 1}, {"splagg_perc", AG_PERC, 2},
        {"splagg_stdev", AG_STDEV, 1}, {"splagg_stdevp", AG_STDEVP, 1},
        {"splagg_var", AG_VAR, 1}, {"splagg_varp", AG_VARP, 1}, {"splagg_mode", AG_MODE, 1},
    };
    /* also window functions, for eventstats: OVER (PARTITION BY ...) over
     * the whole partition (rows are never removed from a frame) */
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        sqlite3_create_window_function(db, fns[i].name, fns[i].nargs, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                       (void *)(intptr_t)fns[i].kind, agg_step, agg_final, agg_value,
                                       agg_inverse, NULL);
}
