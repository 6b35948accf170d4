/* timeparse.c: timestamps found in events: ISO 8601 / RFC 3339, epoch
 * numbers and strptime formats with Splunk's subsecond extensions. */
#include "timeparse.h"
#include "tz.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long time_days_from_civil(long y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm. */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static int tp_digits(const char *s, size_t n, size_t *i, int count, long *out)
{
    long v = 0;
    for (int k = 0; k < count; k++) {
        if (*i >= n || !isdigit((unsigned char)s[*i])) return -1;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return 0;
}

int time_parse_iso8601(const char *s, size_t n, double *out)
{
    size_t i = 0;
    long y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0;
    while (i < n && isspace((unsigned char)s[i])) i++;
    while (n > i && isspace((unsigned char)s[n - 1])) n--;
    if (tp_digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || tp_digits(s, n, &i, 2, &mo) || i >= n ||
        s[i++] != '-' || tp_digits(s, n, &i, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return -1;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (tp_digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || tp_digits(s, n, &i, 2, &mi)) return -1;
        if (i < n && s[i] == ':') {
            i++;
            if (tp_digits(s, n, &i, 2, &sec)) return -1;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                double scale = 0.1;
                if (i >= n || !isdigit((unsigned char)s[i])) return -1;
                while (i < n && isdigit((unsigned char)s[i])) {
                    frac += (s[i++] - '0') * scale;
                    scale /= 10;
                }
            }
        }
        if (h > 24 || mi > 59 || sec > 60) return -1;
    }
    long offset = 0;
    int zoned = 0;
    if (i < n) {
        zoned = 1;
        if (s[i] == 'Z' || s[i] == 'z') {
            i++;
        } else if (s[i] == '+' || s[i] == '-') {
            int sign = s[i++] == '-' ? -1 : 1;
            long oh, om = 0;
            if (tp_digits(s, n, &i, 2, &oh)) return -1;
            if (i < n && s[i] == ':') i++;
            if (i < n && tp_digits(s, n, &i, 2, &om)) return -1;
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (i != n) return -1;
    if (!zoned) { /* a wall-clock time in the local zone (tz.h) */
        struct tm tm = {0};
        tm.tm_year = (int)(y - 1900);
        tm.tm_mon = (int)mo - 1;
        tm.tm_mday = (int)d;
        tm.tm_hour = (int)h;
        tm.tm_min = (int)mi;
        tm.tm_sec = (int)sec;
        *out = tz_local_epoch(&tm) + frac;
        return 0;
    }
    double t = (double)time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600 + mi * 60 + sec;
    *out = t + frac - (double)offset;
    return 0;
}

int time_parse_epoch(const char *s, size_t n, double *out)
{
    double v;
    if (!util_is_number(s, n, &v)) return -1;
    /* 13-digit values are milliseconds, as many JSON producers write them. */
    if (v > 1e12 && v < 1e14) v /= 1000.0;
    *out = v;
    return 0;
}

int time_parse_format(const char *s, size_t n, const char *fmt, double *out)
{
    /* Expand Splunk's subsecond conversions (%N %3N %6N %9N %Q %f) ourselves:
     * split the format at them and parse the fraction by hand. */
    char *str = xstrndup(s, n);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_mday = 1;
    tm.tm_year = 70;
    const char *p = str;
    double frac = 0;
    int has_zone = 0;
    long gmtoff = 0;
    sbuf piece = {0};
    const char *f = fmt;
    int ok = 1;
    while (*f && ok) {
        if (f[0] == '%' && (f[1] == 'N' || f[1] == 'Q' || f[1] == 'f' ||
                            (isdigit((unsigned char)f[1]) && (f[2] == 'N' || f[2] == 'Q')))) {
            if (piece.len) {
                p = strptime(p, piece.s, &tm);
                sbuf_reset(&piece);
                if (!p) { ok = 0; break; }
            }
            f += isdigit((unsigned char)f[1]) ? 3 : 2;
            double scale = 0.1;
            if (!isdigit((unsigned char)*p)) { ok = 0; break; }
            while (isdigit((unsigned char)*p)) {
                frac += (*p++ - '0') * scale;
                scale /= 10;
            }
            continue;
        }
        if (f[0] == '%' && (f[1] == 'z' || f[1] == 'Z')) has_zone = 1;
        if (f[0] == '%' && f[1]) {
            sbuf_addn(&piece, f, 2);
            f += 2;
        } else {
            sbuf_addc(&piece, *f++);
        }
    }
    if (ok && piece.len) {
        p = strptime(p, piece.s, &tm);
        if (!p) ok = 0;
    }
    sbuf_free(&piece);
    if (ok) {
        double t;
        if (has_zone) {
            gmtoff = tm.tm_gmtoff;
            t = (double)time_days_from_civil(tm.tm_year + 1900L, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * 86400.0 +
                tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - (double)gmtoff;
        } else {
            t = tz_local_epoch(&tm);
        }
        *out = t + frac;
    }
    free(str);
    return ok ? 0 : -1;
}
