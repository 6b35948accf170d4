/* spl_subsearch.h: subsearches of commands that combine two result sets
 * (join, append): the text inside [ ] is compiled as a query of its own
 * (same store, options and time range) and added to the outer statement as
 * a CTE "sK(c0, c1, ...)" whose columns are the subsearch's fields, its
 * bound parameters renumbered after the outer ones. */
#ifndef SPLITE_SPL_SUBSEARCH_H
#define SPLITE_SPL_SUBSEARCH_H
#include "spl_int.h"

typedef struct spl_sub {
    char *cte;       /* CTE name */
    char **names;    /* field names, column i is c<i> */
    int *mv;
    int ncols;
} spl_sub;

/* Find the bracketed subsearch in c's arguments: *first = index of the '['
 * token. Returns 0, or -1 (error set) when there is none or it is not last. */
int spl_sub_find(spl_cmd_ctx *c, int *first);
/* Compile the subsearch whose '[' is args[first] and add its CTE. Returns 0,
 * or -1 with the error (position mapped into the outer query) set. */
int spl_sub_compile(spl_cmd_ctx *c, int first, spl_sub *out);
void spl_sub_free(spl_sub *s);
int spl_sub_col(const spl_sub *s, const char *name);
#endif
