/* tz.c: local time under splite's one rule for zone-less times (see tz.h)
 * and choosing the zone (--tz). */
#include "tz.h"
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

double tz_local_epoch(struct tm *tm)
{
    assert(tm);
    tm->tm_isdst = -1;
    if (!getenv("TZ")) return (double)timegm(tm);
    return (double)mktime(tm);
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
