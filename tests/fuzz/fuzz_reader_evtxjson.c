/* fuzz_reader_evtxjson.c: libFuzzer harness for the evtxjson reader
 * (evtx_dump's JSON): detection, then ingest_memory() with a sink that
 * checks every event is one line of XML naming its fields (the XML the
 * reader rebuilt, parsed by the XmlWinEventLog reader). Built only with clang
 * and -DSPLITE_FUZZ=ON (tests/fuzz/CMakeLists.txt). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_event.h"
#include "ingest.h"
#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)reader_evtxjson.detect((const char *)data, size);
    ingest_memory(&reader_evtxjson, "fuzz", (const char *)data, size, fuzz_event_xml_sink, NULL, 1);
    return 0;
}
