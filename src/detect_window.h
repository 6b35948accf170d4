/* detect_window.h: a detection's search window from its earliest_time /
 * latest_time time modifiers, evaluated at the scheduled time. */
#ifndef SPLITE_DETECT_WINDOW_H
#define SPLITE_DETECT_WINDOW_H

/* Evaluate a Splunk time modifier relative to `now` (epoch seconds) with
 * timemod_parse(): "now", "0" or another epoch number, absolute times, and
 * chains of [+-][N]unit terms and @unit snaps such as -70m@m, -24h, @d,
 * -1d@d+8h, @w1, -1mon@mon. Calendar units and snapping are in local time
 * (tz.h). Returns 0 and *out, or -1 with *err (when err is not NULL)
 * 'bad time modifier "SPEC": message at position N'. */
int detect_relative_time(const char *spec, double now, double *out, char **err);

/* The window [*earliest, *latest) of a run scheduled at `scheduled`.
 * An empty or NULL earliest means all time (0); an empty or NULL latest means
 * the scheduled time. Returns 0, or -1 with *err naming the bad modifier. */
int detect_window(const char *earliest, const char *latest, double scheduled, double *earliest_out,
                  double *latest_out, char **err);
#endif
