/* reader_util.c: text helpers shared by the line-oriented readers (see
 * reader_util.h). */
#include "reader_util.h"
#include "timeparse.h"
#include "util.h"

#include <assert.h>
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
