/* sqlfn_window.c: the sliding-window aggregates of streamstats (splwin_count,
 * splwin_dc, splwin_values, splwin_list, splwin_sum, ...), as SQLite window
 * functions whose state takes rows out again (xInverse) in O(1) amortized
 * per row (values: sorting the window's distinct values, list: its first
 * 100 values). Every function takes the same six arguments:
 *   (x, time, time_window, pos, pos_window, current)
 * x: the field (multivalues give each value); time: _time; time_window > 0:
 * the function itself drops the oldest rows while they lie time_window
 * seconds or more from the newest row's time (the rows must come in time
 * order, ascending or descending: anything else is an error); pos and
 * pos_window > 0: it drops rows whose pos is pos_window or more below the
 * newest row's (streamstats global=true window=N by ...); pos_window < 0:
 * the frame is unbounded and no row ever leaves, so the function keeps only
 * the rows its result needs (O(1) memory; list: 100 values); current = 0: the
 * newest row is left out of the result (its time and pos still bound the
 * window). Rows SQLite's frame removes (ROWS BETWEEN N PRECEDING) are
 * removed through xInverse. Semantics as Splunk's stats functions (spl_agg.c):
 * min/max numeric when every value is a number, else lexicographic; values
 * distinct and sorted; list in order, at most 100 values. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "mv.h"
#include "sqlfn_internal.h"
#include "util.h"

enum win_kind {
    W_COUNT, W_DC, W_SUM, W_SUMSQ, W_AVG, W_STDEV, W_STDEVP, W_VAR, W_VARP, W_MIN, W_MAX, W_RANGE,
    W_VALUES, W_LIST, W_FIRST, W_LAST, W_EARLIEST, W_LATEST
};

#define WIN_LIST_MAX 100
/* integral values below this magnitude are summed exactly in an int64 */
#define WIN_EXACT 4294967296.0 /* 2^32: 2^31 of them fit an int64 */

/* ---- a growable ring of fixed-size elements (a deque) ---- */
typedef struct win_ring {
    char *buf;
    size_t esz, cap, head, n;
} win_ring;

static void *ring_at(const win_ring *r, size_t i)
{
    assert(i < r->n);
    return r->buf + ((r->head + i) % r->cap) * r->esz;
}

static void *ring_push(win_ring *r)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 16;
        char *nb = xmalloc(ncap * r->esz);
        for (size_t i = 0; i < r->n; i++) memcpy(nb + i * r->esz, ring_at(r, i), r->esz);
        free(r->buf);
        r->buf = nb;
        r->cap = ncap;
        r->head = 0;
    }
    r->n++;
    return ring_at(r, r->n - 1);
}

