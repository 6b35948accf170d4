/* cron.c: parsing and evaluating five-field cron expressions in local time, with
 * Vixie cron's rules (names, steps, 7 = Sunday, the day-of-month /
 * day-of-week OR rule). Used by the detection scheduler. */
#include "cron.h"
#include "tz.h"
#include "util.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct cron_field_spec {
    const char *what;
    int lo, hi;
    const char *const *names; /* names[i] is value lo_name + i */
    int names_base;
} cron_field_spec;

static const char *const cron_month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul",
                                               "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const cron_day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const cron_field_spec cron_fields[5] = {
    {"minute", 0, 59, NULL, 0},
    {"hour", 0, 23, NULL, 0},
    {"day of month", 1, 31, NULL, 0},
    {"month", 1, 12, cron_month_names, 1},
    {"day of week", 0, 7, cron_day_names, 0},
};

typedef struct cron_parser {
    const char *text; /* whole expression, for column numbers */
    const char *p;
    char *err;
} cron_parser;

static int cron_fail(cron_parser *ps, const char *at, const char *msg)
{
    if (!ps->err) ps->err = xasprintf("column %d: %s", (int)(at - ps->text) + 1, msg);
    return -1;
}

/* One value: a decimal number or a three-letter name. */
static int cron_value(cron_parser *ps, const cron_field_spec *f, int *out)
{
    const char *start = ps->p;
    if (isdigit((unsigned char)*ps->p)) {
        long v = 0;
        while (isdigit((unsigned char)*ps->p)) {
            v = v * 10 + (*ps->p - '0');
            if (v > 1000) v = 1000;
            ps->p++;
        }
        if (v < f->lo || v > f->hi) {
            char *m = xasprintf("%s %ld out of range %d-%d", f->what, v, f->lo, f->hi);
            cron_fail(ps, start, m);
            free(m);
            return -1;
        }
        *out = (int)v;
        return 0;
    }
    if (f->names && isalpha((unsigned char)*ps->p)) {
        size_t n = 0;
        while (isalpha((unsigned char)ps->p[n])) n++;
        for (int i = 0; f->names[i]; i++) {
            if (n == 3 && strncasecmp(ps->p, f->names[i], 3) == 0) {
                ps->p += 3;
                *out = f->names_base + i;
                return 0;
            }
        }
        char *m = xasprintf("unknown %s name '%.*s'", f->what, (int)n, ps->p);
        cron_fail(ps, start, m);
        free(m);
        return -1;
    }
    char *m = xasprintf("expected a %s value", f->what);
    cron_fail(ps, start, m);
    free(m);
    return -1;
}

/* One field: comma-separated items; sets bits in *bits and *star. */
static int cron_field(cron_parser *ps, const cron_field_spec *f, uint64_t *bits, int *star)
{
    *bits = 0;
    *star = (*ps->p == '*');
    for (;;) {
        const char *item = ps->p;
        int lo, hi, step = 1;
        if (*ps->p == '*') {
            ps->p++;
            lo = f->lo;
            hi = f->hi;
        } else {
            if (cron_value(ps, f, &lo) < 0) return -1;
            hi = lo;
            if (*ps->p == '-') {
                ps->p++;
                if (cron_value(ps, f, &hi) < 0) return -1;
                if (hi < lo) return cron_fail(ps, item, "range start is after its end");
            }
        }
        if (*ps->p == '/') {
            const char *sp = ++ps->p;
            if (!isdigit((unsigned char)*ps->p)) return cron_fail(ps, sp, "expected a step number after '/'");
            long v = 0;
            while (isdigit((unsigned char)*ps->p)) {
                v = v * 10 + (*ps->p - '0');
                if (v > 1000) v = 1000;
                ps->p++;
            }
            if (v < 1 || v > f->hi) return cron_fail(ps, sp, "step out of range");
            step = (int)v;
            /* "a/n" means a through the field's maximum, every n. */
            if (item[0] != '*' && hi == lo && memchr(item, '-', (size_t)(ps->p - item)) == NULL) hi = f->hi;
        }
        for (int v = lo; v <= hi; v += step) *bits |= (uint64_t)1 << v;
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == 0 || isspace((unsigned char)*ps->p)) return 0;
        return cron_fail(ps, ps->p, "unexpected character");
    }
}

