/* timefmt.c: Splunk's strftime (see timefmt.h): walks the format, handles
 * the Splunk-only conversions itself and hands the rest, one conversion at
 * a time, to the C library's strftime. */
#include "timefmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timemod.h"

/* The first `digits` digits of the fraction of t (truncated, not rounded
 * up past the second). */
static void timefmt_subsec(sbuf *out, double t, int digits)
{
    double frac = t - floor(t);
    /* An epoch double near today holds about 0.2 microseconds: digits past
     * the microsecond are noise, so round there first. */
    long long ns = fabs(t) >= 1e6 ? llround(frac * 1e6) * 1000 : llround(frac * 1e9);
    if (ns > 999999999) ns = 999999999;
    if (digits < 1) digits = 1;
    if (digits > 9) digits = 9;
    long long div = 1;
    for (int i = digits; i < 9; i++) div *= 10;
    sbuf_printf(out, "%0*lld", digits, ns / div);
}

static void timefmt_offset(sbuf *out, long off, int colons)
{
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    long h = off / 3600, m = (off / 60) % 60, s = off % 60;
    switch (colons) {
    case 0:
        sbuf_printf(out, "%c%02ld%02ld", sign, h, m);
        break;
    case 1:
        sbuf_printf(out, "%c%02ld:%02ld", sign, h, m);
        break;
    case 2:
        sbuf_printf(out, "%c%02ld:%02ld:%02ld", sign, h, m, s);
        break;
    default:
        sbuf_printf(out, "%c%02ld", sign, h);
        break;
    }
}

static void timefmt_libc(sbuf *out, const char *conv, const struct tm *tm)
{
    char buf[512];
    size_t n = strftime(buf, sizeof buf, conv, tm);
    sbuf_addn(out, buf, n);
}

void timefmt_strftime(sbuf *out, const char *fmt, double t)
{
    struct tm tm;
    timemod_localtime(t, &tm);
    sbuf_grow(out, 0);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%' || !f[1]) {
            sbuf_addc(out, *f);
            continue;
        }
        const char *c = f + 1;
        int digits = -1;
        if (isdigit((unsigned char)*c) && (c[1] == 'N' || c[1] == 'Q')) digits = *c++ - '0';
        int colons = 0;
        while (*c == ':' && colons < 3) colons++, c++;
        if (colons && *c != 'z') { /* not %:z: literal */
            sbuf_addc(out, '%');
            continue;
        }
        switch (*c) {
        case 'N':
            timefmt_subsec(out, t, digits < 0 ? 9 : digits);
            break;
        case 'Q':
            timefmt_subsec(out, t, digits < 0 ? 3 : digits);
            break;
        case 'f':
            timefmt_subsec(out, t, 6);
            break;
        case 's':
            sbuf_printf(out, "%.0f", floor(t));
            break;
        case 'z':
            timefmt_offset(out, tm.tm_gmtoff, colons);
            break;
        case '+':
            timefmt_libc(out, "%a %b %e %H:%M:%S %Z %Y", &tm);
            break;
        case 'E':
            if (c[1] == 'z') {
                long m = tm.tm_gmtoff / 60;
                sbuf_printf(out, "%c%ld", m < 0 ? '-' : '+', m < 0 ? -m : m);
                c++;
                break;
            }
            /* %Ec etc.: to the C library */
            __attribute__((fallthrough));
        default: {
            /* One conversion with its flags/width/modifier for strftime. */
            char conv[16];
            size_t k = 0;
            conv[k++] = '%';
            const char *p = f + 1;
            while (*p && strchr("_-0^#", *p) && k < 6) conv[k++] = *p++;
            while (isdigit((unsigned char)*p) && k < 10) conv[k++] = *p++;
            if ((*p == 'E' || *p == 'O') && p[1]) conv[k++] = *p++;
            if (!*p) {
                sbuf_add(out, f);
                return;
            }
            conv[k++] = *p;
            conv[k] = 0;
            timefmt_libc(out, conv, &tm);
            c = p;
            break;
        }
        }
        f = c;
    }
}
