/* reader_util.c: text helpers shared by the line-oriented readers (see
 * reader_util.h). */
#include "reader_util.h"
#include "timeparse.h"
#include "util.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

size_t reader_chomp_cr(const char *line, size_t len)
{
    if (len && line[len - 1] == '\r') len--;
    return len;
}

void reader_skip_bom(const char **s, size_t *n)
{
    if (*n >= 3 && !memcmp(*s, "\xEF\xBB\xBF", 3)) *s += 3, *n -= 3;
}

int reader_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\f\v", s[i]) || !s[i]) return 0;
    return 1;
}

int reader_head_line(const char *head, size_t len, size_t *pos,
                     const char **line, size_t *n, int *complete)
{
    assert(*pos <= len);
    if (*pos >= len) return 0;
    const char *start = head + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t l = nl ? (size_t)(nl - start) : len - *pos;
    *line = start;
    *n = reader_chomp_cr(start, l);
    *complete = nl != NULL;
    *pos += l + (nl ? 1 : 0);
    return 1;
}

int reader_time_from_text(const char *s, size_t n, double *out)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (!n) return -1;
    double d;
    if (util_is_number(s, n, &d)) return time_parse_epoch(s, n, out);
    return time_parse_iso8601(s, n, out);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t reader_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c == 0xED) len = 3, hi = 0x9F; /* no surrogates */
    else if (c >= 0xE1 && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return 0;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return len;
}

int reader_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        size_t k = reader_utf8_seq(p + i, n - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

void reader_utf8_escape(sbuf *out, const char *s, size_t n, int json)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = reader_utf8_seq(p + i, n - i);
        if (k) {
            sbuf_addn(out, s + i, k);
            i += k;
        } else {
            sbuf_printf(out, json ? "\\\\x%02X" : "\\x%02X", p[i]);
            i++;
        }
    }
}
