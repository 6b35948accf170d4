/* test_evtx_libevtx.c: splite's EVTX decoder against libevtx (libyal), the
 * reference (tests/evtx_libevtx_equiv.h): every record libevtx renders from
 * the real .evtx files (../shared/datasets/real/ * /evtx/) and SigmaHQ's
 * regression data (../shared/corpus/sigma/SigmaHQ/regression_data/) must
 * render the same with ours, up to the documented formatting differences
 * (docs/EVTX.md). Also on a file written by tests/evtx_build.h, so that the
 * comparison itself is checked without ../shared. The tree comparison's own
 * cases run everywhere; the cases that need libevtx skip without it, and
 * the real-file cases without ../shared, saying so. With
 * "--write-seeds DIR" it writes the built file (cut) as a fuzz seed.
 * SPLITE_EE_VERBOSE=1 prints both renderings of each difference. */
#include "testutil.h"
#include "evtx_build.h"
#include "evtx_libevtx_tree.h"

/* A file written by evtx_build.h: two records of one template (defined
 * inline by the first) with values of many types, all of which both
 * decoders render alike. The chunk cut after its records when short (the
 * fuzz seed). */
static unsigned char *built_file(int short_chunk, size_t *len)
{
    static const unsigned char guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
                                           0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d};
    static const unsigned char st[16] = {0xe5, 0x07, 6, 0, 0, 0, 13, 0, 6, 0, 19, 0, 28, 0, 0x5f, 1};
    static const unsigned char arr[8] = {'a', 0, 0, 0, 'b', 0, 0, 0};
    static const unsigned char dead[2] = {0xde, 0xad};
    eb b = {calloc(1, EVTX_CHUNK_SIZE), EVTX_CHUNK_HEADER};
    uint16_t eid = 4688;
    uint64_t ft = 132900830552144608ull, hex = 0x3e7;
    int32_t cnt = 5;
    unsigned s0, s6, s7, s10, s11;
    const unsigned char *w0 = eb_w(0, "Microsoft-Windows-Security-Auditing", 1, &s0);
    const unsigned char *w6 = eb_w(1, "Security", 1, &s6);
    const unsigned char *w7 = eb_w(2, "pc1.example", 1, &s7);
    const unsigned char *w10 = eb_w(3, "cmd /c \"a&b\" <x>", 1, &s10);
    const unsigned char *w11 = eb_w(4, "x", 0, &s11);
    uint64_t rid[2] = {7, 8};
    eb_val v[16] = {{0x01, w0, s0},     {0x0f, guid, 16}, {0x06, &eid, 2},  {0x11, &ft, 8},
                    {0x0a, &rid[0], 8}, {0x0f, guid, 16}, {0x01, w6, s6},   {0x01, w7, s7},
                    {0x00, NULL, 0},    {0x15, &hex, 8},  {0x01, w10, s10}, {0x01, w11, s11},
                    {0x07, &cnt, 4},    {0x12, st, 16},   {0x81, arr, 8},   {0x0e, dead, 2}};
    uint32_t def = eb_record(&b, 7, ft, 0, v, 16);
    v[4].p = &rid[1];
    eb_record(&b, 8, ft, def, v, 16);
    unsigned char *f = eb_file(&b, 7, 8, short_chunk, len);
    free(b.c);
    return f;
}

