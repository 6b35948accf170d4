/* ingest.c: the ingest driver. Streams a file line by line into a reader,
 * resolves each event's metadata, writes batches in transactions and keeps
 * per-file progress (content hash, byte offset, line) in the files table so
 * that a re-run skips loaded content and resumes an interrupted load.
 *
 * The content hash: when no loaded file has the same size, the content is
 * new for sure, so the file is read once and hashed as it is loaded; while
 * loading, the files row holds "partial:<hash of the bytes before offset>",
 * which lets a re-run after a crash check that the part already loaded is
 * the same before resuming. Otherwise (a file of a size seen before, or a
 * multi-line reader) the file is hashed first, as a separate pass. */
#include "ingest.h"
#include "store.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INGEST_HEAD 65536
#define INGEST_MAX_LINE (4 * 1024 * 1024)
#define INGEST_BUF (1024 * 1024)

/* util_hash over a stream of chunks: the same value as over the whole
 * content at once (whole 8-byte words, then the tail). */
typedef struct ingest_hash {
    uint64_t h;
    unsigned char carry[8];
    size_t ncarry;
} ingest_hash;

static void ingest_hash_init(ingest_hash *s)
{
    s->h = UTIL_HASH_INIT;
    s->ncarry = 0;
}

static void ingest_hash_feed(ingest_hash *s, const char *p, size_t n)
{
    if (s->ncarry) {
        size_t k = 8 - s->ncarry;
        if (k > n) k = n;
        memcpy(s->carry + s->ncarry, p, k);
        s->ncarry += k;
        p += k;
        n -= k;
        if (s->ncarry < 8) return;
        s->h = util_hash(s->h, s->carry, 8);
        s->ncarry = 0;
    }
    size_t w = n & ~(size_t)7;
    if (w) s->h = util_hash(s->h, p, w);
    if (n > w) memcpy(s->carry, p + w, n - w);
    s->ncarry = n - w;
}

static uint64_t ingest_hash_value(const ingest_hash *s)
{
    return util_hash(s->h, s->carry, s->ncarry);
}

typedef struct ingest_lines ingest_lines;
struct ingest_lines {
    FILE *f;
    char *buf;
    size_t len, pos;
    int eof;
    sbuf line;
    const char *head; /* bytes already read for detection (stdin) */
    size_t head_len, head_pos;
    long long read_total;   /* bytes read so far */
    long long buf_off;      /* file offset of buf[0] */
    int hashing;            /* hash everything read (hs), keeping the state
                               before the current buffer (hs_buf) */
    ingest_hash hs, hs_buf;
};

static int ingest_hash_upto(const ingest_lines *L, long long off, uint64_t *out);

struct ingest {
    const reader *rd;
    void *rstate;
    store *st;               /* NULL in memory mode */
    ingest_sink_fn sink;
    void *sink_ctx;
    const ingest_opts *o;
    const char *name;        /* file name for messages */
    char *source;            /* resolved default source */
    const char *sourcetype;
    const char *index;
    const char *fallback_host;
    sqlite3_int64 file_id;
    long lineno;             /* current line */
    long long line_off;      /* byte offset of current line start */
    long long next_off;      /* byte offset after current line */
    long events, rejected;
    long batch_events;       /* events since the last commit */
    long long safe_off;      /* resume point: all events before it are emitted */
    long safe_line;
    double max_time;
    int quiet;
    int failed;
    double t0, last_progress;
    double bytes_done;
    int progress;
    long abort_after;        /* fault injection for tests: _exit after N events */
    ingest_lines *lines;
    int hash_as_read;        /* the content hash is computed while loading */
    const char *final_hash;  /* the full content hash when known before (stored at the end) */
};

