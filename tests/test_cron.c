/* test_cron.c: cron expression parsing, matching, next-run and due-time
 * computation (UTC, Vixie rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cron.h"

static double utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return (double)timegm(&tm);
}

static cron_expr parse_ok(const char *s)
{
    cron_expr c;
    char *err = NULL;
    int rc = cron_parse(s, &c, &err);
    if (rc != 0) fail_msg("cron_parse(%s): %s", s, err);
    assert_null(err);
    return c;
}

static void expect_error(const char *s, const char *want)
{
    cron_expr c;
    char *err = NULL;
    assert_int_equal(cron_parse(s, &c, &err), -1);
    assert_non_null(err);
    if (!strstr(err, want)) fail_msg("cron_parse(%s): error '%s' lacks '%s'", s, err, want);
    free(err);
}

static void test_parse_fields(void **state)
{
    (void)state;
    cron_expr c = parse_ok("0 * * * *");
    assert_int_equal(c.minute, 1);
    assert_int_equal(c.hour, 0xffffff);
    assert_true(c.dom_star && c.dow_star);

    c = parse_ok("*/15 9-17/4 1,15 JAN-mar mon-FRI");
    assert_int_equal(c.minute, (1ULL << 0) | (1ULL << 15) | (1ULL << 30) | (1ULL << 45));
    assert_int_equal(c.hour, (1u << 9) | (1u << 13) | (1u << 17));
    assert_int_equal(c.mday, (1u << 1) | (1u << 15));
    assert_int_equal(c.month, (1u << 1) | (1u << 2) | (1u << 3));
    assert_int_equal(c.wday, 0x3e);
    assert_false(c.dom_star || c.dow_star);

    c = parse_ok("5/20 0 * * 7"); /* a/n runs to the max; 7 is Sunday */
    assert_int_equal(c.minute, (1ULL << 5) | (1ULL << 25) | (1ULL << 45));
    assert_int_equal(c.wday, 1);

    c = parse_ok("  10 0 * * *  ");
    assert_int_equal(c.minute, 1ULL << 10);

    c = parse_ok("@hourly");
    assert_int_equal(c.minute, 1);
    c = parse_ok("@weekly");
    assert_int_equal(c.wday, 1);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("", "column 1: missing minute field");
    expect_error("0 * * *", "column 8: missing day of week field");
    expect_error("0 * * * * *", "column 11: too many fields");
    expect_error("60 * * * *", "column 1: minute 60 out of range 0-59");
    expect_error("0 24 * * *", "column 3: hour 24 out of range");
    expect_error("0 0 0 * *", "column 5: day of month 0 out of range");
    expect_error("0 0 * foo *", "column 7: unknown month name 'foo'");
    expect_error("0 0 * * 1-8", "column 11: day of week 8 out of range");
    expect_error("*/0 * * * *", "column 3: step out of range");
    expect_error("5-1 * * * *", "column 1: range start is after its end");
    expect_error("1,,2 * * * *", "column 3: expected a minute value");
    expect_error("0 x * * *", "column 3: expected a hour value");
    expect_error("0 1; * * *", "column 4: unexpected character");
    expect_error("@sometimes", "unknown schedule");
    expect_error("*/ * * * *", "column 3: expected a step number");
    expect_error("0 0 * jan-", "column 11: expected a month value");
}

static void test_matches(void **state)
{
    (void)state;
    cron_expr c = parse_ok("30 2 * * *");
    assert_true(cron_matches(&c, utc(2024, 5, 17, 2, 30)));
    assert_true(cron_matches(&c, utc(2024, 5, 17, 2, 30) + 59.9));
    assert_false(cron_matches(&c, utc(2024, 5, 17, 2, 31)));
    assert_false(cron_matches(&c, utc(2024, 5, 17, 3, 30)));

    /* Both day fields restricted: either may match (2024-05-13 is a Monday). */
    c = parse_ok("0 0 1 * mon");
    assert_true(cron_matches(&c, utc(2024, 5, 1, 0, 0)));  /* Wednesday the 1st */
    assert_true(cron_matches(&c, utc(2024, 5, 13, 0, 0))); /* Monday */
    assert_false(cron_matches(&c, utc(2024, 5, 14, 0, 0)));

    /* Day of month starting with '*': both must match. */
    c = parse_ok("0 0 */2 * mon");
    assert_false(cron_matches(&c, utc(2024, 5, 1, 0, 0)));  /* odd day, Wednesday */
    assert_true(cron_matches(&c, utc(2024, 5, 13, 0, 0)));  /* odd day 13, Monday */
    assert_false(cron_matches(&c, utc(2024, 5, 20, 0, 0))); /* even day, Monday */
    assert_true(cron_matches(&c, utc(2024, 5, 27, 0, 0)));
}

