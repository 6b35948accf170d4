/* test_reader_xmlwineventlog.c: the XmlWinEventLog reader against events
 * written by hand: System fields, EventData, entities, unnamed Data,
 * UserData, RenderingInfo, time parsing, bad lines. */
#include "testutil.h"
#include "ingest.h"
#include "reader.h"

static const char sysmon1[] =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
    "Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID>"
    "<Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
    "<TimeCreated SystemTime='2024-06-03T09:14:07.1234567Z'/><EventRecordID>4242</EventRecordID><Correlation/>"
    "<Execution ProcessID='3012' ThreadID='4100'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel>"
    "<Computer>web-07.example.local</Computer><Security UserID='S-1-5-18'/></System><EventData>"
    "<Data Name='RuleName'>-</Data><Data Name='Image'>C:\\Windows\\System32\\inetsrv\\appcmd.exe</Data>"
    "<Data Name='CommandLine'>appcmd.exe install module /name:&quot;Ex&amp;mple&quot; /image:C:\\x.dll</Data>"
    "<Data Name='ParentImage'>C:\\Windows\\System32\\cmd.exe</Data><Data Name='Empty'></Data>"
    "</EventData></Event>";

static const char app2282[] =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
    "Name='Microsoft-Windows-IIS-W3SVC-WP' Guid='{670080D9-742A-4187-8D16-41143D1290BD}' "
    "EventSourceName='W3SVC-WP'/><EventID Qualifiers='49152'>2282</EventID><Version>0</Version><Level>2</Level>"
    "<Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated "
    "SystemTime='2024-06-03T10:00:00.5Z'/><EventRecordID>77</EventRecordID><Correlation/><Execution "
    "ProcessID='0' ThreadID='0'/><Channel>Application</Channel><Computer>web-07</Computer><Security/></System>"
    "<EventData><Data>first</Data><Data>second&#13;&#10;line</Data><Binary>C1000000</Binary></EventData></Event>";

static const char userdata[] =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
    "Name='Microsoft-Windows-Eventlog' Guid='{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}'/><EventID>1102</EventID>"
    "<TimeCreated SystemTime='2024-06-03T11:00:00Z'/><Computer>dc01</Computer></System><UserData>"
    "<LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'><SubjectUserSid>"
    "S-1-5-21-1</SubjectUserSid><SubjectUserName>alice</SubjectUserName></LogFileCleared></UserData>"
    "<RenderingInfo Culture='en-US'><Message>The audit log was cleared.</Message><Level>Information</Level>"
    "<Keywords><Keyword>Audit Success</Keyword></Keywords></RenderingInfo></Event>";

static tu_events load(const char *text)
{
    tu_events c = {0};
    long rej = ingest_memory(&reader_xmlwineventlog, "t", text, strlen(text), tu_sink, &c, 1);
    assert_int_equal(rej, 0);
    return c;
}

