/* timemod.c: parser and evaluator for Splunk time modifiers (see
 * timemod.h): now, epoch numbers, absolute %m/%d/%Y:%H:%M:%S, and chains of
 * relative offsets and snap-to units in local time. */
#include "timemod.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeparse.h"
#include "tz.h"
#include "util.h"

typedef enum { TU_SEC, TU_MIN, TU_HOUR, TU_DAY, TU_WEEK, TU_MONTH, TU_QUARTER, TU_YEAR } timemod_unit;

static const struct {
    const char *name;
    timemod_unit unit;
} timemod_units[] = {
    {"s", TU_SEC},       {"sec", TU_SEC},       {"secs", TU_SEC},        {"second", TU_SEC},
    {"seconds", TU_SEC}, {"m", TU_MIN},         {"min", TU_MIN},         {"mins", TU_MIN},
    {"minute", TU_MIN},  {"minutes", TU_MIN},   {"h", TU_HOUR},          {"hr", TU_HOUR},
    {"hrs", TU_HOUR},    {"hour", TU_HOUR},     {"hours", TU_HOUR},      {"d", TU_DAY},
    {"day", TU_DAY},     {"days", TU_DAY},      {"w", TU_WEEK},          {"week", TU_WEEK},
    {"weeks", TU_WEEK},  {"mon", TU_MONTH},     {"month", TU_MONTH},     {"months", TU_MONTH},
    {"q", TU_QUARTER},   {"qtr", TU_QUARTER},   {"qtrs", TU_QUARTER},    {"quarter", TU_QUARTER},
    {"quarters", TU_QUARTER}, {"y", TU_YEAR},   {"yr", TU_YEAR},         {"yrs", TU_YEAR},
    {"year", TU_YEAR},   {"years", TU_YEAR},
};

static int timemod_lookup(const char *s, size_t n, timemod_unit *u)
{
    for (size_t i = 0; i < sizeof timemod_units / sizeof timemod_units[0]; i++)
        if (strlen(timemod_units[i].name) == n && strncasecmp(timemod_units[i].name, s, n) == 0) {
            *u = timemod_units[i].unit;
            return 1;
        }
    return 0;
}

void timemod_localtime(double t, struct tm *tm)
{
    if (!(fabs(t) < TIMEMOD_MAX)) { /* out of range or NaN: a zeroed tm, never UB */
        memset(tm, 0, sizeof *tm);
        return;
    }
    tz_local_tm((time_t)floor(t), tm);
}

double timemod_mktime(struct tm *tm)
{
    return tz_local_epoch(tm);
}

/* Set *err to "bad time modifier "<spec>": <what> at position N[ (<hint>)]". */
static int timemod_fail_hint(char **err, const char *spec, size_t pos, const char *what, const char *hint)
{
    *err = xasprintf("bad time modifier \"%s\": %s at position %zu%s%s%s", spec, what, pos + 1, hint ? " (" : "",
                     hint ? hint : "", hint ? ")" : "");
    return -1;
}

static int timemod_fail(char **err, const char *spec, size_t pos, const char *what)
{
    return timemod_fail_hint(err, spec, pos, what, NULL);
}

static int timemod_days_in_month(int year, int mon)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mon == 1 ? 28 + leap : dm[mon];
}

/* Add n units to t. Seconds/minutes/hours are exact; days and longer
 * move the local calendar date, keeping the wall-clock time (a month step
 * from the 31st lands on the last day of a shorter month). */
static double timemod_add(double t, long n, timemod_unit u)
{
    switch (u) {
    case TU_SEC:
        return t + n;
    case TU_MIN:
        return t + 60.0 * n;
    case TU_HOUR:
        return t + 3600.0 * n;
    default:
        break;
    }
    double frac = t - floor(t);
    struct tm tm;
    timemod_localtime(t, &tm);
    if (u == TU_DAY || u == TU_WEEK) {
        tm.tm_mday += (int)(u == TU_WEEK ? 7 * n : n);
    } else {
        long months = u == TU_MONTH ? n : u == TU_QUARTER ? 3 * n : 12 * n;
        long total = tm.tm_year * 12L + tm.tm_mon + months;
        tm.tm_year = (int)(total >= 0 ? total / 12 : (total - 11) / 12);
        tm.tm_mon = (int)(total - tm.tm_year * 12L);
        int dim = timemod_days_in_month(tm.tm_year + 1900, tm.tm_mon);
        if (tm.tm_mday > dim) tm.tm_mday = dim;
    }
    return timemod_mktime(&tm) + frac;
}

/* Snap t down to the start of the unit (weekday: 0..7 for @w0..@w7, -1
 * for a plain @w = Sunday). */
static double timemod_snap(double t, timemod_unit u, int weekday)
{
    if (u == TU_SEC) return floor(t);
    struct tm tm;
    timemod_localtime(t, &tm);
    tm.tm_sec = 0;
    if (u == TU_MIN) return timemod_mktime(&tm);
    tm.tm_min = 0;
    if (u == TU_HOUR) return timemod_mktime(&tm);
    tm.tm_hour = 0;
    switch (u) {
    case TU_WEEK: {
        int wd = weekday < 0 ? 0 : weekday % 7;
        tm.tm_mday -= (tm.tm_wday - wd + 7) % 7;
        break;
    }
    case TU_MONTH:
        tm.tm_mday = 1;
        break;
    case TU_QUARTER:
        tm.tm_mday = 1;
        tm.tm_mon -= tm.tm_mon % 3;
        break;
    case TU_YEAR:
        tm.tm_mday = 1;
        tm.tm_mon = 0;
        break;
    default:
        break;
    }
    return timemod_mktime(&tm);
}

