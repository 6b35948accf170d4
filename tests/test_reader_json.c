/* test_reader_json.c: the JSON lines reader (ingest_json.c): flattening and
 * {} naming, number/boolean/null rendering, string escapes, time members, the
 * two HEC envelope shapes, rejected lines and format detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reader_collect.h"

static void test_plain_flatten(void **state)
{
    (void)state;
    tcollect c;
    const char *line =
        "{\"user\":\"ann\",\"n\":4688,\"neg\":-7,\"r\":0.5,\"one\":1.0,\"ok\":true,\"no\":false,\"nil\":null,"
        "\"nest\":{\"a\":{\"b\":\"c\"}},\"arr\":[1,\"two\",3.25],"
        "\"objs\":[{\"k\":\"x\"},{\"k\":\"y\",\"z\":1}],\"grid\":[[1,2],[3]],\"empty\":{},\"ea\":[]}";
    assert_int_equal(tc_run(&reader_json, line, &c), 0);
    assert_int_equal(c.n, 1);
    tevent *e = &c.ev[0];
    assert_string_equal(e->raw, line);
    assert_false(e->has_time);
    assert_false(e->meta_overrides);
    assert_string_equal(tc_get(e, "user"), "ann");
    assert_string_equal(tc_get(e, "n"), "4688");
    assert_string_equal(tc_get(e, "neg"), "-7");
    assert_string_equal(tc_get(e, "r"), "0.5");
    assert_string_equal(tc_get(e, "one"), "1.0"); /* the text as written */
    assert_string_equal(tc_get(e, "ok"), "true");
    assert_string_equal(tc_get(e, "no"), "false");
    assert_string_equal(tc_get(e, "nil"), "null");
    assert_string_equal(tc_get(e, "nest.a.b"), "c");
    assert_null(tc_get(e, "nest"));
    assert_int_equal(tc_count(e, "arr{}"), 3);
    assert_string_equal(tc_get_nth(e, "arr{}", 0), "1");
    assert_string_equal(tc_get_nth(e, "arr{}", 1), "two");
    assert_string_equal(tc_get_nth(e, "arr{}", 2), "3.25");
    assert_int_equal(tc_count(e, "objs{}.k"), 2);
    assert_string_equal(tc_get_nth(e, "objs{}.k", 0), "x");
    assert_string_equal(tc_get_nth(e, "objs{}.k", 1), "y");
    assert_string_equal(tc_get(e, "objs{}.z"), "1");
    assert_int_equal(tc_count(e, "grid{}{}"), 3);
    assert_null(tc_get(e, "empty"));
    assert_null(tc_get(e, "ea{}"));
    tc_free(&c);
}

static void test_duplicates_and_key_escapes(void **state)
{
    (void)state;
    tcollect c;
    const char *line = "{\"k\":1,\"k\":\"two\",\"a\\\"b\":{\"x\\u0041\":-0.0e+1},\"\":\"no name\"}";
    assert_int_equal(tc_run(&reader_json, line, &c), 0);
    assert_int_equal(c.n, 1);
    tevent *e = &c.ev[0];
    /* Duplicate keys give both values, in order. */
    assert_int_equal(tc_count(e, "k"), 2);
    assert_string_equal(tc_get_nth(e, "k", 0), "1");
    assert_string_equal(tc_get_nth(e, "k", 1), "two");
    assert_string_equal(tc_get(e, "a\"b.xA"), "-0.0e+1");
    assert_int_equal(e->nf, 3); /* the empty name gives no field */
    tc_free(&c);
}