static void ring_pop_front(win_ring *r)
{
    assert(r->n);
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

static void ring_free(win_ring *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* ---- rows in the window ---- */
typedef struct win_val {
    char *s;     /* text (kinds that compare or collect text) */
    size_t n;
    double d;    /* the number, NAN when not a number */
} win_val;

typedef struct win_ent {
    long long seq;       /* row number in the partition */
    double t;            /* _time */
    long long pos;
    size_t nv;           /* values of x */
    win_val *v;          /* kept for kinds that need them */
    sqlite3_value *whole; /* first/last/earliest/latest */
} win_ent;

/* an element of a monotonic deque: the extreme of the window is at the front */
typedef struct win_mono {
    long long seq;
    double d;
    const char *s;
    size_t n;
    sqlite3_value *whole;
} win_mono;

typedef struct win_state {
    int init, kind;
    win_ring ent;          /* win_ent, in step order; the last may be pending */
    int pending;           /* current=false: the last entry is not in the result yet */
    int unbounded;         /* no row ever leaves: keep only the rows the result needs */
    long long nstep, ninv; /* rows stepped / removed by SQLite's frame */
    double last_t;
    int dir;               /* time order seen: 1 ascending, -1 descending */
    int has_last_t;
    char *err;
    /* the aggregates over the committed values */
    long long cnt, nnum, nfrac, isum;
    double fsum, sumsq;
    long long nstr;
    win_ring lo, hi, slo, shi; /* win_mono: numeric min/max, text min/max; earliest/latest in lo/hi */
    hmap dc;
    long long dlive, ddead;
    /* values(): the last result, kept while the distinct values stay */
    char *vcache;
    size_t vcache_len, vcache_n;
    int vcache_ok;
} win_state;

static int kind_needs_text(int k)
{
    return k == W_DC || k == W_VALUES || k == W_LIST || k == W_MIN || k == W_MAX || k == W_RANGE;
}

static int kind_is_pick(int k)
{
    return k == W_FIRST || k == W_LAST || k == W_EARLIEST || k == W_LATEST;
}

/* the values of x into e (as the kind needs them); 0 when x has none */
static size_t ent_values(win_ent *e, int kind, sqlite3_value *x)
{
    if (kind_is_pick(kind)) {
        e->whole = sqlite3_value_dup(x);
        e->nv = 1;
        return 1;
    }
    int ty = sqlite3_value_type(x);
    if ((ty == SQLITE_INTEGER || ty == SQLITE_FLOAT) && !kind_needs_text(kind)) {
        e->nv = 1;
        if (kind != W_COUNT) {
            double d = sqlite3_value_double(x);
            e->v = xcalloc(1, sizeof *e->v);
            e->v[0].d = isfinite(d) ? d : NAN;
        }
        return 1;
    }
    mv_view w;
    size_t n = mv_view_init(&w, x);
    e->nv = n;
    if (kind != W_COUNT && n) {
        e->v = xcalloc(n, sizeof *e->v);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *s = mv_view_get(&w, i, &len);
            double d;
            e->v[i].d = util_is_number(s, len, &d) ? d : NAN;
            if (kind_needs_text(kind)) {
                e->v[i].s = xstrndup(s, len);
                e->v[i].n = len;
            }
        }
    }
    mv_view_free(&w);
    return n;
}

static void ent_free(win_ent *e)
{
    if (e->v)
        for (size_t i = 0; i < e->nv; i++) free(e->v[i].s);
    free(e->v);
    sqlite3_value_free(e->whole);
}

/* push onto a monotonic deque: drop the elements at the back that the new
 * one outlives and beats (better(a, b): a is at least as extreme as b) */
static void mono_push(win_ring *r, const win_mono *m, int (*better)(const win_mono *, const win_mono *), int unbounded)
{
    while (r->n && better(m, ring_at(r, r->n - 1))) r->n--;
    /* when no row leaves, one behind the front never gets to it */
    if (unbounded && r->n) return;
    *(win_mono *)ring_push(r) = *m;
}

static void mono_drop(win_ring *r, long long seq)
{
    while (r->n && ((win_mono *)ring_at(r, 0))->seq == seq) ring_pop_front(r);
}

static int cmp_text(const win_mono *a, const win_mono *b)
{
    size_t m = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->s, b->s, m);
    return c ? c : (a->n > b->n) - (a->n < b->n);
}
static int lo_num(const win_mono *a, const win_mono *b) { return a->d <= b->d; }
static int hi_num(const win_mono *a, const win_mono *b) { return a->d >= b->d; }
static int lo_text(const win_mono *a, const win_mono *b) { return cmp_text(a, b) <= 0; }
static int hi_text(const win_mono *a, const win_mono *b) { return cmp_text(a, b) >= 0; }
/* earliest/latest: the first row among equal times wins */
static int lo_time(const win_mono *a, const win_mono *b) { return a->d < b->d; }
static int hi_time(const win_mono *a, const win_mono *b) { return a->d > b->d; }

static void dc_rebuild(win_state *st);

static void dc_add(win_state *st, const char *s, size_t n, int delta)
{
    long *c = hmap_get(&st->dc, s, n);
    if (!c) {
        assert(delta > 0);
        hmap_put(&st->dc, s, n, 1);
        st->dlive++;
        st->vcache_ok = 0;
        return;
    }
    if (*c == 0 && delta > 0) { st->ddead--; st->dlive++; st->vcache_ok = 0; }
    *c += delta;
    assert(*c >= 0);
    if (*c == 0) { st->dlive--; st->ddead++; st->vcache_ok = 0; }
}

