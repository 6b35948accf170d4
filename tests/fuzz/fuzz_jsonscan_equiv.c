/* fuzz_jsonscan_equiv.c: libFuzzer harness checking that the fast JSON
 * scanner and jansson give identical events and rejections for any input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../jsonscan_equiv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sbuf a = {0}, b = {0};
    if (je_compare((const char *)data, size, &a, &b)) {
        fprintf(stderr, "fast scanner and jansson differ\n--- fast:\n%s\n--- jansson:\n%s\n", a.s ? a.s : "",
                b.s ? b.s : "");
        abort();
    }
    sbuf_free(&a);
    sbuf_free(&b);
    return 0;
}