static void test_system_and_eventdata(void **state)
{
    (void)state;
    tu_events c = load(sysmon1);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(tu_get(e, "EventCode"), "1");
    assert_string_equal(tu_get(e, "EventID"), "1");
    assert_string_equal(tu_get(e, "Computer"), "web-07.example.local");
    assert_string_equal(e->host, "web-07.example.local");
    assert_string_equal(tu_get(e, "Channel"), "Microsoft-Windows-Sysmon/Operational");
    /* the forwarder's default source; the ingest driver prefers --source */
    assert_string_equal(e->source, "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
    assert_string_equal(tu_get(e, "EventRecordID"), "4242");
    assert_string_equal(tu_get(e, "Level"), "4");
    assert_string_equal(tu_get(e, "Task"), "1");
    assert_string_equal(tu_get(e, "Opcode"), "0");
    assert_string_equal(tu_get(e, "Version"), "5");
    assert_string_equal(tu_get(e, "Keywords"), "0x8000000000000000");
    assert_string_equal(tu_get(e, "ProcessID"), "3012");
    assert_string_equal(tu_get(e, "ThreadID"), "4100");
    assert_string_equal(tu_get(e, "UserID"), "S-1-5-18");
    assert_string_equal(tu_get(e, "Name"), "Microsoft-Windows-Sysmon");
    assert_string_equal(tu_get(e, "Guid"), "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}");
    assert_string_equal(tu_get(e, "SystemTime"), "2024-06-03T09:14:07.1234567Z");
    assert_string_equal(tu_get(e, "Image"), "C:\\Windows\\System32\\inetsrv\\appcmd.exe");
    assert_string_equal(tu_get(e, "CommandLine"), "appcmd.exe install module /name:\"Ex&mple\" /image:C:\\x.dll");
    assert_string_equal(tu_get(e, "RuleName"), "-");
    assert_string_equal(tu_get(e, "Empty"), "");
    assert_true(e->has_time);
    assert_true(e->time > 1717406047.12 && e->time < 1717406047.13);
    assert_string_equal(e->raw, sysmon1);
    tu_events_free(&c);
}

static void test_unnamed_data_binary_qualifiers(void **state)
{
    (void)state;
    tu_events c = load(app2282);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(tu_get(e, "EventCode"), "2282");
    assert_string_equal(tu_get(e, "Qualifiers"), "49152");
    assert_string_equal(tu_get(e, "EventSourceName"), "W3SVC-WP");
    assert_string_equal(tu_nth(e, "Data", 0), "first");
    assert_string_equal(tu_nth(e, "Data", 1), "second\r\nline");
    assert_string_equal(tu_get(e, "Binary"), "C1000000");
    assert_true(e->time == 1717408800.5);
    tu_events_free(&c);
}

static void test_userdata_rendering(void **state)
{
    (void)state;
    tu_events c = load(userdata);
    assert_int_equal(c.n, 1);
    tu_event *e = &c.ev[0];
    assert_string_equal(tu_get(e, "SubjectUserSid"), "S-1-5-21-1");
    assert_string_equal(tu_get(e, "SubjectUserName"), "alice");
    assert_null(tu_get(e, "LogFileCleared"));
    assert_string_equal(tu_get(e, "Message"), "The audit log was cleared.");
    assert_string_equal(tu_get(e, "Keyword"), "Audit Success");
    assert_string_equal(tu_get(e, "RenderingInfo_Level"), "Information");
    tu_events_free(&c);
}

static void test_bad_lines_do_not_stop_good_ones(void **state)
{
    (void)state;
    sbuf b = {0};
    sbuf_add(&b, sysmon1);
    sbuf_add(&b, "\n<Event><System><EventID>1</EventID></System>\n"); /* truncated */
    sbuf_add(&b, "\n\n");                                           /* blank lines are fine */
    sbuf_add(&b, "<Other/>\n");                                     /* not an event */
    sbuf_add(&b, "<Event><System><Computer>\xff\xfe</Computer></System></Event>\n"); /* invalid UTF-8: kept */
    sbuf_add(&b, app2282);
    sbuf_add(&b, "\r\n");
    tu_events c = {0};
    long rej = ingest_memory(&reader_xmlwineventlog, "t", b.s, b.len, tu_sink, &c, 1);
    assert_int_equal(rej, 2);
    assert_int_equal(c.n, 3);
    /* the bytes that are not UTF-8 are escaped, as Splunk does */
    assert_string_equal(tu_get(&c.ev[1], "Computer"), "\\xFF\\xFE");
    assert_string_equal(c.ev[1].raw, "<Event><System><Computer>\\xFF\\xFE</Computer></System></Event>");
    assert_string_equal(tu_get(&c.ev[2], "EventCode"), "2282");
    assert_string_equal(c.ev[2].raw, app2282); /* CR stripped with the line end */
    tu_events_free(&c);
    sbuf_free(&b);
}

/* control characters are valid UTF-8 but not XML 1.0: expat rejects the
 * line; the event is kept with them escaped as \xNN, in both parse paths */
extern int xw_force_expat;

static void test_control_characters_kept(void **state)
{
    (void)state;
    const char *line = "<Event><System><EventID>1</EventID><Computer>pc\x01\x1f</Computer></System>"
                       "<EventData><Data Name='CommandLine'>a\x02" "b\tc</Data></EventData></Event>\n"
                       "<Event><System><Bad\x02</System></Event>\n";
    for (int force = 0; force < 2; force++) {
        xw_force_expat = force;
        tu_events c = {0};
        long rej = ingest_memory(&reader_xmlwineventlog, "t", line, strlen(line), tu_sink, &c, 1);
        assert_int_equal(rej, 1); /* a control character in a tag name stays an error */
        assert_int_equal(c.n, 1);
        assert_string_equal(tu_get(&c.ev[0], "Computer"), "pc\\x01\\x1F");
        assert_string_equal(tu_get(&c.ev[0], "CommandLine"), "a\\x02b\tc");
        assert_non_null(strstr(c.ev[0].raw, "pc\\x01\\x1F</Computer>"));
        tu_events_free(&c);
    }
    xw_force_expat = 0;
}

static void test_detect(void **state)
{
    (void)state;
    assert_ptr_equal(reader_detect(sysmon1, strlen(sysmon1)), &reader_xmlwineventlog);
    assert_int_equal(reader_xmlwineventlog.detect("{\"a\":1}", 7), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_and_eventdata),
        cmocka_unit_test(test_unnamed_data_binary_qualifiers),
        cmocka_unit_test(test_userdata_rendering),
        cmocka_unit_test(test_bad_lines_do_not_stop_good_ones),
        cmocka_unit_test(test_control_characters_kept),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
