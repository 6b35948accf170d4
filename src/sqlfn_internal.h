/* sqlfn_internal.h: what the sqlfn_*.c families share: argument conversion
 * in Splunk's terms, the compiled-regex cache, and each family's
 * registration function. Not for use outside src/sqlfn_*.c. */
#ifndef SPLITE_SQLFN_INTERNAL_H
#define SPLITE_SQLFN_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <stddef.h>

/* One entry of a family's function table. nargs -1 = variadic. */
typedef struct sqlfn_def {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    int deterministic;
    int regex_cache; /* 1: give the function a cache of compiled patterns */
} sqlfn_def;

int sqlfn_register_table(sqlite3 *db, const sqlfn_def *defs);
int sqlfn_register_regex(sqlite3 *db);
int sqlfn_register_mv(sqlite3 *db);
int sqlfn_register_time(sqlite3 *db);
int sqlfn_register_string(sqlite3 *db);
int sqlfn_register_math(sqlite3 *db);
int sqlfn_register_net(sqlite3 *db);
int sqlfn_register_hash(sqlite3 *db);
int sqlfn_register_geoip(sqlite3 *db);
int sqlfn_register_window(sqlite3 *db);

/* The number in v: INTEGER/REAL as is, TEXT when it reads as a number
 * (util_is_number; hex not accepted), the first value of a multivalue.
 * Returns 1 and sets *out, or 0 (NULL or not a number). */
int sqlfn_arg_number(sqlite3_value *v, double *out);
/* An integer argument (number truncated toward zero); 0 if not a number. */
int sqlfn_arg_int(sqlite3_value *v, long long *out);

/* A compiled pattern with its match data; reference-counted (the
 * function's pattern cache and statement auxdata each hold one). */
typedef struct sqlfn_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    char *pat; /* the pattern text (cache key) */
    size_t patlen;
    int refs;
    /* match()'s prefilter (sqlfn_regex_prefilter.c): the pattern compiled by
     * Hyperscan in prefilter mode, tried once (hs_tried); NULL when it does
     * not compile */
    int hs_tried;
    void *hs_db, *hs_scratch;
} sqlfn_regex;
/* 0 when re surely does not match s[0..n) (an ASCII subject Hyperscan's
 * prefilter, a superset of the pattern, finds nothing in), else 1: run the
 * pattern. */
int sqlfn_regex_may_match(sqlfn_regex *re, const char *s, size_t n);
void sqlfn_regex_prefilter_free(sqlfn_regex *re);

/* Compiled patterns kept across rows for patterns that are not constant
 * (a few recent ones per function and connection). */
#define SQLFN_RECACHE_SIZE 8
typedef struct sqlfn_recache {
    sqlfn_regex *e[SQLFN_RECACHE_SIZE];
    unsigned next;
} sqlfn_recache;
void sqlfn_recache_destroy(void *cache);

/* The compiled regex for argument argi of this call: from the statement's
 * auxdata when the pattern is constant (literal or bound parameter), else
 * from the function's pattern cache, else compiled now. On a bad pattern
 * sets the SQL error (PCRE2 message and offset) and returns NULL; a NULL
 * pattern returns NULL with *is_null set and no error. After use, hand it
 * back with sqlfn_regex_release. */
sqlfn_regex *sqlfn_regex_get(sqlite3_context *ctx, sqlite3_value **argv, int argi, int *is_null);
/* The same for pattern text the function derived itself (spl_sed); the
 * result is kept as auxdata of argument argi. */
sqlfn_regex *sqlfn_regex_for(sqlite3_context *ctx, const char *pat, size_t n);
void sqlfn_regex_release(sqlite3_context *ctx, int argi, sqlfn_regex *re);
/* Match re against s[0..n) from byte offset start. Returns >0 on a match
 * (ovector in re->md), 0 on no match, -1 on an error (match limit hit...):
 * then the SQL error is set on ctx. */
int sqlfn_regex_exec(sqlite3_context *ctx, sqlfn_regex *re, const char *s, size_t n, size_t start);
#endif