/* the entry's values into the aggregates (delta 1) or out of them (-1) */
static void ent_apply(win_state *st, const win_ent *e, int delta)
{
    int k = st->kind;
    switch (k) {
    case W_COUNT:
        st->cnt += delta * (long long)e->nv;
        return;
    case W_FIRST: case W_LAST:
        return;
    case W_EARLIEST: case W_LATEST:
        if (delta > 0) {
            win_mono m = {e->seq, e->t, NULL, 0, e->whole};
            mono_push(&st->lo, &m, k == W_EARLIEST ? lo_time : hi_time, st->unbounded);
        } else {
            mono_drop(&st->lo, e->seq);
        }
        return;
    case W_LIST:
        st->cnt += delta * (long long)e->nv;
        return;
    case W_DC: case W_VALUES:
        for (size_t i = 0; i < e->nv; i++) dc_add(st, e->v[i].s, e->v[i].n, delta);
        if (st->ddead > st->dlive + 64) dc_rebuild(st);
        return;
    case W_MIN: case W_MAX: case W_RANGE:
        if (delta < 0) {
            mono_drop(&st->lo, e->seq);
            mono_drop(&st->hi, e->seq);
            mono_drop(&st->slo, e->seq);
            mono_drop(&st->shi, e->seq);
        }
        for (size_t i = 0; i < e->nv; i++) {
            const win_val *v = &e->v[i];
            st->cnt += delta;
            if (isnan(v->d)) st->nstr += delta;
            if (delta < 0) continue;
            win_mono m = {e->seq, v->d, v->s, v->n, NULL};
            if (!isnan(v->d)) {
                mono_push(&st->lo, &m, lo_num, st->unbounded);
                mono_push(&st->hi, &m, hi_num, st->unbounded);
            }
            mono_push(&st->slo, &m, lo_text, st->unbounded);
            mono_push(&st->shi, &m, hi_text, st->unbounded);
        }
        return;
    default: /* sum, avg, stdev, var */
        for (size_t i = 0; i < e->nv; i++) {
            double d = e->v[i].d;
            if (isnan(d)) continue;
            st->nnum += delta;
            if (d == floor(d) && fabs(d) < WIN_EXACT) st->isum += delta * (long long)d;
            else { st->fsum += delta * d; st->nfrac += delta; }
            st->sumsq += delta * d * d;
        }
        if (!st->nfrac) st->fsum = 0;
        if (!st->nnum) st->sumsq = 0;
        return;
    }
}

/* committed entries: all but a pending last one */
static size_t committed(const win_state *st)
{
    return st->ent.n - (size_t)(st->pending && st->ent.n);
}

/* drop the keys no value in the window has any more: O(keys), done when
 * they outnumber the live ones, so O(1) amortized per key dropped */
static void dc_rebuild(win_state *st)
{
    hmap old = st->dc;
    hmap_init(&st->dc);
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key && old.slots[i].value > 0)
            hmap_put(&st->dc, old.slots[i].key, old.slots[i].key_len, old.slots[i].value);
    hmap_free(&old);
    st->ddead = 0;
}

static void evict_front(win_state *st)
{
    win_ent *e = ring_at(&st->ent, 0);
    if (st->pending && st->ent.n == 1) st->pending = 0; /* never in the result */
    else ent_apply(st, e, -1);
    ent_free(e);
    ring_pop_front(&st->ent);
}

static int mono_front_is(const win_ring *r, long long seq)
{
    return r->n && ((const win_mono *)ring_at(r, 0))->seq == seq;
}

/* unbounded windows: drop the committed rows the result will never read
 * again (memory stays O(1), O(100) for list, on any number of rows) */
static void compact(win_state *st)
{
    size_t nc = committed(st), w = 0, nvals = 0;
    for (size_t i = 0; i < st->ent.n; i++) {
        win_ent *e = ring_at(&st->ent, i);
        int keep = i >= nc; /* the pending row */
        switch (st->kind) {
        case W_FIRST: keep |= i == 0; break;
        case W_LAST: keep |= i + 1 == nc; break;
        case W_LIST: keep |= nvals < WIN_LIST_MAX; nvals += e->nv; break;
        case W_EARLIEST: case W_LATEST: keep |= mono_front_is(&st->lo, e->seq); break;
        case W_MIN: case W_MAX: case W_RANGE:
            keep |= mono_front_is(&st->lo, e->seq) || mono_front_is(&st->hi, e->seq) ||
                    mono_front_is(&st->slo, e->seq) || mono_front_is(&st->shi, e->seq);
            break;
        default: break;
        }
        if (!keep) { ent_free(e); continue; }
        if (w != i) memcpy(ring_at(&st->ent, w), e, sizeof *e);
        w++;
    }
    st->ent.n = w;
}

static win_state *state_get(sqlite3_context *ctx)
{
    win_state *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (st && !st->init) {
        st->init = 1;
        st->kind = (int)(intptr_t)sqlite3_user_data(ctx);
        st->ent.esz = sizeof(win_ent);
        st->lo.esz = st->hi.esz = st->slo.esz = st->shi.esz = sizeof(win_mono);
        hmap_init(&st->dc);
    }
    return st;
}

