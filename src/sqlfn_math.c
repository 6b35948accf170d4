/* sqlfn_math.c: numeric SQL functions with Splunk semantics: spl_round
 * (half away from zero), spl_floor, spl_ceiling, spl_abs, spl_exp, spl_ln,
 * spl_log (base 10 by default), spl_pow, spl_sqrt, spl_pi, spl_random,
 * spl_min and spl_max (numbers below strings). Numeric text is read as a
 * number; NULL or non-numbers give NULL. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

static void math_result(sqlite3_context *ctx, double d, int want_int)
{
    if (isnan(d) || isinf(d))
        sqlite3_result_null(ctx);
    else if (want_int && d == floor(d) && fabs(d) < 9.007199254740992e15)
        sqlite3_result_int64(ctx, (sqlite3_int64)d);
    else
        sqlite3_result_double(ctx, d);
}

/* Round half away from zero to n decimals, tolerating the binary error of
 * decimal input (round(2.675, 2) = 2.68 as written). */
static double math_round(double x, long long n)
{
    if (n > 15) return x;
    double p = pow(10, (double)(n < -15 ? -15 : n));
    double v = x * p;
    double r = round(v + copysign(fabs(v) * 4 * DBL_EPSILON, v));
    return r / p;
}

/* spl_round(x[, n]): x rounded to n decimals (default 0 -> integer). */
static void fn_round(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double x;
    long long n = 0;
    if (!sqlfn_arg_number(argv[0], &x) || (argc > 1 && !sqlfn_arg_int(argv[1], &n))) {
        sqlite3_result_null(ctx);
        return;
    }
    math_result(ctx, math_round(x, n), n <= 0);
}

#define MATH_UNARY(NAME, EXPR, INT)                                                                                    \
    static void NAME(sqlite3_context *ctx, int argc, sqlite3_value **argv)                                             \
    {                                                                                                                  \
        (void)argc;                                                                                                    \
        double x;                                                                                                      \
        if (!sqlfn_arg_number(argv[0], &x)) {                                                                          \
            sqlite3_result_null(ctx);                                                                                  \
            return;                                                                                                    \
        }                                                                                                              \
        math_result(ctx, (EXPR), (INT));                                                                               \
    }

MATH_UNARY(fn_floor, floor(x), 1)
MATH_UNARY(fn_ceiling, ceil(x), 1)
MATH_UNARY(fn_abs, fabs(x), sqlite3_value_type(argv[0]) != SQLITE_FLOAT && x == floor(x))
MATH_UNARY(fn_exp, exp(x), 0)
MATH_UNARY(fn_ln, x > 0 ? log(x) : NAN, 0)
MATH_UNARY(fn_sqrt, x >= 0 ? sqrt(x) : NAN, 0)

/* spl_log(x[, base]): logarithm, base 10 by default. */
static void fn_log(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double x, b = 10;
    if (!sqlfn_arg_number(argv[0], &x) || (argc > 1 && !sqlfn_arg_number(argv[1], &b)) || x <= 0 || b <= 0 ||
        b == 1) {
        sqlite3_result_null(ctx);
        return;
    }
    math_result(ctx, log(x) / log(b), 0);
}

/* spl_pow(x, y): x to the power y. */
static void fn_pow(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double x, y;
    if (!sqlfn_arg_number(argv[0], &x) || !sqlfn_arg_number(argv[1], &y)) {
        sqlite3_result_null(ctx);
        return;
    }
    int ints = sqlite3_value_type(argv[0]) != SQLITE_FLOAT && sqlite3_value_type(argv[1]) != SQLITE_FLOAT && y >= 0 &&
               x == floor(x) && y == floor(y);
    math_result(ctx, pow(x, y), ints);
}

static void fn_pi(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_double(ctx, M_PI);
}

/* spl_random(): a pseudo-random integer from 0 to 2^31-1. */
static void fn_random(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    unsigned int r;
    sqlite3_randomness(sizeof r, &r);
    sqlite3_result_int64(ctx, r & 0x7fffffff);
}

/* Compare two values as Splunk's min/max do: numbers numerically, numbers
 * before strings, strings byte-wise. */
static int math_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    double x, y;
    int na = util_is_number(a, an, &x), nb = util_is_number(b, bn, &y);
    if (na && nb) return (x > y) - (x < y);
    if (na != nb) return na ? -1 : 1;
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static void math_minmax(sqlite3_context *ctx, int argc, sqlite3_value **argv, int sign)
{
    mv_list l = {0};
    for (int i = 0; i < argc; i++) mv_list_add_value(&l, argv[i]);
    if (!l.n) {
        sqlite3_result_null(ctx);
        mv_list_free(&l);
        return;
    }
    size_t best = 0;
    for (size_t i = 1; i < l.n; i++)
        if (sign * math_cmp(l.v[i], l.len[i], l.v[best], l.len[best]) > 0) best = i;
    double d;
    if (util_is_number(l.v[best], l.len[best], &d))
        math_result(ctx, d, 1);
    else
        sqlite3_result_text64(ctx, l.v[best], l.len[best], SQLITE_TRANSIENT, SQLITE_UTF8);
    mv_list_free(&l);
}

/* spl_min(x, ...) / spl_max(x, ...): over all values of all arguments;
 * NULLs ignored. */
static void fn_min(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    math_minmax(ctx, argc, argv, -1);
}

static void fn_max(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    math_minmax(ctx, argc, argv, 1);
}

static const sqlfn_def sqlfn_math_defs[] = {
    {"spl_round", 1, fn_round, 1, 0},
    {"spl_round", 2, fn_round, 1, 0},
    {"spl_floor", 1, fn_floor, 1, 0},
    {"spl_ceiling", 1, fn_ceiling, 1, 0},
    {"spl_ceil", 1, fn_ceiling, 1, 0},
    {"spl_abs", 1, fn_abs, 1, 0},
    {"spl_exp", 1, fn_exp, 1, 0},
    {"spl_ln", 1, fn_ln, 1, 0},
    {"spl_log", 1, fn_log, 1, 0},
    {"spl_log", 2, fn_log, 1, 0},
    {"spl_sqrt", 1, fn_sqrt, 1, 0},
    {"spl_pow", 2, fn_pow, 1, 0},
    {"spl_pi", 0, fn_pi, 1, 0},
    {"spl_random", 0, fn_random, 0, 0},
    {"spl_min", -1, fn_min, 1, 0},
    {"spl_max", -1, fn_max, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_math(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_math_defs);
}
