/* ingest_identity.c: which earlier load a file is (splite's "fishbucket",
 * after Splunk's file monitor). Every load of a file is a row of files
 * recording the bytes read so far (offset, line) and the hash of exactly
 * those bytes, plus the hash of the file's first INGEST_HEAD_ID bytes (head,
 * the key a file is looked up by) and one 32-bit hash per line read
 * (file_lines, to say where a changed file differs). A file is
 *   - the same content again when an earlier load read all of it;
 *   - a grown file (or an interrupted load) when its first `offset` bytes
 *     hash as an earlier load's: the load continues there;
 *   - changed when no load matches but one was made from the same path:
 *     refused, the caller says where it differs;
 *   - new otherwise (including a different file whose first bytes happen to
 *     be another's, common for logs of one kind).
 * See docs/ARCHITECTURE.md, "Loading". */
#include "ingest_int.h"
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int has_column(sqlite3 *db, const char *table, const char *col)
{
    sqlite3_stmt *q;
    char *sql = xasprintf("PRAGMA table_info(%s)", table);
    int found = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW)
            if (!strcmp((const char *)sqlite3_column_text(q, 1), col)) found = 1;
        sqlite3_finalize(q);
    }
    free(sql);
    return found;
}

int ingest_schema(store *st)
{
    sqlite3 *db = store_db(st);
    if (has_column(db, "files", "tail_hash")) return 0;
    int own = sqlite3_get_autocommit(db);
    if (own && exec(db, "BEGIN IMMEDIATE")) return -1;
    int rc = 0;
    if (!has_column(db, "files", "tail_rowid"))
        rc = exec(db, "ALTER TABLE files ADD COLUMN head TEXT; ALTER TABLE files ADD COLUMN tail_off INTEGER;"
                      "ALTER TABLE files ADD COLUMN tail_line INTEGER; ALTER TABLE files ADD COLUMN tail_rowid INTEGER;"
                      "CREATE INDEX IF NOT EXISTS files_head ON files(head);"
                      "CREATE INDEX IF NOT EXISTS files_path ON files(path);"
                      "CREATE TABLE IF NOT EXISTS file_lines(file INTEGER NOT NULL, line INTEGER NOT NULL, "
                      "hashes BLOB NOT NULL, PRIMARY KEY(file, line));");
    /* the hash of the bytes before a tail the format rewrites in place */
    if (!rc && !has_column(db, "files", "tail_hash")) rc = exec(db, "ALTER TABLE files ADD COLUMN tail_hash TEXT");
    if (own) {
        if (rc) exec(db, "ROLLBACK");
        else rc = exec(db, "COMMIT");
    }
    return rc;
}

typedef struct cand {
    sqlite3_int64 id;
    int same_path, done;
    uint64_t want;      /* hash of the first hlen bytes */
    long long hlen, offset;
    long line;
    int has_tail;
    long long tail_off;
    long tail_line;
    sqlite3_int64 tail_rowid;
    uint64_t got;       /* hash of the file's first hlen bytes */
    uint64_t got_raw;   /* ... the volatile head as it is (loads made before
                           splite knew it is volatile hashed it so) */
    int have_got;
    int has_tail_hash;  /* tail_want: hash of the first tail_off bytes */
    uint64_t tail_want, tail_got;
    int have_tail_got;
    long long key_off;  /* the tail unit's stable bytes: where, how many, */
    size_t key_len;     /* their util_hash */
    uint64_t key_hash;
} cand;

/* A place to hash the file up to: a candidate's hlen or its tail_off. */
typedef struct checkpoint {
    long long pos;
    cand *c;
    int tail;
} checkpoint;