/* The normalisations accept exactly libevtx's forms of a Windows value. */
static void test_value_eq(void **state)
{
    (void)state;
    unsigned dev = 0;
    assert_true(ee_value_eq("2013-10-23T16:22:39.9735000Z", "2013-10-23T16:22:39.973500000Z", &dev));
    assert_false(ee_value_eq("2013-10-23T16:22:39.9735000Z", "2013-10-23T16:22:39.973500012Z", &dev));
    assert_false(ee_value_eq("2013-10-23T16:22:39.9735001Z", "2013-10-23T16:22:39.973500000Z", &dev));
    assert_true(ee_value_eq("{54849625-5478-4994-a5ba-3e3b0328c30d}", "{54849625-5478-4994-A5BA-3E3B0328C30D}", &dev));
    assert_false(ee_value_eq("{54849625-5478-4994-A5BA-3E3B0328C30D}", "{54849625-5478-4994-a5ba-3e3b0328c30d}", &dev));
    assert_false(ee_value_eq("{54849625-5478-4994-a5ba-3e3b0328c30e}", "{54849625-5478-4994-A5BA-3E3B0328C30D}", &dev));
    assert_true(ee_value_eq("0x3e7", "0x00000000000003e7", &dev));
    assert_true(ee_value_eq("0x0", "0x00000000", &dev));
    assert_false(ee_value_eq("0x3e8", "0x00000000000003e7", &dev));
    assert_false(ee_value_eq("3e7", "0x00000000000003e7", &dev));
    assert_true(ee_value_eq("0x10", "16", &dev));
    assert_true(ee_value_eq("0x0", "0", &dev));
    assert_false(ee_value_eq("0x10", "10", &dev));
    assert_true(ee_value_eq("2021-06-13T06:19:28.3510000Z", "2021-06-13T06:19:28.351Z", &dev));
    assert_false(ee_value_eq("2021-06-13T06:19:28.3510001Z", "2021-06-13T06:19:28.351Z", &dev));
    assert_true(ee_value_eq("3199.234", "3.199234e+003", &dev));
    assert_true(ee_value_eq("-3.25e-10", "-3.250000e-010", &dev));
    assert_false(ee_value_eq("3199.235", "3.199234e+003", &dev));
    assert_true(ee_value_eq("a\r\nb\rc", "a\nb\nc", &dev));
    assert_false(ee_value_eq("a\r\nb", "a\r\nb\n", &dev));
    assert_int_equal(dev, 0);
    /* libevtx's sign-and-magnitude negatives: accepted, and flagged */
    assert_true(ee_value_eq("-5", "-2147483643", &dev));
    assert_int_equal(dev, EE_DEV_SIGNED);
    assert_true(ee_value_eq("-5", "-123", &dev));
    assert_true(ee_value_eq("-5", "-9223372036854775803", &dev));
    assert_false(ee_value_eq("-5", "-2147483642", &dev));
    assert_false(ee_value_eq("5", "2147483643", &dev));
    /* an unpaired surrogate: equal up to its U+FFFD */
    dev = 0;
    assert_true(ee_value_eq("a\xef\xbf\xbd" "c", "a\xef\xbf\xbd", &dev));
    assert_int_equal(dev, EE_DEV_SURROGATE);
    assert_false(ee_value_eq("b\xef\xbf\xbd" "c", "a\xef\xbf\xbd", &dev));
    dev = 0;
    assert_true(ee_value_eq("4096-3840-13T06:19:28.3510000Z",
                            "(0x0400 0x03c0 0x0480 0x0003 0x0001 0x0004 0x0007 0x0057)", &dev));
    assert_int_equal(dev, EE_DEV_BAD_TIME);
}

/* The tree comparison: libevtx's indentation, quotes, empty-element form
 * and the known deviations are accepted; anything else is a difference. */
