/* sqlfn_string.c: text and type SQL functions with Splunk semantics:
 * spl_len, spl_lower, spl_upper, spl_trim/ltrim/rtrim, spl_substr,
 * spl_urldecode, spl_printf, spl_tostring, spl_tonumber, spl_typeof,
 * spl_isnum, spl_isint, spl_isstr, spl_like, spl_wildmatch,
 * spl_json_extract and spl_spath. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mv.h"
#include "sqlfn_internal.h"
#include "sqlfn_xmlpath.h"
#include "util.h"

/* Number of UTF-8 characters in s[0..n) (continuation bytes not counted). */
static size_t str_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

/* Byte offset of character index ci (clamped to n). */
static size_t str_char_offset(const char *s, size_t n, size_t ci)
{
    size_t i = 0;
    while (i < n && ci) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        ci--;
    }
    return i;
}

/* Result for a value-by-value map: a multivalue input gives a multivalue
 * (BLOB even with one value), a single value a single value. */
static void str_map_result(sqlite3_context *ctx, sqlite3_value *in, mv_list *r)
{
    if (mv_is_mv(in))
        mv_result_blob(ctx, r);
    else
        mv_result(ctx, r);
}

/* spl_len(x): length in characters of the first value; NULL for NULL. */
static void fn_len(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    size_t n;
    char *s = mv_first(argv[0], &n);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)str_chars(s, n));
    free(s);
}

static void str_case(sqlite3_context *ctx, sqlite3_value **argv, int upper)
{
    mv_list l = {0};
    if (!mv_list_from_value(&l, argv[0])) {
        sqlite3_result_null(ctx);
        mv_list_free(&l);
        return;
    }
    for (size_t i = 0; i < l.n; i++)
        for (size_t j = 0; j < l.len[i]; j++) {
            unsigned char c = (unsigned char)l.v[i][j];
            if (c < 0x80) l.v[i][j] = (char)(upper ? toupper(c) : tolower(c));
        }
    str_map_result(ctx, argv[0], &l);
    mv_list_free(&l);
}

/* spl_lower(x) / spl_upper(x): ASCII case mapping of every value. */
static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    str_case(ctx, argv, 0);
}

static void fn_upper(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    str_case(ctx, argv, 1);
}

static void str_trim(sqlite3_context *ctx, int argc, sqlite3_value **argv, int left, int right)
{
    mv_list l = {0}, r = {0};
    if (!mv_list_from_value(&l, argv[0])) {
        sqlite3_result_null(ctx);
        mv_list_free(&l);
        return;
    }
    size_t cn = 2;
    char *chars = argc > 1 ? mv_first(argv[1], &cn) : xstrdup(" \t");
    if (!chars) chars = xstrdup(""), cn = 0;
    for (size_t i = 0; i < l.n; i++) {
        size_t a = 0, b = l.len[i];
        const char *s = l.v[i];
        if (left)
            while (a < b && memchr(chars, s[a], cn)) a++;
        if (right)
            while (b > a && memchr(chars, s[b - 1], cn)) b--;
        mv_list_add(&r, s + a, b - a);
    }
    str_map_result(ctx, argv[0], &r);
    free(chars);
    mv_list_free(&l);
    mv_list_free(&r);
}

/* spl_trim/ltrim/rtrim(x[, chars]): strip chars (default space and tab)
 * from both ends / the left / the right of every value. */
static void fn_trim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    str_trim(ctx, argc, argv, 1, 1);
}

static void fn_ltrim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    str_trim(ctx, argc, argv, 1, 0);
}

static void fn_rtrim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    str_trim(ctx, argc, argv, 0, 1);
}

/* spl_substr(x, start[, length]): characters from start (1-based;
 * negative counts from the end) for length characters (default: to the
 * end). */
