/* detect_schedule.h: when a detection is due (its deployment's cron
 * schedule, evaluated in UTC) and the search window of each run. */
#ifndef SPLITE_DETECT_SCHEDULE_H
#define SPLITE_DETECT_SCHEDULE_H
#include <stddef.h>

#include "detection.h"

/* The scheduled times at which d should run, oldest first, given the last
 * scheduled time already run (has_last) and now:
 *  - with a last time: every due time in (last, now] (continuous scheduling,
 *    as ESCU's realtime_schedule = 0 asks: missed periods are run, not
 *    skipped), at most max of them; *more = 1 when some were left for later;
 *  - without one (first run): only the latest due time <= now, if any within
 *    about 8 years (no backfill from the beginning of time).
 * Returns 0 with *n set (0 if d has no cron_schedule), or -1 with *err when the
 * schedule does not parse ("file: scheduling.cron_schedule: column N: ..."). */
int detect_schedule_due(const detection *d, int has_last, double last, double now, double *out, size_t max,
                        size_t *n, int *more, char **err);

/* Search window of a run of d scheduled at `scheduled` (earliest_time /
 * latest_time relative to it; missing earliest = 0, missing latest = the
 * scheduled time). Returns 0, or -1 with *err naming the file. */
int detect_run_window(const detection *d, double scheduled, double *earliest, double *latest, char **err);
#endif
