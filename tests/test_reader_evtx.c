/* test_reader_evtx.c: the evtx reader on EVTX files written by hand
 * (evtx_build.h): a template defined inline by one record and referenced by
 * the next, substitutions of many value types rendered as Windows renders
 * them (GUID, SID, FILETIME, SYSTEMTIME, hex, escaping, optional values
 * left out, string arrays as repeated <Data>), the event's metadata, format
 * detection, and damage: a broken record, a cut file, a bad signature.
 * Every test runs with evtx_check_direct: each record's cached rendering
 * must equal the token walk's and the event built while rendering the
 * event of the line scanned (on the real files of ../shared too).
 * With "--write-seeds DIR" it writes the fuzz seeds instead. */
#include "testutil.h"
#include "evtx_build.h"
#include "reader_collect.h"

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

extern int evtx_check_direct;
extern long evtx_check_counts[2];

#define NS "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"

static const char expect1[] =
    NS "<System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
       "<EventID>4688</EventID><TimeCreated SystemTime='2022-02-23T09:44:15.2144608Z'/><EventRecordID>7</EventRecordID>"
       "<Correlation/><Channel>Security</Channel><Computer>pc1.example</Computer>"
       "<Security UserID='S-1-5-21-1-2-3-500'/></System><EventData><Data Name='LogonId'>0x3e7</Data>"
       "<Data Name='CommandLine'>cmd /c \"a&amp;b\" &lt;x&gt;&#13;&#10;next\ttab'q</Data><Data Name='Empty'></Data>"
       "<Data Name='Count'>-5</Data><Data Name='When'>2021-06-13T06:19:28.3510000Z</Data><Data>a</Data>"
       "<Data>b</Data></EventData></Event>";

static const char expect2[] =
    NS "<System><Provider Name='Other &apos;P&apos;'/><EventID>1</EventID>"
       "<TimeCreated SystemTime='2022-02-23T09:44:16.0000000Z'/><EventRecordID>8</EventRecordID>"
       "<Correlation ActivityID='{00000001-0002-0003-0405-060708090a0b}'/><Channel>Security</Channel>"
       "<Computer>pc2</Computer><Security UserID=''/></System><EventData><Data Name='LogonId'>0x0</Data>"
       "<Data Name='CommandLine'></Data><Data Name='Empty'>x</Data><Data Name='Count'>2147483647</Data>"
       "<Data Name='When'>2021-06-13T06:19:28.3510000Z</Data><Binary>DEAD</Binary></EventData></Event>";

/* The two-record file; *rec2 set to the offset of record 2 in the file. */
static unsigned char *make_file(size_t *len, int short_chunk, size_t *rec2)
{
    eb b = {calloc(1, EVTX_CHUNK_SIZE), EVTX_CHUNK_HEADER};
    static const unsigned char guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
                                           0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d};
    static const unsigned char act[16] = {1, 0, 0, 0, 2, 0, 3, 0, 4, 5, 6, 7, 8, 9, 10, 11};
    static const unsigned char sid[28] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                          2, 0, 0, 0, 3, 0, 0, 0, 0xf4, 1, 0, 0};
    static const unsigned char sid0[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char st[16] = {0xe5, 0x07, 6, 0, 0, 0, 13, 0, 6, 0, 19, 0, 28, 0, 0x5f, 1};
    static const unsigned char arr[8] = {'a', 0, 0, 0, 'b', 0, 0, 0};
    static const unsigned char dead[2] = {0xde, 0xad};
    uint16_t id1 = 4688, id2 = 1;
    uint64_t rid1 = 7, rid2 = 8, hex1 = 0x3e7, hex0 = 0;
    int32_t cnt1 = -5, cnt2 = 2147483647;
    unsigned s0, s6, s7, s10, s0b, s7b, s11b;
    const unsigned char *w0 = eb_w(0, "Microsoft-Windows-Security-Auditing", 1, &s0);
    const unsigned char *w6 = eb_w(1, "Security", 1, &s6);
    const unsigned char *w7 = eb_w(2, "pc1.example", 1, &s7);
    const unsigned char *w10 = eb_w(3, "cmd /c \"a&b\" <x>\r\nnext\ttab'q\x01", 1, &s10);
    const unsigned char *w0b = eb_w(4, "Other 'P'", 0, &s0b);
    const unsigned char *w7b = eb_w(5, "pc2", 0, &s7b);
    const unsigned char *w11b = eb_w(6, "x", 0, &s11b);
    eb_val v1[16] = {{0x01, w0, s0},   {0x0f, guid, 16},   {0x06, &id1, 2},   {0x11, NULL, 8},
                     {0x0a, &rid1, 8}, {0x00, NULL, 0},     {0x01, w6, s6},    {0x01, w7, s7},
                     {0x13, sid, 28},  {0x15, &hex1, 8},    {0x01, w10, s10},  {0x00, NULL, 0},
                     {0x07, &cnt1, 4}, {0x12, st, 16},      {0x81, arr, 8},    {0x00, NULL, 0}};
    uint64_t ft1 = 132900830552144608ull, ft2 = 132900830560000000ull;
    v1[3].p = &ft1;
    uint32_t def = eb_record(&b, 7, ft1, 0, v1, 16);
    *rec2 = EVTX_HEADER_SIZE + b.pos;
    eb_val v2[16] = {{0x01, w0b, s0b}, {0x00, NULL, 0},     {0x06, &id2, 2},   {0x11, &ft2, 8},
                     {0x0a, &rid2, 8}, {0x0f, act, 16},     {0x01, w6, s6},    {0x01, w7b, s7b},
                     {0x13, sid0, 0},  {0x15, &hex0, 8},    {0x01, w10, 0},    {0x01, w11b, s11b},
                     {0x07, &cnt2, 4}, {0x12, st, 16},      {0x81, arr, 0},    {0x0e, dead, 2}};
    eb_record(&b, 8, ft2, def, v2, 16);
    unsigned char *f = eb_file(&b, 7, 8, short_chunk, len);
    free(b.c);
    return f;
}