void ingest_reject(struct ingest *in, long line, const char *fmt, ...)
{
    in->rejected++;
    if (in->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (in->progress) fputs("\r\033[K", stderr);
    fprintf(stderr, "%s:%ld: %s\n", in->name, line, msg);
    free(msg);
}

long ingest_lineno(const struct ingest *in)
{
    return in->lineno;
}

const char *ingest_filename(const struct ingest *in)
{
    return in->name;
}

static int ingest_update_file(struct ingest *in, const char *status)
{
    sqlite3 *db = store_db(in->st);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "UPDATE files SET offset = ?1, line = ?2, events = events + ?3, rejected = ?4, "
                           "status = coalesce(?5, status), finished = CASE WHEN ?5 = 'done' THEN ?6 ELSE finished END, "
                           "hash = coalesce(?8, hash), size = coalesce(?9, size) WHERE id = ?7",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    char hash[32];
    int done = status && !strcmp(status, "done");
    if (in->hash_as_read) {
        uint64_t h;
        if (done) {
            snprintf(hash, sizeof hash, "%016llx", (unsigned long long)ingest_hash_value(&in->lines->hs));
            sqlite3_bind_int64(q, 9, in->lines->read_total);
        } else if (ingest_hash_upto(in->lines, in->safe_off, &h)) {
            snprintf(hash, sizeof hash, "partial:%016llx", (unsigned long long)h);
        } else {
            snprintf(hash, sizeof hash, "partial:-"); /* not reached for one-line readers; never resumed */
        }
        sqlite3_bind_text(q, 8, hash, -1, SQLITE_TRANSIENT);
    } else if (done && in->final_hash) {
        sqlite3_bind_text(q, 8, in->final_hash, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(q, 1, in->safe_off);
    sqlite3_bind_int64(q, 2, in->safe_line);
    sqlite3_bind_int64(q, 3, in->batch_events);
    sqlite3_bind_int64(q, 4, in->rejected);
    if (status) sqlite3_bind_text(q, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 6, util_now());
    sqlite3_bind_int64(q, 7, in->file_id);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void ingest_show_progress(struct ingest *in, int force)
{
    if (!in->progress) return;
    double now = util_now();
    if (!force && now - in->last_progress < 0.5) return;
    in->last_progress = now;
    double secs = now - in->t0;
    fprintf(stderr, "\r\033[K%s: %ld events, %.1f MB, %.0f events/s", in->name, in->events,
            (double)in->next_off / 1e6, secs > 0 ? in->events / secs : 0.0);
}

/* Commit the batch if it is full (or always when force): everything before
 * the current safe point is durable afterwards. */
static int ingest_commit(struct ingest *in, int force)
{
    if (!in->st) return 0;
    int limit = in->o && in->o->batch > 0 ? in->o->batch : 10000;
    if (!force && in->batch_events < limit) return 0;
    if (ingest_update_file(in, NULL) || store_commit(in->st) || store_begin(in->st)) {
        fprintf(stderr, "%s: database error: %s\n", in->name, sqlite3_errmsg(store_db(in->st)));
        in->failed = 1;
        return -1;
    }
    in->batch_events = 0;
    ingest_show_progress(in, 0);
    return 0;
}

void ingest_boundary(struct ingest *in)
{
    in->safe_off = in->line_off;
    in->safe_line = in->lineno - 1;
    ingest_commit(in, 0);
}

int ingest_emit(struct ingest *in, event *ev)
{
    if (in->failed) return -1;
    if (in->sink) {
        in->events++;
        return in->sink(in->sink_ctx, ev);
    }
    const ingest_opts *o = in->o;
    int hec = ev->meta_overrides;
    if (!(hec && ev->index)) ev->index = o->index ? o->index : (ev->index ? ev->index : in->index);
    if (!(hec && ev->sourcetype))
        ev->sourcetype = o->sourcetype ? o->sourcetype : (ev->sourcetype ? ev->sourcetype : in->sourcetype);
    if (!(hec && ev->source)) ev->source = o->source ? o->source : (ev->source ? ev->source : in->source);
    if (!(hec && ev->host)) ev->host = o->host ? o->host : (ev->host ? ev->host : in->fallback_host);
    if (!ev->has_time) {
        ev->time = util_now();
        ev->has_time = 1;
    }
    if (ev->time > in->max_time) in->max_time = ev->time;
    if (store_insert(in->st, ev, in->file_id) < 0) {
        fprintf(stderr, "%s:%ld: %s\n", in->name, in->lineno, store_errmsg(in->st));
        in->failed = 1;
        return -1;
    }
    in->events++;
    in->batch_events++;
    if (in->abort_after && in->events >= in->abort_after) _exit(99); /* simulated crash */
    return 0;
}

/* --- line reading --------------------------------------------------------- */


static size_t ingest_fill(ingest_lines *L)
{
    size_t n;
    if (L->head && L->head_pos < L->head_len) {
        n = L->head_len - L->head_pos;
        if (n > INGEST_BUF) n = INGEST_BUF;
        memcpy(L->buf, L->head + L->head_pos, n);
        L->head_pos += n;
    } else {
        n = fread(L->buf, 1, INGEST_BUF, L->f);
    }
    L->buf_off = L->read_total;
    L->read_total += (long long)n;
    if (L->hashing) {
        L->hs_buf = L->hs;
        ingest_hash_feed(&L->hs, L->buf, n);
    }
    return n;
}

/* The hash of the bytes before file offset off, when off lies in the
 * current buffer (it does at every line end); 0 if it does not. */
static int ingest_hash_upto(const ingest_lines *L, long long off, uint64_t *out)
{
    if (off < L->buf_off || off > L->buf_off + (long long)L->len) return 0;
    ingest_hash t = L->hs_buf;
    ingest_hash_feed(&t, L->buf, (size_t)(off - L->buf_off));
    *out = ingest_hash_value(&t);
    return 1;
}

/* Next line into line/len (without the LF or CR LF). Returns 1 for a line,
 * 0 at end, 2 for a line longer than INGEST_MAX_LINE (skipped; len is its
 * length), -1 on read error. consumed = bytes including the line end. */
static int ingest_next_line(ingest_lines *L, const char **line, size_t *len, size_t *consumed)
{
    sbuf_reset(&L->line);
    size_t total = 0;
    int too_long = 0;
    for (;;) {
        if (L->pos >= L->len) {
            if (L->eof) break;
            L->len = ingest_fill(L);
            L->pos = 0;
            if (L->len == 0) {
                if (ferror(L->f)) return -1;
                L->eof = 1;
                break;
            }
        }
        char *start = L->buf + L->pos;
        char *nl = memchr(start, '\n', L->len - L->pos);
        size_t chunk = nl ? (size_t)(nl - start) : L->len - L->pos;
        total += chunk;
        if (!too_long) {
            if (total > INGEST_MAX_LINE) {
                too_long = 1;
                sbuf_free(&L->line);
            } else if (nl && L->line.len == 0) {
                /* Fast path: the whole line is inside the buffer. */
                L->pos += chunk + 1;
                *line = start;
                *len = chunk;
                if (*len && start[*len - 1] == '\r') (*len)--;
                *consumed = chunk + 1;
                return 1;
            } else {
                sbuf_addn(&L->line, start, chunk);
            }
        }
        L->pos += chunk;
        if (nl) {
            L->pos++;
            *consumed = total + 1;
            goto done;
        }
    }
    if (total == 0 && L->eof) return 0;
    *consumed = total;
done:
    if (too_long) {
        *len = total;
        return 2;
    }
    *line = L->line.s ? L->line.s : "";
    *len = L->line.len;
    if (*len && (*line)[*len - 1] == '\r') (*len)--;
    return 1;
}

/* Run the reader over the lines of L, starting at byte start_off/line
 * start_line (lines before are skipped). */
static int ingest_run(struct ingest *in, ingest_lines *L, long long start_off, long start_line)
{
    const char *line;
    size_t len, consumed;
    long long off = 0;
    long lineno = 0;
    int r;
    in->safe_off = start_off;
    in->safe_line = start_line;
    in->lines = L;
    while ((r = ingest_next_line(L, &line, &len, &consumed)) > 0) {
        lineno++;
        in->line_off = off;
        off += (long long)consumed;
        in->next_off = off;
        in->lineno = lineno;
        if (off <= start_off) continue;
        if (r == 2) {
            ingest_reject(in, lineno, "line of %zu bytes is longer than the %d byte limit; skipped", len,
                          INGEST_MAX_LINE);
            if (!in->rd->multiline) {
                in->safe_off = off;
                in->safe_line = lineno;
            }
            continue;
        }
        if (in->rd->line(in->rstate, in, line, len) < 0 || in->failed) return -1;
        if (!in->rd->multiline) {
            in->safe_off = off;
            in->safe_line = lineno;
            if (ingest_commit(in, 0)) return -1;
        }
    }
    if (r < 0) {
        fprintf(stderr, "%s: read error: %s\n", in->name, strerror(errno));
        return -1;
    }
    in->lineno = lineno + 1;
    in->line_off = off;
    if (in->rd->finish && in->rd->finish(in->rstate, in) < 0) return -1;
    in->safe_off = off;
    in->safe_line = lineno;
    return in->failed ? -1 : 0;
}

long ingest_memory(const reader *r, const char *name, const char *data, size_t len, ingest_sink_fn sink, void *ctx,
                   int quiet)
{
    struct ingest in;
    memset(&in, 0, sizeof in);
    in.rd = r;
    in.sink = sink;
    in.sink_ctx = ctx;
    in.name = name ? name : "<memory>";
    in.quiet = quiet;
    in.rstate = r->open ? r->open() : NULL;
    ingest_lines L;
    memset(&L, 0, sizeof L);
    L.f = NULL;
    L.buf = xmalloc(INGEST_BUF);
    L.head = data ? data : "";
    L.head_len = data ? len : 0;
    /* With f == NULL, ingest_fill only serves the head. */
    L.f = fopen("/dev/null", "rb");
    ingest_run(&in, &L, 0, 0);
    if (L.f) fclose(L.f);
    if (r->close) r->close(in.rstate);
    free(L.buf);
    sbuf_free(&L.line);
    return in.rejected;
}

/* --- files table ---------------------------------------------------------- */

static int ingest_hash_file(const char *path, char out[17], long long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *buf = xmalloc(INGEST_BUF);
    uint64_t h = UTIL_HASH_INIT;
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, INGEST_BUF, f)) > 0) {
        h = util_hash(h, buf, n);
        *size += (long long)n;
    }
    int err = ferror(f);
    fclose(f);
    free(buf);
    if (err) return -1;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}

static char *ingest_hostname(void)
{
    char h[256];
    if (gethostname(h, sizeof h) != 0) return xstrdup("localhost");
    h[sizeof h - 1] = 0;
    return xstrdup(h);
}

/* Find a previous load of the same content: 0 none, 1 done, 2 partial (sets
 * id/offset/line). */
static int ingest_find_previous(store *st, const char *hash, sqlite3_int64 *id, long long *off, long *line)
{
    sqlite3_stmt *q;
    int state = 0;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT id, status, offset, line FROM files WHERE hash = ?1 "
                           "ORDER BY status = 'done' DESC, id DESC LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        state = strcmp((const char *)sqlite3_column_text(q, 1), "done") == 0 ? 1 : 2;
        *off = sqlite3_column_int64(q, 2);
        *line = (long)sqlite3_column_int64(q, 3);
    }
    sqlite3_finalize(q);
    return state;
}

