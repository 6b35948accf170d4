/* util.h: small helpers shared by every module: checked allocation, a growable
 * string buffer (sbuf), error strings and number/text predicates. */
#ifndef SPLITE_UTIL_H
#define SPLITE_UTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Growable NUL-terminated byte buffer. Zero-initialise ({0}) before use. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;
void sbuf_grow(sbuf *b, size_t extra);
void sbuf_addn(sbuf *b, const char *s, size_t n);
void sbuf_add(sbuf *b, const char *s);
void sbuf_addc(sbuf *b, char c);
void sbuf_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_reset(sbuf *b);
void sbuf_free(sbuf *b);
/* Give up ownership of the string (the buffer is left empty). Never NULL. */
char *sbuf_detach(sbuf *b);
/* Append s as an SQL string literal ('...' with quotes doubled). Only for
 * fixed text the program owns; values from queries and events are bound. */
void sbuf_add_sql_string(sbuf *b, const char *s, size_t n);
/* Append s as an SQL identifier ("..." with quotes doubled). */
void sbuf_add_sql_ident(sbuf *b, const char *s);

/* 1 if s[0..n) is a decimal number as Splunk reads one (optional sign,
 * digits, optional fraction, optional exponent; surrounding blanks allowed). */
int util_is_number(const char *s, size_t n, double *out);
/* 1 if every byte of s[0..n) is ASCII (below 0x80; NUL included). */
int util_is_ascii(const char *s, size_t n);
/* d as a long, clamped to [LONG_MIN, LONG_MAX] (NaN: 0): a plain (long) cast
 * of a value out of range is undefined (counts like `head 1e30`). */
long util_clamp_long(double d);
/* 64-bit FNV-1a, chainable: pass the previous value (or UTIL_HASH_INIT). */
#define UTIL_HASH_INIT 0xcbf29ce484222325ULL
uint64_t util_hash(uint64_t h, const void *p, size_t n);
/* Wall-clock time now in epoch seconds (honours SPLITE_NOW when set). */
double util_now(void);
/* 1 if stderr/stdout is a terminal. */
int util_isatty(int fd);
#endif
