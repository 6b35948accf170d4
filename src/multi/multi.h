/* multi.h: the shared scan. Many detections, each compiled with
 * spl_opts.prefilter (its first search then reads only the rows
 * splite_cand(slot) lists, and it carries a prefilter formula, spl_pf.h),
 * are answered by one pass over the events: every row's column values go
 * once through a multi-literal matcher (Hyperscan) and a hash of whole
 * values, the formulas of the detections whose atoms hit are evaluated, and
 * each detection's slot gets the rows its formula keeps. Each detection's
 * own statement then runs over only those rows (looked up by rowid), so its
 * results are exactly those of running it alone: the formula is a
 * necessary condition of its first search's filter.
 *
 *   mx *m = mx_new();
 *   mx_add(m, q) for each compiled query (-1: q has no formula, run as is);
 *   mx_scan(m, st, &err);      one pass; then, on every connection that
 *   mx_attach(db);             runs the queries (registers splite_cand),
 *   mx_install(m);             and m is what splite_cand reads;
 *   spl_run(st, q, ...) for each query; mx_free(m). */
#ifndef SPLITE_MULTI_H
#define SPLITE_MULTI_H
#include <stddef.h>
#include <sqlite3.h>
#include "spl.h"
#include "store.h"

typedef struct mx mx;

typedef struct mx_stats {
    long rows;          /* rows scanned */
    long queries;       /* queries with a slot */
    long atoms;         /* distinct atoms */
    long columns;       /* columns read */
    long candidates;    /* rows listed, summed over the slots */
    long hits;          /* atoms that held, summed over the rows */
    long evaluations;   /* formulas evaluated (after the first rows) */
    long bytes;         /* bytes matched */
    double seconds;     /* the scan */
    double compile_seconds; /* of which compiling the matchers */
} mx_stats;

mx *mx_new(void);
/* Give q (compiled with spl_opts.prefilter) a slot: its slot parameter is
 * set. Returns the slot, or -1 when q has no formula (it reads the events
 * without the shared scan). q must outlive m's use. */
int mx_add(mx *m, spl_query *q);
/* Limit the pass to the rows with _time >= earliest (bit 1 of bounds) and
 * _time < latest (bit 2): only right when every slot's query reads no row
 * outside that range (spl_query.pf_time). */
void mx_set_time(mx *m, double earliest, double latest, int bounds);
/* One pass over the events, filling every slot. Returns 0, or -1 with *err
 * (caller frees). */
int mx_scan(mx *m, store *st, char **err);
/* Register splite_cand(slot) on db (idempotent). */
int mx_attach(sqlite3 *db);
/* m becomes the candidate sets splite_cand reads in this process (NULL:
 * none; a query then fails with a clear error). */
void mx_install(mx *m);
/* Rows listed for slot (0 for a dense one: see mx_dense first). */
size_t mx_count(const mx *m, int slot);
/* 1 when slot lists so many of the rows scanned (a quarter or more) that
 * reading them one by one costs more than the query's own plan: run the
 * query compiled without the prefilter instead (same results). */
int mx_dense(const mx *m, int slot);
/* How the query of slot (-1: none) runs after the scan: as compiled, over
 * its rows (MX_RUN); compiled again without the prefilter (MX_ALONE, dense);
 * or not at all, its result being empty (MX_NOTHING: no row listed and
 * q->empty_stays_empty). */
typedef enum mx_how { MX_RUN, MX_ALONE, MX_NOTHING } mx_how;
mx_how mx_how_to_run(const mx *m, int slot);
const mx_stats *mx_get_stats(const mx *m);
void mx_free(mx *m);
#endif
