/* cmd_runs.c: `splite runs`: the most recent detection runs and their status
 * (from the runs table that run/schedule/test write). */
#include "cli.h"
#include "risk_store.h"
#include "store.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void runs_time(char *buf, size_t n, double t)
{
    time_t s = (time_t)t;
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_runs(cli_env *env, int argc, char **argv)
{
    int limit = 20;
    for (int i = 1; i < argc;) {
        int r = cli_common_option(env, argc, argv, &i);
        if (r < 0) return 2;
        if (r) continue;
        if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            limit = atoi(argv[i + 1]);
            i += 2;
        } else {
            return cli_usage_error("runs", "unexpected argument '%s'", argv[i]);
        }
    }
    char *err = NULL;
    store *st = store_open(env->db_path, &err);
    if (!st || risk_store_init(store_db(st), &err)) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        store_close(st);
        return 1;
    }
    sqlite3_stmt *q;
    const char *sql = "SELECT detection, scheduled_time, window_earliest, window_latest, rows, risk_events, notables, "
                      "duration, status, error FROM runs ORDER BY id DESC LIMIT ?1";
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "splite: %s\n", sqlite3_errmsg(store_db(st)));
        store_close(st);
        return 1;
    }
    sqlite3_bind_int(q, 1, limit);
    printf("%-20s %-20s %-20s %6s %5s %5s %8s  %-7s %s\n", "scheduled", "earliest", "latest", "rows", "risk",
           "notab", "seconds", "status", "detection");
    while (sqlite3_step(q) == SQLITE_ROW) {
        char s[32], e[32], l[32];
        runs_time(s, sizeof s, sqlite3_column_double(q, 1));
        runs_time(e, sizeof e, sqlite3_column_double(q, 2));
        runs_time(l, sizeof l, sqlite3_column_double(q, 3));
        const char *status = (const char *)sqlite3_column_text(q, 8);
        printf("%-20s %-20s %-20s %6lld %5lld %5lld %8.3f  %-7s %s\n", s, e, l, (long long)sqlite3_column_int64(q, 4),
               (long long)sqlite3_column_int64(q, 5), (long long)sqlite3_column_int64(q, 6),
               sqlite3_column_double(q, 7), status ? status : "", (const char *)sqlite3_column_text(q, 0));
        if (sqlite3_column_text(q, 9)) printf("    error: %.200s\n", (const char *)sqlite3_column_text(q, 9));
    }
    sqlite3_finalize(q);
    store_close(st);
    return 0;
}
