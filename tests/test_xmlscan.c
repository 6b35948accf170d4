/* test_xmlscan.c: the fast XML scanner gives exactly what expat gives:
 * hand-written edge cases and every line of ../shared/datasets/real. */
#include "testutil.h"
#include "xmlscan_equiv.h"

#include <ftw.h>

static const char *const cases[] = {
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID></System></Event>",
    "<Event><EventData><Data Name=\"A\">x &amp; y &lt;z&gt; &quot;q&quot; &apos;a&apos;</Data></EventData></Event>",
    "<Event><EventData><Data Name='A'>&#13;&#10;&#x41;&#233;&#x1F600;</Data></EventData></Event>",
    "<Event><EventData><Data Name='A&amp;B'>v</Data><Data Name = 'C' >w</Data></EventData></Event>",
    "<Event><EventData><Data Name='T'>tab\there</Data><Data Name='U'>caf\xc3\xa9 \xe2\x82\xac</Data></EventData></Event>",
    "<Event><System><Provider Name='a\tb'/></System></Event>",
    "<Event><EventData><Data Name='A'>]]></Data></EventData></Event>",          /* error */
    "<Event><EventData><Data Name='A'>]] ></Data></EventData></Event>",
    "<Event><EventData><Data Name='A'>&bogus;</Data></EventData></Event>",      /* error */
    "<Event><EventData><Data Name='A'>&#0;</Data></EventData></Event>",         /* error */
    "<Event><EventData><Data Name='A'>&#1;</Data></EventData></Event>",         /* error */
    "<Event><EventData><Data Name='A'>\x01</Data></EventData></Event>",         /* error */
    "<Event><EventData><Data Name='A'>\xff</Data></EventData></Event>",         /* error */
    "<Event><EventData><Data Name='A'>\xef\xbf\xbe</Data></EventData></Event>", /* U+FFFE: error */
    "<Event><System></Sys></Event>",                                            /* error */
    "<Event><System a='1' a='2'/></Event>",                                     /* error */
    "<Event><System a='<'/></Event>",                                           /* error */
    "<Event></Event><Event></Event>",                                           /* error */
    "<Event></Event>   ",
    "   <Event></Event>",
    "<Other/>",
    "<?xml version='1.0'?><Event></Event>",
    "<Event><!-- c --><System><EventID>5</EventID></System></Event>",
    "<Event><EventData><Data><![CDATA[a<b]]></Data></EventData></Event>",
    "<Event><UserData><X xmlns='u'><A>1</A><B/><C>3</C></X></UserData></Event>",
    "<e:Event xmlns:e='n'><e:System><e:EventID>9</e:EventID></e:System></e:Event>",
    "<Event",
    "<Event><System><TimeCreated SystemTime='2024-01-01T00:00:00.1234567Z'/></System></Event>",
    "plain text",
    "",
    /* zero-copy paths and their fallbacks */
    "<Event><EventData><Data Name=\"it's\">a\"b'c</Data><Data Name='q\"q'>x</Data></EventData></Event>",
    "<Event><EventData><Data Name='a\tb'>tab in name</Data><Data Name='a&#9;b'>ref in name</Data></EventData></Event>",
    "<Event><EventData><Data Name='NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN'>cut at 255</Data><Data Name='NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN&amp;'>decoded</Data></EventData></Event>",
    "<Event><UserData><W><EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE>long leaf</EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE><S>short</S></W></UserData></Event>",
    "<Event><RenderingInfo><RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR>long</RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR><Message>m &amp; n</Message></RenderingInfo></Event>",
    "<Event><EventData><Data Name='A'>1234567</Data><Data Name='B'>12345678</Data><Data Name='C'>123456789abcdef0</Data></EventData></Event>",
    "<Event><EventData><Data Name='A'>caf\xc3\xa9]x &amp; y</Data><Data Name='B'>\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac]]</Data></EventData></Event>",
    "<Event><EventData><Data Name='A'>v</Data  ><Data Name='B'>w</Dat></EventData></Event>",       /* error */
    "<Event><EventData><Data Name='A'>v</Datax></EventData></Event>",                              /* error */
    "<Event><System><EventID>&#52;688</EventID><Computer>h&amp;1</Computer><Channel>Sec&lt;x&gt;</Channel></System></Event>",
    "<Event><System><Channel></Channel><Computer/></System></Event>",
    "<Event><System><Provider Guid='{g}' Name='P&apos;x' EventSourceName='e'/><Execution ProcessID='4' ThreadID='8'/></System></Event>",
    "<e:Event xmlns:e='n'><e:EventData><e:Data Name='x:y'>v</e:Data><a:b:c>w</a:b:c></e:EventData></e:Event>",
    "<Event><EventData><Data>u1</Data><Data Name=''>u2</Data><Data>u3</Data></EventData></Event>",
    "<Event><EventData><Data Name='A'>x<b/>y</Data><Data Name='B'><c>z</c></Data></EventData></Event>",
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sbuf a = {0}, b = {0};
        if (xe_compare(cases[i], strlen(cases[i]), &a, &b)) {
            fprintf(stderr, "case %zu differs:\n%s\n--- fast:\n%s\n--- expat:\n%s\n", i, cases[i], a.s ? a.s : "",
                    b.s ? b.s : "");
            fail();
        }
        sbuf_free(&a);
        sbuf_free(&b);
    }
}

static long g_lines;

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".log")) return 0;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = xmalloc((size_t)sb->st_size + 1);
    size_t got = fread(buf, 1, (size_t)sb->st_size, f);
    fclose(f);
    sbuf a = {0}, b = {0};
    if (xe_compare(buf, got, &a, &b)) {
        fprintf(stderr, "%s: fast scanner and expat differ\n", path);
        fail();
    }
    for (size_t i = 0; i < got; i++) g_lines += buf[i] == '\n';
    sbuf_free(&a);
    sbuf_free(&b);
    free(buf);
    return 0;
}

static void test_real_files(void **state)
{
    (void)state;
    const char *shared = tu_shared();
    if (!shared) {
        printf("SKIP: ../shared/datasets/real not present\n");
        skip();
    }
    char *root = xasprintf("%s/datasets/real", shared);
    assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
    printf("compared %ld real lines\n", g_lines);
    assert_true(g_lines > 5000);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_real_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
