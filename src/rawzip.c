/* rawzip.c: zstd dictionary compression of _raw (see rawzip.h). */
#include "rawzip.h"
#include "hmap.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_forceAttachDict: cheap per-event contexts */
#include <zdict.h>
#include <zstd.h>

#define RZ_LEVEL 1
#define RZ_DICT_CAP (65536)
#define RZ_SAMPLES 1000          /* events to train on */
#define RZ_SAMPLE_BYTES (4 << 20)
#define RZ_MAX_TRIES 4

typedef struct rz_type {
    char *key;                   /* lower-cased sourcetype */
    sqlite3_int64 dict_id;       /* 0: none yet */
    ZSTD_CDict *cdict;
    sbuf samples;                /* concatenated sample events */
    size_t *sizes;
    unsigned nsamples, cap;
    unsigned want;               /* samples needed before the next training */
    int tries;
} rz_type;

struct rawzip {
    sqlite3 *db;
    hmap index;                  /* key -> index in types */
    rz_type *types;
    int ntypes;
    ZSTD_CCtx *cctx;
    sbuf out;
};

rawzip *rawzip_new(sqlite3 *db)
{
    rawzip *z = xcalloc(1, sizeof *z);
    z->db = db;
    hmap_init(&z->index);
    z->cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_forceAttachDict, ZSTD_dictForceAttach);
    ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_contentSizeFlag, 1);
    return z;
}

void rawzip_reset(rawzip *z)
{
    for (int i = 0; i < z->ntypes; i++) {
        free(z->types[i].key);
        ZSTD_freeCDict(z->types[i].cdict);
        sbuf_free(&z->types[i].samples);
        free(z->types[i].sizes);
    }
    free(z->types);
    z->types = NULL;
    z->ntypes = 0;
    hmap_free(&z->index);
}

void rawzip_free(rawzip *z)
{
    if (!z) return;
    rawzip_reset(z);
    ZSTD_freeCCtx(z->cctx);
    sbuf_free(&z->out);
    free(z);
}

/* The newest stored dictionary of this sourcetype, if any. */
static void rz_load(rawzip *z, rz_type *t)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(z->db, "SELECT id, dict FROM raw_dicts WHERE sourcetype = ?1 ORDER BY id DESC LIMIT 1", -1,
                           &q, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(q, 1, t->key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        t->cdict = ZSTD_createCDict(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1), RZ_LEVEL);
        if (t->cdict) t->dict_id = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
}

static rz_type *rz_type_for(rawzip *z, const char *sourcetype)
{
    sbuf key = {0};
    for (const char *p = sourcetype ? sourcetype : ""; *p; p++) sbuf_addc(&key, (char)tolower((unsigned char)*p));
    if (!key.s) sbuf_add(&key, "");
    long *v = hmap_get(&z->index, key.s, key.len);
    if (v) {
        sbuf_free(&key);
        return &z->types[*v];
    }
    z->types = xrealloc(z->types, (size_t)(z->ntypes + 1) * sizeof *z->types);
    rz_type *t = &z->types[z->ntypes];
    memset(t, 0, sizeof *t);
    t->key = sbuf_detach(&key);
    t->want = RZ_SAMPLES;
    hmap_put(&z->index, t->key, strlen(t->key), z->ntypes);
    z->ntypes++;
    rz_load(z, t);
    return t;
}

/* Train on the samples collected; on success store the dictionary. */
static int rz_train(rawzip *z, rz_type *t)
{
    void *dict = xmalloc(RZ_DICT_CAP);
    size_t n = ZDICT_trainFromBuffer(dict, RZ_DICT_CAP, t->samples.s, t->sizes, t->nsamples);
    int rc = 0;
    if (ZDICT_isError(n)) {
        /* Not enough variety yet: try again with more samples, a few times. */
        if (++t->tries >= RZ_MAX_TRIES) t->want = (unsigned)-1;
        else t->want *= 2;
        goto done;
    }
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(z->db, "INSERT INTO raw_dicts(sourcetype, dict) VALUES(?1, ?2)", -1, &q, NULL) !=
        SQLITE_OK) {
        rc = -1;
        goto done;
    }
    sqlite3_bind_text(q, 1, t->key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, dict, (int)n, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) rc = -1;
    sqlite3_finalize(q);
    if (rc == 0) {
        t->dict_id = sqlite3_last_insert_rowid(z->db);
        t->cdict = ZSTD_createCDict(dict, n, RZ_LEVEL);
        if (!t->cdict) t->dict_id = 0;
    }
