/* detect_run.c: run one detection over a window and emit what ES would:
 * risk events and notables, recorded with the run (see detect_run.h). */
#include "detect_run.h"
#include "detect_sigma.h"
#include "detect_emit.h"
#include "detect_schedule.h"
#include "fault.h"
#include "risk_store.h"
#include "spl.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct dr_rows {
    risk_row *v;
    size_t n, cap;
} dr_rows;

static int dr_collect(void *ctx, const spl_query *q, sqlite3_stmt *stmt)
{
    dr_rows *rows = ctx;
    if (rows->n == rows->cap) {
        rows->cap = rows->cap ? rows->cap * 2 : 16;
        rows->v = xrealloc(rows->v, rows->cap * sizeof *rows->v);
    }
    risk_row *r = &rows->v[rows->n++];
    risk_row_init(r);
    for (int i = 0; i < q->ncols; i++) {
        int t = sqlite3_column_type(stmt, i);
        if (t == SQLITE_NULL) {
            risk_row_add_text(r, q->cols[i], NULL);
        } else if (t == SQLITE_BLOB) {
            const char *b = sqlite3_column_blob(stmt, i);
            int n = sqlite3_column_bytes(stmt, i);
            if (risk_row_add_json(r, q->cols[i], b, (size_t)n)) {
                char *s = xstrndup(b, (size_t)n);
                risk_row_add_text(r, q->cols[i], s);
                free(s);
            }
        } else {
            risk_row_add_text(r, q->cols[i], (const char *)sqlite3_column_text(stmt, i));
        }
    }
    return 0;
}

static void dr_fail(detect_run_result *r, const char *stage, char *msg)
{
    r->stage = stage;
    r->error = msg;
}

/* Close the run's row as failed (stage: message). */
static void dr_record_failure(sqlite3 *db, int64_t run_id, double t0, detect_run_result *r)
{
    char *err = NULL;
    char *msg = xasprintf("%s: %s", r->stage, r->error ? r->error : "");
    risk_store_run_end(db, run_id, 0, 0, 0, util_now() - t0, "error", msg, &err);
    free(err);
    free(msg);
}

/* The window of d's run: o's, or the deployment's relative to the
 * scheduled time. 0, or -1 with p->stage / p->error set. */
static int dr_window(const detection *d, const detect_run_opts *o, detect_run_prep *p)
{
    double now = o->now > 0 ? o->now : util_now();
    double scheduled = o->scheduled > 0 ? o->scheduled : now;
    char *err = NULL;
    p->earliest = p->latest = 0;
    if (o->all_time) return 0;
    if (o->has_window) {
        p->earliest = o->earliest;
        p->latest = o->latest;
    } else if (detect_run_window(d, scheduled, &p->earliest, &p->latest, &err)) {
        p->stage = "window";
        p->error = err;
        return -1;
    }
    return 0;
}

/* Compile d's search over p's window into p->q, or p->stage / p->error. */
static void dr_compile(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                       int prefilter, detect_run_prep *p)
{
    double c0 = util_now();
    spl_opts so = {0};
    so.now = o->now > 0 ? o->now : util_now();
    so.datamodels = o->datamodels;
    so.lookups = o->lookups;
    so.prefilter = prefilter;
    char e_buf[64], l_buf[64];
    if (!o->all_time) {
        snprintf(e_buf, sizeof e_buf, "%.6f", p->earliest);
        snprintf(l_buf, sizeof l_buf, "%.6f", p->latest);
        so.earliest = p->earliest > 0 ? e_buf : NULL;
        so.latest = p->latest > 0 ? l_buf : NULL;
    }
    spl_error se = {0};
    if (spl_compile(st, macros, d->search, &so, &p->q, &se)) {
        p->q = NULL;
        p->error = spl_error_format(&se);
        p->stage = strstr(se.msg ? se.msg : "", "macro") ? "macro" : "parse";
    }
    spl_error_clear(&se);
    free(se.text);
    p->compiled = 1;
    p->seconds += util_now() - c0;
}

