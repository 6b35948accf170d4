/* risk_store.c: SQLite schema and bound-parameter inserts for risk events,
 * notables, detection runs and scheduler state. */
#include "risk_store.h"
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char risk_store_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS risk (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  _time REAL NOT NULL,\n"
    "  search_name TEXT NOT NULL,\n"
    "  risk_object TEXT NOT NULL,\n"
    "  risk_object_type TEXT NOT NULL,\n"
    "  risk_object_field TEXT NOT NULL,\n"
    "  risk_score INTEGER NOT NULL,\n"
    "  risk_message TEXT,\n"
    "  confidence INTEGER,\n"
    "  impact INTEGER,\n"
    "  annotations_mitre_attack BLOB,\n" /* JSON arrays are BLOBs: the store's multivalue form */
    "  analyticstories BLOB,\n"
    "  threat_object BLOB,\n"
    "  threat_object_type BLOB,\n"
    "  run_id INTEGER,\n"
    "  window_earliest REAL NOT NULL,\n"
    "  window_latest REAL NOT NULL,\n"
    "  row_key TEXT NOT NULL,\n"
    "  rule_id TEXT,\n"     /* the detection's id, author and origin (splunk | sigma) */
    "  rule_author TEXT,\n"
    "  rule_origin TEXT,\n"
    "  UNIQUE (search_name, window_earliest, window_latest, row_key, risk_object_field, risk_object, "
    "risk_object_type)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS risk_object_time ON risk (risk_object, _time);\n"
    "CREATE TABLE IF NOT EXISTS notable (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  _time REAL NOT NULL,\n"
    "  search_name TEXT NOT NULL,\n"
    "  rule_name TEXT,\n"
    "  rule_title TEXT,\n"
    "  rule_description TEXT,\n"
    "  security_domain TEXT,\n"
    "  severity TEXT,\n"
    "  risk_score INTEGER,\n"
    "  nes_fields TEXT,\n" /* JSON object */
    "  annotations_mitre_attack BLOB,\n"
    "  analyticstories BLOB,\n"
    "  result TEXT,\n" /* the result row, JSON object */
    "  status TEXT NOT NULL DEFAULT 'new',\n"
    "  run_id INTEGER,\n"
    "  window_earliest REAL NOT NULL,\n"
    "  window_latest REAL NOT NULL,\n"
    "  row_key TEXT NOT NULL,\n"
    "  rule_id TEXT,\n"
    "  rule_author TEXT,\n"
    "  rule_origin TEXT,\n"
    "  UNIQUE (search_name, window_earliest, window_latest, row_key)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS runs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  detection TEXT NOT NULL,\n"
    "  detection_id TEXT,\n"
    "  scheduled_time REAL,\n"
    "  window_earliest REAL,\n"
    "  window_latest REAL,\n"
    "  started REAL,\n"
    "  rows INTEGER,\n"
    "  risk_events INTEGER,\n"
    "  notables INTEGER,\n"
    "  duration REAL,\n"
    "  status TEXT NOT NULL,\n"
    "  error TEXT,\n"
    "  pid INTEGER,\n"   /* the process running it, on host: a 'running' run whose process is gone was interrupted */
    "  host TEXT,\n"
    "  attempts INTEGER NOT NULL DEFAULT 1,\n"
    "  scheduled INTEGER NOT NULL DEFAULT 0\n" /* 1: a run of `schedule`, one row per detection and time */
    ");\n"
    "CREATE INDEX IF NOT EXISTS runs_detection ON runs (detection, scheduled_time);\n"
    "CREATE TABLE IF NOT EXISTS schedule_state (\n"
    "  detection TEXT PRIMARY KEY,\n"
    "  last_scheduled REAL NOT NULL,\n"
    "  updated REAL\n"
    ");\n";

/* After the columns added since the first version (databases made before
 * them get them in risk_store_init). */
static const char rs_runs_index_sql[] =
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_scheduled ON runs (detection, scheduled_time) WHERE scheduled = 1";

static const char *const rs_runs_added[] = {"pid INTEGER", "host TEXT", "attempts INTEGER NOT NULL DEFAULT 1",
                                            "scheduled INTEGER NOT NULL DEFAULT 0", NULL};

/* Columns added to risk and notable after their first version. */
static const char *const rs_rule_added[] = {"rule_id TEXT", "rule_author TEXT", "rule_origin TEXT", NULL};

static int rs_fail(sqlite3 *db, char **err, const char *what)
{
    if (err) *err = xasprintf("%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* Add to table each column of cols (its definition) it does not have. */
static int rs_add_columns(sqlite3 *db, const char *table, const char *const *cols, char **err)
{
    for (int i = 0; cols[i]; i++) {
        sqlite3_stmt *q = NULL;
        int has = 0;
        size_t namelen = strcspn(cols[i], " ");
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &q, NULL) != SQLITE_OK)
            return rs_fail(db, err, "reading a table's columns");
        sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, cols[i], (int)namelen, SQLITE_STATIC);
        has = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
        if (has) continue;
        char *sql = xasprintf("ALTER TABLE %s ADD COLUMN %s", table, cols[i]); /* both constants */
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        free(sql);
        if (rc != SQLITE_OK) {
            char *what = xasprintf("adding columns to the %s table", table);
            rs_fail(db, err, what);
            free(what);
            return -1;
        }
    }
    return 0;
}