static void win_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    assert(argc == 6);
    (void)argc;
    win_state *st = state_get(ctx);
    if (!st) { sqlite3_result_error_nomem(ctx); return; }
    if (st->err) return;
    double tw = sqlite3_value_double(argv[2]);
    long long pw = sqlite3_value_int64(argv[4]);
    if (pw < 0) { st->unbounded = 1; pw = 0; tw = 0; }
    int cur = sqlite3_value_int(argv[5]);
    double t = 0;
    int has_t = sqlfn_arg_number(argv[1], &t);
    long long pos = sqlite3_value_int64(argv[3]);
    long long seq = st->nstep++;
    if (tw > 0) {
        if (!has_t) {
            st->err = xstrdup("streamstats time_window: a result has no _time");
        } else if (st->has_last_t && t != st->last_t) {
            int dir = t > st->last_t ? 1 : -1;
            if (!st->dir) st->dir = dir;
            else if (dir != st->dir)
                st->err = xstrdup("streamstats time_window: the results are not in time order (sort by _time first)");
        }
        if (st->err) { sqlite3_result_error(ctx, st->err, -1); return; }
        st->last_t = t;
        st->has_last_t = 1;
    }
    /* the previous row joins the result now */
    if (st->pending && st->ent.n) ent_apply(st, ring_at(&st->ent, st->ent.n - 1), 1);
    st->pending = 0;
    if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
        win_ent e = {seq, t, pos, 0, NULL, NULL};
        if (ent_values(&e, st->kind, argv[0])) {
            *(win_ent *)ring_push(&st->ent) = e;
            if (cur) ent_apply(st, &e, 1);
            else st->pending = 1;
        } else {
            ent_free(&e);
        }
    }
    /* the window bounds in time and position, from the newest row */
    while (st->ent.n) {
        const win_ent *f = ring_at(&st->ent, 0);
        if (f->seq == seq) break;
        if (!(tw > 0 && fabs(t - f->t) >= tw) && !(pw > 0 && pos - f->pos >= pw)) break;
        evict_front(st);
    }
    if (st->unbounded) compact(st);
}

static void win_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    win_state *st = state_get(ctx);
    if (!st) { sqlite3_result_error_nomem(ctx); return; }
    if (st->unbounded) { sqlite3_result_error(ctx, "splwin: a row left an unbounded window", -1); return; }
    st->ninv++;
    while (st->ent.n && ((win_ent *)ring_at(&st->ent, 0))->seq < st->ninv) evict_front(st);
}

static void result_num(sqlite3_context *ctx, double d)
{
    if (!isfinite(d)) sqlite3_result_null(ctx);
    else sqlite3_result_double(ctx, d);
}

