/* test_reader_wineventlog.c: the classic multi-line WinEventLog reader
 * (ingest_wineventlog.c): event boundaries, header fields, Message with
 * blank lines, message-body fields (multivalue), TZ handling, CRLF, lines
 * before the first event, and format detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader_collect.h"

/* Two hand-written events, the first with a multi-section message. */
static const char *const two_events =
    "11/05/2023 11:59:58 PM\n"
    "LogName=Security\n"
    "EventCode=4688\n"
    "EventType=0\n"
    "ComputerName=ws-12.corp.test\n"
    "User=\n"
    "SourceName=Microsoft Windows security auditing.\n"
    "Type=Information\n"
    "RecordNumber=9001\n"
    "Keywords=Audit Success\n"
    "TaskCategory=Process Creation\n"
    "OpCode=Info\n"
    "Message=A new process has been created.\n"
    "\n"
    "Creator Subject:\n"
    "\tSecurity ID:\t\tS-1-5-18\n"
    "\tAccount Name:\t\tWS-12$\n"
    "\tAccount Domain:\t\tCORP\n"
    "\n"
    "Target Subject:\n"
    "\tSecurity ID:\t\tS-1-0-0\n"
    "\tAccount Name:\t\t-\n"
    "\n"
    "Process Information:\n"
    "\tNew Process Name:\tC:\\Windows\\System32\\cmd.exe\n"
    "\tToken Elevation Type:\t%%1936\n"
    "\tProcess Command Line:\tcmd.exe /c \"echo a: b\"   \n"
    "\tEmpty Value:\t\t\n"
    "\tNo Gap:here\n"
    "The token elevation type tells which kind of token was given to the new process: see the docs.\n"
    "\n"
    "\n"
    "01/15/2024 04:05:09 PM\n"
    "LogName=Microsoft-IIS-Configuration/Operational\n"
    "EventCode=29\n"
    "ComputerName=web-3\n"
    "Message=Changes to '/system.webServer/globalModules' at 'MACHINE/WEBROOT/APPHOST' were committed.\n"
    "\n";

