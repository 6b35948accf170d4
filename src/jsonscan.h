/* jsonscan.h: a fast, strict single-pass scanner for one plain JSON object
 * per line (the "json" reader's common case). It validates the line (RFC
 * 8259, valid UTF-8, nothing but blanks after the object) and fills the event
 * exactly as the jansson path of ingest_json.c would: fields flattened with
 * dots and "{}", numbers as written, _time from _time/time/timestamp. Any
 * line it cannot treat identically (HEC envelopes, i.e. a top-level "event"
 * key; deep nesting; integers beyond 18 digits; \u0000; anything malformed)
 * is reported as unsupported, so the caller hands it to jansson, which then
 * decides (and words any rejection). tests/test_jsonscan.c and
 * tests/fuzz/fuzz_jsonscan_equiv.c compare both paths. */
#ifndef SPLITE_JSONSCAN_H
#define SPLITE_JSONSCAN_H
#include <stddef.h>

#include "event.h"
#include "util.h"

enum { JSONSCAN_OK = 0, JSONSCAN_UNSUPPORTED = 1 };

/* Scan line[0..len) (no line end, no BOM, not blank) into ev, which must be
 * empty. path and value are scratch buffers kept by the caller. On
 * JSONSCAN_UNSUPPORTED ev may hold partial fields: the caller resets it. */
int jsonscan_plain(event *ev, sbuf *path, sbuf *value, const char *line, size_t len);

/* d as text for a time: integral values below 2^53 as plain integers, else
 * the shortest %g text that reads back as d (shared with the jansson path). */
void jsonscan_format_real(double d, char *buf, size_t n);
#endif
