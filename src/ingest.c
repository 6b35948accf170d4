/* ingest.c: the ingest driver. Streams a file line by line into a reader,
 * resolves each event's metadata, writes batches in transactions and keeps
 * per-file progress in the files table: the bytes read (offset, line), the
 * hash of exactly those bytes and a hash per line, so that a re-run skips
 * content already loaded, continues a file that has grown or a load that
 * was interrupted, and refuses a file whose loaded part has changed (see
 * ingest_identity.c). Bad lines are counted and reported (the first few per
 * reason); bytes that are not UTF-8 are escaped as \xNN, as Splunk does. */
#include "ingest.h"
#include "ingest_int.h"
#include "reader_util.h"
#include "store.h"
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INGEST_HEAD 65536
/* Rejections shown per reason (the same message format); the rest counted. */
#define INGEST_SHOW_PER_REASON 10
#define INGEST_REASONS 16

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
    long long start_off;     /* binary readers: the earlier load ended here */
    long start_line;
    long events;             /* emitted by this run */
    long committed;          /* ... of which committed */
    long rejected;           /* for the file (continues an earlier load's count) */
    long utf8_fixed;         /* lines whose invalid UTF-8 was escaped */
    long batch_events;       /* events since the last commit */
    /* resume point: every event before it is emitted */
    long long safe_off;
    long safe_line;
    ingest_hash safe_hash;   /* of the bytes before safe_off */
    sqlite3_int64 rowid_after_safe; /* first event stored after it, 0: none */
    /* the load's possibly incomplete end (see ingest_run) */
    long long tail_off;
    long tail_line;
    sqlite3_int64 tail_rowid;
    /* binary readers with a volatile head: the last unit with events, which
     * the format may rewrite in place (ingest_unit_end), and the hash of
     * the bytes before it */
    int has_btail;
    long long btail_off;
    long btail_line;
    sqlite3_int64 btail_rowid;
    ingest_hash btail_hash;
    /* ... and the stable bytes of the unit just read (ingest_unit_key), of
     * the tail unit: file offset, length, util_hash */
    int has_key, btail_has_key;
    long long key_off, btail_key_off;
    size_t key_len, btail_key_len;
    uint64_t key_hash, btail_key_hash;
    double max_time;
    int quiet;
    int failed;
    int single_txn;          /* no commits before the end (--replace) */
    int no_identity;         /* stdin, a pipe: never matched, its hash stays "stdin-..." */
    double t0, last_progress;
    int progress;
    long abort_after;        /* fault injection for tests: _exit after N events */
    ingest_lines *lines;
    /* line hashes not yet written: lines lh_first.. */
    uint32_t *lh;
    size_t nlh, caplh;
    long lh_first;
    struct {
        const char *fmt;
        long n;
    } reasons[INGEST_REASONS];
    int nreasons;
    sbuf fixed;              /* the current line with invalid UTF-8 escaped */
};

static void ingest_report(struct ingest *in, long line, const char *fmt, va_list ap);

void ingest_reject(struct ingest *in, long line, const char *fmt, ...)
{
    in->rejected++;
    va_list ap;
    va_start(ap, fmt);
    ingest_report(in, line, fmt, ap);
    va_end(ap);
}

void ingest_warn(struct ingest *in, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ingest_report(in, line, fmt, ap);
    va_end(ap);
}

static void ingest_report(struct ingest *in, long line, const char *fmt, va_list ap)
{
    if (in->quiet) return;
    /* The first few of each reason are shown; ingest_file reports the rest
     * as a count. */
    int k = 0;
    while (k < in->nreasons && in->reasons[k].fmt != fmt) k++;
    if (k == in->nreasons && k < INGEST_REASONS) in->reasons[in->nreasons++].fmt = fmt;
    if (k < INGEST_REASONS && ++in->reasons[k].n > INGEST_SHOW_PER_REASON) return;
    char *msg = xvasprintf(fmt, ap);
    if (in->progress) fputs("\r\033[K", stderr);
    if (line < 0) fprintf(stderr, "%s: %s\n", in->name, msg);
    else fprintf(stderr, "%s:%ld: %s\n", in->name, line, msg);
    free(msg);
}