int risk_store_init(sqlite3 *db, char **err)
{
    assert(db);
    char *msg = NULL;
    if (sqlite3_exec(db, risk_store_schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err) *err = xasprintf("creating the risk tables: %s", msg ? msg : "unknown error");
        sqlite3_free(msg);
        return -1;
    }
    /* runs tables of older databases: add the missing columns */
    sqlite3_stmt *q = NULL;
    int has_pid = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('runs') WHERE name = 'pid'", -1, &q, NULL) ==
        SQLITE_OK)
        has_pid = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    for (int i = 0; !has_pid && rs_runs_added[i]; i++) {
        char *sql = xasprintf("ALTER TABLE runs ADD COLUMN %s", rs_runs_added[i]);
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        free(sql);
        if (rc != SQLITE_OK) return rs_fail(db, err, "adding columns to the runs table");
    }
    if (sqlite3_exec(db, rs_runs_index_sql, NULL, NULL, NULL) != SQLITE_OK)
        return rs_fail(db, err, "indexing the runs table");
    if (rs_add_columns(db, "risk", rs_rule_added, err) || rs_add_columns(db, "notable", rs_rule_added, err))
        return -1;
    return 0;
}

const char *risk_store_host(void)
{
    static char host[256];
    if (!host[0] && gethostname(host, sizeof host - 1) != 0) strcpy(host, "?");
    return host;
}

/* When process pid started (seconds since the epoch), from /proc on Linux;
 * -1 when unknown. *zombie gets 1 for a process that has exited but not
 * been waited for. */
static double rs_proc_start(int64_t pid, int *zombie)
{
    *zombie = 0;
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* after the command name, which may hold anything */
    if (!p || p[1] != ' ') return -1;
    p += 2;
    *zombie = *p == 'Z' || *p == 'X';
    /* field 22 (starttime, clock ticks after boot); p is at field 3 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p) p++;
    }
    if (!p) return -1;
    double ticks = strtod(p, NULL);
    double btime = -1;
    f = fopen("/proc/stat", "r");
    if (!f) return -1;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "btime ", 6)) btime = strtod(line + 6, NULL);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (btime < 0 || hz <= 0) return -1;
    return btime + ticks / (double)hz;
}

int risk_store_process_gone(int64_t pid, const char *host, double started)
{
    if (pid <= 0 || !host || strcmp(host, risk_store_host())) return 0;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return 1;
    int zombie = 0;
    double t = rs_proc_start(pid, &zombie);
    if (zombie) return 1;
    /* a process started after the run did is another one with the same pid */
    return t > 0 && started > 0 && t > started + 2;
}

int risk_store_reap(sqlite3 *db, char **err)
{
    assert(db);
    sqlite3_stmt *q = NULL, *u = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, pid, host, started FROM runs WHERE status = 'running'", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "UPDATE runs SET status = 'interrupted', error = ?2 WHERE id = ?1 AND status = 'running'",
                           -1, &u, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return rs_fail(db, err, "reading the runs");
    }
    int n = 0, rc = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int64_t pid = sqlite3_column_int64(q, 1);
        if (!risk_store_process_gone(pid, (const char *)sqlite3_column_text(q, 2), sqlite3_column_double(q, 3)))
            continue;
        char *msg = xasprintf("process %lld stopped before the run finished (killed?)", (long long)pid);
        sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
        sqlite3_bind_text(u, 2, msg, -1, SQLITE_TRANSIENT);
        free(msg);
        if (sqlite3_step(u) != SQLITE_DONE) rc = -1;
        else n++;
        sqlite3_reset(u);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    if (rc) return rs_fail(db, err, "marking interrupted runs");
    return n;
}

