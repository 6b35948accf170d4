/* multi_int.h: the shared scan's internals (see multi.h): one group per
 * table read (the events, a data model summary), each with the atoms of its
 * slots' formulas (deduplicated), the columns they read and the matcher
 * built from them; the slots with their candidate rows. */
#ifndef SPLITE_MULTI_INT_H
#define SPLITE_MULTI_INT_H
#include <stdint.h>
#include "hmap.h"
#include "util.h"
#include "multi.h"
#include "spl_pf.h"

/* The rows one slot lists, ascending: a list while sparse, a bitmap over
 * [lo, hi] once that is smaller. */
typedef struct mx_cands {
    int64_t lo;      /* the bitmap's first rowid */
    int64_t *v;
    size_t n, cap;
    uint64_t *bits;  /* bit (rowid - lo) */
    size_t nbits;    /* rows in the bitmap */
} mx_cands;

typedef struct mx_atom {
    int col;               /* index into mx.cols */
    const char *text;      /* borrowed from a formula */
    size_t len;
    int eq, at_start, at_end;
    int re;                /* a regex (match()): tested per value by the column's regex database */
    int lit;               /* SUB: index into mx.lits */
    int *slots;            /* slots this atom triggers */
    int nslots, capslots;
    long hits;             /* rows it held in (for trigger costs) */
} mx_atom;

typedef struct mx_lit {   /* a distinct literal, lowercased, for Hyperscan */
    char *text;
    size_t len;
    int *atoms;
    int natoms;
} mx_lit;

typedef struct mx_slot {
    spl_query *q;
    spl_pf *pf;            /* q->pf, atoms' ids set (in its group) */
    int group;
    int dense;             /* listed most rows so far: given up (mx_dense) */
    long stamp;            /* last row evaluated + 1 */
    mx_cands c;
} mx_slot;

typedef struct mx_col {
    char *name;
    int nsub, neq;         /* atoms of each kind on it */
    int *atoms;            /* all of them (a number matches them all) */
    int natoms, capatoms;
    int *res;              /* its regex atoms */
    int nres, capres;
} mx_col;

/* the slots reading one table */
typedef struct mx_group {
    char *table;
    int *slots;
    int nslots, capslots;
    mx_col *cols;
    int ncols;
    hmap col_ix;           /* name -> index */
    mx_atom *atoms;
    int natoms;
    hmap atom_ix;          /* (col, kind, text) -> atom */
    mx_lit *lits;
    int nlits;
    hmap lit_ix;
    hmap eq_ix;            /* (col, lowercased value) -> index into eq_atoms */
    int **eq_atoms;        /* atoms per key, -1 terminated */
    int neq;
    int64_t lo, hi;        /* rowid range at the scan */
    long rows;             /* rows scanned */
} mx_group;

struct mx {
    mx_slot *slots;
    int nslots;
    mx_group *groups;
    int ngroups;
    double t_lo, t_hi;     /* mx_set_time: the events group only */
    int t_bounds;
    mx_stats stats;
};

/* multi_plan.c: the slots each atom of g triggers, the cheapest trigger set
 * per formula by the atoms' hit counts over `rows` rows so far */
void mx_plan_triggers(mx *m, mx_group *g, long rows);
void mx_eq_key(sbuf *b, int col, const char *s, size_t n);
/* 1 when f holds for a row whose atoms hold as hit[] says */
int mx_eval(const spl_pf *f, const unsigned char *hit);

/* multi_cache.c: compiled matchers kept between runs; key: what a database
 * is compiled from (mx_key_add each pattern after a header) */
void mx_key_add(sbuf *key, const char *s, size_t n, unsigned flags, unsigned id);
struct hs_database;
struct hs_database *mx_cache_load(const sbuf *key);
void mx_cache_save(const sbuf *key, const struct hs_database *db);

/* multi_cand.c */
/* rows come in ascending order; [lo, hi]: the rowids the scan can give */
void mx_cands_add(mx_cands *c, int64_t rowid, int64_t lo, int64_t hi);
void mx_cands_free(mx_cands *c);
size_t mx_cands_count(const mx_cands *c);
#endif
