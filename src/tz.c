/* tz.c: local time under splite's one rule for zone-less times (see tz.h)
 * and choosing the zone (--tz). */
#include "tz.h"
#include "timeparse.h"
#include "util.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int tz_local_tm(time_t t, struct tm *tm)
{
    assert(tm);
    const char *tz = getenv("TZ");
    struct tm *r = tz ? localtime_r(&t, tm) : gmtime_r(&t, tm);
    if (!r) {
        memset(tm, 0, sizeof *tm);
        return -1;
    }
    return 0;
}

/* mktime is slow (it searches), and readers convert one zone-less stamp
 * per event: remember the epoch of the last local wall-clock hour, used
 * only when that hour holds no zone change (the next hour starts exactly
 * 3600 s later) and TZ is the same. */
static struct {
    char tz[128];
    long long wall_hour; /* the hour's start as wall-clock seconds (days * 86400 + ...) */
    double epoch;        /* its epoch seconds */
    int valid;
} tz_cache;

double tz_local_epoch(struct tm *tm)
{
    assert(tm);
    tm->tm_isdst = -1;
    const char *tz = getenv("TZ");
    if (!tz) return (double)timegm(tm);
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}; /* 29 Feb: mktime's check */
    if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 || tm->tm_mday > mdays[tm->tm_mon] - (tm->tm_mon == 1) ||
        tm->tm_hour < 0 ||
        tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 || tm->tm_sec > 59 ||
        strlen(tz) >= sizeof tz_cache.tz)
        return (double)mktime(tm); /* fields to normalise, or an odd TZ: no shortcut */
    long long wall_hour = time_days_from_civil(tm->tm_year + 1900L, (unsigned)tm->tm_mon + 1, (unsigned)tm->tm_mday) *
                              86400LL + tm->tm_hour * 3600LL;
    long within = tm->tm_min * 60L + tm->tm_sec;
    if (tz_cache.valid && tz_cache.wall_hour == wall_hour && !strcmp(tz_cache.tz, tz)) return tz_cache.epoch + within;
    struct tm h = *tm, next;
    h.tm_min = h.tm_sec = 0;
    h.tm_isdst = -1;
    next = h;
    next.tm_hour++;
    double e0 = (double)mktime(&h), e1 = (double)mktime(&next);
    tz_cache.valid = e1 - e0 == 3600;
    if (!tz_cache.valid) return (double)mktime(tm);
    snprintf(tz_cache.tz, sizeof tz_cache.tz, "%s", tz);
    tz_cache.wall_hour = wall_hour;
    tz_cache.epoch = e0;
    return e0 + within;
}

/* "+05:30", "-0800", "+05" -> seconds east of UTC; -1 if not an offset. */
static int tz_offset(const char *s, long *east)
{
    if (s[0] != '+' && s[0] != '-') return -1;
    int sign = s[0] == '-' ? -1 : 1;
    const char *p = s + 1;
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1])) return -1;
    long h = (p[0] - '0') * 10 + (p[1] - '0'), m = 0;
    p += 2;
    if (*p == ':') p++;
    if (*p) {
        if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2]) return -1;
        m = (p[0] - '0') * 10 + (p[1] - '0');
    } else if (p[-1] == ':') {
        return -1;
    }
    if (h > 14 || m > 59) return -1;
    *east = sign * (h * 3600 + m * 60);
    return 0;
}

/* An IANA name: letters, digits, '_', '-', '+', '/' (no "..", no leading
 * '/'), naming a TZif file in the zone database. */
static int tz_known_name(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "..")) return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-+/", *p)) return 0;
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) return 0;
    char magic[4] = {0};
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && !memcmp(magic, "TZif", 4);
}

int tz_use(const char *spec, char **err)
{
    assert(spec && err);
    *err = NULL;
    char *posix = NULL;
    long east;
    if (!strcasecmp(spec, "UTC") || !strcasecmp(spec, "GMT") || !strcasecmp(spec, "Z")) {
        posix = xstrdup("UTC0");
    } else if (tz_offset(spec, &east) == 0) {
        /* POSIX TZ counts hours west of UTC: "<+0530>-05:30" is UTC+05:30. */
        long a = east < 0 ? -east : east;
        posix = xasprintf("<%c%02ld%02ld>%c%02ld:%02ld", east < 0 ? '-' : '+', a / 3600, a / 60 % 60,
                          east < 0 ? '+' : '-', a / 3600, a / 60 % 60);
    } else if (tz_known_name(spec)) {
        posix = xstrdup(spec);
    } else {
        *err = xasprintf("unknown time zone '%s' (expected UTC, an offset such as +05:30, or an IANA name such as "
                         "America/New_York)",
                         spec);
        return -1;
    }
    setenv("TZ", posix, 1);
    free(posix);
    tzset();
    return 0;
}
