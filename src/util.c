/* util.c: checked allocation, the sbuf string buffer, SQL quoting for fixed
 * text, number recognition and hashing. */
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static void util_oom(void)
{
    fputs("splite: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) util_oom();
    return p;
}

void *xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) util_oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) util_oom();
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    if (n) memcpy(p, s, n); /* s may be NULL when n == 0 */
    p[n] = 0;
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) util_oom();
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void sbuf_grow(sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
    b->s[b->len] = 0; /* stays a valid (possibly empty) string */
}

void sbuf_addn(sbuf *b, const char *s, size_t n)
{
    sbuf_grow(b, n);
    if (n) memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sbuf_add(sbuf *b, const char *s)
{
    sbuf_addn(b, s, strlen(s));
}

void sbuf_addc(sbuf *b, char c)
{
    sbuf_grow(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}

void sbuf_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        sbuf_grow(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

void sbuf_reset(sbuf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = 0;
}

void sbuf_free(sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *sbuf_detach(sbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void sbuf_add_sql_string(sbuf *b, const char *s, size_t n)
{
    sbuf_addc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') sbuf_addc(b, '\'');
        if (s[i] == 0) break; /* SQL text cannot hold NUL: cut there */
        sbuf_addc(b, s[i]);
    }
    sbuf_addc(b, '\'');
}

void sbuf_add_sql_ident(sbuf *b, const char *s)
{
    sbuf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"') sbuf_addc(b, '"');
        sbuf_addc(b, *s);
    }
    sbuf_addc(b, '"');
}

int util_is_ascii(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ull) return 0;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return 0;
    return 1;
}

long util_clamp_long(double d)
{
    if (isnan(d)) return 0;
    /* (double)LONG_MAX rounds up to 2^63, itself out of range */
    if (d >= 9223372036854775807.0) return LONG_MAX;
    if (d <= -9223372036854775807.0) return LONG_MIN;
    return (long)d;
}

int util_is_number(const char *s, size_t n, double *out)
{
    size_t i = 0, digits = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    size_t start = i;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1, ed = 0;
        if (j < n && (s[j] == '+' || s[j] == '-')) j++;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++, ed++;
        if (ed) i = j;
    }
    size_t end = i;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i != n) return 0;
    if (out) {
        char tmp[64];
        size_t len = end - start;
        if (len >= sizeof tmp) {
            char *t = xstrndup(s + start, len);
            *out = strtod(t, NULL);
            free(t);
        } else {
            memcpy(tmp, s + start, len);
            tmp[len] = 0;
            *out = strtod(tmp, NULL);
        }
    }
    return 1;
}

uint64_t util_hash(uint64_t h, const void *p, size_t n)
{
    /* FNV-1a style over 8-byte words (then the tail bytewise): not
     * cryptographic, just fast and well mixed for content identity. */
    const unsigned char *c = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, c + i, 8);
        h ^= w;
        h *= 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

double util_now(void)
{
    const char *fixed = getenv("SPLITE_NOW");
    if (fixed && *fixed) {
        double d;
        if (util_is_number(fixed, strlen(fixed), &d)) return d;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

int util_isatty(int fd)
{
    return isatty(fd);
}