static void test_next(void **state)
{
    (void)state;
    double t;
    cron_expr c = parse_ok("0 * * * *");
    assert_int_equal(cron_next(&c, utc(2024, 5, 17, 10, 0), &t), 0);
    assert_true(t == utc(2024, 5, 17, 11, 0));
    assert_int_equal(cron_next(&c, utc(2024, 5, 17, 10, 0) - 0.5, &t), 0);
    assert_true(t == utc(2024, 5, 17, 10, 0));
    assert_int_equal(cron_next(&c, utc(2024, 12, 31, 23, 30), &t), 0);
    assert_true(t == utc(2025, 1, 1, 0, 0));

    c = parse_ok("10 0 * * *");
    assert_int_equal(cron_next(&c, utc(2024, 2, 28, 0, 10), &t), 0);
    assert_true(t == utc(2024, 2, 29, 0, 10)); /* leap day */

    c = parse_ok("0 12 29 2 *");
    assert_int_equal(cron_next(&c, utc(2024, 3, 1, 0, 0), &t), 0);
    assert_true(t == utc(2028, 2, 29, 12, 0));

    c = parse_ok("0 0 30 2 *");
    assert_int_equal(cron_next(&c, utc(2024, 3, 1, 0, 0), &t), -1);

    c = parse_ok("*/7 * * * *");
    assert_int_equal(cron_next(&c, utc(2024, 1, 1, 0, 56), &t), 0);
    assert_true(t == utc(2024, 1, 1, 1, 0));

    c = parse_ok("0 9 * * sat,sun");
    assert_int_equal(cron_next(&c, utc(2024, 5, 17, 12, 0), &t), 0); /* Friday */
    assert_true(t == utc(2024, 5, 18, 9, 0));

    c = parse_ok("15 3 31 * *");
    assert_int_equal(cron_next(&c, utc(2024, 4, 1, 0, 0), &t), 0);
    assert_true(t == utc(2024, 5, 31, 3, 15));
}

static void test_due(void **state)
{
    (void)state;
    cron_expr c = parse_ok("0 * * * *");
    double out[10];
    int more = -1;
    double a = utc(2024, 5, 17, 10, 0), b = utc(2024, 5, 17, 13, 0);
    size_t n = cron_due(&c, a, b, out, 10, &more);
    assert_int_equal(n, 3); /* (a, b]: 11:00, 12:00, 13:00 */
    assert_int_equal(more, 0);
    assert_true(out[0] == utc(2024, 5, 17, 11, 0));
    assert_true(out[2] == b);

    n = cron_due(&c, a, b, out, 2, &more);
    assert_int_equal(n, 2);
    assert_int_equal(more, 1);

    n = cron_due(&c, a, a + 3599, out, 10, &more);
    assert_int_equal(n, 0);
    assert_int_equal(more, 0);

    n = cron_due(&c, a, b, NULL, 0, &more);
    assert_int_equal(n, 0);
    assert_int_equal(more, 1);
}

/* Random expressions: parse never crashes, and a parsed one evaluates. */
static void test_random(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789*/-, @abcdefjmnostuwJANMONSUN\t";
    unsigned seed = 12345;
    char buf[40];
    for (int i = 0; i < 20000; i++) {
        size_t len = (seed = seed * 1103515245u + 12345u) % 30;
        for (size_t k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        buf[len] = 0;
        cron_expr c;
        char *err = NULL;
        if (cron_parse(buf, &c, &err) == 0) {
            double t, due[4];
            int more;
            if (cron_next(&c, 1.7e9, &t) == 0) assert_true(cron_matches(&c, t) && t > 1.7e9);
            cron_due(&c, 1.7e9, 1.7e9 + 86400, due, 4, &more);
        } else {
            assert_non_null(err);
            assert_non_null(strstr(err, "column "));
            free(err);
        }
    }
    cron_expr c = parse_ok("* * * * *");
    double t;
    assert_int_equal(cron_next(&c, 1e300, &t), -1);
}

/* Cron fields are local time (TZ), as Splunk's scheduler reads them. */
static void test_local(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0) {
        print_message("no tz database: local-time checks skipped\n");
        return;
    }
    double t;
    setenv("TZ", "America/New_York", 1);
    tzset();
    cron_expr c = parse_ok("0 0 * * *"); /* local midnight: 05:00 UTC in winter, 04:00 in summer */
    assert_int_equal(cron_next(&c, utc(2026, 12, 7, 12, 0), &t), 0);
    assert_true(t == utc(2026, 12, 8, 5, 0));
    assert_int_equal(cron_next(&c, utc(2026, 7, 1, 12, 0), &t), 0);
    assert_true(t == utc(2026, 7, 2, 4, 0));
    assert_true(cron_matches(&c, utc(2026, 12, 8, 5, 0)));
    assert_false(cron_matches(&c, utc(2026, 12, 8, 0, 0)));
    /* "30 2 * * *" on 2026-03-08: 02:30 does not exist (02:00 EST -> 03:00
     * EDT), so the next run after 03-07 is on 03-09 at 02:30 EDT */
    c = parse_ok("30 2 * * *");
    assert_int_equal(cron_next(&c, utc(2026, 3, 7, 12, 0), &t), 0);
    assert_true(t == utc(2026, 3, 9, 6, 30));
    /* Mondays at 09:00 local, across the DST change */
    c = parse_ok("0 9 * * MON");
    double due[4];
    int more = 0;
    assert_int_equal(cron_due(&c, utc(2026, 3, 1, 0, 0), utc(2026, 3, 17, 0, 0), due, 4, &more), 3);
    assert_true(due[0] == utc(2026, 3, 2, 14, 0)); /* EST */
    assert_true(due[1] == utc(2026, 3, 9, 13, 0)); /* EDT */
    assert_true(due[2] == utc(2026, 3, 16, 13, 0));
    assert_false(more);
    setenv("TZ", "Asia/Kolkata", 1); /* +05:30: hourly at :00 local is :30 UTC */
    tzset();
    c = parse_ok("0 * * * *");
    assert_int_equal(cron_next(&c, utc(2024, 6, 3, 10, 0), &t), 0);
    assert_true(t == utc(2024, 6, 3, 10, 30));
    setenv("TZ", "UTC", 1);
    tzset();
}

int main(void)
{
    setenv("TZ", "UTC", 1); /* the other tests give times in UTC */
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fields), cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_matches),
        cmocka_unit_test(test_next),         cmocka_unit_test(test_due),          cmocka_unit_test(test_random),
        cmocka_unit_test(test_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
