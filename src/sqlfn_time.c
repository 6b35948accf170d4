/* sqlfn_time.c: time SQL functions: spl_strftime(t, fmt) (Splunk
 * conversions, see timefmt.h), spl_strptime(str, fmt) (timeparse.h),
 * spl_relative_time(t, spec) (timemod.h) and spl_bin_time(t, span) (bin's
 * time buckets, on local time: tz.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "timefmt.h"
#include "timemod.h"
#include "timeparse.h"
#include "tz.h"
#include "util.h"

static void time_result(sqlite3_context *ctx, double t)
{
    if (fabs(t) < 9.007199254740992e15 && t == floor(t))
        sqlite3_result_int64(ctx, (sqlite3_int64)t);
    else
        sqlite3_result_double(ctx, t);
}

/* spl_strftime(t, fmt): t (epoch seconds) as text; NULL if t is not a
 * number or fmt is NULL. */
static void fn_strftime(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double t;
    char *fmt = mv_first(argv[1], NULL);
    if (!fmt || !sqlfn_arg_number(argv[0], &t) || !(fabs(t) < TIMEMOD_MAX)) {
        free(fmt);
        sqlite3_result_null(ctx);
        return;
    }
    sbuf b = {0};
    timefmt_strftime(&b, fmt, t);
    sqlite3_result_text64(ctx, b.s, b.len, free, SQLITE_UTF8);
    free(fmt);
}

/* spl_strptime(str, fmt): epoch seconds of str read with fmt (local time
 * unless fmt has %z/%Z); NULL if it does not fit. */
static void fn_strptime(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    size_t n;
    char *s = mv_first(argv[0], &n);
    char *fmt = mv_first(argv[1], NULL);
    double t;
    if (s && fmt && time_parse_format(s, n, fmt, &t) == 0)
        time_result(ctx, t);
    else
        sqlite3_result_null(ctx);
    free(s);
    free(fmt);
}

/* spl_relative_time(t, spec): t moved by a time modifier ("-1d@d"). A bad
 * spec is an SQL error naming the position. */
static void fn_relative_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double t, out;
    char *spec = mv_first(argv[1], NULL);
    if (!spec || !sqlfn_arg_number(argv[0], &t) || !(fabs(t) < TIMEMOD_MAX)) {
        free(spec);
        sqlite3_result_null(ctx);
        return;
    }
    char *err = NULL;
    if (timemod_parse(spec, t, &out, &err) == 0) {
        time_result(ctx, out);
    } else {
        sqlite3_result_error(ctx, err, -1);
        free(err);
    }
    free(spec);
}

/* spl_bin_time(t, span): the start of t's bucket of span seconds, the
 * buckets counted on local wall-clock time from the epoch, so that day spans
 * start at local midnight (Splunk: bins that cross days are aligned to the
 * local day boundary); in UTC that is floor(t / span) * span. Null for a
 * non-number or a span that is not positive. */
static void fn_bin_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double t, span;
    if (!sqlfn_arg_number(argv[0], &t) || !sqlfn_arg_number(argv[1], &span) || !(span > 0) ||
        !(fabs(t) < TIMEMOD_MAX)) {
        sqlite3_result_null(ctx);
        return;
    }
    time_t whole = (time_t)floor(t);
    struct tm tm;
    if (tz_local_tm(whole, &tm)) {
        time_result(ctx, floor(t / span) * span);
        return;
    }
    double local = (double)timegm(&tm) + (t - (double)whole);
    double b = floor(local / span) * span;
    time_t bw = (time_t)floor(b);
    struct tm bt;
    if (!gmtime_r(&bw, &bt)) {
        time_result(ctx, floor(t / span) * span);
        return;
    }
    bt.tm_isdst = -1;
    double r = tz_local_epoch(&bt) + (b - (double)bw);
    /* a bucket start in a DST gap resolves past t: step back one bucket */
    time_result(ctx, r > t ? r - span : r);
}

static const sqlfn_def sqlfn_time_defs[] = {
    {"spl_bin_time", 2, fn_bin_time, 1, 0},
    {"spl_strftime", 2, fn_strftime, 1, 0},
    {"spl_strptime", 2, fn_strptime, 1, 0},
    {"spl_relative_time", 2, fn_relative_time, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_time(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_time_defs);
}