void detect_run_prepare(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                        int prefilter, detect_run_prep *p)
{
    memset(p, 0, sizeof *p);
    if (dr_window(d, o, p)) return;
    dr_compile(st, macros, d, o, prefilter, p);
}

void detect_run_prep_free(detect_run_prep *p)
{
    if (!p) return;
    spl_query_free(p->q);
    free(p->error);
    memset(p, 0, sizeof *p);
}

int detect_run_exec(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                    detect_run_prep *p, detect_run_result *r)
{
    memset(r, 0, sizeof *r);
    sqlite3 *db = store_db(st);
    char *err = NULL;
    double t0 = util_now();
    double now = o->now > 0 ? o->now : util_now();
    double scheduled = o->scheduled > 0 ? o->scheduled : now;
    const char *name = d->name ? d->name : d->file;
    if (risk_store_init(db, &err)) {
        dr_fail(r, "store", err);
        return -1;
    }
    detect_run_prep own = {0};
    if (!p) {
        p = &own; /* compiled below, after the run is recorded */
        dr_window(d, o, p);
    }
    /* the seconds of a run include its compiling, done before when p was */
    double base = t0 - (p->compiled ? p->seconds : 0);
    r->earliest = p->earliest;
    r->latest = p->latest;
    int window_err = p->stage && !p->compiled;
    if (window_err) {
        dr_fail(r, p->stage, p->error);
        p->error = NULL;
    }
    /* the run is recorded before it starts: a process killed meanwhile
     * leaves it 'running' with its pid, later shown as interrupted */
    int64_t run_id = 0;
    if (risk_store_run_begin(db, name, d->id, scheduled, o->scheduled > 0, r->earliest, r->latest, t0,
                             (int64_t)getpid(), &run_id, &err)) {
        if (!window_err) dr_fail(r, "store", err);
        else free(err);
        detect_run_prep_free(&own);
        return -1;
    }
    if (window_err) {
        dr_record_failure(db, run_id, base, r);
        detect_run_prep_free(&own);
        return -1;
    }
    fault_point(d->name, d->file);
    /* compile */
    if (!p->compiled) dr_compile(st, macros, d, o, 0, p);
    if (!p->q) {
        dr_fail(r, p->stage, p->error);
        p->error = NULL;
        dr_record_failure(db, run_id, base, r);
        detect_run_prep_free(&own);
        return -1;
    }
    /* execute */
    dr_rows rows = {0};
    int xr = p->nothing ? 0 : spl_run(st, p->q, dr_collect, &rows, &err);
    detect_run_prep_free(&own);
    if (xr) {
        for (size_t i = 0; i < rows.n; i++) risk_row_free(&rows.v[i]);
        free(rows.v);
        dr_fail(r, "execute", err);
        dr_record_failure(db, run_id, base, r);
        return -1;
    }
    r->rows = (int64_t)rows.n;
    /* emit */
    int rc = 0;
    risk_run run = {.run_id = run_id, .window_earliest = r->earliest, .window_latest = r->latest};
    detect_emit_stats es = {0};
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (size_t i = 0; i < rows.n && rc == 0; i++) {
        double run_time = r->latest > 0 ? r->latest : now;
        if (detect_emit_row(db, d, &run, &rows.v[i], run_time, &es, &err)) {
            dr_fail(r, "store", err);
            rc = -1;
        }
        if (o->collect && d->deploy.rba) risk_events_for_row(d, &rows.v[i], run_time, &r->events);
        if (o->collect && d->deploy.notable) {
            r->notables = xrealloc(r->notables, (r->nnotables_made + 1) * sizeof *r->notables);
            risk_notable_for_row(d, &rows.v[i], run_time, &r->notables[r->nnotables_made++]);
        }
    }
    r->risk_events = es.risk_events;
    r->notables_stored = es.notables;
    r->seconds = util_now() - base;
    if (risk_store_run_end(db, run_id, r->rows, r->risk_events, r->notables_stored, r->seconds, rc ? "error" : "success",
                           r->error, &err)) {
        if (!r->error) dr_fail(r, "store", err);
        else free(err);
        rc = -1;
    }
    sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
    if (rc) {
        /* the rollback took the row's end back with the events */
        char *e2 = NULL;
        risk_store_run_end(db, run_id, r->rows, 0, 0, util_now() - base, "error", r->error, &e2);
        free(e2);
    }
    for (size_t i = 0; i < rows.n; i++) risk_row_free(&rows.v[i]);
    free(rows.v);
    return rc;
}

