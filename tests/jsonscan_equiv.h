/* jsonscan_equiv.h: run the json reader on the same input with the fast
 * scanner and with jansson only, and compare what comes out: events (time,
 * metadata, _raw, fields in order) and the rejected count (used by the unit
 * test and the equivalence fuzzer). */
#ifndef SPLITE_JSONSCAN_EQUIV_H
#define SPLITE_JSONSCAN_EQUIV_H
#include <string.h>
#include "event.h"
#include "ingest.h"
#include "reader.h"
#include "util.h"

extern int json_force_jansson;

static void je_meta(sbuf *b, const char *k, const char *v)
{
    sbuf_printf(b, " %s=%s", k, v ? v : "(null)");
}

/* Flatten every event into one string. */
static int je_sink(void *ctx, const event *e)
{
    sbuf *b = ctx;
    sbuf_printf(b, "EVENT t=%.7f has=%d over=%d", e->time, e->has_time, e->meta_overrides);
    je_meta(b, "host", e->host);
    je_meta(b, "source", e->source);
    je_meta(b, "sourcetype", e->sourcetype);
    je_meta(b, "index", e->index);
    sbuf_printf(b, "\nRAW %zu:", e->raw_len);
    sbuf_addn(b, e->raw, e->raw_len);
    sbuf_addc(b, '\n');
    for (size_t i = 0; i < e->nfields; i++) {
        sbuf_printf(b, "%zu:", e->fields[i].name_len);
        sbuf_addn(b, e->fields[i].name, e->fields[i].name_len);
        sbuf_printf(b, "=%zu:", e->fields[i].value_len);
        sbuf_addn(b, e->fields[i].value, e->fields[i].value_len);
        sbuf_addc(b, '\n');
    }
    return 0;
}

/* 0 when both paths agree; fills the two dumps for messages. */
static int je_compare(const char *data, size_t len, sbuf *fast, sbuf *slow)
{
    json_force_jansson = 0;
    long r1 = ingest_memory(&reader_json, "x", data, len, je_sink, fast, 1);
    json_force_jansson = 1;
    long r2 = ingest_memory(&reader_json, "x", data, len, je_sink, slow, 1);
    json_force_jansson = 0;
    sbuf_printf(fast, "REJECTED %ld\n", r1);
    sbuf_printf(slow, "REJECTED %ld\n", r2);
    return !(fast->len == slow->len && memcmp(fast->s, slow->s, fast->len) == 0);
}
#endif
