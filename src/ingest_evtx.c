/* ingest_evtx.c: the "evtx" reader: Windows .evtx files (the binary EVTX
 * format), detected from the ElfFile signature whatever the file's name.
 * The file is read chunk by chunk (one 64 KiB buffer, whatever the file's
 * size); each record is rendered by the decoder in src/evtx/ (templates
 * compiled once per chunk) as the one-line XML Windows renders for it, and
 * the XmlWinEventLog reader builds the event from it, so the event is the
 * one an XmlWinEventLog input of that line gives (_raw, fields, _time,
 * host, source XmlWinEventLog:<Channel>). The reader is handed the
 * elements as they are written (evtx_render_sax), not the line to scan
 * again; where that cannot be vouched for, it scans the line.
 *
 * Damage is survived: a chunk without signature is skipped, a chunk whose
 * checksums do not match is still read record by record, a record that
 * cannot be decoded is reported as "chunk N record M: reason" (N counts
 * chunks from 0, M is the record's EventRecordID) and skipped, a truncated
 * last chunk gives the records it holds whole. A file that does not start
 * with an EVTX header is an error. Every chunk is a resume point. */
#include "evtx/evtx.h"
#include "ingest.h"
#include "ingest_xw.h"
#include "reader.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tests and fuzzing set this: every record is also rendered without the
 * template cache and its line scanned by the XmlWinEventLog reader; the
 * line and the event must be the same (else abort). */
int evtx_check_direct;
/* ... and counts the records whose event was built while rendering [0] and
 * those whose line was scanned [1]. */
long evtx_check_counts[2];

typedef struct ev_state {
    void *xw;             /* the XmlWinEventLog reader's state */
    void *xw_check;       /* a second one for evtx_check_direct */
    sbuf check;
    unsigned char *chunk; /* EVTX_CHUNK_SIZE bytes */
    evtx_cache *templates; /* of the chunk in memory */
    sbuf xml;
} ev_state;

static int ev_detect(const char *head, size_t len)
{
    return len >= 8 && memcmp(head, "ElfFile\0", 8) == 0 ? 100 : 0;
}

static void *ev_open(void)
{
    ev_state *s = xcalloc(1, sizeof *s);
    s->xw = reader_xmlwineventlog.open();
    s->chunk = xmalloc(EVTX_CHUNK_SIZE);
    s->templates = evtx_cache_new();
    return s;
}

static void ev_close(void *state)
{
    ev_state *s = state;
    if (!s) return;
    reader_xmlwineventlog.close(s->xw);
    if (s->xw_check) reader_xmlwineventlog.close(s->xw_check);
    sbuf_free(&s->check);
    free(s->chunk);
    evtx_cache_free(s->templates);
    sbuf_free(&s->xml);
    free(s);
}

static int ev_line(void *state, struct ingest *in, const char *line, size_t len)
{
    (void)state;
    (void)line;
    (void)len;
    ingest_reject(in, -1, "the evtx reader reads files, not lines");
    return 0;
}

static void ev_check_fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "evtx check: %s differ\n--- direct:\n%s\n--- scanned:\n%s\n", what, a, b);
    abort();
}

static int ev_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* evtx_check_direct: the record r rendered (result rc) must be what the
 * walk without the cache renders, and the event built while rendering the
 * event the line gives when scanned. */
static void ev_check(ev_state *s, struct ingest *in, size_t n, const evtx_record *rec, int rc)
{
    char why[256];
    sbuf_reset(&s->check);
    int rc2 = evtx_render(s->chunk, n, rec, &s->check, why, sizeof why);
    if ((rc < 0) != (rc2 < 0) || (rc >= 0 && (s->check.len != s->xml.len || memcmp(s->check.s, s->xml.s, s->xml.len))))
        ev_check_fail("renderings", s->xml.s ? s->xml.s : "", s->check.s ? s->check.s : "");
    if (rc >= 0) evtx_check_counts[rc != 0]++;
    if (rc != 0) return;
    if (!s->xw_check) s->xw_check = reader_xmlwineventlog.open();
    const event *a = xw_event(s->xw);
    const event *b = xw_parse(s->xw_check, in, s->xml.s, s->xml.len);
    if (!b) ev_check_fail("events (the scanned line is rejected)", s->xml.s, "");
    sbuf da = {0}, db = {0};
    const event *e[2] = {a, b};
    sbuf *d[2] = {&da, &db};
    for (int k = 0; k < 2; k++) {
        sbuf_printf(d[k], "time %d %.9f host %s source %s\n", e[k]->has_time, e[k]->has_time ? e[k]->time : 0.0,
                    e[k]->host ? e[k]->host : "-", e[k]->source ? e[k]->source : "-");
        for (size_t i = 0; i < e[k]->nfields; i++) {
            const ev_field *f = &e[k]->fields[i];
            sbuf_printf(d[k], "%.*s=%.*s\n", (int)f->name_len, f->name, (int)f->value_len, f->value);
        }
    }
    if (!ev_same(da.s, db.s)) ev_check_fail("events", da.s, db.s);
    sbuf_free(&da);
    sbuf_free(&db);
}

