/* timemod.h: Splunk time modifiers as used by earliest=/latest=,
 * relative_time(), --earliest/--latest and detection windows: "now", epoch
 * numbers, "%m/%d/%Y:%H:%M:%S" absolute times, and relative chains such as
 * "-1d@d+2h" (offsets [+-]N<unit>, snap-to @<unit>, @w0..@w7, @q), and ISO
 * 8601 times. Absolute times without a zone, calendar units and snapping
 * work in local time (tz.h: the TZ environment variable, UTC when unset). */
#ifndef SPLITE_TIMEMOD_H
#define SPLITE_TIMEMOD_H
#include <time.h>

/* Times beyond this many seconds from the epoch (about year 318000) are
 * refused as out of range. */
#define TIMEMOD_MAX 1e13

/* Evaluate spec relative to now (epoch seconds). Returns 0 and sets *out;
 * on error returns -1 and sets *err (heap, caller frees) to a message that
 * quotes the spec and names the 1-based character position. "0" is epoch 0
 * (the caller reads earliest=0 as "all time"). */
int timemod_parse(const char *spec, double now, double *out, char **err);

/* Broken-down local time of t (whole seconds, floor). */
void timemod_localtime(double t, struct tm *tm);
/* Epoch seconds of a local broken-down time (fields may be out of range,
 * they are normalised; tm_isdst is taken as unknown). */
double timemod_mktime(struct tm *tm);
#endif