/* 1 if a file of this size was loaded (or started) before, 0 if not, -1 on
 * error. */
static int ingest_size_seen(store *st, long long size)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM files WHERE size = ?1 LIMIT 1", -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(q, 1, size);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The hash of the first n bytes of path (-1 if it has fewer or on error). */
static int ingest_hash_prefix(const char *path, long long n, uint64_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *buf = xmalloc(INGEST_BUF);
    ingest_hash h;
    ingest_hash_init(&h);
    long long left = n;
    while (left > 0) {
        size_t want = left < INGEST_BUF ? (size_t)left : INGEST_BUF;
        size_t got = fread(buf, 1, want, f);
        ingest_hash_feed(&h, buf, got);
        left -= (long long)got;
        if (got < want) break;
    }
    fclose(f);
    free(buf);
    if (left) return -1;
    *out = ingest_hash_value(&h);
    return 0;
}

/* An interrupted load that hashed as it read (hash "partial:<hash of the
 * bytes before offset>") of a file of this size whose loaded part is what
 * path holds: 2 and its id/offset/line, else 0 (-1 on error). Its hash
 * becomes the full one, so a later crash is found by hash as usual. */
static int ingest_find_partial(store *st, const char *path, long long size, const char *hash, sqlite3_int64 *id,
                               long long *off, long *line)
{
    sqlite3_stmt *q;
    int state = 0;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT id, offset, line, substr(hash, 9) FROM files WHERE status = 'loading' AND "
                           "size = ?1 AND hash LIKE 'partial:%' ORDER BY id DESC",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(q, 1, size);
    while (state == 0 && sqlite3_step(q) == SQLITE_ROW) {
        long long o = sqlite3_column_int64(q, 1);
        const char *want = (const char *)sqlite3_column_text(q, 3);
        uint64_t h;
        char got[17];
        if (o < 0 || ingest_hash_prefix(path, o, &h)) continue;
        snprintf(got, sizeof got, "%016llx", (unsigned long long)h);
        if (!want || strcmp(want, got)) continue;
        *id = sqlite3_column_int64(q, 0);
        *off = o;
        *line = (long)sqlite3_column_int64(q, 2);
        state = 2;
    }
    sqlite3_finalize(q);
    if (state == 2) {
        if (sqlite3_prepare_v2(store_db(st), "UPDATE files SET hash = ?1 WHERE id = ?2", -1, &q, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, *id);
        int rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) return -1;
    }
    return state;
}

