/* fuzz_reader_evtx.c: libFuzzer harness for the evtx reader (binary EVTX):
 * detection, then ingest_memory() with a sink that checks every event is one
 * line of XML (the rendering of a record, parsed by the XmlWinEventLog
 * reader) and reads its fields. With evtx_check_direct on, each record's
 * rendering through the template cache must equal the token walk's, and
 * the event built while rendering the event of the line scanned (else
 * abort). Seeds: EVTX files written by
 * test_reader_evtx --write-seeds. Built only with clang and
 * -DSPLITE_FUZZ=ON (tests/fuzz/CMakeLists.txt). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_event.h"
#include "ingest.h"
#include "reader.h"

extern int evtx_check_direct;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evtx_check_direct = 1; /* each record: cached = walked rendering, built = scanned event */
    (void)reader_evtx.detect((const char *)data, size);
    ingest_memory(&reader_evtx, "fuzz", (const char *)data, size, fuzz_event_xml_sink, NULL, 1);
    return 0;
}