static void fn_substr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    long long st, ln = -1;
    size_t n;
    if (!sqlfn_arg_int(argv[1], &st) || (argc > 2 && !sqlfn_arg_int(argv[2], &ln))) {
        sqlite3_result_null(ctx);
        return;
    }
    char *s = mv_first(argv[0], &n);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    long long chars = (long long)str_chars(s, n);
    if (st < 0) st = chars + st + 1;
    if (st < 1) st = 1;
    size_t a = str_char_offset(s, n, (size_t)(st - 1));
    size_t b = (argc > 2 && ln >= 0) ? a + str_char_offset(s + a, n - a, (size_t)ln) : n;
    sqlite3_result_text64(ctx, s + a, b - a, SQLITE_TRANSIENT, SQLITE_UTF8);
    free(s);
}

static int str_hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* spl_urldecode(x): %XX sequences decoded and '+' read as a space, in
 * every value; malformed % sequences are kept as they are. */
static void fn_urldecode(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    mv_list l = {0}, r = {0};
    if (!mv_list_from_value(&l, argv[0])) {
        sqlite3_result_null(ctx);
        mv_list_free(&l);
        return;
    }
    for (size_t i = 0; i < l.n; i++) {
        sbuf b = {0};
        const char *s = l.v[i];
        for (size_t j = 0; j < l.len[i]; j++) {
            int h, lo;
            if (s[j] == '%' && j + 2 < l.len[i] && (h = str_hexval(s[j + 1])) >= 0 &&
                (lo = str_hexval(s[j + 2])) >= 0) {
                sbuf_addc(&b, (char)(h * 16 + lo));
                j += 2;
            } else {
                sbuf_addc(&b, s[j] == '+' ? ' ' : s[j]);
            }
        }
        mv_list_add(&r, b.s ? b.s : "", b.len);
        sbuf_free(&b);
    }
    str_map_result(ctx, argv[0], &r);
    mv_list_free(&l);
    mv_list_free(&r);
}

/* Insert thousands separators into the integer digits of a formatted
 * number. */
static void str_group_thousands(sbuf *out, const char *num)
{
    const char *p = num;
    while (*p && !isdigit((unsigned char)*p)) sbuf_addc(out, *p++);
    const char *d = p;
    while (isdigit((unsigned char)*p)) p++;
    size_t nd = (size_t)(p - d);
    for (size_t i = 0; i < nd; i++) {
        if (i && (nd - i) % 3 == 0) sbuf_addc(out, ',');
        sbuf_addc(out, d[i]);
    }
    sbuf_add(out, p);
}

/* spl_printf(fmt, args...): C-style formatting as Splunk's printf: %d %i
 * %u %o %x %X %c %e %E %f %F %g %G %a %A %s %%, flags - + space # 0 and '
 * (thousands separators), width and precision (also *). A missing argument
 * formats as empty/0. */
