/* regex_prefilter_equiv.h: the property match()'s Hyperscan prefilter
 * (src/sqlfn_regex_prefilter.c) must keep against PCRE2, the reference:
 * whenever PCRE2 (as spl_match compiles it: UTF, invalid UTF allowed) finds
 * the pattern in a subject, the prefilter must not say "no". Shared by
 * tests/test_sqlfn_regex_prefilter.c and tests/fuzz/fuzz_regex_prefilter.c. */
#ifndef SPLITE_REGEX_PREFILTER_EQUIV_H
#define SPLITE_REGEX_PREFILTER_EQUIV_H
#include <stdlib.h>
#include <string.h>
#include "sqlfn_internal.h"
#include "util.h"

/* 1: pattern compiled and the prefilter said "no" where PCRE2 matched (a
 * violation); 0 otherwise. *said_no: the prefilter said "no" (PCRE2 agreed). */
static int rp_violates(const char *pat, size_t plen, const char *subj, size_t n, int *said_no)
{
    int ec;
    PCRE2_SIZE off;
    *said_no = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, plen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
    if (!code) return 0;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(mc, 100000);
    pcre2_set_depth_limit(mc, 10000);
    int rc = pcre2_match(code, (PCRE2_SPTR)subj, n, 0, 0, md, mc);
    sqlfn_regex re = {0};
    re.code = code;
    re.md = md;
    re.pat = xstrndup(pat, plen);
    re.patlen = plen;
    re.refs = 1;
    int may = sqlfn_regex_may_match(&re, subj, n);
    sqlfn_regex_prefilter_free(&re);
    free(re.pat);
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    *said_no = !may;
    return rc >= 0 && !may;
}
#endif
