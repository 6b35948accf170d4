/* detect_run.h: running one detection: compile its search (macros
 * expanded), run it over a window, turn each result row into risk events and
 * a notable (detect_emit), record the run in `runs`. Shared by `splite run`,
 * `splite schedule` and `splite test`. */
#ifndef SPLITE_DETECT_RUN_H
#define SPLITE_DETECT_RUN_H
#include <stdint.h>
#include "detection.h"
#include "risk.h"
#include "spl.h"
#include "spl_macro.h"
#include "store.h"

typedef struct detect_run_opts {
    int all_time;          /* no window at all */
    int has_window;        /* use earliest/latest below instead of the deployment's */
    double earliest, latest;
    double now;            /* reference time (also the scheduled time) */
    double scheduled;      /* scheduled time recorded in runs (0: now) */
    int collect;           /* keep the risk events in the result */
    const struct dm_registry *datamodels; /* data models and aliases (may be NULL) */
    const struct spl_lookups *lookups; /* lookup definitions, or NULL */
} detect_run_opts;

typedef struct detect_run_result {
    int64_t rows, risk_events, notables_stored;
    double earliest, latest, seconds;
    const char *stage;     /* on failure: "macro", "parse", "execute", "store" */
    char *error;           /* NULL on success */
    risk_event_list events;  /* when collect: every risk event the rows gave */
    notable_event *notables; /* when collect: the notables the rows gave */
    size_t nnotables_made;
} detect_run_result;

/* Run d (resolved). Returns 0, or -1 with r->error / r->stage set. */
int detect_run_one(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                   detect_run_result *r);

/* detect_run_one in two halves, so that many runs can be compiled first
 * and their queries share one pass over the events (detect_shared.h):
 * prepare works out the window and compiles (with spl_opts.prefilter when
 * asked), writing nothing; exec records the run, fails it as prepare found
 * or runs the query, and emits, exactly as detect_run_one (which is exec
 * with p NULL: it compiles after recording the run). */
typedef struct detect_run_prep {
    double earliest, latest; /* the window */
    int compiled;          /* compiling was tried */
    spl_query *q;          /* NULL: failed at stage with error */
    const char *stage;     /* "window", "macro", "parse" */
    char *error;
    double seconds;        /* compiling (counted in the run's seconds) */
    int nothing;           /* known to give no rows (the shared scan listed none
                              and q->empty_stays_empty): not run */
} detect_run_prep;

void detect_run_prepare(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                        int prefilter, detect_run_prep *p);
/* p: prepared by detect_run_prepare (its error is taken; the caller still
 * frees p), or NULL */
int detect_run_exec(store *st, const spl_macros *macros, const detection *d, const detect_run_opts *o,
                    detect_run_prep *p, detect_run_result *r);
void detect_run_prep_free(detect_run_prep *p);
void detect_run_result_free(detect_run_result *r);

/* Seconds a detection may run in `run` and `schedule` before its worker
 * process is killed (--timeout; 0: no limit). */
#define DETECT_RUN_TIMEOUT 600

/* Record in runs that d's run, started at `started` by process pid, stopped
 * abnormally (status "crashed" or "timeout", why says how). Opens and closes
 * its own connection to db_path; prints a message when that fails. */
/* A detection worker's own connection (detect_isolate.h: never one from
 * before the fork): the database opened for writing and tuned for
 * searches; NULL after a message. */
store *detect_worker_store(const char *db_path);
void detect_run_record_lost(const char *db_path, const detection *d, const detect_run_opts *o, const char *status,
                            const char *why, int64_t pid, double started);

/* Load deployments (home's deployments/) and detections from paths (files
 * or directories), resolving each. Prints errors naming files; returns the
 * number of files that failed. */
int detect_load_paths(const char *deploy_dir, char **paths, int npaths, detection_set *set);
#endif
