/* fuzz_reader_xmlwineventlog.c: libFuzzer harness for the XmlWinEventLog
 * reader: arbitrary bytes through ingest_memory must never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "reader.h"

static int fuzz_sink(void *ctx, const event *ev)
{
    (void)ctx;
    (void)ev;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ingest_memory(&reader_xmlwineventlog, "fuzz", (const char *)data, size, fuzz_sink, NULL, 1);
    return 0;
}
