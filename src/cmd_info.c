/* cmd_info.c: `splite info`: what the database holds: events per index,
 * sourcetype, source and host, the time range and the number of fields. */
#include "cli.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void info_group(sqlite3 *db, const char *col, const char *title)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1", col);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return;
    printf("\n%s:\n", title);
    while (sqlite3_step(q) == SQLITE_ROW)
        printf("  %10lld  %s\n", (long long)sqlite3_column_int64(q, 1),
               sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : "(none)");
    sqlite3_finalize(q);
}

static void info_time(const char *label, double t)
{
    char buf[64];
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%s %s (%.3f)\n", label, buf, t);
}

int cmd_info(cli_env *env, int argc, char **argv)
{
    for (int i = 1; i < argc;) {
        int r = cli_common_option(env, argc, argv, &i);
        if (r <= 0) return r == 0 ? cli_usage_error("info", "unexpected argument '%s'", argv[i]) : 2;
    }
    char *err = NULL;
    store *st = store_open_mode(env->db_path, STORE_READ, &err);
    if (!st) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        return 1;
    }
    sqlite3 *db = store_db(st);
    sqlite3_stmt *q;
    printf("database: %s\n", env->db_path);
    if (sqlite3_prepare_v2(db, "SELECT count(*), min(_time), max(_time) FROM events", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        printf("events: %lld\n", (long long)sqlite3_column_int64(q, 0));
        if (sqlite3_column_type(q, 1) != SQLITE_NULL) {
            info_time("earliest:", sqlite3_column_double(q, 1));
            info_time("latest:  ", sqlite3_column_double(q, 2));
        }
    }
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db, "SELECT count(*), sum(mv) FROM fields", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        printf("fields: %lld (%lld multivalue)\n", (long long)sqlite3_column_int64(q, 0),
               (long long)sqlite3_column_int64(q, 1));
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*), sum(status = 'done'), sum(rejected) FROM files", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        printf("files: %lld (%lld complete), %lld lines rejected\n", (long long)sqlite3_column_int64(q, 0),
               (long long)sqlite3_column_int64(q, 1), (long long)sqlite3_column_int64(q, 2));
    sqlite3_finalize(q);
    info_group(db, "\"index\"", "index");
    info_group(db, "sourcetype", "sourcetype");
    info_group(db, "source", "source");
    info_group(db, "host", "host");
    /* data model summaries (docs/DATAMODELS.md), when any were built */
    if (sqlite3_prepare_v2(db, "SELECT dataset, tbl, rowid_hi FROM dm_summaries ORDER BY dataset", -1, &q, NULL) ==
        SQLITE_OK) {
        int n = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (!n++) printf("\ndata model summaries (rows, up to event):\n");
            const char *tbl = (const char *)sqlite3_column_text(q, 1);
            sqlite3_int64 rows = -1;
            sbuf c = {0};
            sbuf_add(&c, "SELECT count(*) FROM ");
            sbuf_add_sql_ident(&c, tbl ? tbl : "");
            sqlite3_stmt *cq = NULL;
            if (sqlite3_prepare_v2(db, c.s, -1, &cq, NULL) == SQLITE_OK && sqlite3_step(cq) == SQLITE_ROW)
                rows = sqlite3_column_int64(cq, 0);
            sqlite3_finalize(cq);
            sbuf_free(&c);
            printf("  %10lld  %s (event %lld)\n", (long long)rows, (const char *)sqlite3_column_text(q, 0),
                   (long long)sqlite3_column_int64(q, 2));
        }
    }
    sqlite3_finalize(q);
    store_close(st);
    return 0;
}
