/* test_reader_kv.c: the key=value line reader (ingest_kv.c): quoting and
 * escapes, literal backslashes, multivalue, time fields, rejected lines and
 * format detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader_collect.h"

static void test_module_line(void **state)
{
    (void)state;
    tcollect c;
    const char *line = "name=\"TestModule\" image=\"%windir%\\System32\\inetsrv\\testmod.dll\" preCondition=\"bitness64\"";
    assert_int_equal(tc_run(&reader_kv, line, &c), 0);
    assert_int_equal(c.n, 1);
    tevent *e = &c.ev[0];
    assert_string_equal(e->raw, line);
    assert_int_equal(e->nf, 3);
    assert_string_equal(tc_get(e, "name"), "TestModule");
    assert_string_equal(tc_get(e, "image"), "%windir%\\System32\\inetsrv\\testmod.dll");
    assert_string_equal(tc_get(e, "preCondition"), "bitness64");
    assert_false(e->has_time);
    assert_null(e->host);
    tc_free(&c);
}

static void test_quotes_and_tokens(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "msg=\"she said \\\"hi\\\" twice\" empty=\"\" bare=value   tab\there=x\n"
        "noise word 1x=2 user_id=42 path=\"C:\\dir\\\" z=1\n";
    assert_int_equal(tc_run(&reader_kv, text, &c), 0);
    assert_int_equal(c.n, 2);
    tevent *e = &c.ev[0];
    assert_string_equal(tc_get(e, "msg"), "she said \"hi\" twice");
    assert_non_null(tc_get(e, "empty"));
    assert_string_equal(tc_get(e, "empty"), "");
    assert_string_equal(tc_get(e, "bare"), "value");
    assert_null(tc_get(e, "tab"));
    assert_string_equal(tc_get(e, "here"), "x");
    e = &c.ev[1];
    /* "1x" is not a key; the unterminated quote gives an unquoted token. */
    assert_null(tc_get(e, "1x"));
    assert_string_equal(tc_get(e, "user_id"), "42");
    assert_string_equal(tc_get(e, "path"), "\"C:\\dir\\\"");
    assert_string_equal(tc_get(e, "z"), "1");
    tc_free(&c);
}

static void test_multivalue(void **state)
{
    (void)state;
    tcollect c;
    assert_int_equal(tc_run(&reader_kv, "group=admins user=ann group=\"backup operators\" group=users", &c), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(tc_count(&c.ev[0], "group"), 3);
    assert_string_equal(tc_get_nth(&c.ev[0], "group", 0), "admins");
    assert_string_equal(tc_get_nth(&c.ev[0], "group", 1), "backup operators");
    assert_string_equal(tc_get_nth(&c.ev[0], "group", 2), "users");
    tc_free(&c);
}

static void test_time_fields(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "time=2024-06-03T09:14:07.250Z action=start\n"
        "_time=1717406047.5 action=stop\n"
        "timestamp=\"2024-06-03 11:14:07+02:00\" action=x\n"
        "time=yesterday action=y\n"
        "action=z\n";
    assert_int_equal(tc_run(&reader_kv, text, &c), 0);
    assert_int_equal(c.n, 5);
    assert_true(c.ev[0].has_time);
    assert_time_equal(c.ev[0].time, 1717406047.25);
    assert_string_equal(tc_get(&c.ev[0], "time"), "2024-06-03T09:14:07.250Z");
    assert_true(c.ev[1].has_time);
    assert_time_equal(c.ev[1].time, 1717406047.5);
    assert_null(tc_get(&c.ev[1], "_time")); /* the time, not a field */
    assert_true(c.ev[2].has_time);
    assert_time_equal(c.ev[2].time, 1717406047);
    assert_false(c.ev[3].has_time);
    assert_string_equal(tc_get(&c.ev[3], "time"), "yesterday");
    assert_false(c.ev[4].has_time);
    tc_free(&c);
}

static void test_rejects_and_blank_lines(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "a=1\r\n"
        "\n"
        "just some words\n"
        "   \n"
        "b=2\n"
        "=3 also nothing\n"
        "c=\"3\"";  /* no final newline */
    assert_int_equal(tc_run(&reader_kv, text, &c), 2);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.ev[0].raw, "a=1");
    assert_string_equal(tc_get(&c.ev[0], "a"), "1");
    assert_string_equal(tc_get(&c.ev[1], "b"), "2");
    assert_string_equal(tc_get(&c.ev[2], "c"), "3");
    tc_free(&c);
}

static void test_empty_input(void **state)
{
    (void)state;
    tcollect c;
    assert_int_equal(tc_run(&reader_kv, "", &c), 0);
    assert_int_equal(c.n, 0);
    tc_free(&c);
}

static void test_detect(void **state)
{
    (void)state;
    const char *kv = "name=\"A\" image=\"b\"\nname=\"C\" image=\"d\"\n";
    assert_int_equal(reader_kv.detect(kv, strlen(kv)), 30);
    const char *mixed = "name=a\nfree text\nother text\n";
    assert_true(reader_kv.detect(mixed, strlen(mixed)) < 30);
    const char *json = "{\"a\":\"b=c\"}\n";
    assert_int_equal(reader_kv.detect(json, strlen(json)), 0);
    const char *xml = "<Event xmlns='x'><System/></Event>\n";
    assert_int_equal(reader_kv.detect(xml, strlen(xml)), 0);
    assert_int_equal(reader_kv.detect("plain words\n", 12), 0);
    assert_int_equal(reader_kv.detect("", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_module_line),
        cmocka_unit_test(test_quotes_and_tokens),
        cmocka_unit_test(test_multivalue),
        cmocka_unit_test(test_time_fields),
        cmocka_unit_test(test_rejects_and_blank_lines),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
