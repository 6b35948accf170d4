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

static int fuzz_sink(void *ctx, const event *ev)
{
    (void)ctx;
    /* _raw is the rebuilt <Event ...> element, on one line */
    if (ev->raw_len < 7 || memcmp(ev->raw, "<Event", 6) != 0 || memchr(ev->raw, '\n', ev->raw_len)) abort();
    fuzz_touch_event(ev);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)reader_evtxjson.detect((const char *)data, size);
    ingest_memory(&reader_evtxjson, "fuzz", (const char *)data, size, fuzz_sink, NULL, 1);
    return 0;
}