static void fn_printf(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t fn;
    char *fmt = mv_first(argv[0], &fn);
    int ai = 1;
    sbuf out = {0};
    for (size_t i = 0; i < fn; i++) {
        if (fmt[i] != '%') {
            sbuf_addc(&out, fmt[i]);
            continue;
        }
        if (i + 1 < fn && fmt[i + 1] == '%') {
            sbuf_addc(&out, '%');
            i++;
            continue;
        }
        char spec[64];
        size_t k = 0;
        int group = 0;
        spec[k++] = '%';
        size_t j = i + 1;
        while (j < fn && strchr("-+ #0'", fmt[j])) {
            if (fmt[j] == '\'') group = 1;
            else if (k < 8) spec[k++] = fmt[j];
            j++;
        }
        long width = -1, prec = -1;
        if (j < fn && fmt[j] == '*') {
            long long w = 0;
            if (ai < argc) sqlfn_arg_int(argv[ai++], &w);
            width = w < 0 ? -1 : w > 100000 ? 100000 : (long)w;
            j++;
        } else {
            while (j < fn && isdigit((unsigned char)fmt[j])) {
                width = (width < 0 ? 0 : width) * 10 + (fmt[j++] - '0');
                if (width > 100000) width = 100000;
            }
        }
        if (j < fn && fmt[j] == '.') {
            j++;
            prec = 0;
            if (j < fn && fmt[j] == '*') {
                long long p = 0;
                if (ai < argc) sqlfn_arg_int(argv[ai++], &p);
                prec = p < 0 ? -1 : p > 100000 ? 100000 : (long)p;
                j++;
            } else {
                while (j < fn && isdigit((unsigned char)fmt[j])) {
                    prec = prec * 10 + (fmt[j++] - '0');
                    if (prec > 100000) prec = 100000;
                }
            }
        }
        while (j < fn && strchr("hlLqjzt", fmt[j])) j++; /* length modifiers: ignored */
        if (j >= fn) {                                  /* dangling %: literal */
            sbuf_addn(&out, fmt + i, fn - i);
            break;
        }
        char conv = fmt[j];
        if (width > 1000) width = 1000;
        if (prec > 100) prec = 100;
        if (width >= 0) k += (size_t)snprintf(spec + k, sizeof spec - k, "%ld", width);
        if (prec >= 0) k += (size_t)snprintf(spec + k, sizeof spec - k, ".%ld", prec);
        sqlite3_value *arg = ai < argc ? argv[ai] : NULL;
        char buf[1200];
        buf[0] = 0;
        double d = 0;
        switch (conv) {
        case 'd':
        case 'i':
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            if (arg) sqlfn_arg_number(arg, &d), ai++;
            long long v = isnan(d) || fabs(d) > 9.2e18 ? 0 : (long long)trunc(d);
            snprintf(spec + k, sizeof spec - k, "ll%c", conv == 'i' ? 'd' : conv);
            snprintf(buf, sizeof buf, spec, v);
            break;
        }
        case 'c': {
            char *s = arg ? mv_first(arg, NULL) : NULL;
            if (arg) ai++;
            spec[k++] = 's';
            spec[k] = 0;
            char one[8] = {0};
            if (s && *s) {
                size_t k = str_char_offset(s, strlen(s), 1);
                memcpy(one, s, k < 4 ? k : 4); /* one character, at most 4 bytes */
            }
            snprintf(buf, sizeof buf, spec, one);
            free(s);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (arg) sqlfn_arg_number(arg, &d), ai++;
            spec[k++] = conv;
            spec[k] = 0;
            snprintf(buf, sizeof buf, spec, d);
            break;
        case 's': {
            size_t sn = 0;
            char *s = arg ? mv_first(arg, &sn) : NULL;
            if (arg) ai++;
            spec[k++] = 's';
            spec[k] = 0;
            if (width < 0 && prec < 0) {
                if (s) sbuf_addn(&out, s, sn);
            } else {
                char *t = xasprintf(spec, s ? s : "");
                sbuf_add(&out, t);
                free(t);
            }
            free(s);
            i = j;
            continue;
        }
        default: /* unknown conversion: copy it literally */
            sbuf_addn(&out, fmt + i, j - i + 1);
            i = j;
            continue;
        }
        if (group && strchr("diufFgG", conv))
            str_group_thousands(&out, buf);
        else
            sbuf_add(&out, buf);
        i = j;
    }
    if (!out.s) sbuf_add(&out, "");
    sqlite3_result_text64(ctx, out.s, out.len, free, SQLITE_UTF8);
    free(fmt);
}

/* Format a number with thousands separators, rounded to 2 decimals when it
 * has a fraction (tostring(x, "commas")). */
static void str_commas(sbuf *out, double d)
{
    char buf[400];
    double r = round(d * 100) / 100;
    if (r == floor(r))
        snprintf(buf, sizeof buf, "%.0f", r);
    else
        snprintf(buf, sizeof buf, "%.2f", r);
    str_group_thousands(out, buf);
}