static long run(const unsigned char *f, size_t len, tcollect *c)
{
    memset(c, 0, sizeof *c);
    c->rejected = ingest_memory(&reader_evtx, "t.evtx", (const char *)f, len, tc_sink, c, 1);
    return c->rejected;
}

static void test_render(void **state)
{
    (void)state;
    for (int short_chunk = 0; short_chunk <= 1; short_chunk++) {
        size_t len, r2;
        unsigned char *f = make_file(&len, short_chunk, &r2);
        tcollect c;
        /* a short chunk is reported (truncated, a warning) and its records load */
        assert_int_equal(run(f, len, &c), 0);
        assert_int_equal(c.n, 2);
        assert_string_equal(c.ev[0].raw, expect1);
        assert_string_equal(c.ev[1].raw, expect2);
        assert_string_equal(c.ev[0].host, "pc1.example");
        assert_string_equal(c.ev[0].source, "XmlWinEventLog:Security");
        assert_string_equal(reader_evtx.sourcetype, "XmlWinEventLog");
        assert_true(c.ev[0].has_time);
        assert_true(fabs(c.ev[0].time - 1645609455.2144608) < 1e-6);
        assert_string_equal(tc_get(&c.ev[0], "CommandLine"), "cmd /c \"a&b\" <x>\r\nnext\ttab'q");
        assert_string_equal(tc_get(&c.ev[0], "LogonId"), "0x3e7");
        assert_int_equal(tc_count(&c.ev[0], "Data"), 2);
        assert_string_equal(tc_get(&c.ev[1], "Name"), "Other 'P'");
        tc_free(&c);
        free(f);
    }
}

/* Text that XML cannot carry as it is: U+FFFE/U+FFFF and unpaired
 * surrogates become U+FFFD; ANSI strings are Windows-1252. */
static void test_text_values(void **state)
{
    (void)state;
    sbuf b = {0};
    static const unsigned char u16[] = {'a', 0, 0xfe, 0xff, 0xff, 0xff, 0x00, 0xd8, 'b', 0, '&', 0, 0x3d, 0xd8, 0x00, 0xde};
    evtx_utf16(&b, u16, sizeof u16, 0);
    assert_string_equal(b.s, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "b&amp;\xf0\x9f\x98\x80");
    sbuf_reset(&b);
    static const unsigned char ansi[] = {0x80, ' ', 'c', 'a', 'f', 0xe9, ' ', 0x81, '\'', '<'};
    evtx_ansi(&b, ansi, sizeof ansi, 1);
    assert_string_equal(b.s, "\xe2\x82\xac caf\xc3\xa9 \xc2\x81&apos;&lt;");
    sbuf_free(&b);
}

/* The CRC-32 by carry-less multiplication equals the table-driven one for
 * every length (the tails and the 16/64-byte rounds) and alignment. */
static void test_crc32(void **state)
{
    (void)state;
    unsigned char *buf = malloc(4200);
    uint32_t x = 12345;
    for (size_t i = 0; i < 4200; i++) buf[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
    assert_int_equal(evtx_crc32((const unsigned char *)"123456789", 9), 0xcbf43926u);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; n <= 4096; n += n < 300 ? 1 : 61)
            assert_int_equal(evtx_crc32(buf + off, n), evtx_crc32_reference(buf + off, n));
    free(buf);
}

