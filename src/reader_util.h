/* reader_util.h: small text helpers shared by the line-oriented readers
 * (the json, kv and wineventlog readers) and by the driver (UTF-8 repair): line-end and blank
 * handling, walking the lines of a detection head, and turning a time field's
 * text into epoch seconds. */
#ifndef SPLITE_READER_UTIL_H
#define SPLITE_READER_UTIL_H
#include <stddef.h>

/* Length of line[0..len) without a trailing '\r' (Windows line ends). */
size_t reader_chomp_cr(const char *line, size_t len);
/* Drop a UTF-8 byte order mark at the start of *s (Windows tools write one
 * at the start of a file): call on the first line and on a detection head. */
void reader_skip_bom(const char **s, size_t *n);
/* 1 if s[0..n) holds only spaces, tabs, '\r' or '\f'/'\v'. */
int reader_is_blank(const char *s, size_t n);
/* Next line of a detection head, starting at *pos. Sets *line and *n (without the
 * line end) and *complete (0 when the line runs into the end of the head, so
 * it may be cut short). Returns 0 at the end of the head. */
int reader_head_line(const char *head, size_t len, size_t *pos,
                     const char **line, size_t *n, int *complete);
/* A time field's text: epoch seconds ("1717406047", "1717406047.25",
 * 13-digit milliseconds) or ISO 8601. Returns 0 and sets *out, or -1. */
int reader_time_from_text(const char *s, size_t n, double *out);
/* 1 if s[0..n) is valid UTF-8 (no overlong forms, surrogates or code
 * points past U+10FFFF). */
int reader_utf8_valid(const char *s, size_t n);
/* Append s[0..n) to out with every byte that is not part of a valid UTF-8
 * sequence written as the four characters \xNN (hex), as Splunk shows
 * such bytes; json: as \\xNN (which a JSON string decodes to \xNN). */
struct sbuf;
void reader_utf8_escape(struct sbuf *out, const char *s, size_t n, int json);
#endif
