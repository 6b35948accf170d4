/* test_reader_evtxjson.c: the evtxjson reader (evtx_dump's JSON) against
 * records written by hand: the XML rebuilt for _raw and the fields it gives
 * (named and unnamed Data, UserData, attributes, also as evtx_dump
 * --separate-json-attributes writes them, nulls, arrays, escaping, GUIDs, big
 * integers, non-ASCII), several objects per file in each layout
 * (pretty-printed, JSON lines, an array, two on one line, after evtx_dump's
 * "Record N" lines), broken objects reported at the line where they start,
 * an object over 16 MiB, a load killed midway resuming without duplicates,
 * and format detection. */
#include "testutil.h"
#include "ingest.h"
#include "reader.h"
#include "store.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <math.h>

#define NS "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"

static const char sysmon_pretty[] =
    "{\n"
    "  \"Event\": {\n"
    "    \"#attributes\": {\n"
    "      \"xmlns\": \"http://schemas.microsoft.com/win/2004/08/events/event\"\n"
    "    },\n"
    "    \"System\": {\n"
    "      \"Provider\": {\n"
    "        \"#attributes\": {\n"
    "          \"Name\": \"Microsoft-Windows-Sysmon\",\n"
    "          \"Guid\": \"5770385F-C22A-43E0-BF4C-06F5698FFBD9\"\n"
    "        }\n"
    "      },\n"
    "      \"EventID\": 11,\n"
    "      \"Version\": 2,\n"
    "      \"Keywords\": \"0x8000000000000000\",\n"
    "      \"TimeCreated\": {\n"
    "        \"#attributes\": {\n"
    "          \"SystemTime\": \"2025-10-24T23:41:00.601559Z\"\n"
    "        }\n"
    "      },\n"
    "      \"EventRecordID\": 23503,\n"
    "      \"Correlation\": null,\n"
    "      \"Execution\": {\n"
    "        \"#attributes\": {\n"
    "          \"ProcessID\": 3308,\n"
    "          \"ThreadID\": 4008\n"
    "        }\n"
    "      },\n"
    "      \"Channel\": \"Microsoft-Windows-Sysmon/Operational\",\n"
    "      \"Computer\": \"ar-win-dc.attackrange.local\",\n"
    "      \"Security\": {\n"
    "        \"#attributes\": {\n"
    "          \"UserID\": \"S-1-5-18\"\n"
    "        }\n"
    "      }\n"
    "    },\n"
    "    \"EventData\": {\n"
    "      \"RuleName\": \"-\",\n"
    "      \"ProcessGuid\": \"5AA13A44-0C90-68FC-BF1D-000000004002\",\n"
    "      \"ProcessId\": 10048,\n"
    "      \"Image\": \"C:\\\\Windows\\\\system32\\\\cmd.exe\",\n"
    "      \"TargetFilename\": \"C:\\\\Users\\\\x\\\\Ltr\\u202efdp.msc\",\n"
    "      \"Empty\": \"\"\n"
    "    }\n"
    "  }\n"
    "}\n";

static const char sysmon_xml[] =
    NS "<System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/>"
    "<EventID>11</EventID><Version>2</Version><Keywords>0x8000000000000000</Keywords>"
    "<TimeCreated SystemTime='2025-10-24T23:41:00.601559Z'/><EventRecordID>23503</EventRecordID><Correlation/>"
    "<Execution ProcessID='3308' ThreadID='4008'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel>"
    "<Computer>ar-win-dc.attackrange.local</Computer><Security UserID='S-1-5-18'/></System><EventData>"
    "<Data Name='RuleName'>-</Data><Data Name='ProcessGuid'>{5AA13A44-0C90-68FC-BF1D-000000004002}</Data>"
    "<Data Name='ProcessId'>10048</Data><Data Name='Image'>C:\\Windows\\system32\\cmd.exe</Data>"
    "<Data Name='TargetFilename'>C:\\Users\\x\\Ltr\xE2\x80\xAE" "fdp.msc</Data><Data Name='Empty'></Data>"
    "</EventData></Event>";

