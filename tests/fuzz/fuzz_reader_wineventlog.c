/* fuzz_reader_wineventlog.c: libFuzzer harness for the wineventlog reader: feeds arbitrary
 * bytes through ingest_memory() with a sink that drops the events. Built
 * only with clang and -DSPLITE_FUZZ=ON (tests/fuzz/CMakeLists.txt). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_event.h"
#include "ingest.h"
#include "reader.h"

static int fuzz_sink(void *ctx, const event *ev)
{
    (void)ctx;
    fuzz_touch_event(ev);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)reader_wineventlog.detect((const char *)data, size);
    ingest_memory(&reader_wineventlog, "fuzz", (const char *)data, size, fuzz_sink, NULL, 1);
    return 0;
}
