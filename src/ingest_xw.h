/* ingest_xw.h: the XmlWinEventLog reader's event builder offered to a
 * reader that renders XmlWinEventLog lines itself (evtx). Instead of the
 * line being scanned again, the renderer calls the handlers the fast
 * scanner (xmlscan.h) would call for that line, then the event is emitted
 * with the line as its _raw: the same event, field for field. */
#ifndef SPLITE_INGEST_XW_H
#define SPLITE_INGEST_XW_H
#include <stddef.h>

#include "event.h"
#include "xmlscan.h"

struct ingest;

/* Start an event of the reader state (reader_xmlwineventlog.open()); the
 * handlers build it. If the producer cannot finish, the line goes to
 * reader_xmlwineventlog.line(), which starts over. */
const xmlscan_handlers *xw_direct_begin(void *state, struct ingest *in);
/* Emit the event built through the handlers, line[0..len) its _raw. */
int xw_direct_emit(void *state, struct ingest *in, const char *line, size_t len);

/* For checks: the event of a line as the reader builds it, not emitted;
 * NULL when the line is rejected (reported). Valid until the next call. */
const event *xw_parse(void *state, struct ingest *in, const char *line, size_t len);
/* The event the state holds (after xw_direct_begin and the handlers). */
const event *xw_event(void *state);
#endif