done:
    free(dict);
    sbuf_free(&t->samples);
    free(t->sizes);
    t->sizes = NULL;
    t->nsamples = t->cap = 0;
    return rc;
}

int rawzip_encode(rawzip *z, const char *sourcetype, const char *raw, size_t len, const void **out, size_t *outlen,
                  sqlite3_int64 *dict_id)
{
    *out = raw;
    *outlen = len;
    *dict_id = 0;
    rz_type *t = rz_type_for(z, sourcetype);
    if (!t->cdict) {
        if (t->want == (unsigned)-1 || len == 0) return 0;
        if (t->nsamples == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 256;
            t->sizes = xrealloc(t->sizes, t->cap * sizeof *t->sizes);
        }
        sbuf_addn(&t->samples, raw, len);
        t->sizes[t->nsamples++] = len;
        if (t->nsamples >= t->want || t->samples.len >= RZ_SAMPLE_BYTES) return rz_train(z, t);
        return 0;
    }
    size_t bound = ZSTD_compressBound(len);
    sbuf_reset(&z->out);
    sbuf_grow(&z->out, bound);
    ZSTD_CCtx_reset(z->cctx, ZSTD_reset_session_only);
    ZSTD_CCtx_refCDict(z->cctx, t->cdict);
    size_t n = ZSTD_compress2(z->cctx, z->out.s, bound, raw, len);
    if (ZSTD_isError(n) || n >= len) return 0; /* not worth it: keep plain */
    *out = z->out.s;
    *outlen = n;
    *dict_id = t->dict_id;
    return 0;
}

/* --- splite_raw(data, dict) ------------------------------------------------ */

typedef struct rz_reader {
    sqlite3_int64 *ids;
    ZSTD_DDict **ddicts;
    int n;
    ZSTD_DCtx *dctx;
} rz_reader;

static void rz_reader_free(void *p)
{
    rz_reader *r = p;
    for (int i = 0; i < r->n; i++) ZSTD_freeDDict(r->ddicts[i]);
    free(r->ids);
    free(r->ddicts);
    ZSTD_freeDCtx(r->dctx);
    free(r);
}

static ZSTD_DDict *rz_ddict(rz_reader *r, sqlite3 *db, sqlite3_int64 id)
{
    for (int i = 0; i < r->n; i++)
        if (r->ids[i] == id) return r->ddicts[i];
    sqlite3_stmt *q;
    ZSTD_DDict *d = NULL;
    if (sqlite3_prepare_v2(db, "SELECT dict FROM raw_dicts WHERE id = ?1", -1, &q, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) == SQLITE_ROW) d = ZSTD_createDDict(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0));
    sqlite3_finalize(q);
    if (!d) return NULL;
    r->ids = xrealloc(r->ids, (size_t)(r->n + 1) * sizeof *r->ids);
    r->ddicts = xrealloc(r->ddicts, (size_t)(r->n + 1) * sizeof *r->ddicts);
    r->ids[r->n] = id;
    r->ddicts[r->n] = d;
    r->n++;
    return d;
}

static void rz_sql_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    rz_reader *r = sqlite3_user_data(ctx);
    ZSTD_DDict *d = rz_ddict(r, sqlite3_context_db_handle(ctx), sqlite3_value_int64(argv[1]));
    const void *src = sqlite3_value_blob(argv[0]);
    size_t srclen = (size_t)sqlite3_value_bytes(argv[0]);
    unsigned long long size = ZSTD_getFrameContentSize(src, srclen);
    if (!d || size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ULL << 31)) {
        sqlite3_result_error(ctx, "splite_raw: cannot decompress _raw (missing dictionary or corrupt data)", -1);
        return;
    }
    char *buf = sqlite3_malloc64(size + 1);
    if (!buf) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t n = ZSTD_decompress_usingDDict(r->dctx, buf, size, src, srclen, d);
    if (ZSTD_isError(n)) {
        sqlite3_free(buf);
        sqlite3_result_error(ctx, "splite_raw: corrupt compressed _raw", -1);
        return;
    }
    sqlite3_result_text(ctx, buf, (int)n, sqlite3_free);
}

int rawzip_register(sqlite3 *db)
{
    rz_reader *r = xcalloc(1, sizeof *r);
    r->dctx = ZSTD_createDCtx();
    return sqlite3_create_function_v2(db, "splite_raw", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, r, rz_sql_raw, NULL,
                                      NULL, rz_reader_free) == SQLITE_OK
               ? 0
               : -1;
}
