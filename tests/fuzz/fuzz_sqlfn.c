/* fuzz_sqlfn.c: libFuzzer harness for the spl_* SQL functions: the input
 * picks a function and is cut at NUL bytes into its arguments (text or,
 * with a leading 0x01, a BLOB). Errors are fine; crashes and leaks are
 * not. */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sqlfn.h"

static const char *calls[] = {
    "spl_match(?1, ?2)",      "spl_replace(?1, ?2, ?3)", "spl_rex(?1, ?2, ?3, 0)", "spl_sed(?1, ?2)",
    "spl_split(?1, ?2)",      "spl_mvindex(?1, ?2, ?3)", "spl_mvzip(?1, ?2, ?3)",  "spl_mv_json(?1)",
    "spl_printf(?1, ?2, ?3)", "spl_tostring(?1, ?2)",    "spl_tonumber(?1, ?2)",   "spl_like(?1, ?2)",
    "spl_wildmatch(?1, ?2)",  "spl_json_extract(?1, ?2)", "spl_spath(?1, ?2)",     "spl_cidrmatch(?1, ?2)",
    "spl_strftime(?1, ?2)",   "spl_strptime(?1, ?2)",    "spl_relative_time(?1, ?2)", "spl_urldecode(?1)",
    "spl_substr(?1, ?2, ?3)", "spl_trim(?1, ?2)",        "spl_mvfind(?1, ?2)",     "spl_md5(?1)",
    /* non-constant patterns: the per-function pattern cache */
    "spl_match(?1, ?2 || substr(?3, 1, 1))", "spl_sed(?1, ?2 || substr(?3, 1, 1))",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sqlite3 *db;
    if (!db) {
        sqlite3_open(":memory:", &db);
        sqlfn_register(db);
    }
    if (size < 1) return 0;
    const char *sql = calls[data[0] % (sizeof calls / sizeof calls[0])];
    char full[128];
    strcpy(full, "select ");
    strcat(full, sql);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, full, -1, &st, NULL) != SQLITE_OK) return 0;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    for (int i = 1; i <= sqlite3_bind_parameter_count(st) && p <= end; i++) {
        const char *q = memchr(p, 0, (size_t)(end - p));
        size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
        if (n && p[0] == 1)
            sqlite3_bind_blob(st, i, p + 1, (int)n - 1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_text(st, i, p, (int)n, SQLITE_TRANSIENT);
        p += n + 1;
    }
    sqlite3_step(st);
    sqlite3_finalize(st);
    return 0;
}
