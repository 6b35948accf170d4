/* test_timemod.c: Splunk time modifiers: now, epoch, absolute times,
 * offsets, snap-to units (days, weeks, quarters), chains, local-time
 * behaviour across a DST change, and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timemod.h"

/* Tue 2024-03-05 14:07:09.25 UTC */
#define NOW 1709647629.25

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static double ev(const char *spec, double now)
{
    double out = -1;
    char *err = NULL;
    int rc = timemod_parse(spec, now, &out, &err);
    if (rc != 0) fail_msg("timemod_parse(\"%s\") failed: %s", spec, err ? err : "?");
    assert_null(err);
    return out;
}

static char *bad(const char *spec)
{
    double out = 0;
    char *err = NULL;
    if (timemod_parse(spec, NOW, &out, &err) == 0) fail_msg("\"%s\" parsed as %.3f, expected an error", spec, out);
    assert_non_null(err);
    return err;
}

#define BAD(spec, part)                                                                                                \
    do {                                                                                                               \
        char *e_ = bad(spec);                                                                                          \
        if (!strstr(e_, part)) fail_msg("error for \"%s\": %s\n  want part: %s", spec, e_, part);                      \
        free(e_);                                                                                                      \
    } while (0)

static void test_basic(void **state)
{
    (void)state;
    set_tz("UTC");
    assert_true(ev("now", NOW) == NOW);
    assert_true(ev(" NOW ", NOW) == NOW);
    assert_true(ev("0", NOW) == 0);
    assert_true(ev("1", NOW) == 1);
    assert_true(ev("1709647629.5", NOW) == 1709647629.5);
    assert_true(ev("03/05/2024:14:07:09", NOW) == 1709647629);
    assert_true(ev("03/05/2024", NOW) == 1709596800);
    assert_true(ev("rt", NOW) == NOW);
    assert_true(ev("2024-03-05T14:07:09Z", NOW) == 1709647629);
    assert_true(ev("2024-03-05 14:07:09.5+01:00", NOW) == 1709647629.5 - 3600);
}

static void test_offsets(void **state)
{
    (void)state;
    set_tz("UTC");
    assert_true(ev("-5m", NOW) == NOW - 300);
    assert_true(ev("-40s", NOW) == NOW - 40);
    assert_true(ev("+2h", NOW) == NOW + 7200);
    assert_true(ev("-h", NOW) == NOW - 3600);
    assert_true(ev("-24hours", NOW) == NOW - 86400);
    assert_true(ev("-7d", NOW) == NOW - 7 * 86400);
    assert_true(ev("-1w", NOW) == NOW - 7 * 86400);
    assert_true(ev("-2weeks", NOW) == NOW - 14 * 86400);
    assert_true(ev("-0d", NOW) == NOW);
    assert_true(ev("1d", NOW) == NOW + 86400);
    /* months/quarters/years move the calendar date */
    assert_true(ev("-1mon", NOW) == NOW - 29 * 86400); /* 2024-02-05 */
    assert_true(ev("-1q", NOW) == ev("-3mon", NOW));
    assert_true(ev("-1y", NOW) == NOW - 366 * 86400); /* 2023-03-05, Feb 29 2024 between */
    /* Mar 31 - 1 month lands on Feb 29 (clamped) */
    double mar31 = ev("03/31/2024:10:00:00", 0);
    assert_true(ev("-1mon", mar31) == ev("02/29/2024:10:00:00", 0));
    assert_true(ev("-1mon@mon", mar31) == ev("02/01/2024", 0));
}

static void test_snap(void **state)
{
    (void)state;
    set_tz("UTC");
    assert_true(ev("@s", NOW) == 1709647629);
    assert_true(ev("@m", NOW) == 1709647620);
    assert_true(ev("@h", NOW) == 1709647200);
    assert_true(ev("@d", NOW) == 1709596800);
    assert_true(ev("-1d@d", NOW) == 1709510400);
    assert_true(ev("-1d@d+2h", NOW) == 1709510400 + 7200);
    assert_true(ev("@d-1s", NOW) == 1709596799);
    /* 2024-03-05 is a Tuesday: @w / @w0 / @w7 = Sunday 03-03, @w1 = Monday
     * 03-04, @w2 = today, @w3 = Wednesday 02-28 */
    assert_true(ev("@w", NOW) == ev("03/03/2024", 0));
    assert_true(ev("@w0", NOW) == ev("03/03/2024", 0));
    assert_true(ev("@w7", NOW) == ev("03/03/2024", 0));
    assert_true(ev("@w1", NOW) == ev("03/04/2024", 0));
    assert_true(ev("@w2", NOW) == ev("03/05/2024", 0));
    assert_true(ev("@w3", NOW) == ev("02/28/2024", 0));
    assert_true(ev("@week", NOW) == ev("03/03/2024", 0));
    assert_true(ev("@mon", NOW) == ev("03/01/2024", 0));
    assert_true(ev("@month", NOW) == ev("03/01/2024", 0));
    assert_true(ev("@q", NOW) == ev("01/01/2024", 0));
    assert_true(ev("@qtr", NOW) == ev("01/01/2024", 0));
    assert_true(ev("@quarter", ev("08/15/2024", 0)) == ev("07/01/2024", 0));
    assert_true(ev("@y", NOW) == ev("01/01/2024", 0));
    assert_true(ev("-1y@y", NOW) == ev("01/01/2023", 0));
    assert_true(ev("@d@h", NOW) == 1709596800);
    assert_true(ev("-1d@w1", NOW) == ev("03/04/2024", 0));
}

