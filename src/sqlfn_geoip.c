/* sqlfn_geoip.c: spl_iplocation(ip, what): what = 'Country' or 'Continent'
 * of the address ip (first value of a multivalue) in the GeoIP country
 * database (geoip.h); NULL when unknown. The database is opened on first
 * use per connection and closed with it; if it cannot be opened the call
 * fails with the reason (iplocation checks it beforehand). */
#include <stdlib.h>
#include <string.h>

#include "geoip.h"
#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

typedef struct geoip_fn {
    geoip_db *db;
    int tried;
    char *err;
} geoip_fn;

static void geoip_fn_destroy(void *p)
{
    geoip_fn *g = p;
    geoip_close(g->db);
    free(g->err);
    free(g);
}

static void fn_iplocation(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    geoip_fn *g = sqlite3_user_data(ctx);
    if (!g->tried) {
        g->tried = 1;
        g->db = geoip_open(&g->err);
    }
    if (!g->db) {
        sqlite3_result_error(ctx, g->err ? g->err : "iplocation: no GeoIP database", -1);
        return;
    }
    const char *what = (const char *)sqlite3_value_text(argv[1]);
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !what) {
        sqlite3_result_null(ctx);
        return;
    }
    char *ip = mv_first(argv[0], NULL);
    geoip_loc loc;
    const char *v = NULL;
    if (ip && geoip_lookup(g->db, ip, &loc)) {
        if (!strcmp(what, "Country")) v = loc.country;
        else if (!strcmp(what, "Continent")) v = loc.continent;
    }
    free(ip);
    if (v) sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
    else sqlite3_result_null(ctx);
}

int sqlfn_register_geoip(sqlite3 *db)
{
    geoip_fn *g = xcalloc(1, sizeof *g);
    return sqlite3_create_function_v2(db, "spl_iplocation", 2, SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC, g,
                                      fn_iplocation, NULL, NULL, geoip_fn_destroy);
}
