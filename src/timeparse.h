/* timeparse.h: parsing the timestamps found in events: ISO 8601 / RFC 3339
 * (fractional seconds, Z or +hh:mm offsets, 'T' or ' ' separator), epoch
 * numbers, and strptime-style formats. */
#ifndef SPLITE_TIMEPARSE_H
#define SPLITE_TIMEPARSE_H
#include <stddef.h>

/* ISO 8601 date-time. A value without offset is local time (tz.h: TZ, UTC
 * when TZ is unset), as Splunk reads zone-less times. Returns 0 and sets *out
 * (epoch seconds) on success, -1 if s[0..n) is not one. */
int time_parse_iso8601(const char *s, size_t n, double *out);
/* Epoch seconds (integer or fractional; 13-digit milliseconds accepted). */
int time_parse_epoch(const char *s, size_t n, double *out);
/* strptime format (C library conversions plus %Q/%3N/%6N/%9N fractions and
 * %z); local time (tz.h) unless the format has %z/%Z. */
int time_parse_format(const char *s, size_t n, const char *fmt, double *out);
/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone). */
long time_days_from_civil(long y, unsigned m, unsigned d);
#endif