static tu_events load(const char *text, long want_rejected)
{
    tu_events c = {0};
    long rej = ingest_memory(&reader_evtxjson, "t", text, strlen(text), tu_sink, &c, 1);
    assert_int_equal(rej, want_rejected);
    return c;
}

/* Run the reader with its rejection messages captured; returns them. */
static char *load_messages(const char *text, tu_events *c, long *rejected)
{
    char *path = tu_tmp_path(".err");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, 2);
    close(fd);
    *rejected = ingest_memory(&reader_evtxjson, "f.json", text, strlen(text), tu_sink, c, 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    sbuf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sbuf_addn(&b, buf, n);
    fclose(f);
    unlink(path);
    free(path);
    return b.s ? sbuf_detach(&b) : xstrdup("");
}

static void test_sysmon_event(void **state)
{
    (void)state;
    tu_events c = load(sysmon_pretty, 0);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(e->raw, sysmon_xml);
    assert_string_equal(e->host, "ar-win-dc.attackrange.local");
    assert_string_equal(e->source, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
    assert_true(e->has_time);
    assert_true(fabs(e->time - 1761349260.601559) < 1e-5);
    assert_string_equal(tu_get(e, "EventCode"), "11");
    assert_string_equal(tu_get(e, "EventRecordID"), "23503");
    assert_string_equal(tu_get(e, "ProcessID"), "3308");
    assert_string_equal(tu_get(e, "UserID"), "S-1-5-18");
    assert_string_equal(tu_get(e, "Guid"), "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
    assert_string_equal(tu_get(e, "ProcessGuid"), "{5AA13A44-0C90-68FC-BF1D-000000004002}");
    assert_string_equal(tu_get(e, "ProcessId"), "10048");
    assert_string_equal(tu_get(e, "Image"), "C:\\Windows\\system32\\cmd.exe");
    assert_string_equal(tu_get(e, "TargetFilename"), "C:\\Users\\x\\Ltr\xE2\x80\xAE" "fdp.msc");
    assert_string_equal(tu_get(e, "Empty"), "");
    assert_string_equal(tu_get(e, "SystemTime"), "2025-10-24T23:41:00.601559Z");
    tu_events_free(&c);

    /* The same event through the XmlWinEventLog reader: the same fields. */
    tu_events x = {0};
    assert_int_equal(ingest_memory(&reader_xmlwineventlog, "x", sysmon_xml, strlen(sysmon_xml), tu_sink, &x, 1), 0);
    c = load(sysmon_pretty, 0);
    assert_int_equal(x.ev[0].nfields, c.ev[0].nfields);
    for (int i = 0; i < c.ev[0].nfields; i++) {
        assert_string_equal(c.ev[0].names[i], x.ev[0].names[i]);
        assert_string_equal(c.ev[0].values[i], x.ev[0].values[i]);
    }
    tu_events_free(&x);
    tu_events_free(&c);
}

/* Classic events: unnamed Data as "#text" (one value or several), Binary,
 * EventID with Qualifiers. */
static void test_unnamed_data(void **state)
{
    (void)state;
    const char *in =
        "{\"Event\":{\"#attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/event\"},"
        "\"System\":{\"Provider\":{\"#attributes\":{\"Name\":\"EventLog\"}},\"EventID\":{\"#attributes\":"
        "{\"Qualifiers\":32768},\"#text\":6009},\"Channel\":\"System\",\"Computer\":\"W1\",\"Security\":null},"
        "\"EventData\":{\"Data\":{\"#text\":[\"10.00.\",\"\",\"Multiprocessor Free\"]},\"Binary\":\"C1000000\"}}}\n"
        "{\"Event\":{\"System\":{\"EventID\":1,\"Channel\":\"Application\"},\"EventData\":{\"Data\":{\"#text\":"
        "\"only\"},\"Binary\":null}}}\n";
    tu_events c = load(in, 0);
    assert_int_equal(c.n, 2);
    tu_event *e = &c.ev[0];
    assert_string_equal(e->raw, NS "<System><Provider Name='EventLog'/><EventID Qualifiers='32768'>6009</EventID>"
                                   "<Channel>System</Channel><Computer>W1</Computer><Security/></System><EventData>"
                                   "<Data>10.00.</Data><Data></Data><Data>Multiprocessor Free</Data>"
                                   "<Binary>C1000000</Binary></EventData></Event>");
    assert_string_equal(tu_get(e, "EventCode"), "6009");
    assert_string_equal(tu_get(e, "Qualifiers"), "32768");
    assert_string_equal(tu_nth(e, "Data", 0), "10.00.");
    assert_string_equal(tu_nth(e, "Data", 1), "");
    assert_string_equal(tu_nth(e, "Data", 2), "Multiprocessor Free");
    assert_string_equal(tu_get(e, "Binary"), "C1000000");
    /* <Event> without xmlns in the JSON gets Windows' namespace */
    assert_string_equal(c.ev[1].raw, NS "<System><EventID>1</EventID><Channel>Application</Channel></System>"
                                        "<EventData><Data>only</Data><Binary/></EventData></Event>");
    assert_string_equal(tu_get(&c.ev[1], "Data"), "only");
    tu_events_free(&c);
}

/* UserData: nested elements, attributes with text, X/X_1 repeated elements,
 * arrays as repeated elements. */
static void test_userdata(void **state)
{
    (void)state;
    const char *in =
        "{\"Event\":{\"System\":{\"EventID\":53,\"Channel\":\"Microsoft-Windows-CAPI2/Operational\"},"
        "\"UserData\":{\"CryptRetrieve\":{\"#attributes\":{\"xmlns\":\"http://x/y\"},"
        "\"URL\":{\"#attributes\":{\"scheme\":\"http\"},\"#text\":\"http://crl/a.crl\"},"
        "\"Object\":{\"#attributes\":{\"type\":\"CRL\",\"constant\":2}},"
        "\"Headers\":{\"Header\":\"GET /a\",\"Header_1\":\"Accept: */*\",\"Header_2\":\"Host: h\"},"
        "\"Item\":[\"one\",\"two\"],\"Flag\":true,\"Ratio\":0.5,\"Note_1\":\"kept\"}}}}";
    tu_events c = load(in, 0);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(e->raw, NS "<System><EventID>53</EventID><Channel>Microsoft-Windows-CAPI2/Operational"
                                   "</Channel></System><UserData><CryptRetrieve xmlns='http://x/y'>"
                                   "<URL scheme='http'>http://crl/a.crl</URL><Object type='CRL' constant='2'/>"
                                   "<Headers><Header>GET /a</Header><Header>Accept: */*</Header><Header>Host: h"
                                   "</Header></Headers><Item>one</Item><Item>two</Item><Flag>true</Flag>"
                                   "<Ratio>0.5</Ratio><Note_1>kept</Note_1></CryptRetrieve></UserData></Event>");
    assert_string_equal(tu_get(e, "URL"), "http://crl/a.crl");
    assert_string_equal(tu_nth(e, "Header", 1), "Accept: */*");
    assert_string_equal(tu_nth(e, "Header", 2), "Host: h");
    assert_string_equal(tu_nth(e, "Item", 1), "two");
    assert_string_equal(tu_get(e, "Flag"), "true");
    assert_string_equal(tu_get(e, "Note_1"), "kept");
    assert_string_equal(e->source, "XmlWinEventLog:Microsoft-Windows-CAPI2/Operational");
    tu_events_free(&c);
}

/* evtx_dump --separate-json-attributes: "X_attributes" keys instead of
 * "#attributes"; the same XML. */
static void test_separate_attributes(void **state)
{
    (void)state;
    const char *in =
        "{\"Event_attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/event\"},\"Event\":{"
        "\"System\":{\"Provider_attributes\":{\"Name\":\"Microsoft-Windows-Sysmon\",\"Guid\":"
        "\"5770385F-C22A-43E0-BF4C-06F5698FFBD9\"},\"EventID\":11,\"Version\":2,\"Keywords\":\"0x8000000000000000\","
        "\"TimeCreated_attributes\":{\"SystemTime\":\"2025-10-24T23:41:00.601559Z\"},\"EventRecordID\":23503,"
        "\"Correlation\":null,\"Execution_attributes\":{\"ProcessID\":3308,\"ThreadID\":4008},\"Channel\":"
        "\"Microsoft-Windows-Sysmon/Operational\",\"Computer\":\"ar-win-dc.attackrange.local\","
        "\"Security_attributes\":{\"UserID\":\"S-1-5-18\"}},\"EventData\":{\"RuleName\":\"-\",\"ProcessGuid\":"
        "\"5AA13A44-0C90-68FC-BF1D-000000004002\",\"ProcessId\":10048,"
        "\"Image\":\"C:\\\\Windows\\\\system32\\\\cmd.exe\","
        "\"TargetFilename\":\"C:\\\\Users\\\\x\\\\Ltr\\u202efdp.msc\",\"Empty\":\"\"}}}\n"
        "{\"Event_attributes\":{\"xmlns\":\"http://schemas.microsoft.com/win/2004/08/events/event\"},\"Event\":{"
        "\"System\":{\"EventID_attributes\":{\"Qualifiers\":16384},\"EventID\":1},\"UserData\":{\"W\":{"
        "\"URL_attributes\":{\"scheme\":\"http\"},\"URL\":\"http://a\",\"Action_attributes\":{\"name\":\"P\"},"
        "\"Action_1_attributes\":{\"name\":\"Q\"},\"Header\":\"h0\",\"Header_1\":\"h1\"}}}}\n";
    const reader *r = reader_detect(in, strlen(in));
    assert_ptr_equal(r, &reader_evtxjson);
    tu_events c = load(in, 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.ev[0].raw, sysmon_xml);
    assert_string_equal(c.ev[1].raw, NS "<System><EventID Qualifiers='16384'>1</EventID></System><UserData><W>"
                                        "<URL scheme='http'>http://a</URL><Action name='P'/><Action name='Q'/>"
                                        "<Header>h0</Header><Header>h1</Header></W></UserData></Event>");
    assert_string_equal(tu_get(&c.ev[1], "Qualifiers"), "16384");
    tu_events_free(&c);
}

/* <>&'" and line ends in values and attributes come back byte for byte;
 * the event stays one line. */
static void test_escaping(void **state)
{
    (void)state;
    const char *in =
        "{\"Event\":{\"System\":{\"EventID\":4104,\"Computer\":\"a<b>&'c\\\"\"},\"EventData\":{"
        "\"ScriptBlockText\":\"if (1 -lt 2) { 'x' & \\\"y\\\" }\\r\\nline2\\ttab\","
        "\"Path\":{\"#attributes\":{\"Kind\":\"it's <a> & \\\"b\\\"\\t\\n\"},\"#text\":\"v\"}}}}";
    tu_events c = load(in, 0);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_null(strchr(e->raw, '\n'));
    assert_non_null(strstr(e->raw, "<Computer>a&lt;b&gt;&amp;'c\"</Computer>"));
    assert_non_null(strstr(e->raw, "Kind='it&apos;s &lt;a&gt; &amp; \"b\"&#9;&#10;'"));
    assert_string_equal(e->host, "a<b>&'c\"");
    assert_string_equal(tu_get(e, "ScriptBlockText"), "if (1 -lt 2) { 'x' & \"y\" }\r\nline2\ttab");
    assert_string_equal(tu_get(e, "Path"), "v");
    tu_events_free(&c);

    /* characters XML 1.0 does not allow are kept as the text \xNN */
    c = load("{\"Event\":{\"System\":{\"EventID\":1},\"EventData\":{\"A\":\"a\\u0001b\\u0000c\","
             "\"B\":\"x\\ufffey\\uffff\",\"N\\u0002\":\"n\"}}}",
             0);
    assert_int_equal(c.n, 1);
    assert_string_equal(tu_get(&c.ev[0], "A"), "a\\x01b\\x00c");
    assert_string_equal(tu_get(&c.ev[0], "B"), "x\\xEF\\xBF\\xBEy\\xEF\\xBF\\xBF");
    assert_string_equal(tu_get(&c.ev[0], "N\\x02"), "n");
    tu_events_free(&c);
}

/* Numbers keep their digits, beyond 64 bits too; booleans; a \u0000. */
static void test_numbers(void **state)
{
    (void)state;
    const char *in = "{\"Event\":{\"System\":{\"EventID\":1},\"EventData\":{\"Big\":18446744073709551615,"
                     "\"Neg\":-5,\"Arr\":[1,2],\"B\":false,\"Key\":\"99999999999999999999\"}}}";
    tu_events c = load(in, 0);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(tu_get(e, "Big"), "18446744073709551615");
    assert_string_equal(tu_get(e, "Neg"), "-5");
    assert_string_equal(tu_nth(e, "Arr", 0), "1");
    assert_string_equal(tu_nth(e, "Arr", 1), "2");
    assert_string_equal(tu_get(e, "B"), "false");
    assert_string_equal(tu_get(e, "Key"), "99999999999999999999");
    tu_events_free(&c);
    /* quoting big integers does not make a number key valid JSON */
    c = load("{\"Event\":{\"EventData\":{\"a\":99999999999999999999, 7: 1}}}\n", 1);
    assert_int_equal(c.n, 0);
    tu_events_free(&c);
}

#define REC(id) "{\"Event\":{\"System\":{\"EventID\":" #id ",\"Computer\":\"h\"}}}"
#define PRETTY(id) "{\n  \"Event\": {\n    \"System\": {\n      \"EventID\": " #id "\n    }\n  }\n}\n"

static void expect_ids(const char *in, int n, const int *ids)
{
    tu_events c = load(in, 0);
    assert_int_equal(c.n, n);
    for (int i = 0; i < n; i++) assert_int_equal(atoi(tu_get(&c.ev[i], "EventCode")), ids[i]);
    tu_events_free(&c);
}

static void test_layouts(void **state)
{
    (void)state;
    static const int ids[] = {1, 2, 3, 4};
    /* evtx_dump: pretty-printed, concatenated */
    expect_ids(PRETTY(1) PRETTY(2) PRETTY(3), 3, ids);
    /* without a line end between them, and at the end */
    expect_ids("{\"Event\":{\"System\":{\"EventID\":1}}}{\"Event\":{\"System\":{\"EventID\":2}}}", 2, ids);
    /* JSON lines, CR LF, blank lines */
    expect_ids(REC(1) "\r\n\r\n" REC(2) "\r\n" REC(3) "\r\n" REC(4), 4, ids);
    /* a JSON array, on one line and pretty-printed */
    expect_ids("[" REC(1) "," REC(2) "]\n", 2, ids);
    expect_ids("[\n  " REC(1) ",\n  " REC(2) ",\n  " REC(3) "\n]\n", 3, ids);
    /* braces and brackets inside strings do not count */
    const char *tricky = "{\"Event\":{\"System\":{\"EventID\":1},\"EventData\":{\"A\":\"}]{[\\\"\\\\\"}}}\n" REC(2);
    tu_events c = load(tricky, 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(tu_get(&c.ev[0], "A"), "}]{[\"\\");
    tu_events_free(&c);
    /* a byte order mark */
    expect_ids("\xEF\xBB\xBF" PRETTY(1), 1, ids);
    /* evtx_dump's default output: a "Record N" line before each record */
    expect_ids("Record 1\n" PRETTY(1) "Record 2\r\n" PRETTY(2) "Record 3 \n" REC(3) "\n", 3, ids);
}

static void test_errors(void **state)
{
    (void)state;
    tu_events c = {0};
    long rej;
    /* line 1-8 good; 9-13: a record with a trailing comma; 14-17 never
     * closed; 18-24 good; 25: not an event; 26: junk */
    const char *in = PRETTY(1)                                      /* lines 1-7 */
        "\n"                                                        /* 8 */
        "{\n  \"Event\": {\n    \"System\": {\"EventID\": 2,}\n  }\n}\n" /* 9-13 */
        "{\n  \"Event\": {\n    \"System\": {\n      \"EventID\": 3\n"  /* 14-17 */
        PRETTY(4)                                                   /* 18-24 */
        "{\"Other\": 1}\n"                                           /* 25 */
        "garbage\n";                                                /* 26 */
    char *msg = load_messages(in, &c, &rej);
    assert_int_equal(rej, 4);
    assert_int_equal(c.n, 2);
    assert_string_equal(tu_get(&c.ev[0], "EventCode"), "1");
    assert_string_equal(tu_get(&c.ev[1], "EventCode"), "4");
    assert_non_null(strstr(msg, "f.json:9: invalid JSON at line 11"));
    assert_non_null(strstr(msg, "f.json:14: JSON object not closed before line 18"));
    assert_non_null(strstr(msg, "f.json:25: not an evtx_dump event"));
    assert_non_null(strstr(msg, "f.json:26: expected a JSON object"));
    free(msg);
    tu_events_free(&c);

    /* cut short at the end */
    msg = load_messages(PRETTY(1) "{\n  \"Event\": {\n", &c, &rej);
    assert_int_equal(rej, 1);
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(msg, "f.json:8: JSON object not closed at the end of the input"));
    free(msg);
    tu_events_free(&c);

    /* names XML cannot carry, attributes that are not values */
    c = load("{\"Event\":{\"System\":{\"Event ID\":1}}}\n"
             "{\"Event\":{\"System\":{\"P\":{\"#attributes\":{\"N\":[1]}}}}}\n"
             "{\"Event\":[]}\n",
             3);
    assert_int_equal(c.n, 0);
    tu_events_free(&c);
}

/* An object over 16 MiB (in lines under the driver's 4 MiB line limit) is
 * rejected without being held whole; the next one loads. */
static void test_too_long(void **state)
{
    (void)state;
    sbuf b = {0};
    sbuf_add(&b, "{\"Event\": {\"System\": {\"EventID\": 1}, \"EventData\": {\n");
    for (int i = 0; i < 5; i++) {
        sbuf_printf(&b, "%s\"V%d\": \"", i ? ",\n" : "", i);
        for (int k = 0; k < 3500 * 1024 / 64; k++)
            sbuf_add(&b, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789{[");
        sbuf_addc(&b, '"');
    }
    sbuf_add(&b, "\n}}}\n" REC(2) "\n");
    tu_events c = {0};
    long rej;
    char *msg = load_messages(b.s, &c, &rej);
    assert_int_equal(rej, 1);
    assert_int_equal(c.n, 1);
    assert_string_equal(tu_get(&c.ev[0], "EventCode"), "2");
    assert_non_null(strstr(msg, "f.json:1: JSON object longer than 16 MiB; skipped"));
    free(msg);
    tu_events_free(&c);
    sbuf_free(&b);
}

static long count(store *st, const char *sql)
{
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    long v = -1;
    if (sqlite3_step(q) == SQLITE_ROW) v = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* A load killed midway resumes without loading a record twice or losing
 * one, whatever the layout around the resume point: pretty-printed records,
 * JSON lines, two records on one line, a record after a comma and bracket. */
static void test_crash_resume(void **state)
{
    (void)state;
    sbuf b = {0};
    for (int i = 0; i < 2500; i++) {
        /* k 2 and 3 on one line; a batch fills up at a k 2 (499, 999) */
        int k = (i + 3) % 5;
        const char *sep = k == 2 ? "" : "\n";
        if (k == 0)
            sbuf_printf(&b, "{\n  \"Event\": {\n    \"System\": {\"EventID\": 1, \"Computer\": \"h\"},\n"
                            "    \"EventData\": {\"Seq\": %d}\n  }\n}\n", i);
        else
            sbuf_printf(&b, "%s{\"Event\":{\"System\":{\"EventID\":2},\"EventData\":{\"Seq\":%d}}}%s",
                        k == 4 ? " ,[" : "", i, sep);
    }
    char *file = tu_write_file(".json", b.s, b.len);
    char *db = tu_tmp_path(".db");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SPLITE_TEST_CRASH_AFTER", "1234", 1);
        char *err = NULL;
        store *st = store_open(db, &err);
        ingest_opts o = {.quiet = 1, .batch = 500};
        if (st) ingest_file(st, file, &o, NULL);
        _exit(0); /* not reached: the crash hook exits with 99 */
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 99);
    char *err = NULL;
    store *st = store_open(db, &err);
    assert_non_null(st);
    long kept = count(st, "SELECT count(*) FROM events");
    assert_true(kept >= 500 && kept < 1234);
    ingest_opts o = {.quiet = 1, .batch = 500};
    ingest_stats s = {0};
    assert_int_equal(ingest_file(st, file, &o, &s), 0);
    assert_int_equal(s.events, 2500 - kept);
    assert_int_equal(count(st, "SELECT count(*) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT count(DISTINCT Seq) FROM events"), 2500);
    assert_int_equal(count(st, "SELECT count(*) FROM events WHERE sourcetype = 'XmlWinEventLog'"), 2500);
    store_close(st);
    tu_remove_db(db);
    unlink(file);
    free(db);
    free(file);
    sbuf_free(&b);
}

/* Bytes that are not UTF-8 are kept, escaped as \xNN (as by every reader). */
static void test_invalid_utf8(void **state)
{
    (void)state;
    tu_events c = load("{\"Event\":{\"System\":{\"EventID\":1},\"EventData\":{\"A\":\"x\xFFy\"}}}\n", 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(tu_get(&c.ev[0], "A"), "x\\xFFy");
    tu_events_free(&c);
}

static void test_detect(void **state)
{
    (void)state;
    const char *heads[] = {sysmon_pretty, REC(1) "\n" REC(2) "\n", "[\n " REC(1) "\n]", "\xEF\xBB\xBF" PRETTY(1),
                           "Record 1\n" PRETTY(1), NULL};
    for (int i = 0; heads[i]; i++) {
        const reader *r = reader_detect(heads[i], strlen(heads[i]));
        assert_non_null(r);
        assert_string_equal(r->name, "evtxjson");
    }
    assert_string_equal(reader_evtxjson.sourcetype, "XmlWinEventLog");
    assert_ptr_equal(reader_find("evtxjson"), &reader_evtxjson);
    /* other JSON stays with the json reader */
    const char *plain = "{\"Event\": \"login\", \"user\": \"ann\"}\n{\"a\": 1}\n";
    assert_string_equal(reader_detect(plain, strlen(plain))->name, "json");
    assert_int_equal(reader_evtxjson.detect("{\"System\": {}}", 14), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysmon_event), cmocka_unit_test(test_unnamed_data), cmocka_unit_test(test_userdata),
        cmocka_unit_test(test_separate_attributes),
        cmocka_unit_test(test_escaping),     cmocka_unit_test(test_numbers),      cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_too_long),     cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_crash_resume), cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