static void test_two_events(void **state)
{
    (void)state;
    tcollect c;
    assert_int_equal(tc_run(&reader_wineventlog, two_events, &c), 0);
    assert_int_equal(c.n, 2);

    tevent *e = &c.ev[0];
    assert_true(e->has_time);
    assert_time_equal(e->time, 1699228798); /* TZ unset in ctest: UTC */
    assert_string_equal(e->host, "ws-12.corp.test");
    assert_string_equal(tc_get(e, "LogName"), "Security");
    assert_string_equal(e->source, "WinEventLog:Security"); /* forwarder's default */
    assert_string_equal(tc_get(e, "EventCode"), "4688");
    assert_string_equal(tc_get(e, "ComputerName"), "ws-12.corp.test");
    assert_null(tc_get(e, "User"));
    assert_string_equal(tc_get(e, "SourceName"), "Microsoft Windows security auditing.");
    assert_string_equal(tc_get(e, "Keywords"), "Audit Success");
    assert_string_equal(tc_get(e, "TaskCategory"), "Process Creation");
    assert_string_equal(tc_get(e, "RecordNumber"), "9001");
    const char *msg = tc_get(e, "Message");
    assert_non_null(msg);
    assert_true(!strncmp(msg, "A new process has been created.\n\nCreator Subject:\n\tSecurity ID:", 62));
    assert_true(strstr(msg, "\n\nProcess Information:\n") != NULL);
    size_t ml = strlen(msg);
    const char *tail = "see the docs.";
    assert_true(ml > strlen(tail) && !strcmp(msg + ml - strlen(tail), tail));
    /* _raw: all lines, trailing blank lines trimmed. */
    assert_true(!strncmp(e->raw, "11/05/2023 11:59:58 PM\nLogName=Security\n", 40));
    assert_int_equal(e->raw_len, strlen(e->raw));
    assert_true(!strcmp(e->raw + e->raw_len - strlen(tail), tail));

    /* Message-body fields: cleaned names, multivalue across sections. */
    assert_int_equal(tc_count(e, "Security_ID"), 2);
    assert_string_equal(tc_get_nth(e, "Security_ID", 0), "S-1-5-18");
    assert_string_equal(tc_get_nth(e, "Security_ID", 1), "S-1-0-0");
    assert_int_equal(tc_count(e, "Account_Name"), 2);
    assert_string_equal(tc_get_nth(e, "Account_Name", 0), "WS-12$");
    assert_string_equal(tc_get_nth(e, "Account_Name", 1), "-");
    assert_string_equal(tc_get(e, "Account_Domain"), "CORP");
    assert_string_equal(tc_get(e, "New_Process_Name"), "C:\\Windows\\System32\\cmd.exe");
    assert_string_equal(tc_get(e, "Token_Elevation_Type"), "%%1936");
    assert_string_equal(tc_get(e, "Process_Command_Line"), "cmd.exe /c \"echo a: b\"");
    assert_null(tc_get(e, "Empty_Value"));
    assert_null(tc_get(e, "No_Gap"));
    assert_null(tc_get(e, "Creator_Subject"));
    /* Prose with a colon: name too long to be a field. */
    for (size_t i = 0; i < e->nf; i++) assert_true(strlen(e->f[i].name) <= 48);

    e = &c.ev[1];
    assert_time_equal(e->time, 1705334709);
    assert_string_equal(e->host, "web-3");
    assert_string_equal(tc_get(e, "EventCode"), "29");
    assert_string_equal(tc_get(e, "Message"),
                        "Changes to '/system.webServer/globalModules' at 'MACHINE/WEBROOT/APPHOST' were committed.");
    assert_string_equal(e->raw,
                        "01/15/2024 04:05:09 PM\n"
                        "LogName=Microsoft-IIS-Configuration/Operational\n"
                        "EventCode=29\n"
                        "ComputerName=web-3\n"
                        "Message=Changes to '/system.webServer/globalModules' at 'MACHINE/WEBROOT/APPHOST' were committed.");
    tc_free(&c);
}

static void test_timezone(void **state)
{
    (void)state;
    const char *text =
        "06/03/2024 09:14:07 AM\nEventCode=1\n"
        "6/3/2024 12:05:00 AM\nEventCode=2\n"
        "06/03/2024 12:30:00 PM\nEventCode=3\n";
    tcollect c;
    unsetenv("TZ");
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 0);
    assert_int_equal(c.n, 3);
    assert_time_equal(c.ev[0].time, 1717406047);
    assert_time_equal(c.ev[1].time, 1717373100);  /* 00:05 UTC */
    assert_time_equal(c.ev[2].time, 1717417800);  /* 12:30 UTC */
    assert_null(c.ev[0].host);
    assert_null(c.ev[0].source); /* no LogName: the driver uses the file name */
    tc_free(&c);

    setenv("TZ", "XST-2", 1); /* two hours east of UTC */
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 0);
    assert_int_equal(c.n, 3);
    assert_time_equal(c.ev[0].time, 1717406047 - 7200);
    tc_free(&c);
    setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1); /* US Eastern, daylight time in June */
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 0);
    assert_time_equal(c.ev[0].time, 1717406047 + 4 * 3600);
    tc_free(&c);
    unsetenv("TZ");
}

static void test_crlf_and_leading_lines(void **state)
{
    (void)state;
    const char *text =
        "\r\n"
        "this is not an event\r\n"
        "LogName=Orphan\r\n"
        "\r\n"
        "06/03/2024 09:14:07 AM\r\n"
        "LogName=System\r\n"
        "ComputerName=dc1\r\n"
        "Message=Line one\r\n"
        "\r\n"
        "Line three\r\n"
        "\r\n";
    tcollect c;
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 2);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.ev[0].raw,
                        "06/03/2024 09:14:07 AM\nLogName=System\nComputerName=dc1\nMessage=Line one\n\nLine three");
    assert_string_equal(tc_get(&c.ev[0], "Message"), "Line one\n\nLine three");
    assert_string_equal(tc_get(&c.ev[0], "LogName"), "System");
    assert_string_equal(c.ev[0].host, "dc1");
    tc_free(&c);
}