static int cmp_pos(const void *a, const void *b)
{
    const checkpoint *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Hash the file's first hlen bytes (and tail_off bytes, for a tail hash)
 * for every candidate, in one pass; the first vol bytes as zeros. */
static int hash_prefixes(const char *path, cand *c, int n, long long size, long long vol)
{
    checkpoint *cp = xmalloc((size_t)(2 * n + 1) * sizeof *cp);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (c[i].hlen <= size) cp[m++] = (checkpoint){c[i].hlen, &c[i], 0};
        if (c[i].has_tail_hash && c[i].tail_off <= size) cp[m++] = (checkpoint){c[i].tail_off, &c[i], 1};
    }
    qsort(cp, (size_t)m, sizeof *cp, cmp_pos);
    FILE *f = m ? fopen(path, "rb") : NULL;
    if (m && !f) {
        free(cp);
        return -1;
    }
    char *buf = xmalloc(INGEST_BUF);
    ingest_hash h, raw;
    ingest_hash_init(&h);
    ingest_hash_init(&raw);
    long long pos = 0;
    int rc = 0;
    for (int k = 0; k < m && !rc; k++) {
        while (pos < cp[k].pos) {
            long long left = cp[k].pos - pos;
            size_t want = left < INGEST_BUF ? (size_t)left : INGEST_BUF;
            size_t got = fread(buf, 1, want, f);
            ingest_hash_feed_at(&h, buf, got, pos, vol);
            if (vol) ingest_hash_feed(&raw, buf, got);
            pos += (long long)got;
            if (got < want) break;
        }
        if (pos < cp[k].pos) break; /* the file shrank meanwhile */
        if (cp[k].tail) {
            cp[k].c->tail_got = ingest_hash_value(&h);
            cp[k].c->have_tail_got = 1;
        } else {
            cp[k].c->got = ingest_hash_value(&h);
            cp[k].c->got_raw = vol ? ingest_hash_value(&raw) : cp[k].c->got;
            cp[k].c->have_got = 1;
        }
    }
    if (f && ferror(f)) rc = -1;
    if (f) fclose(f);
    free(buf);
    free(cp);
    return rc;
}

/* 1 if the file holds the candidate's tail key bytes where they were. */
static int key_matches(const char *path, const cand *c)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char *buf = xmalloc(c->key_len);
    int ok = fseeko(f, (off_t)c->key_off, SEEK_SET) == 0 && fread(buf, 1, c->key_len, f) == c->key_len &&
             util_hash(UTIL_HASH_INIT, buf, c->key_len) == c->key_hash;
    free(buf);
    fclose(f);
    return ok;
}

/* A completed load whose bytes before its tail match the file and whose
 * tail unit still starts with the same stable bytes (the first of the same
 * path if any): the tail was written to in place. */
static const cand *tail_hit(const char *path, const cand *c, int n)
{
    const cand *hit = NULL;
    for (int i = 0; i < n; i++)
        if (c[i].done && c[i].has_tail_hash && c[i].have_tail_got && c[i].tail_got == c[i].tail_want &&
            (!hit || (c[i].same_path && !hit->same_path)) && key_matches(path, &c[i]))
            hit = &c[i];
    return hit;
}