/* "[D+]HH:MM:SS[.ffffff]" for a number of seconds. */
static void str_duration(sbuf *out, double d)
{
    int neg = d < 0;
    if (neg) d = -d;
    double whole = floor(d);
    double frac = d - whole;
    long long s = (long long)whole;
    long long days = s / 86400;
    s %= 86400;
    if (neg) sbuf_addc(out, '-');
    if (days) sbuf_printf(out, "%lld+", days);
    sbuf_printf(out, "%02lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    if (frac > 0) {
        long us = lround(frac * 1e6);
        if (us >= 1000000) us = 999999;
        sbuf_printf(out, ".%06ld", us);
    }
}

/* spl_tostring(x[, format]): a number as text (format "hex": 0x..., "commas":
 * thousands separators and 2 decimals, "duration": [D+]HH:MM:SS); text
 * unchanged; every value of a multivalue. */
static void fn_tostring(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    char *fmt = argc > 1 ? mv_first(argv[1], NULL) : NULL;
    if (fmt && strcmp(fmt, "hex") && strcmp(fmt, "commas") && strcmp(fmt, "duration")) {
        char *e = xasprintf("tostring: unknown format \"%s\" (expected hex, commas or duration)", fmt);
        sqlite3_result_error(ctx, e, -1);
        free(e);
        free(fmt);
        return;
    }
    mv_list l = {0}, r = {0};
    mv_list_from_value(&l, argv[0]);
    for (size_t i = 0; i < l.n; i++) {
        double d = 0;
        int isnum = 1;
        if (t == SQLITE_INTEGER)
            d = (double)sqlite3_value_int64(argv[0]);
        else if (t == SQLITE_FLOAT)
            d = sqlite3_value_double(argv[0]);
        else
            isnum = util_is_number(l.v[i], l.len[i], &d); /* numeric text, e.g. a field value */
        if (!fmt || !isnum || isnan(d) || fabs(d) > 9e18) {
            mv_list_add(&r, l.v[i], l.len[i]);
            continue;
        }
        sbuf b = {0};
        if (strcmp(fmt, "hex") == 0) {
            long long v = t == SQLITE_INTEGER ? sqlite3_value_int64(argv[0]) : (long long)trunc(d);
            if (v < 0)
                sbuf_printf(&b, "-0x%llX", (unsigned long long)(-v));
            else
                sbuf_printf(&b, "0x%llX", (unsigned long long)v);
        } else if (strcmp(fmt, "commas") == 0) {
            str_commas(&b, d);
        } else {
            str_duration(&b, d);
        }
        mv_list_add(&r, b.s, b.len);
        sbuf_free(&b);
    }
    str_map_result(ctx, argv[0], &r);
    free(fmt);
    mv_list_free(&l);
    mv_list_free(&r);
}

/* Set an integer result when d is integral and fits, else a REAL. */
static void str_result_number(sqlite3_context *ctx, double d)
{
    if (d == floor(d) && fabs(d) < 9.007199254740992e15)
        sqlite3_result_int64(ctx, (sqlite3_int64)d);
    else
        sqlite3_result_double(ctx, d);
}

/* spl_tonumber(x[, base]): the number in x, or NULL. base 10 (default)
 * reads decimals with fraction and exponent; other bases (2..36) read
 * integers, and base 16 accepts a 0x prefix. */
