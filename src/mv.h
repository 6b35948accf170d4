/* mv.h: multivalue values as the store keeps them. A multivalue is a SQLite
 * BLOB holding a JSON array of strings ('["a","b"]'); any TEXT, INTEGER or
 * REAL is one value and NULL is no value. These helpers read the values of a
 * sqlite3_value, build multivalue results the way Splunk collapses them
 * (none -> NULL, one -> TEXT, more -> BLOB) and format numbers as Splunk
 * prints them. Used by the SQL functions (sqlfn_*.c) and the translator. */
#ifndef SPLITE_MV_H
#define SPLITE_MV_H
#include <sqlite3.h>
#include <stddef.h>

#include "util.h"

#define MV_NUMBUF 40

/* A list of byte strings, each NUL-terminated (len excludes the NUL). */
typedef struct mv_list {
    size_t n, cap;
    char **v;
    size_t *len;
} mv_list;

/* Append a copy of s[0..n). */
void mv_list_add(mv_list *l, const char *s, size_t n);
/* Append a number formatted as mv_format_number does. */
void mv_list_add_number(mv_list *l, double d);
/* Append the values of v (see mv_list_from_value). Returns how many. */
size_t mv_list_add_value(mv_list *l, sqlite3_value *v);
/* Reset l to empty and fill it with the values of v: a BLOB that is a JSON
 * array gives its elements (strings as is, other JSON as JSON text); a BLOB
 * that is not gives its bytes as one value; TEXT/INTEGER/REAL give one value
 * (REAL formatted by mv_format_number); NULL gives none. Returns l->n. */
size_t mv_list_from_value(mv_list *l, sqlite3_value *v);
void mv_list_clear(mv_list *l);
void mv_list_free(mv_list *l);

/* A read-only view of the values of a sqlite3_value that avoids copying a
 * single TEXT/INTEGER value (the common case in WHERE clauses). */
typedef struct mv_view {
    size_t n;           /* number of values */
    const char *one;    /* the single value when not copied */
    size_t one_len;
    mv_list list;       /* the values otherwise */
    char num[MV_NUMBUF];
} mv_view;
/* Fill w with the values of v (as mv_list_from_value). Returns w->n. The
 * view is valid until v changes; release with mv_view_free. */
size_t mv_view_init(mv_view *w, sqlite3_value *v);
/* Value i (< w->n) and its length. */
const char *mv_view_get(const mv_view *w, size_t i, size_t *len);
void mv_view_free(mv_view *w);

/* 1 if v is a BLOB (a multivalue as stored). */
int mv_is_mv(sqlite3_value *v);
/* Encode values as a JSON array of strings, the way the store writes them
 * (bytes kept as they are, only '"', '\\' and control characters escaped);
 * returns a heap string, length in *len. */
char *mv_encode(const mv_list *l, size_t *len);
/* Set the function result: 0 values -> NULL, 1 -> TEXT, more -> BLOB. */
void mv_result(sqlite3_context *ctx, const mv_list *l);
/* Same, but a single value is returned as a 1-element BLOB ("keep mv"). */
void mv_result_blob(sqlite3_context *ctx, const mv_list *l);

/* The first value of v as a heap string (NULL for SQL NULL or an empty
 * multivalue); *len gets its length (0 with NULL) if len is non-NULL. */
char *mv_first(sqlite3_value *v, size_t *len);

/* Format a number the way Splunk prints one: integral values without a
 * fraction ("3", not "3.0"), others with the shortest digits that read back
 * the same. buf must hold 40 bytes. Returns buf. */
char *mv_format_number(double d, char *buf);
/* Append s[0..n) as a JSON string literal the way the store encodes
 * multivalue values (quote, backslash and control characters escaped, other
 * bytes as they are). */
void mv_json_string(sbuf *b, const char *s, size_t n);
#endif