/* "%m/%d/%Y:%H:%M:%S" (time part optional) in local time. Returns 1 if s
 * is one (sets *out), 0 if it does not look like one, -1 if it looks like
 * one but a field is out of range. */
static int timemod_absolute(const char *s, double *out)
{
    int mo, d, y, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(s, "%2d/%2d/%4d%n", &mo, &d, &y, &n) != 3 || n == 0) return 0;
    if (s[n] == ':') {
        int m2 = 0;
        if (sscanf(s + n, ":%2d:%2d:%2d%n", &h, &mi, &sec, &m2) != 3 || m2 == 0) return -1;
        n += m2;
    }
    if (s[n]) return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > timemod_days_in_month(y, mo - 1) || h > 23 || mi > 59 || sec > 60 ||
        h < 0 || mi < 0 || sec < 0)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timemod_mktime(&tm);
    return 1;
}

int timemod_parse(const char *spec, double now, double *out, char **err)
{
    assert(spec && out && err);
    *err = NULL;
    size_t len = strlen(spec), a = 0;
    while (a < len && isspace((unsigned char)spec[a])) a++;
    while (len > a && isspace((unsigned char)spec[len - 1])) len--;
    if (a == len) return timemod_fail(err, spec, a, "empty time modifier");
    if (!(fabs(now) < TIMEMOD_MAX)) return timemod_fail(err, spec, a, "base time out of range");
    char *s = xstrndup(spec + a, len - a);
    int rc = 0;
    double t = now;
    if (strcasecmp(s, "now") == 0) goto done;
    double num;
    if ((isdigit((unsigned char)s[0]) || s[0] == '.') && util_is_number(s, strlen(s), &num)) {
        t = num;
        goto done;
    }
    /* Not Splunk syntax, but handy on the command line: ISO 8601
     * (2024-03-05T14:07:09Z; local time when it has no offset, like
     * %m/%d/%Y:%H:%M:%S). */
    if (isdigit((unsigned char)s[0]) && strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
        if (time_parse_iso8601(s, strlen(s), &t) == 0) goto done;
        rc = timemod_fail_hint(err, spec, a, "invalid ISO 8601 time", "expected e.g. 2024-03-05T14:07:09Z");
        goto done;
    }
    if (strchr(s, '/')) {
        int r = timemod_absolute(s, &t);
        if (r == 1) goto done;
        rc = timemod_fail_hint(err, spec, a, r < 0 ? "invalid date or time" : "not a time",
                               "expected %m/%d/%Y:%H:%M:%S");
        goto done;
    }
    size_t i = 0, n = strlen(s);
    if (n >= 2 && strncasecmp(s, "rt", 2) == 0) i = 2; /* real-time window: read as a plain relative time */
    if (i == n) goto done;
    while (i < n) {
        size_t start = i;
        if (s[i] == '@') {
            i++;
            size_t u0 = i;
            while (i < n && isalpha((unsigned char)s[i])) i++;
            if (i == u0) {
                rc = timemod_fail(err, spec, a + u0, "missing snap-to unit after '@'");
                goto done;
            }
            timemod_unit u;
            int weekday = -1;
            if (!timemod_lookup(s + u0, i - u0, &u)) {
                char *m = xasprintf("unknown snap-to unit \"%.*s\"", (int)(i - u0), s + u0);
                rc = timemod_fail(err, spec, a + u0, m);
                free(m);
                goto done;
            }
            if (i < n && isdigit((unsigned char)s[i])) {
                if (u != TU_WEEK || s[i] > '7' || (i + 1 < n && isdigit((unsigned char)s[i + 1]))) {
                    rc = timemod_fail(err, spec, a + i, "a snap-to day must be @w0 to @w7");
                    goto done;
                }
                weekday = s[i++] - '0';
            }
            t = timemod_snap(t, u, weekday);
            continue;
        }
        int sign = 1;
        if (s[i] == '+' || s[i] == '-') sign = s[i++] == '-' ? -1 : 1;
        else if (!isdigit((unsigned char)s[i])) {
            char *m = xasprintf("unexpected character '%c'", s[i]);
            rc = timemod_fail_hint(err, spec, a + i, m, "expected +, -, @ or a number");
            free(m);
            goto done;
        }
        long count = 1;
        if (i < n && isdigit((unsigned char)s[i])) {
            count = 0;
            while (i < n && isdigit((unsigned char)s[i])) {
                count = count * 10 + (s[i++] - '0');
                if (count > 100000000L) {
                    rc = timemod_fail(err, spec, a + start, "offset too large");
                    goto done;
                }
            }
        }
        size_t u0 = i;
        while (i < n && isalpha((unsigned char)s[i])) i++;
        if (i == u0) {
            rc = timemod_fail_hint(err, spec, a + u0, "missing time unit", "s, m, h, d, w, mon, q or y");
            goto done;
        }
        timemod_unit u;
        if (!timemod_lookup(s + u0, i - u0, &u)) {
            char *m = xasprintf("unknown time unit \"%.*s\"", (int)(i - u0), s + u0);
            rc = timemod_fail_hint(err, spec, a + u0, m, "expected s, m, h, d, w, mon, q or y");
            free(m);
            goto done;
        }
        t = timemod_add(t, sign * count, u);
    }
done:
    free(s);
    if (rc == 0 && !(fabs(t) < TIMEMOD_MAX)) rc = timemod_fail(err, spec, a, "time out of range");
    if (rc == 0) *out = t;
    return rc;
}
