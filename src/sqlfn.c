/* sqlfn.c: registration of every spl_* SQL function family on a connection,
 * and the argument conversions the families share. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn.h"
#include "sqlfn_internal.h"
#include "util.h"

int sqlfn_register_table(sqlite3 *db, const sqlfn_def *defs)
{
    for (const sqlfn_def *d = defs; d->name; d++) {
        int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | (d->deterministic ? SQLITE_DETERMINISTIC : 0);
        void *app = d->regex_cache ? xcalloc(1, sizeof(sqlfn_recache)) : NULL;
        int rc = sqlite3_create_function_v2(db, d->name, d->nargs, flags, app, d->fn, NULL, NULL,
                                            app ? sqlfn_recache_destroy : NULL);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

int sqlfn_register(sqlite3 *db)
{
    int (*families[])(sqlite3 *) = {sqlfn_register_regex, sqlfn_register_mv,   sqlfn_register_time,
                                     sqlfn_register_string, sqlfn_register_math, sqlfn_register_net,
                                     sqlfn_register_hash,  sqlfn_register_geoip, sqlfn_register_window};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        int rc = families[i](db);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

int sqlfn_arg_number(sqlite3_value *v, double *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        *out = (double)sqlite3_value_int64(v);
        return 1;
    case SQLITE_FLOAT:
        *out = sqlite3_value_double(v);
        return 1;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v);
        return s && util_is_number(s, (size_t)sqlite3_value_bytes(v), out);
    }
    case SQLITE_BLOB: {
        size_t n;
        char *s = mv_first(v, &n);
        int ok = s && util_is_number(s, n, out);
        free(s);
        return ok;
    }
    default:
        return 0;
    }
}

int sqlfn_arg_int(sqlite3_value *v, long long *out)
{
    if (sqlite3_value_type(v) == SQLITE_INTEGER) {
        *out = sqlite3_value_int64(v);
        return 1;
    }
    double d;
    if (!sqlfn_arg_number(v, &d) || isnan(d) || fabs(d) > 9.2e18) return 0;
    *out = (long long)trunc(d);
    return 1;
}
