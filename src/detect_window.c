/* detect_window.c: interim evaluator of Splunk relative time modifiers
 * (-70m@m, @d, -1d@d+8h, now, 0) used to compute a scheduled detection's
 * search window; see detect_window.h. All calendar work is in UTC. */
#include "detect_window.h"
#include "util.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The general time-modifier parser (src/timemod.c) replaces the interim
 * evaluator below as soon as it is part of the tree. */
#if defined(__has_include)
#if __has_include("timemod.h")
#include "timemod.h"
#define DETECT_HAVE_TIMEMOD 1
#endif
#endif

#ifdef DETECT_HAVE_TIMEMOD
int detect_relative_time(const char *spec, double now, double *out, char **err)
{
    assert(spec && out);
    return timemod_parse(spec, now, out, err);
}
#else
/* ---- interim evaluator (UTC) ---------------------------------------------- */

typedef enum { TU_SEC, TU_MIN, TU_HOUR, TU_DAY, TU_WEEK, TU_MONTH, TU_QUARTER, TU_YEAR } tw_unit;

static const struct {
    const char *name;
    tw_unit unit;
} tw_units[] = {
    {"s", TU_SEC},       {"sec", TU_SEC},      {"secs", TU_SEC},        {"second", TU_SEC},       {"seconds", TU_SEC},
    {"m", TU_MIN},       {"min", TU_MIN},      {"mins", TU_MIN},        {"minute", TU_MIN},       {"minutes", TU_MIN},
    {"h", TU_HOUR},      {"hr", TU_HOUR},      {"hrs", TU_HOUR},        {"hour", TU_HOUR},        {"hours", TU_HOUR},
    {"d", TU_DAY},       {"day", TU_DAY},      {"days", TU_DAY},        {"w", TU_WEEK},           {"week", TU_WEEK},
    {"weeks", TU_WEEK},  {"mon", TU_MONTH},    {"month", TU_MONTH},     {"months", TU_MONTH},     {"q", TU_QUARTER},
    {"qtr", TU_QUARTER}, {"qtrs", TU_QUARTER}, {"quarter", TU_QUARTER}, {"quarters", TU_QUARTER}, {"y", TU_YEAR},
    {"yr", TU_YEAR},     {"yrs", TU_YEAR},     {"year", TU_YEAR},       {"years", TU_YEAR},
};

static int tw_fail(char **err, const char *spec, const char *at, const char *msg)
{
    if (err) *err = xasprintf("bad time modifier \"%s\": %s at position %d", spec, msg, (int)(at - spec) + 1);
    return -1;
}

/* Reads a unit name at *p; sets *unit (and *weekday for w0..w7 when allowed). */
static int tw_read_unit(const char **p, int allow_weekday, tw_unit *unit, int *weekday)
{
    size_t n = 0;
    while (isalpha((unsigned char)(*p)[n])) n++;
    *weekday = -1;
    if (allow_weekday && n == 1 && (*p)[0] == 'w' && (*p)[1] >= '0' && (*p)[1] <= '7') {
        *unit = TU_WEEK;
        *weekday = ((*p)[1] - '0') % 7;
        *p += 2;
        return 0;
    }
    for (size_t i = 0; i < sizeof tw_units / sizeof tw_units[0]; i++) {
        if (strlen(tw_units[i].name) == n && strncmp(*p, tw_units[i].name, n) == 0) {
            *unit = tw_units[i].unit;
            *p += n;
            return 0;
        }
    }
    return -1;
}

static int tw_days_in_month(int year, int mon0)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return d[mon0] + (mon0 == 1 && leap);
}

/* Calendar months added in UTC; the day is clamped to the target month's end. */
static double tw_add_months(double t, long months)
{
    time_t whole = (time_t)floor(t);
    double frac = t - (double)whole;
    struct tm tm;
    if (!gmtime_r(&whole, &tm)) return t;
    long m = (long)tm.tm_mon + months;
    long y = (long)tm.tm_year + 1900 + (m >= 0 ? m / 12 : -((11 - m) / 12));
    m = ((m % 12) + 12) % 12;
    tm.tm_year = (int)(y - 1900);
    tm.tm_mon = (int)m;
    int dim = tw_days_in_month((int)y, (int)m);
    if (tm.tm_mday > dim) tm.tm_mday = dim;
    return (double)timegm(&tm) + frac;
}

