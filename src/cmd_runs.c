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
    store *st = store_open_mode(env->db_path, STORE_READ, &err);
    if (!st) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        return 1;
    }
    sqlite3 *db = store_db(st);
    /* a read-only database is shown as it is; else the runs whose process
     * is gone are marked interrupted first */
    int have = 1, newer = 1; /* a runs table; one with pid, host, attempts */
    if (store_readonly(st)) {
        sqlite3_stmt *t = NULL;
        have = newer = 0;
        if (sqlite3_prepare_v2(db, "SELECT name = 'pid' FROM pragma_table_info('runs') WHERE name IN ('id', 'pid')",
                               -1, &t, NULL) == SQLITE_OK)
            while (sqlite3_step(t) == SQLITE_ROW) {
                have = 1;
                if (sqlite3_column_int(t, 0)) newer = 1;
            }
        sqlite3_finalize(t);
    } else if (risk_store_init(db, &err) || risk_store_reap(db, &err) < 0) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        store_close(st);
        return 1;
    }
    sqlite3_stmt *q = NULL;
    const char *sql = newer ? "SELECT detection, scheduled_time, window_earliest, window_latest, rows, risk_events, "
                              "notables, duration, status, error, pid, host, attempts, started FROM runs ORDER BY id DESC "
                              "LIMIT ?1"
                            : "SELECT detection, scheduled_time, window_earliest, window_latest, rows, risk_events, "
                              "notables, duration, status, error, NULL, NULL, 1, started FROM runs ORDER BY id DESC "
                              "LIMIT ?1";
    if (have && sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "splite: %s\n", sqlite3_errmsg(db));
        store_close(st);
        return 1;
    }
    sqlite3_bind_int(q, 1, limit);
    printf("%-20s %-20s %-20s %6s %5s %5s %8s  %-11s %s\n", "scheduled", "earliest", "latest", "rows", "risk",
           "notab", "seconds", "status", "detection");
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        char s[32], e[32], l[32];
        double we = sqlite3_column_double(q, 2), wl = sqlite3_column_double(q, 3);
        runs_time(s, sizeof s, sqlite3_column_double(q, 1));
        /* 0 is no bound: --all-time, or no earliest_time */
        if (we > 0) runs_time(e, sizeof e, we);
        else snprintf(e, sizeof e, "%s", wl > 0 ? "-" : "all time");
        if (wl > 0) runs_time(l, sizeof l, wl);
        else snprintf(l, sizeof l, "%s", we > 0 ? "-" : "all time");
        const char *status = (const char *)sqlite3_column_text(q, 8);
        const char *error = (const char *)sqlite3_column_text(q, 9);
        char *gone = NULL;
        if (status && !strcmp(status, "running") &&
            risk_store_process_gone(sqlite3_column_int64(q, 10), (const char *)sqlite3_column_text(q, 11),
                                    sqlite3_column_double(q, 13))) {
            status = "interrupted";
            error = gone = xasprintf("process %lld stopped before the run finished (killed?)",
                                     (long long)sqlite3_column_int64(q, 10));
        }
        printf("%-20s %-20s %-20s %6lld %5lld %5lld %8.3f  %-11s %s", s, e, l, (long long)sqlite3_column_int64(q, 4),
               (long long)sqlite3_column_int64(q, 5), (long long)sqlite3_column_int64(q, 6),
               sqlite3_column_double(q, 7), status ? status : "", (const char *)sqlite3_column_text(q, 0));
        if (sqlite3_column_int64(q, 12) > 1) printf(" (%lld attempts)", (long long)sqlite3_column_int64(q, 12));
        putchar('\n');
        if (error) printf("    error: %.200s\n", error);
        free(gone);
    }
    sqlite3_finalize(q);
    store_close(st);
    return 0;
}
