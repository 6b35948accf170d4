/* multi_cand.c: the rows the shared scan listed for each slot, and
 * splite_cand(slot), the table-valued function a prefilter-compiled query
 * reads them through ("e.rowid IN (SELECT value FROM splite_cand(?N))"):
 * an eponymous virtual table over the installed sets, ascending. A list
 * while sparse; a bitmap over the scanned rowid range once that is smaller
 * (more than one row in 64 listed). */
#include <stdlib.h>
#include <string.h>
#include "multi_int.h"
#include "util.h"

void mx_cands_add(mx_cands *c, int64_t rowid, int64_t lo, int64_t hi)
{
    if (rowid < lo || rowid > hi) return; /* not in the scanned range: never listed */
    c->lo = lo;
    uint64_t off = (uint64_t)(rowid - lo);
    if (c->bits) {
        uint64_t bit = 1ull << (off % 64);
        if (!(c->bits[off / 64] & bit)) c->n++;
        c->bits[off / 64] |= bit;
        return;
    }
    if (c->n && c->v[c->n - 1] == rowid) return;
    uint64_t range = (uint64_t)(hi - lo) + 1;
    if ((uint64_t)(c->n + 1) * 64 > range && range / 64 < ((uint64_t)1 << 40)) {
        c->nbits = (size_t)range;
        c->bits = xcalloc((c->nbits + 63) / 64, sizeof *c->bits);
        for (size_t i = 0; i < c->n; i++) {
            uint64_t o = (uint64_t)(c->v[i] - lo);
            c->bits[o / 64] |= 1ull << (o % 64);
        }
        free(c->v);
        c->v = NULL;
        c->cap = 0;
        c->bits[off / 64] |= 1ull << (off % 64);
        c->n++;
        return;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = xrealloc(c->v, sizeof *c->v * c->cap);
    }
    c->v[c->n++] = rowid;
}

void mx_cands_free(mx_cands *c)
{
    free(c->v);
    free(c->bits);
    memset(c, 0, sizeof *c);
}

size_t mx_cands_count(const mx_cands *c)
{
    return c->n;
}

/* ---- splite_cand(slot) ---- */

static const mx *installed;

void mx_install(mx *m)
{
    installed = m;
}

typedef struct cand_cursor {
    sqlite3_vtab_cursor base;
    const mx_cands *c;
    int64_t lo;
    size_t pos;      /* list: index; bitmap: bit */
    int64_t value;
    int eof;
} cand_cursor;

static int cand_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
    (void)aux;
    (void)argc;
    (void)argv;
    (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(value INTEGER, slot HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    *out = v;
    return SQLITE_OK;
}

static int cand_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int cand_best_index(sqlite3_vtab *v, sqlite3_index_info *ix)
{
    (void)v;
    int slot = -1;
    for (int i = 0; i < ix->nConstraint; i++)
        if (ix->aConstraint[i].iColumn == 1 && ix->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ &&
            ix->aConstraint[i].usable)
            slot = i;
    if (slot < 0) {
        /* without its slot the function lists nothing useful: make the
         * planner supply it (a plan without it is refused) */
        return SQLITE_CONSTRAINT;
    }
    ix->aConstraintUsage[slot].argvIndex = 1;
    ix->aConstraintUsage[slot].omit = 1;
    ix->estimatedCost = 10;
    ix->estimatedRows = 100;
    if (ix->nOrderBy == 1 && ix->aOrderBy[0].iColumn == 0 && !ix->aOrderBy[0].desc) ix->orderByConsumed = 1;
    return SQLITE_OK;
}

static int cand_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    cand_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static int cand_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* move to the first listed row at or after pos */
static void settle(cand_cursor *c)
{
    const mx_cands *s = c->c;
    if (!s->bits) {
        c->eof = c->pos >= s->n;
        if (!c->eof) c->value = s->v[c->pos];
        return;
    }
    while (c->pos < s->nbits) {
        uint64_t w = s->bits[c->pos / 64] >> (c->pos % 64);
        if (w) {
            c->pos += (size_t)__builtin_ctzll(w);
            c->value = c->lo + (int64_t)c->pos;
            c->eof = 0;
            return;
        }
        c->pos = (c->pos / 64 + 1) * 64;
    }
    c->eof = 1;
}

static int cand_filter(sqlite3_vtab_cursor *cur, int idxnum, const char *idxstr, int argc, sqlite3_value **argv)
{
    (void)idxnum;
    (void)idxstr;
    cand_cursor *c = (cand_cursor *)cur;
    static const mx_cands none;
    c->pos = 0;
    c->c = &none;
    if (argc < 1) return SQLITE_ERROR;
    sqlite3_int64 slot = sqlite3_value_int64(argv[0]);
    if (!installed || slot < 0 || slot >= installed->nslots) {
        sqlite3_free(cur->pVtab->zErrMsg);
        cur->pVtab->zErrMsg = sqlite3_mprintf("splite_cand: no rows were listed for slot %lld "
                                              "(a query compiled for the shared scan runs after it)", slot);
        return SQLITE_ERROR;
    }
    c->c = &installed->slots[slot].c;
    c->lo = c->c->lo;
    settle(c);
    return SQLITE_OK;
}

static int cand_next(sqlite3_vtab_cursor *cur)
{
    cand_cursor *c = (cand_cursor *)cur;
    c->pos++;
    settle(c);
    return SQLITE_OK;
}

static int cand_eof(sqlite3_vtab_cursor *cur)
{
    return ((cand_cursor *)cur)->eof;
}

static int cand_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    cand_cursor *c = (cand_cursor *)cur;
    if (i == 0) sqlite3_result_int64(ctx, c->value);
    else sqlite3_result_null(ctx);
    return SQLITE_OK;
}

static int cand_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out)
{
    *out = ((cand_cursor *)cur)->value;
    return SQLITE_OK;
}

static const sqlite3_module cand_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only */
    .xConnect = cand_connect,
    .xBestIndex = cand_best_index,
    .xDisconnect = cand_disconnect,
    .xDestroy = cand_disconnect,
    .xOpen = cand_open,
    .xClose = cand_close,
    .xFilter = cand_filter,
    .xNext = cand_next,
    .xEof = cand_eof,
    .xColumn = cand_column,
    .xRowid = cand_rowid,
};

int mx_attach(sqlite3 *db)
{
    /* a second registration on the same connection fails harmlessly */
    int rc = sqlite3_create_module(db, "splite_cand", &cand_module, NULL);
    return rc == SQLITE_OK || rc == SQLITE_MISUSE ? 0 : -1;
}
