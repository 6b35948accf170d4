/* sqlfn_regex_prefilter.c: a fast "no" for match(). PCRE2 tries an
 * alternation of many literals at every position of the subject (Sigma's
 * keyword rules over _raw: tens of MB/s); Hyperscan scans for the same
 * pattern at GB/s. The pattern is compiled by Hyperscan in prefilter mode
 * (HS_FLAG_PREFILTER: it may match more than the pattern, never less), and
 * only ASCII subjects go through it: there PCRE2's UTF-8 mode and
 * Hyperscan's byte mode read the same characters (no Unicode case folding,
 * no multi-byte '.'). When Hyperscan finds nothing, nothing can match;
 * otherwise, and for patterns Hyperscan does not take (or with a NUL), and
 * for other subjects, PCRE2 decides as before. PCRE2 remains the
 * reference: tests/test_sqlfn_regex_prefilter.c compares the two. */
#include <hs.h>
#include <stdint.h>
#include <string.h>
#include "sqlfn_internal.h"
#include "util.h"

static void compile(sqlfn_regex *re)
{
    re->hs_tried = 1;
    /* a pattern with a NUL or other than ASCII: PCRE2 alone */
    if (memchr(re->pat, 0, re->patlen) || !util_is_ascii(re->pat, re->patlen)) return;
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    if (hs_compile(re->pat, HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY, HS_MODE_BLOCK, NULL, &db,
                   &ce) != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return;
    }
    hs_scratch_t *scratch = NULL;
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
        hs_free_database(db);
        return;
    }
    re->hs_db = db;
    re->hs_scratch = scratch;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    *(int *)ctx = 1;
    return 1; /* one is enough */
}

int sqlfn_regex_may_match(sqlfn_regex *re, const char *s, size_t n)
{
    if (!re->hs_tried) compile(re);
    if (!re->hs_db || !s || n > UINT32_MAX || !util_is_ascii(s, n)) return 1;
    int found = 0;
    hs_error_t e = hs_scan(re->hs_db, s, (unsigned)n, 0, re->hs_scratch, on_match, &found);
    if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED) return 1;
    return found;
}

void sqlfn_regex_prefilter_free(sqlfn_regex *re)
{
    if (re->hs_scratch) hs_free_scratch(re->hs_scratch);
    if (re->hs_db) hs_free_database(re->hs_db);
    re->hs_scratch = re->hs_db = NULL;
}
