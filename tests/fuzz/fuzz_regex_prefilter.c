/* fuzz_regex_prefilter.c: libFuzzer harness for match()'s Hyperscan
 * prefilter: the input is a pattern, a NUL, a subject; whenever PCRE2 finds
 * the pattern, the prefilter must not have said "no" (regex_prefilter_equiv.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../regex_prefilter_equiv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, 0, size);
    if (!nul || nul - s > 512) return 0;
    size_t plen = (size_t)(nul - s);
    int no = 0;
    if (rp_violates(s, plen, nul + 1, size - plen - 1, &no)) {
        fprintf(stderr, "prefilter said no where PCRE2 matches: /%.*s/\n", (int)plen, s);
        abort();
    }
    return 0;
}
