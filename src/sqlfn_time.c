/* sqlfn_time.c: time SQL functions: spl_strftime(t, fmt) (Splunk
 * conversions, see timefmt.h), spl_strptime(str, fmt) (timeparse.h) and
 * spl_relative_time(t, spec) (timemod.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "timefmt.h"
#include "timemod.h"
#include "timeparse.h"
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

static const sqlfn_def sqlfn_time_defs[] = {
    {"spl_strftime", 2, fn_strftime, 1, 0},
    {"spl_strptime", 2, fn_strptime, 1, 0},
    {"spl_relative_time", 2, fn_relative_time, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_time(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_time_defs);
}