static void fn_tonumber(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    long long base = 10;
    if (argc > 1 && (!sqlfn_arg_int(argv[1], &base) || base < 2 || base > 36)) {
        sqlite3_result_error(ctx, "tonumber: base must be an integer from 2 to 36", -1);
        return;
    }
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if ((t == SQLITE_INTEGER || t == SQLITE_FLOAT) && base == 10) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    size_t n;
    char *s = mv_first(argv[0], &n);
    double d;
    if (base == 10) {
        if (s && util_is_number(s, n, &d))
            str_result_number(ctx, d);
        else
            sqlite3_result_null(ctx);
        free(s);
        return;
    }
    char *p = s;
    while (p && (*p == ' ' || *p == '\t')) p++;
    int neg = 0;
    if (p && (*p == '-' || *p == '+')) neg = *p++ == '-';
    if (p && base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
    char *end = p;
    errno = 0;
    unsigned long long v = p && isalnum((unsigned char)*p) ? strtoull(p, &end, (int)base) : 0;
    while (end && (*end == ' ' || *end == '\t')) end++;
    if (!p || end == p || *end || errno || (size_t)(end - s) != n)
        sqlite3_result_null(ctx);
    else if (v <= (unsigned long long)INT64_MAX)
        sqlite3_result_int64(ctx, neg ? -(sqlite3_int64)v : (sqlite3_int64)v);
    else
        sqlite3_result_double(ctx, neg ? -(double)v : (double)v);
    free(s);
}

/* spl_typeof(x): "Number" (INTEGER/REAL), "String" (TEXT), "Multivalue"
 * (BLOB), "Invalid" (NULL). */
static void fn_typeof(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    static const char *names[] = {[SQLITE_INTEGER] = "Number", [SQLITE_FLOAT] = "Number", [SQLITE_TEXT] = "String",
                                  [SQLITE_BLOB] = "Multivalue", [SQLITE_NULL] = "Invalid"};
    int t = sqlite3_value_type(argv[0]);
    assert(t >= 1 && t <= 5);
    sqlite3_result_text(ctx, names[t], -1, SQLITE_STATIC);
}

/* spl_isnum(x): 1 for a number or text that reads as one. */
static void fn_isnum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double d;
    int t = sqlite3_value_type(argv[0]);
    sqlite3_result_int(ctx, (t == SQLITE_INTEGER || t == SQLITE_FLOAT || t == SQLITE_TEXT) && sqlfn_arg_number(argv[0], &d));
}

/* spl_isint(x): 1 for an integer, an integral REAL, or text of an integer
 * (optional sign, digits). */
static void fn_isint(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]), r = 0;
    if (t == SQLITE_INTEGER) {
        r = 1;
    } else if (t == SQLITE_FLOAT) {
        double d = sqlite3_value_double(argv[0]);
        r = d == floor(d);
    } else if (t == SQLITE_TEXT) {
        const char *s = (const char *)sqlite3_value_text(argv[0]);
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '-' || *s == '+') s++;
        const char *d = s;
        while (isdigit((unsigned char)*s)) s++;
        int digits = s > d;
        while (*s == ' ' || *s == '\t') s++;
        r = digits && !*s;
    }
    sqlite3_result_int(ctx, r);
}

/* spl_isstr(x): 1 for text that does not read as a number. */
static void fn_isstr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    double d;
    sqlite3_result_int(ctx, sqlite3_value_type(argv[0]) == SQLITE_TEXT && !sqlfn_arg_number(argv[0], &d));
}

/* SQL LIKE over bytes: % any run, _ one UTF-8 character; case-sensitive;
 * no escape character (a backslash is literal). Iterative with one
 * backtrack point, so linear-ish and never recursive. */
static int str_like(const char *s, size_t n, const char *p, size_t pn)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < n) {
        if (pi < pn && p[pi] == '_') {
            si += str_char_offset(s + si, n - si, 1);
            pi++;
        } else if (pi < pn && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
        } else if (pi < pn && p[pi] == s[si]) {
            si++;
            pi++;
        } else if (star_p != (size_t)-1) {
            pi = star_p;
            star_s += str_char_offset(s + star_s, n - star_s, 1);
            si = star_s;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == '%') pi++;
    return pi == pn;
}

static inline unsigned char str_fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Splunk search wildcard match: * any run, case-insensitive (ASCII). */
static int str_wildmatch(const char *s, size_t n, const char *p, size_t pn)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < n) {
        if (pi < pn && p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
        } else if (pi < pn && str_fold((unsigned char)p[pi]) == str_fold((unsigned char)s[si])) {
            si++;
            pi++;
        } else if (star_p != (size_t)-1) {
            pi = star_p;
            si = ++star_s;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == '*') pi++;
    return pi == pn;
}