int ingest_match_file(store *st, const char *path, long long size, long long vol, ingest_match *m)
{
    memset(m, 0, sizeof *m);
    m->kind = INGEST_NEW;
    /* the head: the key loads are looked up by */
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    char head[INGEST_HEAD_ID];
    size_t hn = fread(head, 1, sizeof head, f);
    fclose(f);
    memset(head, 0, (size_t)(vol < (long long)hn ? vol : (long long)hn)); /* a volatile head is no key */
    snprintf(m->head, sizeof m->head, "%016" PRIx64, util_hash(UTIL_HASH_INIT, head, hn));

    sqlite3 *db = store_db(st);
    sqlite3_stmt *q;
    /* Rows of splite before this model have no head: their hash covers
     * offset bytes when it is "partial:", else size bytes. */
    if (sqlite3_prepare_v2(db,
                           "SELECT id, path = ?2, status = 'done', hash, CASE WHEN head IS NOT NULL OR hash LIKE "
                           "'partial:%' THEN offset ELSE size END, offset, line, tail_off, tail_line, tail_rowid, tail_hash "
                           "FROM files WHERE path <> '-' AND (head = ?1 OR path = ?2 OR head IS NULL) ORDER BY id DESC",
                           -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: database error: %s\n", path, sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(q, 1, m->head, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, path, -1, SQLITE_STATIC);
    cand *c = NULL;
    int n = 0, cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(q, 3);
        if (!h) continue;
        if (!strncmp(h, "partial:", 8)) h += 8;
        char *end;
        uint64_t want = strtoull(h, &end, 16);
        if (end == h || *end) continue; /* e.g. "partial:-": never resumable */
        if (n == cap) c = xrealloc(c, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *c);
        cand *x = &c[n++];
        memset(x, 0, sizeof *x);
        x->id = sqlite3_column_int64(q, 0);
        x->same_path = sqlite3_column_int(q, 1);
        x->done = sqlite3_column_int(q, 2);
        x->want = want;
        x->hlen = sqlite3_column_int64(q, 4);
        x->offset = sqlite3_column_int64(q, 5);
        x->line = (long)sqlite3_column_int64(q, 6);
        x->has_tail = sqlite3_column_type(q, 7) != SQLITE_NULL;
        x->tail_off = sqlite3_column_int64(q, 7);
        x->tail_line = (long)sqlite3_column_int64(q, 8);
        x->tail_rowid = sqlite3_column_int64(q, 9);
        const char *th = (const char *)sqlite3_column_text(q, 10);
        unsigned long long tw, kh;
        long long ko;
        size_t kl;
        if (th && x->has_tail && sscanf(th, "%llx %lld %zu %llx", &tw, &ko, &kl, &kh) == 4 && kl > 0 &&
            kl <= INGEST_BUF && ko >= x->tail_off) {
            x->has_tail_hash = 1;
            x->tail_want = tw;
            x->key_off = ko;
            x->key_len = kl;
            x->key_hash = kh;
        }
    }
    sqlite3_finalize(q);
    if (hash_prefixes(path, c, n, size, vol)) {
        fprintf(stderr, "%s: read error: %s\n", path, strerror(errno));
        free(c);
        return -1;
    }
    const cand *hit = NULL, *same_path = NULL;
    for (int i = 0; i < n && !hit; i++) {
        /* a load that read nothing matches every file: only its own path */
        if (c[i].have_got && (c[i].got == c[i].want || c[i].got_raw == c[i].want) && (c[i].hlen > 0 || c[i].same_path))
            hit = &c[i];
        if (!same_path && c[i].same_path) same_path = &c[i];
    }
    if (hit) {
        m->id = hit->id;
        if (!hit->done) {
            m->kind = INGEST_RESUME;
            m->off = hit->offset;
            m->line = hit->line;
        } else if (size <= hit->offset) {
            m->kind = INGEST_SAME;
        } else {
            m->kind = INGEST_APPEND;
            m->off = hit->offset;
            m->line = hit->line;
            if (hit->has_tail && hit->tail_off <= hit->offset) {
                m->off = hit->tail_off;
                m->line = hit->tail_line;
                m->del_from = hit->tail_rowid;
            }
        }
    } else if ((hit = tail_hit(path, c, n)) != NULL) {
        /* the bytes before its tail are the same, the tail was rewritten
         * in place (a growing .evtx's last chunk): it is loaded again */
        m->id = hit->id;
        m->kind = INGEST_APPEND;
        m->off = hit->tail_off;
        m->line = hit->tail_line;
        m->del_from = hit->tail_rowid;
    } else if (same_path) {
        m->kind = INGEST_CHANGED;
        m->id = same_path->id;
        m->loaded = same_path->offset;
        m->loaded_lines = same_path->line;
    }
    free(c);
    return 0;
}

char *ingest_describe_change(store *st, const char *path, const ingest_match *m)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(store_db(st), "SELECT line, hashes FROM file_lines WHERE file = ?1 ORDER BY line", -1, &q,
                           NULL) != SQLITE_OK)
        return xasprintf("its first %lld bytes differ from those loaded before", m->loaded);
    sqlite3_bind_int64(q, 1, m->id);
    ingest_lines L;
    memset(&L, 0, sizeof L);
    L.f = fopen(path, "rb");
    L.buf = xmalloc(INGEST_BUF);
    long lineno = 0, diff = 0, stored = 0;
    int ended = 0, gap = 0;
    while (L.f && !diff && !ended && !gap && sqlite3_step(q) == SQLITE_ROW) {
        long first = (long)sqlite3_column_int64(q, 0);
        const unsigned char *h = sqlite3_column_blob(q, 1);
        long cnt = sqlite3_column_bytes(q, 1) / 4;
        if (first != lineno + 1) {
            gap = 1;
            break;
        }
        for (long k = 0; k < cnt; k++) {
            const char *line = NULL;
            size_t len, consumed;
            int r = ingest_next_line(&L, &line, &len, &consumed);
            if (r <= 0) {
                ended = 1;
                break;
            }
            lineno++;
            stored++;
            uint32_t want = (uint32_t)h[4 * k] | (uint32_t)h[4 * k + 1] << 8 | (uint32_t)h[4 * k + 2] << 16 |
                            (uint32_t)h[4 * k + 3] << 24;
            if (ingest_line_hash(r, line, len, consumed) != want) {
                diff = lineno;
                break;
            }
        }
    }
    sqlite3_finalize(q);
    if (L.f) fclose(L.f);
    free(L.buf);
    sbuf_free(&L.line);
    if (diff) return xasprintf("line %ld is not what was loaded from it before", diff);
    if (ended) return xasprintf("it now ends at line %ld, but %ld lines were loaded from it before", lineno,
                                m->loaded_lines);
    return xasprintf("its first %lld bytes (%ld lines) differ from those loaded before", m->loaded, m->loaded_lines);
}

