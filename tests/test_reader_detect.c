/* test_reader_detect.c: format auto-detection across the whole reader table
 * (reader_registry.c): each format's head picks its reader, ambiguous heads
 * go to the more specific format, text of no known format picks none, and a
 * UTF-8 byte order mark does not get in the way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader_collect.h"

static const char *detect_name(const char *head)
{
    const reader *r = reader_detect(head, strlen(head));
    return r ? r->name : "(none)";
}

static void test_each_format(void **state)
{
    (void)state;
    assert_string_equal(detect_name("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
                                    "<System><EventID>1</EventID></System></Event>\n"),
                        "xmlwineventlog");
    assert_string_equal(detect_name("06/03/2024 09:14:07 AM\nLogName=Security\nEventCode=4624\nMessage=x\n"),
                        "wineventlog");
    assert_string_equal(detect_name("{\"a\":1}\n{\"event\":\"x\",\"time\":1}\n"), "json");
    assert_string_equal(detect_name("name=\"A\" image=\"C:\\x.dll\"\nname=\"B\" image=\"C:\\y.dll\"\n"), "kv");
}

static void test_ambiguous_and_unknown(void **state)
{
    (void)state;
    /* Header lines alone are key=value, not WinEventLog. */
    assert_string_equal(detect_name("LogName=Security\nEventCode=4624\n"), "kv");
    /* A JSON line whose strings hold key=value text is still JSON. */
    assert_string_equal(detect_name("{\"msg\":\"user=ann action=login\"}\n"), "json");
    assert_string_equal(detect_name("just a line of prose\nanother one\n"), "(none)");
    assert_string_equal(detect_name(""), "(none)");
}

static void test_bom(void **state)
{
    (void)state;
    assert_string_equal(detect_name("\xEF\xBB\xBF{\"a\":1}\n"), "json");
    assert_string_equal(detect_name("\xEF\xBB\xBF" "06/03/2024 09:14:07 AM\r\nLogName=Security\r\n"), "wineventlog");
    assert_string_equal(detect_name("\xEF\xBB\xBF" "a=1 b=2\n"), "kv");

    tcollect c;
    assert_int_equal(tc_run(&reader_json, "\xEF\xBB\xBF{\"a\":1}\n{\"a\":2}\n", &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.ev[0].raw, "{\"a\":1}");
    tc_free(&c);
    assert_int_equal(tc_run(&reader_wineventlog, "\xEF\xBB\xBF" "06/03/2024 09:14:07 AM\nEventCode=7\n", &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(tc_get(&c.ev[0], "EventCode"), "7");
    tc_free(&c);
    assert_int_equal(tc_run(&reader_kv, "\xEF\xBB\xBF" "a=1\n", &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.ev[0].raw, "a=1");
    tc_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_format),
        cmocka_unit_test(test_ambiguous_and_unknown),
        cmocka_unit_test(test_bom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
