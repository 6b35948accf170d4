/* test_tz.c: the local-time rule (tz.h): tz_local_epoch gives the epoch
 * of every wall-clock time of a year in zones with DST changes at whole
 * hours, at half hours (Lord Howe) and without DST, as localtime_r reads
 * it back; UTC when TZ is unset; tz_use accepts names, UTC and offsets
 * and refuses anything else, leaving TZ alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

static void use(const char *zone)
{
    char *err = NULL;
    if (tz_use(zone, &err)) fail_msg("tz_use(%s): %s", zone, err);
    assert_null(err);
}

/* Every 7 minutes of 2026: the epoch reads back as the same wall-clock
 * time, except in a DST gap (which mktime moves). */
static void check_year(const char *zone)
{
    use(zone);
    long checked = 0;
    for (long m = 0; m < 365L * 24 * 60; m += 7) {
        struct tm in = {0};
        in.tm_year = 126;
        in.tm_mday = 1 + (int)(m / 1440);
        in.tm_hour = (int)(m / 60 % 24);
        in.tm_min = (int)(m % 60);
        in.tm_sec = 13;
        time_t base = timegm(&in); /* normalise the day of year */
        gmtime_r(&base, &in);
        struct tm a = in, probe = in, back;
        double t = tz_local_epoch(&a);
        probe.tm_isdst = -1;
        time_t direct = mktime(&probe);
        time_t tt = (time_t)t;
        localtime_r(&direct, &back);
        if (back.tm_hour != in.tm_hour || back.tm_min != in.tm_min) continue; /* in a gap */
        localtime_r(&tt, &back);
        if (back.tm_year != in.tm_year || back.tm_mon != in.tm_mon || back.tm_mday != in.tm_mday ||
            back.tm_hour != in.tm_hour || back.tm_min != in.tm_min || back.tm_sec != in.tm_sec)
            fail_msg("%s: %04d-%02d-%02d %02d:%02d:%02d gave %.0f, which is %02d:%02d:%02d", zone, in.tm_year + 1900,
                     in.tm_mon + 1, in.tm_mday, in.tm_hour, in.tm_min, in.tm_sec, t, back.tm_hour, back.tm_min,
                     back.tm_sec);
        checked++;
    }
    assert_true(checked > 70000);
}

static void test_local_epoch(void **state)
{
    (void)state;
    if (access("/usr/share/zoneinfo/Australia/Lord_Howe", R_OK) != 0) {
        print_message("no tz database: zone checks skipped\n");
        return;
    }
    check_year("America/New_York");
    check_year("Australia/Lord_Howe"); /* DST moves the clock by 30 minutes */
    check_year("Europe/London");
    check_year("Asia/Kolkata");
    check_year("+05:45");
    /* a zone change switches the answer at once (no stale shortcut) */
    struct tm tm = {.tm_year = 126, .tm_mon = 6, .tm_mday = 1, .tm_hour = 13, .tm_min = 50};
    use("America/New_York");
    struct tm c = tm;
    assert_true(tz_local_epoch(&c) == 1782928200);
    use("Asia/Kolkata");
    c = tm;
    assert_true(tz_local_epoch(&c) == 1782913800 - 5 * 3600 - 1800);
}

static void test_unset_is_utc(void **state)
{
    (void)state;
    unsetenv("TZ");
    tzset();
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 7, .tm_hour = 13, .tm_min = 50};
    assert_true(tz_local_epoch(&tm) == 1796651400);
    struct tm out;
    assert_int_equal(tz_local_tm(1796651400, &out), 0);
    assert_int_equal(out.tm_hour, 13);
    assert_int_equal(out.tm_mday, 7);
}

static void test_use(void **state)
{
    (void)state;
    use("UTC");
    assert_string_equal(getenv("TZ"), "UTC0");
    use("+05:30");
    struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 7, .tm_hour = 13, .tm_min = 50};
    struct tm c = tm;
    assert_true(tz_local_epoch(&c) == 1796651400 - 5 * 3600 - 1800);
    use("-0800");
    c = tm;
    assert_true(tz_local_epoch(&c) == 1796651400 + 8 * 3600);
    use("+01");
    c = tm;
    assert_true(tz_local_epoch(&c) == 1796651400 - 3600);
    use("z");
    c = tm;
    assert_true(tz_local_epoch(&c) == 1796651400);
    static const char *const bad[] = {"", "Mars/Base", "+25:00", "+05:", "+5", "+05:3", "../../etc/passwd",
                                      "/etc/localtime", "EST5EDT,M3.2.0", "America/New York", NULL};
    for (int i = 0; bad[i]; i++) {
        char *err = NULL;
        assert_int_equal(tz_use(bad[i], &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err, "unknown time zone"));
        free(err);
        assert_string_equal(getenv("TZ"), "UTC0"); /* unchanged */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_epoch),
        cmocka_unit_test(test_unset_is_utc),
        cmocka_unit_test(test_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