/* The records of chunk number k, n bytes of it read. */
static int ev_chunk(ev_state *s, struct ingest *in, long k, size_t n)
{
    char why[256];
    int bad = 0;
    int r = evtx_chunk_check(s->chunk, n, &bad, why, sizeof why);
    if (r == 0) return 0;
    if (r < 0) {
        ingest_reject(in, -1, "chunk %ld: %s; skipped", k, why);
        return 0;
    }
    if (bad) ingest_warn(in, -1, "chunk %ld: %s; its records are read one by one", k, why);
    if (n < EVTX_CHUNK_SIZE)
        ingest_warn(in, -1, "chunk %ld: truncated (%zu of %d bytes); the whole records in it are read", k, n,
                      EVTX_CHUNK_SIZE);
    uint32_t off = EVTX_CHUNK_HEADER;
    evtx_record rec;
    evtx_cache_reset(s->templates);
    int got;
    while ((got = evtx_next_record(s->chunk, n, &off, &rec, why, sizeof why)) > 0) {
        /* the chunk's first record stays as it is while the log writes
         * more records into the chunk: the chunk's key (ingest.h) */
        if (rec.off == EVTX_CHUNK_HEADER) ingest_unit_key(in, rec.off, s->chunk + rec.off, rec.size);
        sbuf_reset(&s->xml);
        const xmlscan_handlers *h = xw_direct_begin(s->xw, in);
        int r = evtx_render_sax(s->templates, s->chunk, n, &rec, &s->xml, h, why, sizeof why);
        if (evtx_check_direct) ev_check(s, in, n, &rec, r);
        if (r < 0) {
            ingest_reject(in, -1, "chunk %ld record %llu: %s; skipped", k, (unsigned long long)rec.id, why);
            continue;
        }
        /* the event built while rendering, or the line scanned */
        if ((r == 0 ? xw_direct_emit(s->xw, in, s->xml.s, s->xml.len)
                    : reader_xmlwineventlog.line(s->xw, in, s->xml.s, s->xml.len)) < 0)
            return -1;
    }
    if (got < 0) ingest_reject(in, -1, "chunk %ld: %s; the rest of the chunk is skipped", k, why);
    return 0;
}

static int ev_binary(void *state, struct ingest *in)
{
    ev_state *s = state;
    char why[256];
    long n = ingest_read(in, s->chunk, EVTX_HEADER_SIZE);
    if (n < 0) return -1;
    int bad_crc = 0;
    if (evtx_file_header(s->chunk, (size_t)n, &bad_crc, why, sizeof why)) {
        ingest_reject(in, -1, "cannot read: %s", why);
        return -1;
    }
    if (bad_crc) ingest_warn(in, -1, "file header checksum mismatch; its chunks are read anyway");
    /* the header block may be larger than 4096 bytes (its declared size) */
    uint16_t hsize = evtx_u16(s->chunk + 40);
    if (hsize > EVTX_HEADER_SIZE) {
        n = ingest_read(in, s->chunk, (size_t)hsize - EVTX_HEADER_SIZE);
        if (n < 0) return -1;
    }
    if (ingest_unit_end(in)) return -1;
    for (long k = 0;; k++) {
        n = ingest_read(in, s->chunk, EVTX_CHUNK_SIZE);
        if (n < 0) return -1;
        if (n == 0) break;
        if (!ingest_unit_loaded(in) && ev_chunk(s, in, k, (size_t)n)) return -1;
        if (ingest_unit_end(in)) return -1;
        if (n < EVTX_CHUNK_SIZE) break;
    }
    return 0;
}

const reader reader_evtx = {
    .name = "evtx",
    .sourcetype = "XmlWinEventLog",
    .detect = ev_detect,
    .open = ev_open,
    .line = ev_line,
    .finish = NULL,
    .close = ev_close,
    .multiline = 0,
    .escape_json = 0,
    .binary = ev_binary,
    .volatile_head = EVTX_HEADER_SIZE,
};
