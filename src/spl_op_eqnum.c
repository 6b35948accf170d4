/* spl_op_eqnum.c: splop_eqnum(x, text, num), a computed field compared with
 * a value that reads as a number (`search f=1` after `eval f=...`): exactly
 *   (x = text COLLATE NOCASE OR (typeof(x) IN ('integer','real') AND x = num))
 * (spl_search.c wrote that before) but with x evaluated once instead of
 * three times: an eval'd match() over _raw then runs once per row. NULL x
 * gives NULL, a number compares as SQLite compares a number with a REAL, a
 * text as NOCASE does (sqlite3_strnicmp, then the lengths), a BLOB never
 * equals. */
#include <math.h>
#include <sqlite3.h>
#include <string.h>

static void fn_eqnum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    double num = sqlite3_value_double(argv[2]);
    int eq = 0;
    if (t == SQLITE_INTEGER) {
        /* as sqlite3IntFloatCompare: equal only when num is that integer */
        sqlite3_int64 i = sqlite3_value_int64(argv[0]);
        eq = num >= -9223372036854775808.0 && num < 9223372036854775808.0 && num == floor(num) &&
             (sqlite3_int64)num == i;
    } else if (t == SQLITE_FLOAT) {
        eq = sqlite3_value_double(argv[0]) == num;
    } else if (t == SQLITE_TEXT && sqlite3_value_type(argv[1]) == SQLITE_TEXT) {
        const char *a = (const char *)sqlite3_value_text(argv[0]);
        int na = sqlite3_value_bytes(argv[0]);
        const char *b = (const char *)sqlite3_value_text(argv[1]);
        int nb = sqlite3_value_bytes(argv[1]);
        int r = sqlite3_strnicmp(a, b, na < nb ? na : nb);
        eq = r == 0 && na == nb;
    }
    sqlite3_result_int(ctx, eq);
}

void spl_op_eqnum_register(sqlite3 *db)
{
    sqlite3_create_function(db, "splop_eqnum", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                            fn_eqnum, NULL, NULL);
}