static void test_not_timestamps(void **state)
{
    (void)state;
    /* Lines that look almost like timestamps stay inside the message. */
    const char *text =
        "06/03/2024 09:14:07 AM\n"
        "Message=first\n"
        "13/03/2024 09:14:07 AM\n"
        "06/03/2024 09:14:07\n"
        "06/03/24 09:14:07 AM\n"
        "06/03/2024 9:14:07 XM\n"
        "06/03/2024 09:14:07 PM trailing\n";
    tcollect c;
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(strlen(tc_get(&c.ev[0], "Message")), strlen(text) - strlen("06/03/2024 09:14:07 AM\nMessage=") - 1);
    tc_free(&c);
}

static void test_oversized_event(void **state)
{
    (void)state;
    /* Event 2 grows past 16 MiB: rejected, its neighbours still load. */
    const char *head = "06/03/2024 09:14:07 AM\nEventCode=1\n06/03/2024 09:14:08 AM\nMessage=big\n";
    const char *tail = "06/03/2024 09:14:09 AM\nEventCode=3\n";
    size_t lines = 17 * 1024, width = 1024;
    size_t n = strlen(head) + lines * width + strlen(tail);
    char *text = malloc(n + 1), *p = text;
    memcpy(p, head, strlen(head));
    p += strlen(head);
    for (size_t i = 0; i < lines; i++, p += width) {
        memset(p, 'x', width - 1);
        p[width - 1] = '\n';
    }
    memcpy(p, tail, strlen(tail) + 1);
    tcollect c;
    assert_int_equal(tc_run(&reader_wineventlog, text, &c), 1);
    assert_int_equal(c.n, 2);
    assert_string_equal(tc_get(&c.ev[0], "EventCode"), "1");
    assert_string_equal(tc_get(&c.ev[1], "EventCode"), "3");
    tc_free(&c);
    free(text);
}

static void test_empty_input(void **state)
{
    (void)state;
    tcollect c;
    assert_int_equal(tc_run(&reader_wineventlog, "", &c), 0);
    assert_int_equal(c.n, 0);
    assert_int_equal(tc_run(&reader_wineventlog, "\n\n", &c), 0);
    assert_int_equal(c.n, 0);
    /* A lone timestamp line is an event with only a time. */
    assert_int_equal(tc_run(&reader_wineventlog, "06/03/2024 09:14:07 AM", &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ev[0].nf, 0);
    assert_string_equal(c.ev[0].raw, "06/03/2024 09:14:07 AM");
    tc_free(&c);
}

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(reader_wineventlog.detect(two_events, strlen(two_events)), 90);
    const char *lead = "\n\n06/03/2024 09:14:07 AM\r\nLogName=x\r\n";
    assert_int_equal(reader_wineventlog.detect(lead, strlen(lead)), 90);
    const char *kv = "LogName=Security EventCode=1\n";
    assert_int_equal(reader_wineventlog.detect(kv, strlen(kv)), 0);
    const char *prose = "06/03/2024 09:14:07 AM\nhello world\n";
    assert_int_equal(reader_wineventlog.detect(prose, strlen(prose)), 0);
    const char *json = "{\"a\":1}\n";
    assert_int_equal(reader_wineventlog.detect(json, strlen(json)), 0);
    assert_int_equal(reader_wineventlog.detect("", 0), 0);
}

int main(void)
{
    unsetenv("TZ");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_events),
        cmocka_unit_test(test_timezone),
        cmocka_unit_test(test_crlf_and_leading_lines),
        cmocka_unit_test(test_not_timestamps),
        cmocka_unit_test(test_oversized_event),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