sqlite3_int64 *ingest_loads_of_path(store *st, const char *path, int *n)
{
    sqlite3_stmt *q;
    sqlite3_int64 *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(store_db(st), "SELECT id FROM files WHERE path = ?1 AND path <> '-'", -1, &q, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW) {
        ids = xrealloc(ids, (size_t)(*n + 1) * sizeof *ids);
        ids[(*n)++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return ids;
}

static int run1(sqlite3 *db, const char *sql, sqlite3_int64 a, sqlite3_int64 b)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) return -1;
    if (sqlite3_bind_parameter_count(q) >= 1) sqlite3_bind_int64(q, 1, a);
    if (sqlite3_bind_parameter_count(q) >= 2) sqlite3_bind_int64(q, 2, b);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Data model summaries (spl_dm_summary.c) assume events are only appended:
 * drop their rows from rowid lo on and move their high-water mark below
 * it, so the next search summarises the events from there again. */
static int ingest_fix_summaries(sqlite3 *db, sqlite3_int64 lo)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT tbl FROM dm_summaries WHERE rowid_hi >= ?1", -1, &q, NULL) != SQLITE_OK)
        return 0; /* no summaries in this database */
    sqlite3_bind_int64(q, 1, lo);
    int rc = 0;
    while (!rc && sqlite3_step(q) == SQLITE_ROW) {
        sbuf sql = {0};
        sbuf_add(&sql, "DELETE FROM main.");
        sbuf_add_sql_ident(&sql, (const char *)sqlite3_column_text(q, 0));
        sbuf_add(&sql, " WHERE _rid >= ?1");
        rc = run1(db, sql.s, lo, 0);
        sbuf_free(&sql);
    }
    sqlite3_finalize(q);
    if (!rc) rc = run1(db, "UPDATE dm_summaries SET rowid_hi = ?1 - 1 WHERE rowid_hi >= ?1", lo, 0);
    return rc;
}

