/* rawblk.c: block-compressed _raw (see rawblk.h). A block is one zstd frame
 * of: u32 count, then per event u64 rowid + u32 length, then the texts. */
#include "rawblk.h"
#include "util.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define RAWBLK_TARGET (64 * 1024)
#define RAWBLK_MAX_EVENTS 1024
/* Level 2 with a minimum match of 7 bytes: on 64 KB blocks of XML events
 * about 14% faster than level 1 and compressing a little better (measured
 * with bench-gen output, see docs/PERFORMANCE.md). */
#define RAWBLK_LEVEL 2
#define RAWBLK_MIN_MATCH 7

/* The frame header (count, then rowid + length per event) is written just in
 * front of the texts, into room kept at the start of the text buffer, so the
 * frame is compressed in place without copying the texts. */
#define RAWBLK_HDR_MAX (4 + 12 * RAWBLK_MAX_EVENTS)
/* raw rows are written this many per INSERT (one statement step instead of
 * one per event) */
#define RAWBLK_ROWS_PER_INSERT 64

struct rawblk {
    sqlite3 *db;
    sqlite3_stmt *ins_block, *ins_raw, *ins_raw_many;
    sbuf text;                       /* RAWBLK_HDR_MAX bytes of room, then the raws */
    sqlite3_int64 rowids[RAWBLK_MAX_EVENTS];
    uint32_t lens[RAWBLK_MAX_EVENTS];
    int n;
    sbuf out;
    ZSTD_CCtx *cctx;
};

rawblk *rawblk_new(sqlite3 *db)
{
    rawblk *b = xcalloc(1, sizeof *b);
    b->db = db;
    b->cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(b->cctx, ZSTD_c_compressionLevel, RAWBLK_LEVEL);
    ZSTD_CCtx_setParameter(b->cctx, ZSTD_c_minMatch, RAWBLK_MIN_MATCH);
    rawblk_discard(b);
    return b;
}

void rawblk_free(rawblk *b)
{
    if (!b) return;
    sqlite3_finalize(b->ins_block);
    sqlite3_finalize(b->ins_raw);
    sqlite3_finalize(b->ins_raw_many);
    sbuf_free(&b->text);
    sbuf_free(&b->out);
    ZSTD_freeCCtx(b->cctx);
    free(b);
}

void rawblk_discard(rawblk *b)
{
    b->n = 0;
    sbuf_reset(&b->text);
    sbuf_grow(&b->text, RAWBLK_HDR_MAX + RAWBLK_TARGET);
    b->text.len = RAWBLK_HDR_MAX;
}

static int rawblk_prepare(rawblk *b)
{
    if (!b->ins_block &&
        sqlite3_prepare_v3(b->db, "INSERT INTO raw_blocks(data) VALUES(?1)", -1, SQLITE_PREPARE_PERSISTENT,
                           &b->ins_block, NULL) != SQLITE_OK)
        return -1;
    if (!b->ins_raw &&
        sqlite3_prepare_v3(b->db, "INSERT INTO raw(rowid, blk) VALUES(?1, ?2)", -1, SQLITE_PREPARE_PERSISTENT,
                           &b->ins_raw, NULL) != SQLITE_OK)
        return -1;
    if (!b->ins_raw_many) {
        /* INSERT INTO raw(rowid, blk) VALUES(?1, ?65), (?2, ?65), ... */
        sbuf sql = {0};
        sbuf_add(&sql, "INSERT INTO raw(rowid, blk) VALUES");
        for (int i = 1; i <= RAWBLK_ROWS_PER_INSERT; i++)
            sbuf_printf(&sql, "%s(?%d, ?%d)", i > 1 ? ", " : "", i, RAWBLK_ROWS_PER_INSERT + 1);
        int rc = sqlite3_prepare_v3(b->db, sql.s, -1, SQLITE_PREPARE_PERSISTENT, &b->ins_raw_many, NULL);
        sbuf_free(&sql);
        if (rc != SQLITE_OK) return -1;
    }
    return 0;
}

int rawblk_flush(rawblk *b)
{
    if (b->n == 0) return 0;
    assert(b->n <= RAWBLK_MAX_EVENTS && b->text.len >= RAWBLK_HDR_MAX);
    /* frame: header then texts, the header right in front of the texts */
    size_t hdr = 4 + 12 * (size_t)b->n;
    char *frame = b->text.s + RAWBLK_HDR_MAX - hdr;
    size_t frame_len = hdr + (b->text.len - RAWBLK_HDR_MAX);
    uint32_t n = (uint32_t)b->n;
    memcpy(frame, &n, 4);
    for (int i = 0; i < b->n; i++) {
        uint64_t r = (uint64_t)b->rowids[i];
        memcpy(frame + 4 + 12 * (size_t)i, &r, 8);
        memcpy(frame + 4 + 12 * (size_t)i + 8, &b->lens[i], 4);
    }
    size_t bound = ZSTD_compressBound(frame_len);
    sbuf_reset(&b->out);
    sbuf_grow(&b->out, bound);
    size_t z = ZSTD_compress2(b->cctx, b->out.s, bound, frame, frame_len);
    if (ZSTD_isError(z)) return -1;
    if (rawblk_prepare(b)) return -1;
    sqlite3_bind_blob(b->ins_block, 1, b->out.s, (int)z, SQLITE_STATIC);
    int rc = sqlite3_step(b->ins_block);
    sqlite3_reset(b->ins_block);
    if (rc != SQLITE_DONE) return -1;
    sqlite3_int64 blk = sqlite3_last_insert_rowid(b->db);
    int i = 0;
    for (; i + RAWBLK_ROWS_PER_INSERT <= b->n; i += RAWBLK_ROWS_PER_INSERT) {
        for (int k = 0; k < RAWBLK_ROWS_PER_INSERT; k++) sqlite3_bind_int64(b->ins_raw_many, k + 1, b->rowids[i + k]);
        sqlite3_bind_int64(b->ins_raw_many, RAWBLK_ROWS_PER_INSERT + 1, blk);
        rc = sqlite3_step(b->ins_raw_many);
        sqlite3_reset(b->ins_raw_many);
        if (rc != SQLITE_DONE) return -1;
    }
    for (; i < b->n; i++) {
        sqlite3_bind_int64(b->ins_raw, 1, b->rowids[i]);
        sqlite3_bind_int64(b->ins_raw, 2, blk);
        rc = sqlite3_step(b->ins_raw);
        sqlite3_reset(b->ins_raw);
        if (rc != SQLITE_DONE) return -1;
    }
    rawblk_discard(b);
    return 0;
}