int detect_run_one(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                   detect_run_result *r)
{
    return detect_run_exec(st, macros, d, o, NULL, r);
}

void detect_run_record_lost(const char *db_path, const detection *d, const detect_run_opts *o, const char *status,
                            const char *why, int64_t pid, double started)
{
    char *err = NULL;
    double now = o->now > 0 ? o->now : util_now();
    double scheduled = o->scheduled > 0 ? o->scheduled : now;
    double e = 0, l = 0;
    if (!o->all_time) {
        if (o->has_window) e = o->earliest, l = o->latest;
        else if (detect_run_window(d, scheduled, &e, &l, &err)) free(err), err = NULL;
    }
    store *st = store_open_mode(db_path, STORE_WRITE, &err);
    if (!st || risk_store_init(store_db(st), &err) ||
        risk_store_run_stopped(store_db(st), pid, d->name ? d->name : d->file, d->id, scheduled, o->scheduled > 0, e,
                               l, started, status, why, &err)) {
        fprintf(stderr, "%s: cannot record the run: %s\n", d->file, err ? err : "unknown error");
        free(err);
    }
    store_close(st);
}

void detect_run_result_free(detect_run_result *r)
{
    free(r->error);
    risk_event_list_free(&r->events);
    for (size_t i = 0; i < r->nnotables_made; i++) notable_event_free(&r->notables[i]);
    free(r->notables);
    memset(r, 0, sizeof *r);
}

int detect_load_paths(const char *deploy_dir, char **paths, int npaths, detection_set *set)
{
    memset(set, 0, sizeof *set);
    deployment_set deps = {0};
    char *err = NULL;
    int failed = 0;
    struct stat sb;
    if (deploy_dir && stat(deploy_dir, &sb) == 0 && deployment_load_dir(deploy_dir, &deps, &err)) {
        fprintf(stderr, "splite: %s\n", err);
        free(err);
        failed++;
    }
    for (int i = 0; i < npaths; i++) {
        if (stat(paths[i], &sb) != 0) {
            fprintf(stderr, "splite: %s: no such file or directory\n", paths[i]);
            failed++;
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            detection_set sub = {0};
            detection_load_dir(paths[i], &sub);
            for (size_t k = 0; k < sub.nerrors; k++) {
                fprintf(stderr, "splite: %s\n", sub.errors[k]);
                failed++;
            }
            for (size_t k = 0; k < sub.n; k++) {
                set->v = xrealloc(set->v, (set->n + 1) * sizeof *set->v);
                set->v[set->n++] = sub.v[k];
            }
            sub.n = 0;
            detection_set_free(&sub);
        } else {
            detection *d = NULL;
            if (detection_load_file(paths[i], &d, &err)) {
                fprintf(stderr, "splite: %s\n", err);
                free(err);
                err = NULL;
                failed++;
                continue;
            }
            set->v = xrealloc(set->v, (set->n + 1) * sizeof *set->v);
            set->v[set->n++] = d;
        }
    }
    detect_sigma_unique_names(set->v, set->n);
    for (size_t i = 0; i < set->n; i++) {
        if (detection_resolve(set->v[i], deps.n ? &deps : NULL, &err)) {
            fprintf(stderr, "splite: %s\n", err);
            free(err);
            err = NULL;
            failed++;
        }
    }
    deployment_set_free(&deps);
    return failed;
}

store *detect_worker_store(const char *db_path)
{
    store *st = store_open_or_say(db_path, STORE_WRITE);
    if (st) store_tune_for_search(st);
    return st;
}