static void test_trees(void **state)
{
    (void)state;
    char where[512];
    unsigned dev = 0;
    const char *ours = "<Event xmlns='x'><System><EventID>1</EventID><Security/></System><EventData>"
                       "<Data Name='a'>v &amp; w</Data><Data Name='b'></Data></EventData></Event>";
    const char *lib = "<Event xmlns=\"x\">\n  <System>\n    <EventID>1</EventID>\n    <Security/>\n  </System>\n"
                      "  <EventData>\n    <Data Name=\"a\">v &amp; w</Data>\n    <Data Name=\"b\"/>\n  </EventData>\n</Event>\n";
    assert_int_equal(ee_same(ours, lib, &dev, where, sizeof where), 0);
    assert_int_equal(dev, 0);
    /* text inside a leaf counts, whitespace too */
    assert_int_equal(ee_same("<a><b> </b></a>", "<a>\n <b/>\n</a>", &dev, where, sizeof where), 1);
    assert_int_equal(ee_same("<a><b>x</b></a>", "<a><b>y</b></a>", &dev, where, sizeof where), 1);
    assert_non_null(strstr(where, "ours 'x', libevtx 'y'"));
    assert_int_equal(ee_same("<a><b x='1'/></a>", "<a><b x='1' y='2'/></a>", &dev, where, sizeof where), 1);
    assert_int_equal(ee_same("<a><b/></a>", "<a><c/></a>", &dev, where, sizeof where), 1);
    assert_int_equal(ee_same("<a><b/><c/></a>", "<a><b/></a>", &dev, where, sizeof where), 1);
    assert_int_equal(ee_same("<a><b/></a>", "<a><b>", &dev, where, sizeof where), 3);
    assert_int_equal(ee_same("<a><b>", "<a><b/></a>", &dev, where, sizeof where), -1);
    assert_int_equal(ee_same("<a><b>", "<a><b>", &dev, where, sizeof where), 2);
    /* (dev is meaningful only when the trees are equal) */
    dev = 0;
    /* a lone LF value that libevtx leaves out; two LFs it keeps */
    assert_int_equal(ee_same("<a><b>&#10;</b></a>", "<a><b/></a>", &dev, where, sizeof where), 0);
    assert_int_equal(dev, EE_DEV_LF_DROPPED);
    dev = 0;
    assert_int_equal(ee_same("<a><b>&#10;&#10;</b></a>", "<a><b/></a>", &dev, where, sizeof where), 1);
    /* an empty array: libevtx's one empty element */
    dev = 0;
    assert_int_equal(ee_same("<a><Files></Files></a>", "<a><Files><File/></Files></a>", &dev, where, sizeof where), 0);
    assert_int_equal(dev, EE_DEV_EMPTY_ARRAY);
    dev = 0;
    assert_int_equal(ee_same("<a><Files></Files></a>", "<a><Files><File n='1'/></Files></a>", &dev, where, sizeof where), 1);
    /* ours's <Data Name='x'></Data> for an optional value that is absent */
    dev = 0;
    assert_int_equal(ee_same("<a><Data Name='x'></Data><Data Name='y'>1</Data></a>", "<a><Data Name='y'>1</Data></a>", &dev,
                             where, sizeof where), 0);
    assert_int_equal(dev, EE_OURS_OPTIONAL);
    /* an attribute whose optional value is an empty string is kept by both */
    assert_int_equal(ee_same("<a><P Guid='{0}'/></a>", "<a><P Name=\"\" Guid=\"{0}\"/></a>", &dev, where, sizeof where), 1);
    /* libevtx's raw control characters (not XML) are dropped, as Windows drops them */
    dev = 0;
    assert_int_equal(ee_same("<a>xy</a>", "<a>x\x01y</a>", &dev, where, sizeof where), 0);
    assert_int_equal(ee_same("<a>x\x01y</a>", "<a>xy</a>", &dev, where, sizeof where), -1);
    /* a name whose NUL end is some character: libevtx's name has it too */
    dev = 0;
    assert_int_equal(ee_same("<a><Channel>S</Channel></a>", "<a><Channel_>S</Channel_></a>", &dev, where, sizeof where), 0);
    assert_int_equal(dev, EE_DEV_NAME_END);
    assert_int_equal(ee_same("<a><Channel>S</Channel></a>", "<a><Channel__>S</Channel__></a>", &dev, where, sizeof where), 1);
    /* names with characters XML does not allow: compared all the same */
    dev = 0;
    assert_int_equal(ee_same("<a><T \xc2\xbdx='1'/></a>", "<a><T \x13\xc2\xbdx=\"1\"/></a>", &dev, where, sizeof where), 0);
    assert_int_equal(dev, 0);
    assert_int_equal(ee_same("<a><T \xc2\xbdx='1'/></a>", "<a><T \xc2\xbdy=\"1\"/></a>", &dev, where, sizeof where), 1);
    /* CR, LF, tab in attributes: raw in libevtx's (read as spaces), escaped in ours */
    assert_int_equal(ee_same("<a><P N='x&#13;&#10;y&#13;z&#10;w\tv'/></a>", "<a><P N=\"x\r\ny\rz\nw\tv\"/></a>", &dev, where,
                             sizeof where), 0);
    assert_int_equal(ee_same("<a><P N='x&#13;&#10;y'/></a>", "<a><P N=\"x  y\"/></a>", &dev, where, sizeof where), 1);
    /* an empty element of libevtx's is skipped only when what follows it matches */
    assert_int_equal(ee_same("<a><C></C><D/></a>", "<a><C_/><D/></a>", &dev, where, sizeof where), 0);
    assert_int_equal(ee_same("<a><C></C><D/></a>", "<a><E/><D/></a>", &dev, where, sizeof where), 1);
    assert_int_equal(ee_same("<a><B/><C/></a>", "<a><X/><B/><C/></a>", &dev, where, sizeof where), 0);
    assert_int_equal(ee_same("<a><x&amp;y/></a>", "<a><x&y/></a>", &dev, where, sizeof where), 0);
    assert_int_equal(ee_same("<a a='\xef\xbf\xbd'>\xef\xbf\xbd</a>", "<a a='\xef\xbf\xbf'>\xef\xbf\xbe</a>", &dev, where,
                             sizeof where), 0);
    assert_int_equal(ee_same("<a><x&gt;y/></a>", "<a><x>y/></a>", &dev, where, sizeof where), 3);
    assert_int_equal(ee_same("<a><D &#13;N='1'/></a>", "<a><D \rN=\"1\"/></a>", &dev, where, sizeof where), 0);
    /* an element ours keeps is skipped only when what follows it matches */
    assert_int_equal(ee_same("<a><T x='1'/><U/></a>", "<a><T y='1'/><U/></a>", &dev, where, sizeof where), 1);
}