long ingest_delete_load(store *st, sqlite3_int64 id, sqlite3_int64 from_rowid)
{
    sqlite3 *db = store_db(st);
    /* The rows: the load's events at or after its first rowid (a resumed
     * load's rows interleave with other files'). */
    if (run1(db, "DROP TABLE IF EXISTS temp.ingest_del", 0, 0) ||
        run1(db, "CREATE TEMP TABLE ingest_del AS SELECT rowid AS r FROM events WHERE _file = ?1 AND rowid >= "
                 "max(?2, (SELECT first_rowid FROM files WHERE id = ?1))", id, from_rowid))
        return -1;
    long n = -1;
    sqlite3_int64 lo = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(min(r), 0) FROM temp.ingest_del", -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) {
            n = (long)sqlite3_column_int64(q, 0);
            lo = sqlite3_column_int64(q, 1);
        }
        sqlite3_finalize(q);
    }
    if (n < 0) return -1;
    /* A block holds consecutive events of one load (one transaction, one
     * file): it is emptied when the rows on both sides of its deleted run are
     * not its own. Emptied, not deleted, so a block id is never reused
     * (splite_raw caches blocks by id). */
    int rc = 0;
    if (n > 0)
        rc = run1(db, "DROP TABLE IF EXISTS temp.ingest_delblk", 0, 0) ||
             run1(db, "CREATE TEMP TABLE ingest_delblk AS SELECT blk, min(rowid) AS lo, max(rowid) AS hi FROM raw "
                      "WHERE rowid IN (SELECT r FROM temp.ingest_del) GROUP BY blk", 0, 0) ||
             run1(db, "DELETE FROM events WHERE rowid IN (SELECT r FROM temp.ingest_del)", 0, 0) ||
             run1(db, "DELETE FROM raw WHERE rowid IN (SELECT r FROM temp.ingest_del)", 0, 0) ||
             run1(db, "UPDATE raw_blocks SET data = zeroblob(0) WHERE id IN (SELECT blk FROM temp.ingest_delblk g "
                      "WHERE NOT EXISTS (SELECT 1 FROM raw WHERE rowid = g.lo - 1 AND blk = g.blk) AND "
                      "NOT EXISTS (SELECT 1 FROM raw WHERE rowid = g.hi + 1 AND blk = g.blk))", 0, 0) ||
             ingest_fix_summaries(db, lo);
    if (!rc && from_rowid == 0)
        rc = run1(db, "DELETE FROM file_lines WHERE file = ?1", id, 0) ||
             run1(db, "DELETE FROM files WHERE id = ?1", id, 0);
    else if (!rc)
        rc = run1(db, "UPDATE files SET events = events - ?2 WHERE id = ?1", id, n);
    run1(db, "DROP TABLE IF EXISTS temp.ingest_del", 0, 0);
    run1(db, "DROP TABLE IF EXISTS temp.ingest_delblk", 0, 0);
    return rc ? -1 : n;
}

int ingest_put_line_hashes(store *st, sqlite3_int64 id, long first_line, const uint32_t *h, size_t n)
{
    if (!n) return 0;
    unsigned char *b = xmalloc(4 * n);
    for (size_t i = 0; i < n; i++) {
        b[4 * i] = (unsigned char)h[i];
        b[4 * i + 1] = (unsigned char)(h[i] >> 8);
        b[4 * i + 2] = (unsigned char)(h[i] >> 16);
        b[4 * i + 3] = (unsigned char)(h[i] >> 24);
    }
    sqlite3_stmt *q;
    int rc = -1;
    if (sqlite3_prepare_v2(store_db(st), "INSERT OR REPLACE INTO file_lines(file, line, hashes) VALUES(?1, ?2, ?3)",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, first_line);
        sqlite3_bind_blob(q, 3, b, (int)(4 * n), SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(q);
    }
    free(b);
    return rc;
}

int ingest_cut_line_hashes(store *st, sqlite3_int64 id, long line)
{
    sqlite3 *db = store_db(st);
    return run1(db, "DELETE FROM file_lines WHERE file = ?1 AND line > ?2", id, line) ||
           run1(db, "UPDATE file_lines SET hashes = substr(hashes, 1, 4 * (?2 - line + 1)) WHERE file = ?1 AND "
                    "line + length(hashes) / 4 - 1 > ?2", id, line)
               ? -1
               : 0;
}