int rawblk_add(rawblk *b, sqlite3_int64 rowid, const char *raw, size_t len)
{
    if (len > UINT32_MAX) len = UINT32_MAX;
    b->rowids[b->n] = rowid;
    b->lens[b->n] = (uint32_t)len;
    b->n++;
    if (len) sbuf_addn(&b->text, raw, len);
    if (b->text.len - RAWBLK_HDR_MAX >= RAWBLK_TARGET || b->n == RAWBLK_MAX_EVENTS) return rawblk_flush(b);
    return 0;
}

/* --- splite_raw(blk, rowid) ------------------------------------------------ */

#define RB_CACHE 64

typedef struct rb_entry {
    sqlite3_int64 blk;           /* 0 = empty */
    char *data;                  /* decompressed frame */
    size_t len;
    unsigned long used;          /* LRU clock */
} rb_entry;

typedef struct rb_cache {
    rb_entry e[RB_CACHE];
    unsigned long clock;
    ZSTD_DCtx *dctx;
} rb_cache;

static void rb_cache_free(void *p)
{
    rb_cache *c = p;
    for (int i = 0; i < RB_CACHE; i++) free(c->e[i].data);
    ZSTD_freeDCtx(c->dctx);
    free(c);
}

/* The decompressed block blk (from the cache or the table), or NULL. */
static rb_entry *rb_load(rb_cache *c, sqlite3 *db, sqlite3_int64 blk)
{
    rb_entry *victim = &c->e[0];
    for (int i = 0; i < RB_CACHE; i++) {
        if (c->e[i].blk == blk && c->e[i].data) {
            c->e[i].used = ++c->clock;
            return &c->e[i];
        }
        if (c->e[i].used < victim->used) victim = &c->e[i];
    }
    /* No statement is kept between calls: a cached one would keep the
     * connection from closing (its finalizer runs only at close). */
    sqlite3_stmt *get;
    if (sqlite3_prepare_v2(db, "SELECT data FROM raw_blocks WHERE id = ?1", -1, &get, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_int64(get, 1, blk);
    rb_entry *out = NULL;
    if (sqlite3_step(get) == SQLITE_ROW) {
        const void *src = sqlite3_column_blob(get, 0);
        size_t srclen = (size_t)sqlite3_column_bytes(get, 0);
        unsigned long long size = ZSTD_getFrameContentSize(src, srclen);
        if (size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN && size < (1ULL << 31)) {
            char *buf = xmalloc((size_t)size + 1);
            size_t n = ZSTD_decompressDCtx(c->dctx, buf, (size_t)size, src, srclen);
            if (!ZSTD_isError(n) && n >= 4) {
                free(victim->data);
                victim->data = buf;
                victim->len = n;
                victim->blk = blk;
                victim->used = ++c->clock;
                out = victim;
            } else {
                free(buf);
            }
        }
    }
    sqlite3_finalize(get);
    return out;
}

static void rb_sql_raw(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    rb_cache *c = sqlite3_user_data(ctx);
    sqlite3_int64 blk = sqlite3_value_int64(argv[0]);
    sqlite3_int64 rowid = sqlite3_value_int64(argv[1]);
    rb_entry *b = rb_load(c, sqlite3_context_db_handle(ctx), blk);
    if (!b) {
        sqlite3_result_error(ctx, "splite_raw: cannot read a compressed _raw block", -1);
        return;
    }
    uint32_t n;
    memcpy(&n, b->data, 4);
    size_t hdr = 4 + (size_t)n * 12;
    if (hdr > b->len) {
        sqlite3_result_error(ctx, "splite_raw: corrupt _raw block", -1);
        return;
    }
    size_t off = hdr;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t r;
        uint32_t len;
        memcpy(&r, b->data + 4 + i * 12, 8);
        memcpy(&len, b->data + 4 + i * 12 + 8, 4);
        if (off + len > b->len) break;
        if ((sqlite3_int64)r == rowid) {
            sqlite3_result_text(ctx, b->data + off, (int)len, SQLITE_TRANSIENT);
            return;
        }
        off += len;
    }
    sqlite3_result_error(ctx, "splite_raw: event not in its _raw block", -1);
}

int rawblk_register(sqlite3 *db)
{
    rb_cache *c = xcalloc(1, sizeof *c);
    c->dctx = ZSTD_createDCtx();
    return sqlite3_create_function_v2(db, "splite_raw", 2, SQLITE_UTF8, c, rb_sql_raw, NULL, NULL, rb_cache_free) ==
                   SQLITE_OK
               ? 0
               : -1;
}