/* One line saying how many rejections were not shown. */
static void ingest_report_hidden(struct ingest *in)
{
    long hidden = 0;
    for (int k = 0; k < in->nreasons; k++)
        if (in->reasons[k].n > INGEST_SHOW_PER_REASON) hidden += in->reasons[k].n - INGEST_SHOW_PER_REASON;
    if (hidden)
        fprintf(stderr, "%s: %ld more messages not shown (only the first %d of each kind are)\n", in->name, hidden,
                INGEST_SHOW_PER_REASON);
}

long ingest_lineno(const struct ingest *in)
{
    return in->lineno;
}

const char *ingest_filename(const struct ingest *in)
{
    return in->name;
}

static void ingest_set_safe(struct ingest *in, long long off, long line, const ingest_hash *h)
{
    in->safe_off = off;
    in->safe_line = line;
    in->safe_hash = *h;
    in->rowid_after_safe = 0;
}

/* Record progress in the files row (status NULL: unchanged; "done": the
 * load ended, with its tail). Writes the line hashes up to the safe line. */
static int ingest_update_file(struct ingest *in, const char *status)
{
    sqlite3 *db = store_db(in->st);
    assert(in->safe_line >= in->lh_first - 1);
    size_t nput = (size_t)(in->safe_line - in->lh_first + 1);
    if (nput > in->nlh) nput = in->nlh;
    if (ingest_put_line_hashes(in->st, in->file_id, in->lh_first, in->lh, nput)) return -1;
    if (in->nlh) memmove(in->lh, in->lh + nput, (in->nlh - nput) * sizeof *in->lh); /* none from binary readers */
    in->nlh -= nput;
    in->lh_first += (long)nput;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db,
                           "UPDATE files SET offset = ?1, line = ?2, events = events + ?3, rejected = ?4, "
                           "status = coalesce(?5, status), finished = CASE WHEN ?5 = 'done' THEN ?6 ELSE finished END, "
                           "hash = coalesce(?8, hash), size = ?1, tail_off = ?9, tail_line = ?10, tail_rowid = ?11, "
                           "tail_hash = ?12 WHERE id = ?7",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    char hash[17];
    snprintf(hash, sizeof hash, "%016" PRIx64, ingest_hash_value(&in->safe_hash));
    int done = status && !strcmp(status, "done");
    sqlite3_bind_int64(q, 1, in->safe_off);
    sqlite3_bind_int64(q, 2, in->safe_line);
    sqlite3_bind_int64(q, 3, in->batch_events);
    sqlite3_bind_int64(q, 4, in->rejected);
    if (status) sqlite3_bind_text(q, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 6, util_now());
    sqlite3_bind_int64(q, 7, in->file_id);
    if (!in->no_identity) sqlite3_bind_text(q, 8, hash, -1, SQLITE_TRANSIENT);
    if (done && in->tail_off < in->safe_off) {
        sqlite3_bind_int64(q, 9, in->tail_off);
        sqlite3_bind_int64(q, 10, in->tail_line);
        sqlite3_bind_int64(q, 11, in->tail_rowid);
        /* "prefix-hash key-offset key-length key-hash" (ingest_identity.c) */
        char tail_hash[96];
        snprintf(tail_hash, sizeof tail_hash, "%016" PRIx64 " %lld %zu %016" PRIx64, ingest_hash_value(&in->btail_hash),
                 in->btail_key_off, in->btail_key_len, in->btail_key_hash);
        if (in->has_btail && in->btail_has_key && !in->no_identity)
            sqlite3_bind_text(q, 12, tail_hash, -1, SQLITE_TRANSIENT);
    }
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
    if (!in->st || in->single_txn) return 0;
    int limit = in->o && in->o->batch > 0 ? in->o->batch : 10000;
    if (!force && in->batch_events < limit) return 0;
    if (ingest_update_file(in, NULL) || store_commit(in->st)) {
        fprintf(stderr, "%s: database error: %s\n", in->name, sqlite3_errmsg(store_db(in->st)));
        in->failed = 1;
        return -1;
    }
    in->committed += in->batch_events;
    in->batch_events = 0;
    if (store_begin(in->st)) {
        fprintf(stderr, "%s: database error: %s\n", in->name, sqlite3_errmsg(store_db(in->st)));
        in->failed = 1;
        return -1;
    }
    ingest_show_progress(in, 0);
    return 0;
}

