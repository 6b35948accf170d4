/* check_run.h: running the detections of `splite check` (cmd_check.c): one
 * detection through the engine (check_one), all of them in this process or
 * in --jobs worker processes (check_workers.c). */
#ifndef SPLITE_CHECK_RUN_H
#define SPLITE_CHECK_RUN_H
#include <stdint.h>
#include "detection.h"
#include "spl.h"
#include "store.h"

typedef struct check_result {
    const char *stage; /* NULL when ok */
    char *error;       /* one line (with position) */
    char *cause;
    long rows;         /* results of a search that ran */
    uint64_t digest;   /* of the results' values, in order (FNV-1a 64) */
} check_result;

/* The stages a detection can fail at, in order (check_result.stage is one). */
extern const char *const check_stages[5];

/* A detection's outcome with its times. */
typedef struct check_slot {
    check_result r;
    double seconds;
    double translate;  /* spl_compile, summaries included */
    double summaries;  /* building and updating data model summaries */
} check_slot;

/* Macro expansion, translation and execution of d (cmd_check.c); adds the
 * spl_compile time to *translate_s. */
void check_one(store *st, const spl_macros *macros, const spl_opts *so, double timeout, const detection *d,
               check_result *r, double *translate_s);
/* check_one's two halves: compile d into *q (NULL with r filled when a stage
 * before execute fails), then execute q; nothing: q is known to give no
 * results (the shared scan listed no rows for it, q->empty_stays_empty). */
void check_compile(store *st, const spl_macros *macros, const spl_opts *so, const detection *d, check_result *r,
                   spl_query **q, double *translate_s);
void check_exec(store *st, double timeout, const detection *d, const spl_query *q, int nothing, check_result *r);
/* Every detection of set into slots with `jobs` worker processes, each with
 * its own connection to db_path; *prebuilt gets the seconds the workers spent
 * bringing data model summaries up to date first, *scan_s the seconds of
 * their shared scans (so->prefilter). 0, or -1 after a message (a worker
 * died: its detections are reported failed). */
int check_run_parallel(const char *db_path, const spl_macros *m, const spl_opts *so, double timeout,
                       const detection_set *set, int jobs, check_slot *slots, double *prebuilt, double *scan_s);
#endif