static void rs_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void rs_blob(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_blob(st, i, s, (int)strlen(s), SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void rs_int_or_null(sqlite3_stmt *st, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Step a prepared statement to completion and finalize it. */
static int rs_run(sqlite3 *db, sqlite3_stmt *st, int *inserted, char **err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return rs_fail(db, err, what);
    if (inserted) *inserted = sqlite3_changes(db) > 0;
    return 0;
}

int risk_store_insert_risk(sqlite3 *db, const risk_run *run, const risk_event *e, int *inserted, char **err)
{
    assert(db && run && e);
    static const char sql[] =
        "INSERT OR IGNORE INTO risk (_time, search_name, risk_object, risk_object_type, risk_object_field, "
        "risk_score, risk_message, confidence, impact, annotations_mitre_attack, analyticstories, threat_object, "
        "threat_object_type, run_id, window_earliest, window_latest, row_key, rule_id, rule_author, rule_origin) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "inserting a risk event");
    sqlite3_bind_double(st, 1, e->time);
    rs_text(st, 2, e->search_name);
    rs_text(st, 3, e->risk_object);
    rs_text(st, 4, e->risk_object_type);
    rs_text(st, 5, e->risk_object_field);
    sqlite3_bind_int(st, 6, e->risk_score);
    rs_text(st, 7, e->risk_message);
    rs_int_or_null(st, 8, e->confidence);
    rs_int_or_null(st, 9, e->impact);
    rs_blob(st, 10, e->mitre_attack);
    rs_blob(st, 11, e->analyticstories);
    rs_blob(st, 12, e->threat_object);
    rs_blob(st, 13, e->threat_object_type);
    if (run->run_id)
        sqlite3_bind_int64(st, 14, run->run_id);
    else
        sqlite3_bind_null(st, 14);
    sqlite3_bind_double(st, 15, run->window_earliest);
    sqlite3_bind_double(st, 16, run->window_latest);
    rs_text(st, 17, e->row_key);
    rs_text(st, 18, e->rule_id);
    rs_text(st, 19, e->rule_author);
    rs_text(st, 20, e->rule_origin);
    return rs_run(db, st, inserted, err, "inserting a risk event");
}

int risk_store_insert_notable(sqlite3 *db, const risk_run *run, const notable_event *n, int *inserted, char **err)
{
    assert(db && run && n);
    static const char sql[] =
        "INSERT OR IGNORE INTO notable (_time, search_name, rule_name, rule_title, rule_description, "
        "security_domain, severity, risk_score, nes_fields, annotations_mitre_attack, analyticstories, result, "
        "run_id, window_earliest, window_latest, row_key, rule_id, rule_author, rule_origin) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "inserting a notable");
    sqlite3_bind_double(st, 1, n->time);
    rs_text(st, 2, n->search_name);
    rs_text(st, 3, n->rule_name);
    rs_text(st, 4, n->rule_title);
    rs_text(st, 5, n->rule_description);
    rs_text(st, 6, n->security_domain);
    rs_text(st, 7, n->severity);
    sqlite3_bind_int(st, 8, n->risk_score);
    rs_text(st, 9, n->nes_fields);
    rs_blob(st, 10, n->mitre_attack);
    rs_blob(st, 11, n->analyticstories);
    rs_text(st, 12, n->result);
    if (run->run_id)
        sqlite3_bind_int64(st, 13, run->run_id);
    else
        sqlite3_bind_null(st, 13);
    sqlite3_bind_double(st, 14, run->window_earliest);
    sqlite3_bind_double(st, 15, run->window_latest);
    rs_text(st, 16, n->row_key);
    rs_text(st, 17, n->rule_id);
    rs_text(st, 18, n->rule_author);
    rs_text(st, 19, n->rule_origin);
    return rs_run(db, st, inserted, err, "inserting a notable");
}

int risk_store_run_begin(sqlite3 *db, const char *detection, const char *detection_id, double scheduled,
                         int is_scheduled, double window_earliest, double window_latest, double started,
                         int64_t pid, int64_t *run_id, char **err)
{
    assert(db && detection && run_id);
    /* a scheduled run tried again (its process was killed) is the same row */
    static const char sql[] =
        "INSERT INTO runs (detection, detection_id, scheduled_time, window_earliest, window_latest, started, status, "
        "pid, host, scheduled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running', ?7, ?8, ?9) "
        "ON CONFLICT (detection, scheduled_time) WHERE scheduled = 1 DO UPDATE SET "
        "detection_id = excluded.detection_id, window_earliest = excluded.window_earliest, "
        "window_latest = excluded.window_latest, started = excluded.started, status = 'running', pid = excluded.pid, "
        "host = excluded.host, attempts = attempts + 1, rows = NULL, risk_events = NULL, notables = NULL, "
        "duration = NULL, error = NULL RETURNING id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "recording a run");
    rs_text(st, 1, detection);
    rs_text(st, 2, detection_id);
    sqlite3_bind_double(st, 3, scheduled);
    sqlite3_bind_double(st, 4, window_earliest);
    sqlite3_bind_double(st, 5, window_latest);
    sqlite3_bind_double(st, 6, started);
    sqlite3_bind_int64(st, 7, pid);
    rs_text(st, 8, risk_store_host());
    sqlite3_bind_int(st, 9, is_scheduled ? 1 : 0);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *run_id = sqlite3_column_int64(st, 0);
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return rs_fail(db, err, "recording a run");
    return 0;
}

int risk_store_run_stopped(sqlite3 *db, int64_t pid, const char *detection, const char *detection_id,
                           double scheduled, int is_scheduled, double window_earliest, double window_latest,
                           double started, const char *status, const char *error, char **err)
{
    assert(db && detection && status);
    static const char sql[] = "UPDATE runs SET status = ?3, error = ?4, duration = ?5 - started "
                              "WHERE pid = ?1 AND host = ?2 AND status = 'running'";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "recording a run");
    sqlite3_bind_int64(st, 1, pid);
    rs_text(st, 2, risk_store_host());
    rs_text(st, 3, status);
    rs_text(st, 4, error);
    sqlite3_bind_double(st, 5, util_now());
    int changed = 0;
    if (rs_run(db, st, &changed, err, "recording a run") < 0) return -1;
    if (changed) return 0;
    /* it stopped before recording its start */
    int64_t id = 0;
    if (risk_store_run_begin(db, detection, detection_id, scheduled, is_scheduled, window_earliest, window_latest,
                             started, pid, &id, err))
        return -1;
    return risk_store_run_end(db, id, 0, 0, 0, util_now() - started, status, error, err);
}

int risk_store_run_end(sqlite3 *db, int64_t run_id, int64_t rows, int64_t risk_events, int64_t notables,
                       double duration, const char *status, const char *error, char **err)
{
    assert(db && status);
    static const char sql[] = "UPDATE runs SET rows = ?2, risk_events = ?3, notables = ?4, duration = ?5, "
                              "status = ?6, error = ?7 WHERE id = ?1";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "finishing a run");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, rows);
    sqlite3_bind_int64(st, 3, risk_events);
    sqlite3_bind_int64(st, 4, notables);
    sqlite3_bind_double(st, 5, duration);
    rs_text(st, 6, status);
    rs_text(st, 7, error);
    return rs_run(db, st, NULL, err, "finishing a run");
}

int risk_store_last_scheduled(sqlite3 *db, const char *detection, double *t, char **err)
{
    assert(db && detection && t);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT last_scheduled FROM schedule_state WHERE detection = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return rs_fail(db, err, "reading the schedule state");
    rs_text(st, 1, detection);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *t = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 1;
    return rs_fail(db, err, "reading the schedule state");
}

int risk_store_set_last_scheduled(sqlite3 *db, const char *detection, double t, double now, char **err)
{
    assert(db && detection);
    static const char sql[] = "INSERT INTO schedule_state (detection, last_scheduled, updated) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (detection) DO UPDATE SET last_scheduled = excluded.last_scheduled, "
                              "updated = excluded.updated";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return rs_fail(db, err, "saving the schedule state");
    rs_text(st, 1, detection);
    sqlite3_bind_double(st, 2, t);
    sqlite3_bind_double(st, 3, now);
    return rs_run(db, st, NULL, err, "saving the schedule state");
}