static void str_match_any(sqlite3_context *ctx, sqlite3_value **argv, int (*m)(const char *, size_t, const char *, size_t),
                          int null_is_false)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        if (null_is_false)
            sqlite3_result_int(ctx, 0);
        else
            sqlite3_result_null(ctx);
        return;
    }
    mv_view pv;
    size_t pn = 0;
    const char *p = mv_view_init(&pv, argv[1]) ? mv_view_get(&pv, 0, &pn) : "";
    mv_view w;
    mv_view_init(&w, argv[0]);
    int found = 0;
    for (size_t i = 0; i < w.n && !found; i++) {
        size_t n;
        const char *s = mv_view_get(&w, i, &n);
        found = m(s, n, p, pn);
    }
    sqlite3_result_int(ctx, found);
    mv_view_free(&w);
    mv_view_free(&pv);
}

/* spl_like(x, pattern): eval like(): 1 if any value matches. */
static void fn_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    str_match_any(ctx, argv, str_like, 0);
}

/* spl_wildmatch(x, pattern): search-command field=pattern: 1 if any value
 * matches case-insensitively with * wildcards; 0 (not NULL) when x is
 * NULL, so NOT field=pattern keeps events without the field. */
static void fn_wildmatch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    str_match_any(ctx, argv, str_wildmatch, 1);
}

/* Add j to r the way json_extract/spath report a value: strings as text,
 * null as nothing, numbers/bools as their JSON text, containers as compact
 * JSON. */
static void str_json_add(mv_list *r, json_t *j)
{
    if (!j || json_is_null(j)) return;
    if (json_is_string(j)) {
        mv_list_add(r, json_string_value(j), json_string_length(j));
        return;
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s) mv_list_add(r, s, strlen(s));
    free(s);
}

/* Walk path (key.key{N}.key, {} = every element) from j, adding what it
 * reaches to r. base is the first array index (0 for json_extract, 1 for
 * spath). Returns -1 on a malformed path. */
static int str_json_walk(json_t *j, const char *path, int base, mv_list *r)
{
    if (!j) return 0;
    if (!*path) {
        str_json_add(r, j);
        return 0;
    }
    if (*path == '.') path++;
    if (*path == '{') {
        const char *close = strchr(path, '}');
        if (!close) return -1;
        if (!json_is_array(j)) return 0;
        if (close == path + 1) {
            size_t i;
            json_t *e;
            json_array_foreach(j, i, e) if (str_json_walk(e, close + 1, base, r) < 0) return -1;
            return 0;
        }
        char *end;
        long idx = strtol(path + 1, &end, 10);
        if (end != close) return -1;
        idx -= base;
        if (idx < 0) idx += (long)json_array_size(j) + base;
        return str_json_walk(json_array_get(j, (size_t)idx), close + 1, base, r);
    }
    size_t k = strcspn(path, ".{");
    if (!k) return -1;
    if (!json_is_object(j)) return 0;
    char *key = xstrndup(path, k);
    json_t *c = json_object_get(j, key);
    free(key);
    return str_json_walk(c, path + k, base, r);
}

/* 1 if path is well-formed: keys separated by dots, {} or {N} (N may be
 * negative) after a key or another brace. */
static int str_json_path_ok(const char *p)
{
    while (*p) {
        if (*p == '{') {
            const char *q = p + 1;
            if (*q == '-') q++;
            while (*q >= '0' && *q <= '9') q++;
            if (*q != '}' || (q > p + 1 && q[-1] == '-')) return 0;
            p = q + 1;
        } else if (*p == '}') {
            return 0;
        } else {
            p++;
        }
    }
    return 1;
}