static int cmp_str(const void *a, const void *b)
{
    const hmap_entry *x = *(hmap_entry *const *)a, *y = *(hmap_entry *const *)b;
    size_t m = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, m);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static void win_value(sqlite3_context *ctx)
{
    win_state *st = sqlite3_aggregate_context(ctx, 0);
    int kind = (int)(intptr_t)sqlite3_user_data(ctx);
    if (st && st->err) { sqlite3_result_error(ctx, st->err, -1); return; }
    if (!st || !st->init) {
        if (kind == W_COUNT || kind == W_DC) sqlite3_result_int(ctx, 0);
        else sqlite3_result_null(ctx);
        return;
    }
    size_t nc = committed(st);
    switch (kind) {
    case W_COUNT: sqlite3_result_int64(ctx, st->cnt); break;
    case W_DC: sqlite3_result_int64(ctx, st->dlive); break;
    case W_SUM:
        if (!st->nnum) sqlite3_result_null(ctx);
        else if (!st->nfrac) sqlite3_result_int64(ctx, st->isum);
        else result_num(ctx, (double)st->isum + st->fsum);
        break;
    case W_SUMSQ: if (st->nnum) result_num(ctx, st->sumsq); else sqlite3_result_null(ctx); break;
    case W_AVG:
        if (st->nnum) result_num(ctx, ((double)st->isum + st->fsum) / (double)st->nnum);
        else sqlite3_result_null(ctx);
        break;
    case W_STDEV: case W_STDEVP: case W_VAR: case W_VARP: {
        int pop = kind == W_STDEVP || kind == W_VARP;
        long long n = st->nnum;
        if (n < (pop ? 1 : 2)) { sqlite3_result_null(ctx); break; }
        double mean = ((double)st->isum + st->fsum) / (double)n;
        double var = (st->sumsq - (double)n * mean * mean) / (double)(pop ? n : n - 1);
        if (var < 0) var = 0;
        result_num(ctx, (kind == W_STDEV || kind == W_STDEVP) ? sqrt(var) : var);
        break;
    }
    case W_MIN: case W_MAX: case W_RANGE: {
        if (!st->cnt) { sqlite3_result_null(ctx); break; }
        const win_ring *r = kind == W_MIN ? (st->nstr ? &st->slo : &st->lo) : (st->nstr ? &st->shi : &st->hi);
        if (kind == W_RANGE) {
            if (st->nstr) sqlite3_result_null(ctx);
            else result_num(ctx, ((win_mono *)ring_at(&st->hi, 0))->d - ((win_mono *)ring_at(&st->lo, 0))->d);
        } else if (!st->nstr) {
            result_num(ctx, ((win_mono *)ring_at(r, 0))->d);
        } else {
            const win_mono *m = ring_at(r, 0);
            sqlite3_result_text64(ctx, m->s, m->n, SQLITE_TRANSIENT, SQLITE_UTF8);
        }
        break;
    }
    case W_VALUES: {
        if (!st->vcache_ok) {
            hmap_entry **keys = xmalloc(sizeof *keys * ((size_t)st->dlive + 1));
            size_t n = 0;
            for (size_t i = 0; i < st->dc.cap; i++)
                if (st->dc.slots[i].key && st->dc.slots[i].value > 0) keys[n++] = &st->dc.slots[i];
            assert(n == (size_t)st->dlive);
            qsort(keys, n, sizeof *keys, cmp_str);
            mv_list l = {0};
            for (size_t i = 0; i < n; i++) mv_list_add(&l, keys[i]->key, keys[i]->key_len);
            free(st->vcache);
            st->vcache = NULL;
            st->vcache_len = 0;
            st->vcache_n = n;
            if (n == 1) st->vcache = xstrndup(l.v[0], st->vcache_len = l.len[0]);
            else if (n > 1) st->vcache = mv_encode(&l, &st->vcache_len);
            st->vcache_ok = 1;
            mv_list_free(&l);
            free(keys);
        }
        /* as mv_result: none NULL, one TEXT, more a multivalue BLOB */
        if (!st->vcache_n) sqlite3_result_null(ctx);
        else if (st->vcache_n == 1) sqlite3_result_text64(ctx, st->vcache, st->vcache_len, SQLITE_TRANSIENT, SQLITE_UTF8);
        else sqlite3_result_blob64(ctx, st->vcache, st->vcache_len, SQLITE_TRANSIENT);
        break;
    }
    case W_LIST: {
        mv_list l = {0};
        for (size_t i = 0; i < nc && l.n < WIN_LIST_MAX; i++) {
            const win_ent *e = ring_at(&st->ent, i);
            for (size_t j = 0; j < e->nv && l.n < WIN_LIST_MAX; j++) mv_list_add(&l, e->v[j].s, e->v[j].n);
        }
        mv_result(ctx, &l);
        mv_list_free(&l);
        break;
    }
    case W_FIRST: case W_LAST:
        if (!nc) sqlite3_result_null(ctx);
        else sqlite3_result_value(ctx, ((win_ent *)ring_at(&st->ent, kind == W_FIRST ? 0 : nc - 1))->whole);
        break;
    case W_EARLIEST: case W_LATEST:
        if (!st->lo.n) sqlite3_result_null(ctx);
        else sqlite3_result_value(ctx, ((win_mono *)ring_at(&st->lo, 0))->whole);
        break;
    default:
        sqlite3_result_null(ctx);
    }
}

static void win_final(sqlite3_context *ctx)
{
    win_value(ctx);
    win_state *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || !st->init) return;
    for (size_t i = 0; i < st->ent.n; i++) ent_free(ring_at(&st->ent, i));
    ring_free(&st->ent);
    ring_free(&st->lo);
    ring_free(&st->hi);
    ring_free(&st->slo);
    ring_free(&st->shi);
    hmap_free(&st->dc);
    free(st->vcache);
    st->vcache = NULL;
    free(st->err);
    st->err = NULL;
    st->init = 0;
}

int sqlfn_register_window(sqlite3 *db)
{
    static const struct { const char *name; int kind; } fns[] = {
        {"splwin_count", W_COUNT}, {"splwin_dc", W_DC}, {"splwin_sum", W_SUM},
        {"splwin_sumsq", W_SUMSQ}, {"splwin_avg", W_AVG}, {"splwin_stdev", W_STDEV},
        {"splwin_stdevp", W_STDEVP}, {"splwin_var", W_VAR}, {"splwin_varp", W_VARP},
        {"splwin_min", W_MIN}, {"splwin_max", W_MAX}, {"splwin_range", W_RANGE},
        {"splwin_values", W_VALUES}, {"splwin_list", W_LIST}, {"splwin_first", W_FIRST},
        {"splwin_last", W_LAST}, {"splwin_earliest", W_EARLIEST}, {"splwin_latest", W_LATEST},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        int rc = sqlite3_create_window_function(db, fns[i].name, 6, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                                (void *)(intptr_t)fns[i].kind, win_step, win_final,
                                                win_value, win_inverse, NULL);
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}