static void test_detect(void **state)
{
    (void)state;
    size_t len, r2;
    unsigned char *f = make_file(&len, 1, &r2);
    assert_ptr_equal(reader_detect((const char *)f, 64), &reader_evtx);
    assert_ptr_equal(reader_find("evtx"), &reader_evtx);
    assert_int_equal(reader_evtx.detect("<Event xmlns='x'>", 17), 0);
    free(f);
}

static void test_damage(void **state)
{
    (void)state;
    size_t len, r2;
    unsigned char *f = make_file(&len, 0, &r2);
    tcollect c;
    /* record 2's first Binary XML token broken: record 1 kept, record 2 reported */
    f[r2 + 24] = 0xee;
    assert_int_equal(run(f, len, &c), 1); /* the record (the records checksum is a warning) */
    assert_int_equal(c.n, 1);
    assert_string_equal(c.ev[0].raw, expect1);
    tc_free(&c);
    free(f);
    /* cut in the middle of record 2: record 1 kept */
    f = make_file(&len, 0, &r2);
    assert_true(run(f, r2 + 40, &c) >= 1);
    assert_int_equal(c.n, 1);
    tc_free(&c);
    /* every single-byte cut and every byte of the records flipped: no
     * crash, and never more than the two events */
    for (size_t cut = 0; cut < r2 + 200; cut += 7) {
        run(f, cut, &c);
        assert_true(c.n <= 2);
        tc_free(&c);
    }
    for (size_t i = EVTX_HEADER_SIZE + EVTX_CHUNK_HEADER; i < r2 + 200; i++) {
        unsigned char save = f[i];
        f[i] ^= 0x5a;
        run(f, len, &c);
        assert_true(c.n <= 2);
        tc_free(&c);
        f[i] = save;
    }
    /* no file header: nothing */
    f[0] = 'X';
    run(f, len, &c);
    assert_int_equal(c.n, 0);
    tc_free(&c);
    free(f);
}

/* Every .evtx below a folder of ../shared, each record checked as
 * evtx_check_direct does (the cached rendering against the token walk, the
 * event built while rendering against the line scanned). */
static long g_files, g_events;

static int visit_evtx(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".evtx")) return 0;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *data = malloc((size_t)sb->st_size + 1);
    assert_int_equal(fread(data, 1, (size_t)sb->st_size, f), (size_t)sb->st_size);
    fclose(f);
    tcollect c;
    memset(&c, 0, sizeof c);
    ingest_memory(&reader_evtx, path, data, (size_t)sb->st_size, tc_sink, &c, 1);
    g_files++;
    g_events += c.n;
    tc_free(&c);
    free(data);
    return 0;
}

static void test_direct_real(void **state)
{
    (void)state;
    const char *shared = tu_shared();
    if (!shared) {
        printf("SKIP: ../shared not present (a user's clone has no ../shared)\n");
        skip();
    }
    const char *dirs[] = {"datasets/real", "corpus/sigma/SigmaHQ/regression_data"};
    for (size_t i = 0; i < 2; i++) {
        char *root = xasprintf("%s/%s", shared, dirs[i]);
        long before_files = g_files, before_direct = evtx_check_counts[0], before_scanned = evtx_check_counts[1];
        g_events = 0;
        assert_int_equal(nftw(root, visit_evtx, 16, FTW_PHYS), 0);
        long direct = evtx_check_counts[0] - before_direct, scanned = evtx_check_counts[1] - before_scanned;
        printf("%s: %ld .evtx, %ld events, %ld built while rendering, %ld scanned\n", dirs[i], g_files - before_files,
               g_events, direct, scanned);
        assert_true(g_files - before_files >= 30);
        assert_int_equal(direct + scanned, g_events);
        /* the direct way is the rule, scanning the exception */
        assert_true(direct >= g_events * 95 / 100);
        free(root);
    }
}

static int write_seeds(const char *dir)
{
    for (int k = 0; k < 2; k++) {
        size_t len, r2;
        unsigned char *f = make_file(&len, 1, &r2);
        if (k == 1) len = r2 + 60; /* cut inside record 2 */
        char path[4096];
        snprintf(path, sizeof path, "%s/seed_%s", dir, k ? "cut" : "two_records");
        FILE *o = fopen(path, "wb");
        if (!o || fwrite(f, 1, len, o) != len || fclose(o)) return 1;
        free(f);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-seeds")) return write_seeds(argv[2]);
    evtx_check_direct = 1; /* every test: both ways of building each event agree */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_text_values),
        cmocka_unit_test(test_crc32),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_direct_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