static const struct {
    const char *name, *expansion;
} cron_macros[] = {
    {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
};

int cron_parse(const char *text, cron_expr *out, char **err)
{
    assert(text && out);
    memset(out, 0, sizeof *out);
    const char *s = text;
    while (isspace((unsigned char)*s)) s++;
    if (*s == '@') {
        size_t n = strcspn(s, " \t\r\n");
        const char *rest = s + n;
        while (isspace((unsigned char)*rest)) rest++;
        for (size_t i = 0; i < sizeof cron_macros / sizeof cron_macros[0]; i++) {
            if (strlen(cron_macros[i].name) == n && strncasecmp(s, cron_macros[i].name, n) == 0 && !*rest)
                return cron_parse(cron_macros[i].expansion, out, err);
        }
        if (err) *err = xasprintf("column %d: unknown schedule '%.*s'", (int)(s - text) + 1, (int)n, s);
        return -1;
    }
    cron_parser ps = {text, text, NULL};
    uint64_t bits[5];
    int star[5];
    for (int i = 0; i < 5; i++) {
        while (isspace((unsigned char)*ps.p)) ps.p++;
        if (!*ps.p) {
            char *m = xasprintf("missing %s field (a cron schedule has 5 fields)", cron_fields[i].what);
            cron_fail(&ps, ps.p, m);
            free(m);
            break;
        }
        if (cron_field(&ps, &cron_fields[i], &bits[i], &star[i]) < 0) break;
    }
    if (!ps.err) {
        while (isspace((unsigned char)*ps.p)) ps.p++;
        if (*ps.p) cron_fail(&ps, ps.p, "too many fields (a cron schedule has 5 fields)");
    }
    if (ps.err) {
        if (err)
            *err = ps.err;
        else
            free(ps.err);
        return -1;
    }
    out->minute = bits[0];
    out->hour = (uint32_t)bits[1];
    out->mday = (uint32_t)bits[2];
    out->month = (uint16_t)bits[3];
    uint64_t w = bits[4];
    if (w & ((uint64_t)1 << 7)) w |= 1; /* 7 is Sunday too */
    out->wday = (uint8_t)(w & 0x7f);
    out->dom_star = star[2] ? 1 : 0;
    out->dow_star = star[4] ? 1 : 0;
    return 0;
}

static int cron_day_ok(const cron_expr *c, const struct tm *tm)
{
    int dom = (c->mday >> tm->tm_mday) & 1;
    int dow = (c->wday >> tm->tm_wday) & 1;
    if (c->dom_star || c->dow_star) return dom && dow;
    return dom || dow;
}

int cron_matches(const cron_expr *c, double t)
{
    time_t tt = (time_t)floor(t);
    struct tm tm;
    if (tz_local_tm(tt, &tm)) return 0;
    return ((c->month >> (tm.tm_mon + 1)) & 1) && cron_day_ok(c, &tm) && ((c->hour >> tm.tm_hour) & 1) &&
           ((c->minute >> tm.tm_min) & 1);
}

/* The local midnight in tm (a later day than t), or an hour on when that
 * midnight falls in a DST gap that the C library resolves backwards. */
static time_t cron_forward(time_t t, struct tm *tm)
{
    time_t next = (time_t)tz_local_epoch(tm);
    return next > t ? next : t + 3600;
}

int cron_next(const cron_expr *c, double after, double *out)
{
    assert(c && out);
    if (!c->minute || !c->hour || !c->mday || !c->month || !c->wday) return -1;
    if (!(after > -1e11 && after < 1e11)) return -1; /* also NaN; keeps mktime in range */
    time_t t = (time_t)floor(after / 60.0) * 60 + 60;
    time_t limit = t + (time_t)8 * 366 * 86400;
    struct tm tm;
    while (t <= limit) {
        if (tz_local_tm(t, &tm)) return -1;
        if (!((c->month >> (tm.tm_mon + 1)) & 1)) {
            tm.tm_mon += 1;
            tm.tm_mday = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            t = cron_forward(t, &tm);
            continue;
        }
        if (!cron_day_ok(c, &tm)) {
            tm.tm_mday += 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            t = cron_forward(t, &tm);
            continue;
        }
        if (!((c->hour >> tm.tm_hour) & 1)) {
            t += (time_t)(60 - tm.tm_min) * 60 - tm.tm_sec;
            continue;
        }
        int m = tm.tm_min;
        while (m < 60 && !((c->minute >> m) & 1)) m++;
        if (m == 60) {
            t += (time_t)(60 - tm.tm_min) * 60 - tm.tm_sec;
            continue;
        }
        *out = (double)(t + (time_t)(m - tm.tm_min) * 60 - tm.tm_sec);
        return 0;
    }
    return -1;
}

size_t cron_due(const cron_expr *c, double a, double b, double *out, size_t max, int *more)
{
    assert(c);
    assert(out || max == 0);
    size_t n = 0;
    if (more) *more = 0;
    double t = a, next;
    while (cron_next(c, t, &next) == 0 && next <= b) {
        if (n == max) {
            if (more) *more = 1;
            break;
        }
        out[n++] = next;
        t = next;
    }
    return n;
}
