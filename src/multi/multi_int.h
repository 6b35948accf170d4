/* multi_int.h: the shared scan's internals (see multi.h): the atoms of all
 * formulas (deduplicated), the columns they read, the matcher built from
 * them, the slots with their trigger atoms and candidate rows. */
#ifndef SPLITE_MULTI_INT_H
#define SPLITE_MULTI_INT_H
#include <stdint.h>
#include "hmap.h"
#include "multi.h"
#include "spl_pf.h"

/* The rows one slot lists, ascending: a list while sparse, a bitmap over
 * [lo, hi] once that is smaller. */
typedef struct mx_cands {
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
    spl_pf *pf;            /* q->pf, atoms' ids set */
    long stamp;            /* last row evaluated + 1 */
    mx_cands c;
} mx_slot;

typedef struct mx_col {
    char *name;
    int nsub, neq;         /* atoms of each kind on it */
    int mv;                /* may hold multivalue BLOBs */
} mx_col;

struct mx {
    mx_slot *slots;
    int nslots;
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
    double t_lo, t_hi;     /* mx_set_time */
    int t_bounds;
    mx_stats stats;
};

/* multi_plan.c: the atoms of slot s's formula into m (ids set) */
void mx_plan_slot(mx *m, int s);
/* the slots each atom triggers, cheapest trigger set per formula by the
 * atoms' hit counts over `rows` rows so far */
void mx_plan_triggers(mx *m, long rows);
/* 1 when f holds for a row whose atoms hold as hit[] says */
int mx_eval(const spl_pf *f, const unsigned char *hit);

/* multi_cand.c */
void mx_cands_add(mx_cands *c, int64_t rowid, int64_t lo, int64_t hi);
void mx_cands_free(mx_cands *c);
size_t mx_cands_count(const mx_cands *c);
#endif
