/* detect_shared.c: the runs of `splite run` / `splite schedule` compiled
 * together and answered by one shared scan (see detect_shared.h). */
#include "detect_shared.h"
#include "multi/multi.h"
#include "spl_pf.h"
#include "util.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct detect_shared {
    size_t n;
    detect_run_prep *prep;
    unsigned char *prepared;
    int *slot;      /* -1: no slot (its query reads the events itself) */
    mx *scan;
    int scanned;    /* 1: the slots are filled and installed */
};

detect_shared *detect_shared_new(size_t n)
{
    detect_shared *s = xcalloc(1, sizeof *s);
    s->n = n;
    s->prep = xcalloc(n + 1, sizeof *s->prep);
    s->prepared = xcalloc(n + 1, 1);
    s->slot = xcalloc(n + 1, sizeof *s->slot);
    for (size_t i = 0; i < n; i++) s->slot[i] = -1;
    s->scan = mx_new();
    return s;
}

void detect_shared_prepare(detect_shared *s, store *st, const spl_macros *macros, size_t i, const detection *d,
                           const detect_run_opts *o)
{
    assert(s && i < s->n && !s->scanned);
    detect_run_prepare(st, macros, d, o, 1, &s->prep[i]);
    s->prepared[i] = 1;
    s->slot[i] = s->prep[i].q ? mx_add(s->scan, s->prep[i].q) : -1;
}

int detect_shared_scan(detect_shared *s, store *st, int limit_time)
{
    /* the union of the slots' time ranges, when each has both ends
     * (SPLITE_MX_FULL=1: every event, to measure what the limit saves) */
    const char *full = getenv("SPLITE_MX_FULL");
    int bounds = limit_time && !(full && *full == '1') ? 3 : 0, any = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < s->n && bounds; i++) {
        if (!s->prepared[i] || s->slot[i] < 0) continue;
        const spl_query *q = s->prep[i].q;
        if (q->pf_table && strcmp(q->pf_table, "events")) continue; /* a summary's slot: its table is read whole */
        bounds &= q->pf_time;
        if (!any || q->pf_earliest < lo) lo = q->pf_earliest;
        if (!any || q->pf_latest > hi) hi = q->pf_latest;
        any = 1;
    }
    if (any && bounds) mx_set_time(s->scan, lo, hi, bounds);
    char *err = NULL;
    if (mx_scan(s->scan, st, &err)) {
        fprintf(stderr, "splite: %s; the detections run alone\n", err ? err : "the shared scan failed");
        free(err);
        return -1;
    }
    mx_attach(store_db(st));
    mx_install(s->scan);
    s->scanned = 1;
    return 0;
}

detect_run_prep *detect_shared_take(detect_shared *s, store *st, const spl_macros *macros, size_t i,
                                    const detection *d, const detect_run_opts *o)
{
    assert(s && i < s->n);
    if (!s->scanned || !s->prepared[i]) return NULL;
    detect_run_prep *p = &s->prep[i];
    mx_how how = mx_how_to_run(s->scan, s->slot[i]);
    if (how == MX_ALONE) {
        /* most rows listed: looking each up costs more than the query's
         * own plan (an index, a scan): compiled again without */
        double before = p->seconds;
        detect_run_prep_free(p);
        detect_run_prepare(st, macros, d, o, 0, p);
        p->seconds += before;
        s->slot[i] = -1;
    } else if (how == MX_NOTHING) {
        p->nothing = 1; /* no row listed, and none gives a result: not run (as check) */
    }
    return p;
}

void detect_shared_free(detect_shared *s)
{
    if (!s) return;
    if (s->scanned) mx_install(NULL);
    for (size_t i = 0; i < s->n; i++) detect_run_prep_free(&s->prep[i]);
    free(s->prep);
    free(s->prepared);
    free(s->slot);
    mx_free(s->scan);
    free(s);
}
