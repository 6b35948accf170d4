/* ingest_evtx.c: the "evtx" reader: Windows .evtx files (the binary EVTX
 * format), detected from the ElfFile signature whatever the file's name.
 * The file is read chunk by chunk (one 64 KiB buffer, whatever the file's
 * size); each record is rendered by the decoder in src/evtx/ as the one-line
 * XML Windows renders for it and handed to the XmlWinEventLog reader, so
 * the event is the one an XmlWinEventLog input of that line gives (_raw,
 * fields, _time, host, source XmlWinEventLog:<Channel>).
 *
 * Damage is survived: a chunk without signature is skipped, a chunk whose
 * checksums do not match is still read record by record, a record that
 * cannot be decoded is reported as "chunk N record M: reason" (N counts
 * chunks from 0, M is the record's EventRecordID) and skipped, a truncated
 * last chunk gives the records it holds whole. A file that does not start
 * with an EVTX header is an error. Every chunk is a resume point. */
#include "evtx/evtx.h"
#include "ingest.h"
#include "reader.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct ev_state {
    void *xw;             /* the XmlWinEventLog reader's state */
    unsigned char *chunk; /* EVTX_CHUNK_SIZE bytes */
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
    return s;
}

static void ev_close(void *state)
{
    ev_state *s = state;
    if (!s) return;
    reader_xmlwineventlog.close(s->xw);
    free(s->chunk);
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
    if (bad) ingest_reject(in, -1, "chunk %ld: %s; its records are read one by one", k, why);
    if (n < EVTX_CHUNK_SIZE)
        ingest_reject(in, -1, "chunk %ld: truncated (%zu of %d bytes); the whole records in it are read", k, n,
                      EVTX_CHUNK_SIZE);
    uint32_t off = EVTX_CHUNK_HEADER;
    evtx_record rec;
    int got;
    while ((got = evtx_next_record(s->chunk, n, &off, &rec, why, sizeof why)) > 0) {
        sbuf_reset(&s->xml);
        if (evtx_render(s->chunk, n, &rec, &s->xml, why, sizeof why)) {
            ingest_reject(in, -1, "chunk %ld record %llu: %s; skipped", k, (unsigned long long)rec.id, why);
            continue;
        }
        if (reader_xmlwineventlog.line(s->xw, in, s->xml.s, s->xml.len) < 0) return -1;
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
    if (bad_crc) ingest_reject(in, -1, "file header checksum mismatch; its chunks are read anyway");
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
};
