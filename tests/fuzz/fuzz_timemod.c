/* fuzz_timemod.c: libFuzzer harness for timemod_parse and timefmt_strftime:
 * any spec or format must give a value or a clean error, never a crash or
 * leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "timemod.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    double out = 0;
    char *err = NULL;
    if (timemod_parse(s, 1709647629.25, &out, &err) != 0) free(err);
    sbuf b = {0};
    timefmt_strftime(&b, s, 1709647629.25);
    sbuf_free(&b);
    free(s);
    return 0;
}
