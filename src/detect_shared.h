/* detect_shared.h: the shared scan (src/multi/) for `splite run` and
 * `splite schedule`. The runs of one call (a detection, or one scheduled
 * run of one, each with its own window) are compiled first, with
 * spl_opts.prefilter; one pass over the events lists for each the rows its
 * first search may keep; each run then executes over only those
 * (detect_run_exec). A run whose slot lists most of the rows scanned is
 * compiled again without the prefilter (same results, its own plan); a
 * scan that fails leaves every run to compile and run alone. */
#ifndef SPLITE_DETECT_SHARED_H
#define SPLITE_DETECT_SHARED_H
#include <stddef.h>
#include "detect_run.h"

typedef struct detect_shared detect_shared;

/* For runs 0..n-1. */
detect_shared *detect_shared_new(size_t n);
/* Compile run i (d with o) and give its query a slot. */
void detect_shared_prepare(detect_shared *s, store *st, const spl_macros *macros, size_t i, const detection *d,
                           const detect_run_opts *o);
/* The pass over the events for every run prepared, limited to the union of
 * their queries' time ranges when each has one (limit_time); then the
 * queries of this connection read the slots. 0, or -1 after a message on
 * stderr: the runs then compile alone (detect_shared_take gives NULL). */
int detect_shared_scan(detect_shared *s, store *st, int limit_time);
/* What detect_run_exec runs run i with: its prepared query (compiled again
 * without the prefilter when its slot is dense), or NULL (not prepared, or
 * no scan: it compiles alone). Owned by s. */
detect_run_prep *detect_shared_take(detect_shared *s, store *st, const spl_macros *macros, size_t i,
                                    const detection *d, const detect_run_opts *o);
void detect_shared_free(detect_shared *s);
#endif
