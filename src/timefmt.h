/* timefmt.h: formatting epoch times with Splunk's strftime conversions:
 * the C library's plus %N/%3N/%6N/%9N and %Q/%3Q/%6Q/%9Q (subseconds), %f
 * (microseconds), %s (epoch), %z/%:z/%::z/%:::z, %Ez (offset in minutes)
 * and %+. Local time (TZ). */
#ifndef SPLITE_TIMEFMT_H
#define SPLITE_TIMEFMT_H
#include "util.h"

/* Append t formatted by fmt to out. */
void timefmt_strftime(sbuf *out, const char *fmt, double t);
#endif