static void test_local_time(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0) {
        print_message("no tz database: local-time checks skipped\n");
        return;
    }
    set_tz("America/New_York");
    /* @d snaps to local midnight: 2024-03-05 00:00 EST = 05:00 UTC */
    assert_true(ev("@d", NOW) == 1709596800 + 5 * 3600);
    assert_true(ev("03/05/2024:00:00:00", 0) == 1709596800 + 5 * 3600);
    /* DST starts 2024-03-10 02:00: a day back from 03-11 01:00 EDT is
     * 03-10 01:00 EST, 23 hours earlier; -24h is exact */
    double t = ev("03/11/2024:01:00:00", 0);
    assert_true(ev("-1d", t) == t - 23 * 3600);
    assert_true(ev("-24h", t) == t - 24 * 3600);
    assert_true(ev("-1d@d", t) == ev("03/10/2024:00:00:00", 0));
    set_tz("Asia/Kolkata"); /* +05:30 */
    assert_true(ev("@d", NOW) == 1709596800 - 5 * 3600 - 1800);
    assert_true(ev("@h", NOW) == 1709647629 - 37 * 60 - 9); /* 19:37:09 IST -> 19:00 */
    set_tz("UTC");
}

/* ISO 8601 without a zone is local time, like %m/%d/%Y:%H:%M:%S (one rule
 * for the command line); with Z or an offset it is that zone. */
static void test_iso_local(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0) {
        print_message("no tz database: local-time checks skipped\n");
        return;
    }
    set_tz("America/New_York");
    /* 2026-12-07 13:50:00 EST = 18:50:00 UTC */
    assert_true(ev("2026-12-07T13:50:00", 0) == 1796651400 + 5 * 3600);
    assert_true(ev("2026-12-07 13:50:00", 0) == ev("12/07/2026:13:50:00", 0));
    assert_true(ev("2026-12-07T13:50:00.25", 0) == 1796651400 + 5 * 3600 + 0.25);
    assert_true(ev("2026-12-07T13:50:00Z", 0) == 1796651400);
    assert_true(ev("2026-12-07T13:50:00-05:00", 0) == 1796651400 + 5 * 3600);
    assert_true(ev("2026-12-07", 0) == ev("12/07/2026", 0));
    /* DST starts 2026-03-08 02:00 EST: 01:59:59 EST is 06:59:59 UTC, 03:00
     * EDT is 07:00 UTC; DST ends 2026-11-01 02:00 EDT: 00:59 EDT = 04:59 UTC,
     * 02:00 EST = 07:00 UTC */
    double mar8 = 1772928000; /* 2026-03-08T00:00:00Z */
    assert_true(ev("2026-03-08T01:59:59", 0) == mar8 + 6 * 3600 + 3599);
    assert_true(ev("2026-03-08T03:00:00", 0) == mar8 + 7 * 3600);
    assert_true(ev("2026-03-08T03:00:00", 0) - ev("2026-03-08T01:59:59", 0) == 1);
    double nov1 = 1793491200; /* 2026-11-01T00:00:00Z */
    assert_true(ev("2026-11-01T00:59:00", 0) == nov1 + 4 * 3600 + 59 * 60);
    assert_true(ev("2026-11-01T02:00:00", 0) == nov1 + 7 * 3600);
    set_tz("Asia/Kolkata");
    assert_true(ev("2026-12-07T13:50:00", 0) == 1796651400 - 5 * 3600 - 1800);
    set_tz("UTC");
    assert_true(ev("2026-12-07T13:50:00", 0) == 1796651400);
}

static void test_errors(void **state)
{
    (void)state;
    set_tz("UTC");
    BAD("", "empty time modifier");
    BAD("   ", "empty time modifier");
    BAD("-1x", "unknown time unit \"x\"");
    BAD("-1x", "at position 3");
    BAD("-1d@", "missing snap-to unit");
    BAD("-1d@foo", "unknown snap-to unit \"foo\" at position 5");
    BAD("@w8", "@w0 to @w7");
    BAD("@d3", "@w0 to @w7");
    BAD("-5", "missing time unit");
    BAD("yesterday", "unexpected character 'y'");
    BAD("13/01/2024:00:00:00", "invalid date or time");
    BAD("02/30/2024", "invalid date or time");
    BAD("02/03/2024:25:00:00", "invalid date or time");
    BAD("-1d$", "unexpected character '$' at position 4");
    BAD("-999999999999d", "offset too large");
    BAD("2024-13-05T00:00:00", "invalid ISO 8601 time");
    BAD("1e300", "time out of range");
    BAD("+99999999y", "time out of range");
    double out;
    char *e = NULL;
    assert_int_equal(timemod_parse("-1d", 1e300, &out, &e), -1);
    assert_non_null(strstr(e, "base time out of range"));
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic), cmocka_unit_test(test_offsets), cmocka_unit_test(test_snap),
        cmocka_unit_test(test_local_time), cmocka_unit_test(test_iso_local), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
