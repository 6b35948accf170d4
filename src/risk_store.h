/* risk_store.h: the SQLite tables detections write: `risk` (ES risk index
 * events), `notable` (notable events), `runs` (one row per detection run)
 * and `schedule_state` (last scheduled time per detection, for
 * `splite schedule`). Inserts are idempotent per detection, window and row. */
#ifndef SPLITE_RISK_STORE_H
#define SPLITE_RISK_STORE_H
#include <sqlite3.h>
#include <stdint.h>

#include "risk.h"

/* The SQL that creates the tables and indexes (IF NOT EXISTS). */
extern const char risk_store_schema_sql[];

/* Create the tables if missing. Returns 0, or -1 with *err. */
int risk_store_init(sqlite3 *db, char **err);

/* What identifies the run that produced an event. */
typedef struct risk_run {
    int64_t run_id;          /* runs.id, or 0 */
    double window_earliest;  /* the search window */
    double window_latest;
} risk_run;

/* Insert one risk event / notable. The same search_name + window + row +
 * risk object (field, value, type) is stored once: a repeat is ignored and
 * *inserted (if not NULL) is 0, else 1. Returns 0, or -1 with *err. */
int risk_store_insert_risk(sqlite3 *db, const risk_run *run, const risk_event *e, int *inserted, char **err);
int risk_store_insert_notable(sqlite3 *db, const risk_run *run, const notable_event *n, int *inserted, char **err);

/* Start a run (status 'running', recording pid and this host); *run_id
 * gets runs.id. A scheduled run (is_scheduled: `splite schedule`) is one row
 * per detection and scheduled time: starting it again (after its process
 * was killed) updates that row and counts the attempt. */
int risk_store_run_begin(sqlite3 *db, const char *detection, const char *detection_id, double scheduled,
                         int is_scheduled, double window_earliest, double window_latest, double started,
                         int64_t pid, int64_t *run_id, char **err);
/* Finish it: status is "success", "error" or "skipped"; error may be NULL. */
int risk_store_run_end(sqlite3 *db, int64_t run_id, int64_t rows, int64_t risk_events, int64_t notables,
                       double duration, const char *status, const char *error, char **err);
/* The process pid running a detection stopped without finishing it (a crash,
 * a timeout): its 'running' row gets status ("crashed", "timeout") and error;
 * without one (it stopped before recording its start) a row is added. */
int risk_store_run_stopped(sqlite3 *db, int64_t pid, const char *detection, const char *detection_id,
                           double scheduled, int is_scheduled, double window_earliest, double window_latest,
                           double started, const char *status, const char *error, char **err);
/* This machine's host name, as recorded in runs.host. */
const char *risk_store_host(void);
/* 1 when the process pid of host that started a run at `started` is known
 * to be gone: host is this one and no such process exists, or it has exited
 * (a zombie), or the process with that pid started after the run (the pid
 * was reused); else 0 (another host: cannot tell). */
int risk_store_process_gone(int64_t pid, const char *host, double started);
/* Mark the 'running' runs whose process is gone as 'interrupted'. Returns
 * how many, or -1 with *err. */
int risk_store_reap(sqlite3 *db, char **err);

/* Last scheduled time recorded for a detection: 0 and *t when known, 1 when
 * none is stored, -1 with *err on failure. */
int risk_store_last_scheduled(sqlite3 *db, const char *detection, double *t, char **err);
int risk_store_set_last_scheduled(sqlite3 *db, const char *detection, double t, double now, char **err);
#endif
