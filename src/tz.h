/* tz.h: local time, the one rule for times that carry no zone. A time
 * written without a zone (ISO 8601 without offset, %m/%d/%Y:%H:%M:%S,
 * classic WinEventLog stamps, cron fields, snapping to @d/@w) is a wall-clock
 * time in the local zone: the TZ environment variable, and UTC when TZ is
 * unset (splite sets TZ=UTC at start-up when it is unset, never the
 * machine's /etc/localtime). tz_use() changes that zone, as `--tz` does. */
#ifndef SPLITE_TZ_H
#define SPLITE_TZ_H
#include <time.h>

/* Broken-down local time of the whole second t. Returns 0, or -1 (tm
 * zeroed) when t is out of the C library's range. */
int tz_local_tm(time_t t, struct tm *tm);
/* Epoch seconds of a local wall-clock time; fields out of range are
 * normalised and tm_isdst is taken as unknown (a time in a DST gap or
 * overlap resolves as the C library's mktime does). */
double tz_local_epoch(struct tm *tm);

/* Make spec the local zone of this process: "UTC" (or "GMT", "Z"), an
 * offset "+05:30", "-0800", "+05", or an IANA name such as
 * "America/New_York" found in the zone database ($TZDIR, else
 * /usr/share/zoneinfo). Returns 0, or -1 with *err (caller frees) saying
 * what is accepted; TZ is then unchanged. */
int tz_use(const char *spec, char **err);
#endif
