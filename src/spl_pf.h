/* spl_pf.h: prefilter formulas. A formula over literal "atoms" (this column's
 * value equals, or contains, this text, ASCII case-insensitively) that every
 * row a search's first filter keeps must satisfy: a necessary condition, so
 * that one pass over the events can test the formulas of many detections at
 * once and hand each only the rows it may match (src/multi/). Built from
 * the same search tree the SQL is translated from (spl_search.c); whatever
 * it cannot vouch for is PF_TRUE, which only makes the set larger. */
#ifndef SPLITE_SPL_PF_H
#define SPLITE_SPL_PF_H

typedef enum spl_pf_kind { PF_TRUE, PF_FALSE, PF_ATOM, PF_AND, PF_OR } spl_pf_kind;

typedef struct spl_pf {
    spl_pf_kind kind;
    struct spl_pf **kids; /* PF_AND, PF_OR: two or more */
    int nkids;
    /* PF_ATOM */
    char *col;            /* events column name (the catalog's col) */
    char *text;           /* the literal (not empty) */
    int eq;               /* 1: the whole value equals text */
    int re;               /* 1: text is a PCRE2 pattern found in the value (match()) */
    int at_start, at_end; /* contains: text starts / ends the value */
    int id;               /* set by the executor */
} spl_pf;

/* Atoms shorter than this (after splitting a wildcard pattern) are left out. */
#define SPL_PF_MIN_ATOM 3

spl_pf *spl_pf_true(void);
spl_pf *spl_pf_false(void);
/* match(col, pattern) holds (a regex atom; the scan tests it with Hyperscan's
 * prefilter mode, a superset) */
spl_pf *spl_pf_regex(const char *col, const char *pattern);
spl_pf *spl_pf_copy(const spl_pf *f);
/* The atoms column col must hold for the SPL value v (with '*' wildcards) to
 * match it: equality without a wildcard, else the pieces between them. */
spl_pf *spl_pf_value(const char *col, const char *v);
/* AND / OR of n formulas (taken over; kids may be freed or kept), simplified:
 * TRUE and FALSE absorbed, one kid returned as it is. */
spl_pf *spl_pf_and(spl_pf **kids, int n);
spl_pf *spl_pf_or(spl_pf **kids, int n);
void spl_pf_free(spl_pf *f);
/* 1 when f can rule some rows out (is not PF_TRUE) */
int spl_pf_useful(const spl_pf *f);
/* The events columns whose value an SQL expression of ours always is (or
 * NULL), for expressions of the forms the translator writes for a field:
 * ALIAS."col", NULL, (x), coalesce(x, ...), CASE WHEN c THEN x ... [ELSE x]
 * END. Returns the number of columns put into *cols (caller frees each and
 * the array; 0 with *cols NULL: the expression is always NULL), or -1 when x
 * has another form. */
int spl_pf_columns(const char *x, const char *alias, char ***cols);
/* "col = 'text'" style rendering for tests and `splite sql --plan` */
char *spl_pf_text(const spl_pf *f);
#endif