static sqlite3_int64 ingest_new_file(struct ingest *in, const char *path, const char *hash, long long size)
{
    sqlite3_stmt *q;
    sqlite3 *db = store_db(in->st);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO files(path, hash, size, \"index\", sourcetype, source, host, reader, started, "
                           "first_rowid) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                           "(SELECT coalesce(max(rowid), 0) + 1 FROM events))",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, size);
    sqlite3_bind_text(q, 4, in->index, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, in->sourcetype, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, in->source, -1, SQLITE_STATIC);
    if (in->o->host) sqlite3_bind_text(q, 7, in->o->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, in->rd->name, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 9, util_now());
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(db) : -1;
}

/* Shift the file's events so that the newest is now (Splunk's replay). */
static int ingest_shift_times(struct ingest *in)
{
    sqlite3 *db = store_db(in->st);
    sqlite3_stmt *q;
    double maxt = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(_time) FROM events WHERE rowid >= (SELECT first_rowid FROM files WHERE id = ?1) "
                           "AND _file = ?1", -1, &q, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_int64(q, 1, in->file_id);
    int have = 0;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
        maxt = sqlite3_column_double(q, 0);
        have = 1;
    }
    sqlite3_finalize(q);
    if (!have) return 0;
    double shift = util_now() - maxt;
    if (sqlite3_prepare_v2(db, "UPDATE events SET _time = _time + ?1 WHERE rowid >= (SELECT first_rowid FROM files "
                           "WHERE id = ?2) AND _file = ?2", -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_double(q, 1, shift);
    sqlite3_bind_int64(q, 2, in->file_id);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return -1;
    if (sqlite3_prepare_v2(db, "UPDATE files SET time_shift = time_shift + ?1 WHERE id = ?2", -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_double(q, 1, shift);
    sqlite3_bind_int64(q, 2, in->file_id);
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int ingest_file(store *st, const char *path, const ingest_opts *o, ingest_stats *total)
{
    static const ingest_opts defaults = {0};
    if (!o) o = &defaults;
    int is_stdin = strcmp(path, "-") == 0;
    struct ingest in;
    memset(&in, 0, sizeof in);
    in.st = st;
    in.o = o;
    in.name = is_stdin ? "<stdin>" : path;
    in.quiet = 0;
    ingest_lines L;
    memset(&L, 0, sizeof L);
    int rc = -1;
    char *host = NULL;
    char *head = NULL;
    char hash[32] = "";
    long long size = 0;

    L.f = is_stdin ? stdin : fopen(path, "rb");
    if (!L.f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    /* Detection sample: the first bytes of the file. */
    head = xmalloc(INGEST_HEAD);
    size_t head_len = fread(head, 1, INGEST_HEAD, L.f);
    if (ferror(L.f)) {
        fprintf(stderr, "%s: read error: %s\n", in.name, strerror(errno));
        goto out;
    }
    if (o->format) {
        in.rd = reader_find(o->format);
        if (!in.rd) {
            fprintf(stderr, "%s: unknown format '%s' (known:", in.name, o->format);
            for (int i = 0; reader_table[i]; i++) fprintf(stderr, " %s", reader_table[i]->name);
            fputs(")\n", stderr);
            goto out;
        }
    } else if (head_len == 0) {
        if (!o->quiet) fprintf(stderr, "%s: empty file, nothing to load\n", in.name);
        rc = 0;
        goto out;
    } else {
        in.rd = reader_detect(head, head_len);
        if (!in.rd) {
            fprintf(stderr, "%s: format not recognised (no reader matches its first lines; use --format)\n",
                    in.name);
            goto out;
        }
    }
    L.head = head;
    L.head_len = head_len;
    L.buf = xmalloc(INGEST_BUF);

    in.index = o->index ? o->index : "main";
    in.sourcetype = o->sourcetype ? o->sourcetype : in.rd->sourcetype;
    in.source = xstrdup(o->source ? o->source : in.name);
    if (o->fallback_host) in.fallback_host = o->fallback_host;
    else in.fallback_host = host = ingest_hostname();

    long long start_off = 0;
    long start_line = 0;
    /* Hash while loading when the content cannot have been loaded before
     * (no file of its size was) and lines are independent (a one-line
     * reader: every resume point is a line end); else hash first. */
    if (!is_stdin && !in.rd->multiline) {
        struct stat sb;
        if (fstat(fileno(L.f), &sb) == 0 && S_ISREG(sb.st_mode)) {
            int seen = o->force ? 0 : ingest_size_seen(st, (long long)sb.st_size);
            if (seen == 0) {
                in.hash_as_read = 1;
                size = (long long)sb.st_size;
            }
        }
    }
    if (in.hash_as_read) {
        L.hashing = 1;
        ingest_hash_init(&L.hs);
        snprintf(hash, sizeof hash, "partial:%016llx", (unsigned long long)UTIL_HASH_INIT);
    } else if (!is_stdin) {
        if (ingest_hash_file(path, hash, &size)) {
            fprintf(stderr, "%s: read error: %s\n", path, strerror(errno));
            goto out;
        }
        in.final_hash = hash;
    } else {
        snprintf(hash, sizeof hash, "stdin-%.0f", util_now() * 1000);
    }
    if (store_begin(st)) {
        fprintf(stderr, "%s: database error: %s\n", in.name, store_errmsg(st));
        goto out;
    }
    sqlite3_int64 prev_id = 0;
    int prev = is_stdin || o->force || in.hash_as_read ? 0 : ingest_find_previous(st, hash, &prev_id, &start_off, &start_line);
    if (prev == 0 && !is_stdin && !o->force && !in.hash_as_read)
        prev = ingest_find_partial(st, path, size, hash, &prev_id, &start_off, &start_line);
    if (prev == 1) {
        store_rollback(st);
        if (!o->quiet)
            fprintf(stderr, "%s: already loaded (same content); skipped (use --force to load again)\n", in.name);
        if (total) total->skipped_files++;
        rc = 0;
        goto out;
    }
    if (prev == 2) {
        in.file_id = prev_id;
        if (!o->quiet)
            fprintf(stderr, "%s: resuming an interrupted load at line %ld\n", in.name, start_line + 1);
    } else {
        start_off = 0;
        start_line = 0;
        in.file_id = ingest_new_file(&in, is_stdin ? "-" : path, hash, size);
        if (in.file_id < 0 || store_commit(st) || store_begin(st)) {
            fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
            store_rollback(st);
            goto out;
        }
    }
    if (prev == 2) {
        /* Rejected count continues from the earlier attempt. */
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(store_db(st), "SELECT rejected FROM files WHERE id = ?1", -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, in.file_id);
            if (sqlite3_step(q) == SQLITE_ROW) in.rejected = sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
        }
    }
    /* A file much larger than what is stored: load without the metadata
     * indexes and build them once at the end. */
    const char *bulk_env = getenv("SPLITE_BULK_MIN_BYTES"); /* tests lower it */
    long long bulk_min = bulk_env ? atoll(bulk_env) : (8 << 20);
    int bulk = !is_stdin && size > bulk_min && size / 600 > 2 * (long long)store_approx_events(st);
    if (bulk && store_drop_indexes(st)) bulk = 0;
    in.progress = !o->quiet && util_isatty(2);
    const char *abort_env = getenv("SPLITE_TEST_CRASH_AFTER");
    if (abort_env) in.abort_after = atol(abort_env);
    in.t0 = util_now();
    in.rstate = in.rd->open ? in.rd->open() : NULL;
    int run = ingest_run(&in, &L, start_off, start_line);
    if (run == 0 && o->update_timestamp && ingest_shift_times(&in)) run = -1;
    if (bulk && run == 0 && store_create_indexes(st)) run = -1;
    if (run == 0 && (ingest_update_file(&in, "done") || store_commit(st))) {
        fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
        run = -1;
    }
    if (run != 0) {
        /* Keep what was committed; the file stays 'loading' so a re-run resumes. */
        store_rollback(st);
        if (bulk) store_create_indexes(st);
    }
    if (in.rd->close) in.rd->close(in.rstate);
    double secs = util_now() - in.t0;
    if (in.progress) fputs("\r\033[K", stderr);
    if (!o->quiet)
        fprintf(stderr, "%s: %ld events loaded, %ld lines rejected, %.2f s (%s, sourcetype=%s)\n", in.name, in.events,
                in.rejected, secs, in.rd->name, in.sourcetype);
    if (total) {
        total->events += in.events;
        total->rejected += in.rejected;
        total->files++;
        total->bytes += (double)in.next_off;
        total->seconds += secs;
    }
    rc = run;
out:
    if (L.f && !is_stdin) fclose(L.f);
    free(L.buf);
    sbuf_free(&L.line);
    free(head);
    free(host);
    free(in.source);
    return rc;
}