static void test_escapes_and_numbers(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "{\"msg\":\"l1\\nl2 \\\"q\\\" \\u00e9 C:\\\\Temp\\\\x.exe\",\"tab\":\"a\\tb\",\"slash\":\"a\\/b\"}\n"
        "{\"id\":123456789012345678901234,\"small\":0.1,\"exp\":1e3,\"pi\":3.141592653589793}\n";
    assert_int_equal(tc_run(&reader_json, text, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(tc_get(&c.ev[0], "msg"), "l1\nl2 \"q\" \xc3\xa9 C:\\Temp\\x.exe");
    assert_string_equal(tc_get(&c.ev[0], "tab"), "a\tb");
    assert_string_equal(tc_get(&c.ev[0], "slash"), "a/b");
    /* Numbers keep their text, even beyond long long. */
    assert_string_equal(tc_get(&c.ev[1], "id"), "123456789012345678901234");
    assert_string_equal(tc_get(&c.ev[1], "small"), "0.1");
    assert_string_equal(tc_get(&c.ev[1], "exp"), "1e3");
    assert_string_equal(tc_get(&c.ev[1], "pi"), "3.141592653589793");
    tc_free(&c);
}

static void test_plain_time(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "{\"_time\":\"2024-06-03T11:14:07.250+02:00\",\"x\":1}\n"
        "{\"time\":1717406047.5}\n"
        "{\"timestamp\":\"1717406047123\"}\n"
        "{\"time\":\"not a time\",\"timestamp\":1717406047}\n"
        "{\"timestamp\":\"2024-06-03 09:14:07Z\"}\n"
        "{\"when\":1717406047}\n";
    assert_int_equal(tc_run(&reader_json, text, &c), 0);
    assert_int_equal(c.n, 6);
    assert_true(c.ev[0].has_time);
    assert_time_equal(c.ev[0].time, 1717406047.25);
    assert_null(tc_get(&c.ev[0], "_time"));
    assert_string_equal(tc_get(&c.ev[0], "x"), "1");
    assert_time_equal(c.ev[1].time, 1717406047.5);
    assert_string_equal(tc_get(&c.ev[1], "time"), "1717406047.5");
    assert_time_equal(c.ev[2].time, 1717406047.123);
    assert_true(c.ev[3].has_time);
    assert_time_equal(c.ev[3].time, 1717406047);
    assert_string_equal(tc_get(&c.ev[3], "time"), "not a time");
    assert_time_equal(c.ev[4].time, 1717406047);
    assert_false(c.ev[5].has_time);
    tc_free(&c);
}

static void test_hec_object_event(void **state)
{
    (void)state;
    tcollect c;
    const char *line =
        "{\"time\": 1717406047.25, \"host\": \"web-01\", \"source\": \"app.log\", \"sourcetype\": \"myapp\", "
        "\"index\": \"web\", \"event\": {\"user\": \"ann\", \"action\": \"login\", \"tags\": [\"a\", \"b\"]}, "
        "\"fields\": {\"dc\": \"east\", \"roles\": [\"x\", \"y\"], \"port\": 443}}";
    assert_int_equal(tc_run(&reader_json, line, &c), 0);
    assert_int_equal(c.n, 1);
    tevent *e = &c.ev[0];
    assert_string_equal(e->raw, "{\"user\": \"ann\", \"action\": \"login\", \"tags\": [\"a\", \"b\"]}");
    assert_true(e->has_time);
    assert_time_equal(e->time, 1717406047.25);
    assert_true(e->meta_overrides);
    assert_string_equal(e->host, "web-01");
    assert_string_equal(e->source, "app.log");
    assert_string_equal(e->sourcetype, "myapp");
    assert_string_equal(e->index, "web");
    assert_string_equal(tc_get(e, "user"), "ann");
    assert_string_equal(tc_get(e, "action"), "login");
    assert_int_equal(tc_count(e, "tags{}"), 2);
    assert_string_equal(tc_get(e, "dc"), "east");
    assert_int_equal(tc_count(e, "roles"), 2);
    assert_string_equal(tc_get_nth(e, "roles", 1), "y");
    assert_string_equal(tc_get(e, "port"), "443");
    assert_null(tc_get(e, "time"));
    assert_null(tc_get(e, "host"));
    tc_free(&c);
}

static void test_hec_string_event(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "{\"event\": \"raw \\\"text\\\" of it\", \"time\": \"1717406050\", \"fields\": {\"user\": \"bob\"}}\n"
        "{\"\\u0065vent\": {\"a\": {\"b\": [1, {\"c\": \"}\"}]}}, \"host\": \"h\"}\n"
        "{\"event\": 42}\n";
    assert_int_equal(tc_run(&reader_json, text, &c), 0);
    assert_int_equal(c.n, 3);
    tevent *e = &c.ev[0];
    assert_string_equal(e->raw, "raw \"text\" of it");
    assert_time_equal(e->time, 1717406050);
    assert_true(e->meta_overrides);
    assert_null(e->host);
    assert_string_equal(tc_get(e, "user"), "bob");
    assert_int_equal(e->nf, 1);
    e = &c.ev[1];
    assert_string_equal(e->raw, "{\"a\": {\"b\": [1, {\"c\": \"}\"}]}}");
    assert_string_equal(e->host, "h");
    assert_false(e->has_time);
    assert_string_equal(tc_get(e, "a.b{}"), "1");
    assert_string_equal(tc_get(e, "a.b{}.c"), "}");
    assert_string_equal(c.ev[2].raw, "42");
    tc_free(&c);
}

static void test_not_hec(void **state)
{
    (void)state;
    tcollect c;
    const char *line = "{\"event\": \"x\", \"extra\": 1}";
    assert_int_equal(tc_run(&reader_json, line, &c), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.ev[0].raw, line);
    assert_false(c.ev[0].meta_overrides);
    assert_string_equal(tc_get(&c.ev[0], "event"), "x");
    assert_string_equal(tc_get(&c.ev[0], "extra"), "1");
    tc_free(&c);
}

static void test_rejects(void **state)
{
    (void)state;
    tcollect c;
    const char *text =
        "{\"a\":1}\r\n"
        "{\"a\":\n"
        "\n"
        "[1,2]\n"
        "   \n"
        "{\"event\": null}\n"
        "{\"event\": \"\"}\n"
        "{\"event\": \"x\", \"time\": \"noon\"}\n"
        "{\"event\": \"x\", \"host\": 5}\n"
        "{\"event\": \"x\", \"fields\": [1]}\n"
        "{\"a\":\"\\u0000\"}\n"
        "not json\n"
        "{\"a\":2}";
    assert_int_equal(tc_run(&reader_json, text, &c), 9);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.ev[0].raw, "{\"a\":1}");
    assert_string_equal(tc_get(&c.ev[1], "a"), "2");
    tc_free(&c);
}

/* A NUL byte after a number in an array (found by fuzz_jsonscan_equiv):
 * jansson accepts the line, and the flattening walk used to stop at the NUL
 * without moving on, adding fields until memory ran out. */
static void test_nul_in_array(void **state)
{
    (void)state;
    static const char text[] = "{\"f\":[1,2\0]}\n{\"a\":2}\n";
    tcollect c;
    memset(&c, 0, sizeof c);
    c.rejected = ingest_memory(&reader_json, "test.log", text, sizeof text - 1, tc_sink, &c, 1);
    assert_int_equal(c.rejected + (long)c.n, 2);
    for (size_t i = 0; i < c.n; i++) assert_true(c.ev[i].nf <= 3);
    assert_string_equal(tc_get(&c.ev[c.n - 1], "a"), "2");
    tc_free(&c);
}

static void test_empty_input(void **state)
{
    (void)state;
    tcollect c;
    assert_int_equal(tc_run(&reader_json, "", &c), 0);
    assert_int_equal(c.n, 0);
    assert_int_equal(tc_run(&reader_json, "\n\n  \n", &c), 0);
    assert_int_equal(c.n, 0);
    tc_free(&c);
}

static void test_detect(void **state)
{
    (void)state;
    const char *good = "{\"a\":1}\n\n{\"b\":[2]}\n{\"c\":";
    assert_int_equal(reader_json.detect(good, strlen(good)), 90);
    const char *one_bad = "{\"a\":1}\n{oops}\n{\"b\":2}\n";
    assert_int_equal(reader_json.detect(one_bad, strlen(one_bad)), 70);
    const char *bad = "{\"a\":1}\n{oops}\n";
    assert_int_equal(reader_json.detect(bad, strlen(bad)), 0);
    const char *not_lines = "{\"a\":1}\nplain\n";
    assert_int_equal(reader_json.detect(not_lines, strlen(not_lines)), 0);
    const char *kv = "a=1 b=2\n";
    assert_int_equal(reader_json.detect(kv, strlen(kv)), 0);
    const char *arr = "[1,2]\n";
    assert_int_equal(reader_json.detect(arr, strlen(arr)), 0);
    const char *cut = "{\"a\":\"very long line cut by the head";
    assert_int_equal(reader_json.detect(cut, strlen(cut)), 40);
    assert_int_equal(reader_json.detect("", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_flatten),
        cmocka_unit_test(test_duplicates_and_key_escapes),
        cmocka_unit_test(test_escapes_and_numbers),
        cmocka_unit_test(test_plain_time),
        cmocka_unit_test(test_hec_object_event),
        cmocka_unit_test(test_hec_string_event),
        cmocka_unit_test(test_not_hec),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_nul_in_array),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