void ingest_boundary(struct ingest *in)
{
    assert(in->lines);
    ingest_set_safe(in, in->line_off, in->lineno - 1, &in->lines->hl_prev);
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
    sqlite3_int64 rowid = store_insert(in->st, ev, in->file_id);
    if (rowid < 0) {
        fprintf(stderr, "%s:%ld: %s\n", in->name, in->lineno, store_errmsg(in->st));
        in->failed = 1;
        return -1;
    }
    if (!in->rowid_after_safe) in->rowid_after_safe = rowid;
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
        n = L->f ? fread(L->buf, 1, INGEST_BUF, L->f) : 0;
    }
    return n;
}

int ingest_next_line(ingest_lines *L, const char **line, size_t *len, size_t *consumed)
{
    sbuf_reset(&L->line);
    L->hl_prev = L->hl;
    L->unterminated = 0;
    size_t total = 0;
    int too_long = 0;
    for (;;) {
        if (L->pos >= L->len) {
            if (L->eof) break;
            L->len = ingest_fill(L);
            L->pos = 0;
            if (L->len == 0) {
                if (L->f && ferror(L->f)) return -1;
                L->eof = 1;
                break;
            }
        }
        char *start = L->buf + L->pos;
        char *nl = memchr(start, '\n', L->len - L->pos);
        size_t chunk = nl ? (size_t)(nl - start) : L->len - L->pos;
        ingest_hash_feed(&L->hl, start, chunk + (nl ? 1 : 0));
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
    L->unterminated = 1;
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

static int ingest_run_binary(struct ingest *in, ingest_lines *L, long long start_off, long start_line);

static void ingest_push_line_hash(struct ingest *in, uint32_t h)
{
    if (in->nlh == in->caplh) {
        in->caplh = in->caplh ? 2 * in->caplh : 1024;
        in->lh = xrealloc(in->lh, in->caplh * sizeof *in->lh);
    }
    in->lh[in->nlh++] = h;
}

/* Run the reader over the lines of L, starting at byte start_off/line
 * start_line (lines before are read, hashed and skipped).
 *
 * The end of a load may be incomplete: a last line without a line end (a
 * log still being written) or, for a multi-line format, the last event
 * (more of its lines may follow). That tail is recorded (tail_off/line, and
 * the first event stored from it); when the file has grown by the next
 * run, the tail's events are deleted and it is read again, so nothing is
 * loaded twice or half. */
static int ingest_run(struct ingest *in, ingest_lines *L, long long start_off, long start_line)
{
    const char *line = NULL;
    size_t len, consumed;
    long long off = 0;
    long lineno = 0;
    int r;
    if (in->rd->binary) return ingest_run_binary(in, L, start_off, start_line);
    in->lines = L;
    ingest_hash_init(&L->hl);
    ingest_set_safe(in, start_off, start_line, &L->hl);
    in->lh_first = start_line + 1;
    while ((r = ingest_next_line(L, &line, &len, &consumed)) > 0) {
        lineno++;
        in->line_off = off;
        off += (long long)consumed;
        in->next_off = off;
        in->lineno = lineno;
        if (off <= start_off) {
            if (off == start_off) ingest_set_safe(in, start_off, start_line, &L->hl);
            continue;
        }
        if (in->st) ingest_push_line_hash(in, ingest_line_hash(r, line, len, consumed));
        int whole = !in->rd->multiline && !L->unterminated;
        if (r == 2) {
            ingest_reject(in, lineno, "line of %zu bytes is longer than the %d byte limit; skipped", len,
                          INGEST_MAX_LINE);
            if (whole) ingest_set_safe(in, off, lineno, &L->hl);
            continue;
        }
        if (!reader_utf8_valid(line, len)) {
            sbuf_reset(&in->fixed);
            reader_utf8_escape(&in->fixed, line, len, in->rd->escape_json);
            line = in->fixed.s;
            len = in->fixed.len;
            in->utf8_fixed++;
        }
        if (in->rd->line(in->rstate, in, line, len) < 0 || in->failed) return -1;
        if (whole) {
            ingest_set_safe(in, off, lineno, &L->hl);
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
    if (in->failed) return -1;
    in->tail_off = in->safe_off;
    in->tail_line = in->safe_line;
    in->tail_rowid = in->rowid_after_safe;
    if (off > start_off) ingest_set_safe(in, off, lineno, &L->hl);
    return 0;
}

/* --- binary readers ------------------------------------------------------ */

long ingest_read(struct ingest *in, void *buf, size_t n)
{
    ingest_lines *L = in->lines;
    assert(L);
    char *b = buf;
    size_t got = 0;
    while (got < n) {
        size_t k;
        if (L->head && L->head_pos < L->head_len) {
            k = L->head_len - L->head_pos;
            if (k > n - got) k = n - got;
            memcpy(b + got, L->head + L->head_pos, k);
            L->head_pos += k;
        } else if (L->f) {
            k = fread(b + got, 1, n - got, L->f);
            if (k == 0) {
                if (ferror(L->f)) {
                    fprintf(stderr, "%s: read error: %s\n", in->name, strerror(errno));
                    in->failed = 1;
                    return -1;
                }
                break;
            }
        } else {
            break;
        }
        got += k;
    }
    ingest_hash_feed_at(&L->hl, b, got, in->next_off, in->rd->volatile_head);
    in->line_off = in->next_off;
    in->next_off += (long long)got;
    return (long)got;
}

int ingest_unit_loaded(const struct ingest *in)
{
    return in->next_off <= in->start_off;
}

void ingest_unit_key(struct ingest *in, size_t off, const void *p, size_t n)
{
    in->has_key = n > 0;
    in->key_off = in->line_off + (long long)off;
    in->key_len = n;
    in->key_hash = util_hash(UTIL_HASH_INIT, p, n);
}

int ingest_unit_end(struct ingest *in)
{
    in->lineno++;
    if (in->next_off < in->start_off) return 0;
    if (in->next_off == in->start_off) {
        ingest_set_safe(in, in->start_off, in->start_line, &in->lines->hl);
        return 0;
    }
    if (in->rd->volatile_head && in->rowid_after_safe) {
        /* this unit stored events: the tail so far */
        in->has_btail = 1;
        in->btail_off = in->safe_off;
        in->btail_line = in->safe_line;
        in->btail_rowid = in->rowid_after_safe;
        in->btail_hash = in->safe_hash;
        in->btail_has_key = in->has_key;
        in->btail_key_off = in->key_off;
        in->btail_key_len = in->key_len;
        in->btail_key_hash = in->key_hash;
    }
    in->has_key = 0;
    ingest_set_safe(in, in->next_off, in->lineno, &in->lines->hl);
    return in->failed ? -1 : ingest_commit(in, 0);
}

/* A binary reader over L: units (header, chunks) that end at or before
 * start_off were loaded by an interrupted run and are read but not emitted. */
static int ingest_run_binary(struct ingest *in, ingest_lines *L, long long start_off, long start_line)
{
    in->lines = L;
    ingest_hash_init(&L->hl);
    ingest_set_safe(in, start_off, start_line, &L->hl);
    in->lh_first = start_line + 1;
    in->start_off = start_off;
    in->start_line = start_line;
    in->next_off = 0;
    in->lineno = 0;
    if (in->rd->binary(in->rstate, in) < 0 || in->failed) return -1;
    /* the tail: the last unit with events, when the format rewrites units
     * in place (an .evtx log's last chunk fills up); else none */
    in->tail_off = in->next_off;
    if (in->has_btail) {
        in->tail_off = in->btail_off;
        in->tail_line = in->btail_line;
        in->tail_rowid = in->btail_rowid;
    }
    if (in->next_off > start_off) ingest_set_safe(in, in->next_off, in->lineno, &L->hl);
    return 0;
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
    L.buf = xmalloc(INGEST_BUF);
    L.head = data ? data : "";
    L.head_len = data ? len : 0;
    /* With f == NULL, ingest_fill only serves the head. */
    ingest_run(&in, &L, 0, 0);
    if (r->close) r->close(in.rstate);
    free(L.buf);
    sbuf_free(&L.line);
    sbuf_free(&in.fixed);
    return in.rejected;
}

static char *ingest_hostname(void)
{
    char h[256];
    if (gethostname(h, sizeof h) != 0) return xstrdup("localhost");
    h[sizeof h - 1] = 0;
    return xstrdup(h);
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

/* --- files table ---------------------------------------------------------- */

static sqlite3_int64 ingest_new_file(struct ingest *in, const char *path, const char *head)
{
    sqlite3_stmt *q;
    sqlite3 *db = store_db(in->st);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO files(path, hash, size, \"index\", sourcetype, source, host, reader, started, "
                           "first_rowid, head) VALUES(?1, ?2, 0, ?4, ?5, ?6, ?7, ?8, ?9, "
                           "(SELECT coalesce(max(rowid), 0) + 1 FROM events), ?10)",
                           -1, &q, NULL) != SQLITE_OK)
        return -1;
    char hash[32];
    if (head) snprintf(hash, sizeof hash, "%016" PRIx64, (uint64_t)UTIL_HASH_INIT);
    else snprintf(hash, sizeof hash, "stdin-%.0f", util_now() * 1000);
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, in->index, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, in->sourcetype, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, in->source, -1, SQLITE_STATIC);
    if (in->o->host) sqlite3_bind_text(q, 7, in->o->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, in->rd->name, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 9, util_now());
    if (head) sqlite3_bind_text(q, 10, head, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(db) : -1;
}

/* Continue load m (RESUME or APPEND) in the open transaction: an APPEND
 * first drops the earlier load's tail, which is read again. */
static int ingest_continue(struct ingest *in, const char *path, const ingest_match *m)
{
    in->file_id = m->id;
    sqlite3 *db = store_db(in->st);
    sqlite3_stmt *q;
    /* the load is now of the file at this path (it may have been renamed) */
    if (sqlite3_prepare_v2(db, "UPDATE files SET path = ?2, head = ?3 WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(q, 1, m->id);
    sqlite3_bind_text(q, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, m->head, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) return -1;
    if (m->kind == INGEST_APPEND) {
        if (m->del_from > 0 && ingest_delete_load(in->st, m->id, m->del_from) < 0) return -1;
        if (ingest_cut_line_hashes(in->st, m->id, m->line)) return -1;
        if (sqlite3_prepare_v2(db, "UPDATE files SET status = 'loading', offset = ?2, line = ?3, tail_off = NULL, "
                               "tail_line = NULL, tail_rowid = NULL WHERE id = ?1", -1, &q, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_int64(q, 1, m->id);
        sqlite3_bind_int64(q, 2, m->off);
        sqlite3_bind_int64(q, 3, m->line);
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE) return -1;
    }
    /* the rejected count continues from the earlier load */
    if (sqlite3_prepare_v2(db, "SELECT rejected FROM files WHERE id = ?1", -1, &q, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_int64(q, 1, in->file_id);
    if (sqlite3_step(q) == SQLITE_ROW) in->rejected = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return 0;
}

/* --replace: delete the earlier loads of this file (same path, and the
 * load its content matched) in the open transaction. */
static int ingest_replace(struct ingest *in, const char *path, const ingest_match *m, long *deleted)
{
    int n = 0;
    sqlite3_int64 *ids = ingest_loads_of_path(in->st, path, &n);
    int rc = 0;
    *deleted = 0;
    for (int i = 0; i <= n && !rc; i++) {
        sqlite3_int64 id = i < n ? ids[i] : (m->kind != INGEST_NEW && m->kind != INGEST_CHANGED ? m->id : 0);
        if (!id) continue;
        if (i == n) {
            int dup = 0;
            for (int k = 0; k < n; k++) dup |= ids[k] == id;
            if (dup) continue;
        }
        long d = ingest_delete_load(in->st, id, 0);
        if (d < 0) rc = -1;
        else *deleted += d;
    }
    free(ids);
    return rc;
}

/* 1 if the files row id has events (from earlier runs), 0 if not. */
static long ingest_row_events(store *st, sqlite3_int64 id)
{
    sqlite3_stmt *q;
    long n = 0;
    if (sqlite3_prepare_v2(store_db(st), "SELECT events FROM files WHERE id = ?1", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        if (sqlite3_step(q) == SQLITE_ROW) n = (long)sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    return n;
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
    int in_txn = 0, is_new = 0;

    L.f = is_stdin ? stdin : fopen(path, "rb");
    if (!L.f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    long long size = 0;
    struct stat sb;
    /* Only a regular file has an identity (and can be read twice): a pipe
     * or device given by name is loaded like stdin. */
    int regular = !is_stdin && fstat(fileno(L.f), &sb) == 0 && S_ISREG(sb.st_mode);
    if (regular) size = (long long)sb.st_size;
    in.no_identity = !regular;
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
        /* detect on what the readers will see: a binary reader the raw
         * bytes, a line reader bytes that are not UTF-8 escaped */
        in.rd = reader_detect_binary(head, head_len);
        if (!in.rd && reader_utf8_valid(head, head_len)) {
            in.rd = reader_detect(head, head_len);
        } else if (!in.rd) {
            reader_utf8_escape(&in.fixed, head, head_len, 1);
            in.rd = reader_detect(in.fixed.s, in.fixed.len);
        }
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

    if (ingest_schema(st) || store_begin(st)) {
        fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
        goto out;
    }
    in_txn = 1;
    /* Which earlier load this file is (stdin never has one; --force: none). */
    ingest_match m;
    memset(&m, 0, sizeof m);
    m.kind = INGEST_NEW;
    if (regular && ingest_match_file(st, path, size, in.rd->volatile_head, &m)) goto out;
    if (o->force) m.kind = INGEST_NEW; /* the head is still recorded */
    long long start_off = 0;
    long start_line = 0;
    if (o->replace && regular) {
        long deleted = 0;
        if (ingest_replace(&in, path, &m, &deleted)) {
            fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
            goto out;
        }
        if (!o->quiet && deleted)
            fprintf(stderr, "%s: replacing the earlier load (%ld events deleted)\n", in.name, deleted);
        in.single_txn = 1; /* the deletion and the new load commit together */
        m.kind = INGEST_NEW;
    }
    if (m.kind == INGEST_SAME) {
        store_rollback(st);
        in_txn = 0;
        if (!o->quiet)
            fprintf(stderr, "%s: already loaded (same content); skipped (use --force to load again)\n", in.name);
        if (total) total->skipped_files++;
        rc = 0;
        goto out;
    }
    if (m.kind == INGEST_CHANGED) {
        store_rollback(st);
        in_txn = 0;
        /* a binary file has no lines to compare: say what changes one */
        char *why = in.rd->binary ? xasprintf("it is not that log grown: a chunk before its last one loaded, or "
                                              "that chunk's first record, differs")
                                  : ingest_describe_change(st, path, &m);
        fprintf(stderr,
                "%s: not loaded: the file changed since it was loaded (%s). Use --replace to delete the events of "
                "the earlier load and load the file again, or --force to load it as new, next to them\n",
                in.name, why);
        free(why);
        goto out;
    }
    if (m.kind == INGEST_RESUME || m.kind == INGEST_APPEND) {
        if (ingest_continue(&in, path, &m)) {
            fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
            goto out;
        }
        start_off = m.off;
        start_line = m.line;
        if (!o->quiet) {
            /* a binary reader's units: the file header, then chunks from 0 */
            const char *unit = in.rd->binary ? "chunk" : "line";
            long at = in.rd->binary ? start_line - 1 : start_line + 1;
            if (m.kind == INGEST_RESUME)
                fprintf(stderr, "%s: resuming an interrupted load at %s %ld\n", in.name, unit, at);
            else if (m.del_from && in.rd->binary)
                fprintf(stderr, "%s: loaded before and grown since (chunk %ld was written to): loading again from it\n",
                        in.name, at);
            else
                fprintf(stderr, "%s: loaded before and grown since: loading from %s %ld\n", in.name, unit, at);
        }
    } else {
        in.file_id = ingest_new_file(&in, is_stdin ? "-" : path, regular ? m.head : NULL);
        is_new = 1;
        if (in.file_id < 0 || (!in.single_txn && (store_commit(st) || store_begin(st)))) {
            fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
            goto out;
        }
    }
    long rejected_before = in.rejected;
    long events_before = is_new ? 0 : ingest_row_events(st, in.file_id);
    /* A file much larger than what is stored: load without the metadata
     * indexes and build them once at the end. */
    const char *bulk_env = getenv("SPLITE_BULK_MIN_BYTES"); /* tests lower it */
    long long bulk_min = bulk_env ? atoll(bulk_env) : (8 << 20);
    int bulk = regular && size - start_off > bulk_min &&
               (size - start_off) / 600 > 2 * (long long)store_approx_events(st);
    if (bulk && store_drop_indexes(st)) bulk = 0;
    in.progress = !o->quiet && util_isatty(2);
    const char *abort_env = getenv("SPLITE_TEST_CRASH_AFTER");
    if (abort_env) in.abort_after = atol(abort_env);
    in.t0 = util_now();
    in.rstate = in.rd->open ? in.rd->open() : NULL;
    int run = ingest_run(&in, &L, start_off, start_line);
    if (!o->quiet) ingest_report_hidden(&in);
    /* Nothing stored from a file whose lines were all rejected (the wrong
     * --format, not this kind of log): not marked as loaded, so that the
     * corrected run loads it. */
    int none = run == 0 && events_before + in.events == 0 && in.rejected > rejected_before;
    if (run == 0 && !none && o->update_timestamp && ingest_shift_times(&in)) run = -1;
    if (bulk && run == 0 && !none && store_create_indexes(st)) run = -1;
    if (run == 0 && !none && (ingest_update_file(&in, "done") || store_commit(st))) {
        fprintf(stderr, "%s: database error: %s\n", in.name, sqlite3_errmsg(store_db(st)));
        run = -1;
    }
    if (run == 0 && !none) {
        in.committed += in.batch_events;
        in.batch_events = 0;
    }
    in_txn = run == 0 && !none ? 0 : 1;
    if (in.rd->close) in.rd->close(in.rstate);
    double secs = util_now() - in.t0;
    if (in.progress) fputs("\r\033[K", stderr);
    if (none) {
        store_rollback(st);
        in_txn = 0;
        if (bulk) store_create_indexes(st);
        /* a new load that stored nothing leaves no trace */
        if (is_new && !in.single_txn) {
            sqlite3_stmt *q;
            if (sqlite3_prepare_v2(store_db(st), "DELETE FROM files WHERE id = ?1", -1, &q, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(q, 1, in.file_id);
                sqlite3_step(q);
                sqlite3_finalize(q);
            }
        }
        fprintf(stderr, "%s: no events loaded: all %ld lines were rejected (%s); not marked as loaded. Is it a %s "
                        "log? (--format chooses the reader)\n",
                in.name, in.rejected - rejected_before, in.rd->name, in.rd->name);
        run = -1;
    } else if (run != 0) {
        /* Keep what was committed; the file stays 'loading' so a re-run resumes. */
        store_rollback(st);
        in_txn = 0;
        if (bulk) store_create_indexes(st);
        fprintf(stderr, "%s: load failed after %ld events were stored (committed)%s\n", in.name, in.committed,
                in.single_txn ? "; nothing was changed" : "; a re-run continues from there");
    } else if (!o->quiet) {
        fprintf(stderr, "%s: %ld events loaded, %ld %s rejected", in.name, in.committed,
                in.rejected - rejected_before, in.rd->binary ? "records" : "lines");
        if (in.utf8_fixed)
            fprintf(stderr, ", %ld lines with bytes that are not UTF-8 (kept, escaped as \\xNN)", in.utf8_fixed);
        fprintf(stderr, ", %.2f s (%s, sourcetype=%s)\n", secs, in.rd->name, in.sourcetype);
    }
    if (total) {
        total->events += in.committed;
        total->rejected += in.rejected - rejected_before;
        total->utf8_fixed += in.utf8_fixed;
        total->files++;
        total->bytes += (double)(in.next_off - start_off);
        total->seconds += secs;
    }
    rc = run;
out:
    if (in_txn) store_rollback(st);
    if (L.f && !is_stdin) fclose(L.f);
    free(L.buf);
    sbuf_free(&L.line);
    sbuf_free(&in.fixed);
    free(in.lh);
    free(head);
    free(host);
    free(in.source);
    return rc;
}