#ifdef SPLITE_HAVE_LIBEVTX
#include "evtx_libevtx_equiv.h"

#include <ftw.h>

static ee_stats g_st;
static long g_files, g_shown;
static const char *g_path;

static void report(void *ctx, uint64_t id, const char *ours, const char *lib, const char *where)
{
    (void)ctx;
    const char *v = getenv("SPLITE_EE_VERBOSE");
    if (g_shown++ < 20 || (v && *v == '1'))
        fprintf(stderr, "DIFF %s record %llu: %s\n", g_path, (unsigned long long)id, where);
    if (v && *v == '1') fprintf(stderr, "  ours:    %s\n  libevtx: %s\n", ours ? ours : "(none)", lib);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    sbuf b = {0};
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, k);
    fclose(f);
    *len = b.len;
    return (unsigned char *)sbuf_detach(&b);
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".evtx")) return 0;
    size_t len;
    unsigned char *d = slurp(path, &len);
    g_path = path;
    long crashed = g_st.lib_crashed;
    ee_compare_file(d, len, 60, &g_st, report, NULL);
    if (g_st.lib_crashed != crashed) fprintf(stderr, "NOTE %s: libevtx crashed, hung or could not open it\n", path);
    free(d);
    g_files++;
    return 0;
}

static void print_stats(const char *what)
{
    printf("%s: %ld files; libevtx listed %ld records and rendered %ld; compared with ours %ld: equal %ld "
           "(with known libevtx deviations: %ld negative integers, %ld lone LF values, %ld empty arrays; "
           "%ld unpaired surrogates, %ld invalid dates, %ld name ends; %ld with ours keeping an element whose optional value is NULL), "
           "different %ld; missing in ours %ld; ours could not render %ld; header refused by ours %ld; "
           "libevtx failed on %ld files; libevtx also recovered %ld records from chunk slack (%ld equal to one of ours)\n",
           what, g_files, g_st.lib_records, g_st.lib_records - g_st.lib_failed, g_st.compared, g_st.equal,
           g_st.lib_deviations[0], g_st.lib_deviations[1], g_st.lib_deviations[2], g_st.lib_deviations[4], g_st.lib_deviations[5], g_st.lib_deviations[6], g_st.lib_deviations[3], g_st.differ, g_st.ours_missing,
           g_st.ours_failed, g_st.ours_refused, g_st.lib_crashed, g_st.recovered, g_st.recovered_equal);
}