static double tw_offset(double t, long n, tw_unit u)
{
    switch (u) {
    case TU_SEC: return t + (double)n;
    case TU_MIN: return t + 60.0 * (double)n;
    case TU_HOUR: return t + 3600.0 * (double)n;
    case TU_DAY: return t + 86400.0 * (double)n;
    case TU_WEEK: return t + 604800.0 * (double)n;
    case TU_MONTH: return tw_add_months(t, n);
    case TU_QUARTER: return tw_add_months(t, 3 * n);
    case TU_YEAR: return tw_add_months(t, 12 * n);
    }
    return t;
}

static double tw_snap(double t, tw_unit u, int weekday)
{
    time_t whole = (time_t)floor(t);
    struct tm tm;
    if (!gmtime_r(&whole, &tm)) return t;
    switch (u) {
    case TU_SEC: return (double)whole;
    case TU_MIN: tm.tm_sec = 0; break;
    case TU_HOUR: tm.tm_sec = tm.tm_min = 0; break;
    case TU_DAY: tm.tm_sec = tm.tm_min = tm.tm_hour = 0; break;
    case TU_WEEK: {
        int back = (tm.tm_wday - (weekday < 0 ? 0 : weekday) + 7) % 7;
        tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
        tm.tm_mday -= back;
        break;
    }
    case TU_MONTH:
        tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
        tm.tm_mday = 1;
        break;
    case TU_QUARTER:
        tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
        tm.tm_mday = 1;
        tm.tm_mon -= tm.tm_mon % 3;
        break;
    case TU_YEAR:
        tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
        tm.tm_mday = 1;
        tm.tm_mon = 0;
        break;
    }
    return (double)timegm(&tm);
}

int detect_relative_time(const char *spec, double now, double *out, char **err)
{
    assert(spec && out);
    const char *p = spec;
    while (isspace((unsigned char)*p)) p++;
    size_t len = strlen(p);
    while (len && isspace((unsigned char)p[len - 1])) len--;
    if (len == 3 && strncmp(p, "now", 3) == 0) {
        *out = now;
        return 0;
    }
    double num;
    if (len && (isdigit((unsigned char)*p) || *p == '.') && util_is_number(p, len, &num)) {
        *out = num; /* an absolute epoch time, 0 = the beginning of time */
        return 0;
    }
    if (!len) return tw_fail(err, spec, p, "empty value");
    const char *end = p + len;
    double t = now;
    while (p < end) {
        const char *term = p;
        if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1;
            long n = 1;
            if (isdigit((unsigned char)*p)) {
                char *e;
                n = strtol(p, &e, 10);
                if (n > 100000000L) return tw_fail(err, spec, p, "amount too large");
                p = e;
            }
            tw_unit u;
            int wd;
            if (tw_read_unit(&p, 0, &u, &wd) < 0)
                return tw_fail(err, spec, p, "expected a time unit (s, m, h, d, w, mon, q, y)");
            t = tw_offset(t, sign * n, u);
        } else if (*p == '@') {
            p++;
            tw_unit u;
            int wd;
            if (tw_read_unit(&p, 1, &u, &wd) < 0) return tw_fail(err, spec, p, "expected a snap unit after '@'");
            t = tw_snap(t, u, wd);
        } else {
            return tw_fail(err, spec, term, "expected '+', '-' or '@'");
        }
    }
    *out = t;
    return 0;
}

#endif

int detect_window(const char *earliest, const char *latest, double scheduled, double *earliest_out, double *latest_out,
                  char **err)
{
    assert(earliest_out && latest_out);
    *earliest_out = 0;
    *latest_out = scheduled;
    char *e = NULL;
    if (earliest && *earliest && detect_relative_time(earliest, scheduled, earliest_out, &e) < 0) {
        if (err) *err = xasprintf("earliest_time: %s", e);
        free(e);
        return -1;
    }
    if (latest && *latest && detect_relative_time(latest, scheduled, latest_out, &e) < 0) {
        if (err) *err = xasprintf("latest_time: %s", e);
        free(e);
        return -1;
    }
    return 0;
}
