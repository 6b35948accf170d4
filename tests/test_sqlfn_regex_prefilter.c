/* test_sqlfn_regex_prefilter.c: match()'s Hyperscan prefilter never says
 * "no" where PCRE2 matches (regex_prefilter_equiv.h), over patterns of the
 * kinds detections use (alternations of keywords, case-insensitive, dots,
 * classes, anchors, word boundaries, backreferences, lookarounds) and
 * subjects made from their pieces; non-ASCII subjects that PCRE2's Unicode
 * rules match (Kelvin sign, long s, a multi-byte '.') go to PCRE2; and the
 * prefilter does say "no" on subjects without the pattern (it is in use). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include "../tests/regex_prefilter_equiv.h"

static const char *const patterns[] = {
    "(?is)(?:dpapi::masterkey|eo\\.oe\\.kiwi|sekurlsa::|\\\\mimilib\\.dll|Kiwi Legit Printer)",
    "(?i)^.*AUTHORI.*$",
    "\\s-[FTd]\\s",
    "a.b",
    "(?i)k[a-z]+s",
    "[^a-z]{3}x",
    "\\bcmd\\.exe\\b",
    "^C:\\\\Windows\\\\",
    "(ab)\\1",
    "foo(?=bar)",
    "(?<!x)yz",
    "[\\w.-]+@[\\w.-]+",
    "(?i)invoke-(?:mimikatz|expression)",
    "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}",
    "x*",
    "(?m)^end$",
    "\\W\\W",
    "(?i)powershell.*-e(nc(odedcommand)?)?\\s",
};

static const char *const pieces[] = {
    "dpapi::masterkey", "SEKURLSA::", "\\mimilib.dll", "kiwi legit printer", "authority", "a", "b", "x", "yz",
    " -F ", " -T ", "cmd.exe", "C:\\Windows\\", "abab", "foobar", "user@example.com", "Invoke-Mimikatz",
    "10.0.0.1", "end\n", "!!", "powershell -enc ", "\n", " ", "kits", "K", "s", "123", "ab",
};

static void test_pieces(void **state)
{
    (void)state;
    uint64_t seed = 42;
    int nos = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++)
        for (int k = 0; k < 400; k++) {
            char buf[256];
            size_t n = 0;
            int parts = 1 + (int)(seed % 5);
            for (int j = 0; j < parts; j++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                const char *s = pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])];
                size_t l = strlen(s);
                if (n + l >= sizeof buf) break;
                memcpy(buf + n, s, l);
                n += l;
            }
            int no = 0;
            if (rp_violates(patterns[p], strlen(patterns[p]), buf, n, &no)) {
                fprintf(stderr, "prefilter said no: /%s/ on '%.*s'\n", patterns[p], (int)n, buf);
                fail();
            }
            nos += no;
        }
    assert_true(nos > 100); /* the prefilter is in use */
}

static void test_unicode(void **state)
{
    (void)state;
    static const struct { const char *pat, *subj; } cases[] = {
        {"(?i)kiwi", "\xe2\x84\xaaiwi"},          /* KELVIN SIGN folds to k */
        {"(?i)sekurlsa", "\xc5\xbf" "ekurlsa"},    /* LONG S folds to s */
        {"a.b", "a\xc3\xa9" "b"},                  /* '.' is one character */
        {"[^a]{2}", "\xc3\xa9"},                   /* one character, two bytes: no */
        {"x\\Wy", "x\xe2\x82\xacy"},
        {"bad", "b\xffz bad"},                     /* invalid UTF-8 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int no = 0;
        assert_false(rp_violates(cases[i].pat, strlen(cases[i].pat), cases[i].subj, strlen(cases[i].subj), &no));
    }
}

static void test_says_no(void **state)
{
    (void)state;
    int no = 0;
    const char *p = patterns[0];
    assert_false(rp_violates(p, strlen(p), "hello world", 11, &no));
    assert_true(no);
    /* a pattern with a NUL, and one Hyperscan refuses: PCRE2 alone */
    assert_false(rp_violates("a\0b", 3, "a", 1, &no));
    assert_false(no);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_unicode),
        cmocka_unit_test(test_says_no),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