/* Walk one tree under ../shared and require every record to be equal. */
static void run_tree(const char *sub, long min_files)
{
    const char *shared = tu_shared();
    if (!shared) {
        printf("SKIP: ../shared not present (a user's clone has no ../shared): %s not compared\n", sub);
        skip();
    }
    char *root = xasprintf("%s/%s", shared, sub);
    struct stat sb;
    if (stat(root, &sb) != 0) {
        printf("SKIP: %s not present\n", root);
        free(root);
        skip();
    }
    memset(&g_st, 0, sizeof g_st);
    g_files = g_shown = 0;
    assert_int_equal(nftw(root, visit, 16, FTW_PHYS), 0);
    print_stats(sub);
    assert_true(g_files >= min_files);
    assert_true(g_st.compared > 0);
    assert_int_equal(g_st.differ, 0);
    assert_int_equal(g_st.ours_missing, 0);
    assert_int_equal(g_st.equal, g_st.lib_records - g_st.lib_failed);
    free(root);
}

static void test_real_files(void **state)
{
    (void)state;
    run_tree("datasets/real", 30);
}

static void test_sigma_regression_files(void **state)
{
    (void)state;
    run_tree("corpus/sigma/SigmaHQ/regression_data", 100);
}

/* The built file: both decoders render both records, equal. */
static void test_built_file(void **state)
{
    (void)state;
    size_t len;
    unsigned char *f = built_file(0, &len);
    memset(&g_st, 0, sizeof g_st);
    g_files = g_shown = 0;
    g_path = "built.evtx";
    assert_int_equal(ee_compare_file(f, len, 60, &g_st, report, NULL), 0);
    print_stats("built file");
    assert_int_equal(g_st.compared, 2);
    assert_int_equal(g_st.equal, 2);
    /* and a difference is seen: ours with another EventID is not libevtx's */
    ee_list ours = {0}, lib = {0};
    const char *what;
    assert_int_equal(ee_ours(f, len, &ours), 0);
    assert_int_equal(ee_lib_render(f, len, 60, &lib, &what), 0);
    assert_int_equal(ours.n, 2);
    assert_int_equal(lib.n, 2);
    char where[512];
    unsigned dev = 0;
    assert_int_equal(ee_same(ours.v[0].xml, lib.v[0].xml, &dev, where, sizeof where), 0);
    assert_int_equal(dev, 0);
    char *p = strstr(ours.v[0].xml, "4688");
    assert_non_null(p);
    p[3] = '9';
    assert_int_equal(ee_same(ours.v[0].xml, lib.v[0].xml, &dev, where, sizeof where), 1);
    assert_non_null(strstr(where, "EventID"));
    ee_list_free(&ours);
    ee_list_free(&lib);
    free(f);
}

#else
static void no_libevtx(void)
{
    printf("SKIP: libevtx not found by pkg-config (Debian: libevtx-dev): no comparison with the reference\n");
    skip();
}
static void test_built_file(void **state)
{
    (void)state;
    no_libevtx();
}
static void test_real_files(void **state)
{
    (void)state;
    no_libevtx();
}
static void test_sigma_regression_files(void **state)
{
    (void)state;
    no_libevtx();
}
#endif

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0) {
        size_t len;
        unsigned char *f = built_file(1, &len);
        char *path = xasprintf("%s/seed_built_equal", argv[2]);
        FILE *out = fopen(path, "wb");
        if (!out || fwrite(f, 1, len, out) != len || fclose(out)) {
            perror(path);
            return 1;
        }
        free(path);
        free(f);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_eq),
        cmocka_unit_test(test_trees),
        cmocka_unit_test(test_built_file),
        cmocka_unit_test(test_real_files),
        cmocka_unit_test(test_sigma_regression_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
