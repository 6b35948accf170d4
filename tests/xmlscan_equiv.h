/* xmlscan_equiv.h: run the XmlWinEventLog reader on the same input with the
 * fast scanner and with expat only, and compare what comes out (used by the
 * unit test and the equivalence fuzzer). */
#ifndef SPLITE_XMLSCAN_EQUIV_H
#define SPLITE_XMLSCAN_EQUIV_H
#include <string.h>
#include "event.h"
#include "ingest.h"
#include "reader.h"
#include "util.h"

extern int xw_force_expat;

/* Flatten every event into one string: time, host, source, name=value lines. */
static int xe_sink(void *ctx, const event *e)
{
    sbuf *b = ctx;
    sbuf_printf(b, "EVENT t=%.7f has=%d host=%s source=%s\n", e->time, e->has_time, e->host ? e->host : "(null)",
                e->source ? e->source : "(null)");
    for (size_t i = 0; i < e->nfields; i++) {
        sbuf_addn(b, e->fields[i].name, e->fields[i].name_len);
        sbuf_addc(b, '=');
        sbuf_addn(b, e->fields[i].value, e->fields[i].value_len);
        sbuf_addc(b, '\n');
    }
    return 0;
}

/* 0 when both paths agree; fills the two dumps for messages. */
static int xe_compare(const char *data, size_t len, sbuf *fast, sbuf *slow)
{
    xw_force_expat = 0;
    long r1 = ingest_memory(&reader_xmlwineventlog, "x", data, len, xe_sink, fast, 1);
    xw_force_expat = 1;
    long r2 = ingest_memory(&reader_xmlwineventlog, "x", data, len, xe_sink, slow, 1);
    xw_force_expat = 0;
    return !(r1 == r2 && fast->len == slow->len && (fast->len == 0 || memcmp(fast->s, slow->s, fast->len) == 0));
}
#endif