static void str_json(sqlite3_context *ctx, int argc, sqlite3_value **argv, int base, const char *fname)
{
    if (argc < 1) {
        sqlite3_result_error(ctx, "json_extract needs a JSON argument", -1);
        return;
    }
    size_t n;
    char *s = mv_first(argv[0], &n);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!j && base == 1 && argc == 2) {
        /* spath also reads XML */
        char *path = mv_first(argv[1], NULL);
        mv_list r = {0};
        int rc = path ? sqlfn_xml_path(s, n, path, &r) : 1;
        if (rc < 0) {
            char *e = xasprintf("%s: malformed path \"%s\"", fname, path);
            sqlite3_result_error(ctx, e, -1);
            free(e);
        } else {
            mv_result(ctx, &r);
        }
        mv_list_free(&r);
        free(path);
        free(s);
        return;
    }
    free(s);
    if (!j) {
        sqlite3_result_null(ctx);
        return;
    }
    mv_list r = {0};
    if (argc == 1) str_json_add(&r, j);
    for (int i = 1; i < argc; i++) {
        char *path = mv_first(argv[i], NULL);
        if (path && (!str_json_path_ok(path) || str_json_walk(j, path, base, &r) < 0)) {
            char *e = xasprintf("%s: malformed path \"%s\"", fname, path);
            sqlite3_result_error(ctx, e, -1);
            free(e);
            free(path);
            json_decref(j);
            mv_list_free(&r);
            return;
        }
        free(path);
    }
    mv_result(ctx, &r);
    mv_list_free(&r);
    json_decref(j);
}

/* spl_json_extract(json[, path...]): values at the paths (a.b{0}.c, 0-based
 * indexes, negative from the end); several results give a multivalue. NULL
 * when json is not JSON or nothing is there. */
static void fn_json_extract(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    str_json(ctx, argc, argv, 0, "json_extract");
}

/* spl_spath(json, path): spath's path: a.b{}.c ({} = every element, {N}
 * 1-based); a value that is not JSON is read as XML (sqlfn_xmlpath.c). */
static void fn_spath(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    str_json(ctx, argc, argv, 1, "spath");
}

static const sqlfn_def sqlfn_string_defs[] = {
    {"spl_len", 1, fn_len, 1, 0},
    {"spl_lower", 1, fn_lower, 1, 0},
    {"spl_upper", 1, fn_upper, 1, 0},
    {"spl_trim", 1, fn_trim, 1, 0},
    {"spl_trim", 2, fn_trim, 1, 0},
    {"spl_ltrim", 1, fn_ltrim, 1, 0},
    {"spl_ltrim", 2, fn_ltrim, 1, 0},
    {"spl_rtrim", 1, fn_rtrim, 1, 0},
    {"spl_rtrim", 2, fn_rtrim, 1, 0},
    {"spl_substr", 2, fn_substr, 1, 0},
    {"spl_substr", 3, fn_substr, 1, 0},
    {"spl_urldecode", 1, fn_urldecode, 1, 0},
    {"spl_printf", -1, fn_printf, 1, 0},
    {"spl_tostring", 1, fn_tostring, 1, 0},
    {"spl_tostring", 2, fn_tostring, 1, 0},
    {"spl_tonumber", 1, fn_tonumber, 1, 0},
    {"spl_tonumber", 2, fn_tonumber, 1, 0},
    {"spl_typeof", 1, fn_typeof, 1, 0},
    {"spl_isnum", 1, fn_isnum, 1, 0},
    {"spl_isint", 1, fn_isint, 1, 0},
    {"spl_isstr", 1, fn_isstr, 1, 0},
    {"spl_like", 2, fn_like, 1, 0},
    {"spl_wildmatch", 2, fn_wildmatch, 1, 0},
    {"spl_json_extract", -1, fn_json_extract, 1, 0},
    {"spl_spath", 2, fn_spath, 1, 0},
    {NULL, 0, NULL, 0, 0},
};

int sqlfn_register_string(sqlite3 *db)
{
    return sqlfn_register_table(db, sqlfn_string_defs);
}
