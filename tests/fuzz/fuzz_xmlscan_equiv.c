/* fuzz_xmlscan_equiv.c: libFuzzer harness checking that the fast XML scanner
 * and expat give identical events and rejections for any input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../xmlscan_equiv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sbuf a = {0}, b = {0};
    if (xe_compare((const char *)data, size, &a, &b)) {
        fprintf(stderr, "fast scanner and expat differ\n--- fast:\n%s\n--- expat:\n%s\n", a.s ? a.s : "",
                b.s ? b.s : "");
        abort();
    }
    sbuf_free(&a);
    sbuf_free(&b);
    return 0;
}
