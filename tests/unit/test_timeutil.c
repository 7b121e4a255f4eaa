/* test_timeutil.c — calendar arithmetic and ISO 8601 parsing/formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"

#include <string.h>

static void test_time_civil_round_trip_over_four_centuries(void **state)
{
    (void)state;
    for (int64_t day = -200000; day < 200000; day += 7) {
        int y, m, d;
        sl_civil_from_days(day, &y, &m, &d);
        assert_int_equal(sl_days_from_civil(y, m, d), day);
    }
    assert_int_equal(sl_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(sl_weekday_from_days(sl_days_from_civil(2026, 11, 25)), 2); /* Wednesday */
    assert_int_equal(sl_weekday_from_days(sl_days_from_civil(2028, 2, 29)), 1);  /* Tuesday */
    assert_int_equal(sl_weekday_from_days(-1), 2);                               /* 1969-12-31 */
}

static void test_time_date_parse_knows_leap_days(void **state)
{
    (void)state;
    int64_t d;
    assert_int_equal(sl_date_parse("2028-02-29", &d), 0);
    assert_int_equal(sl_date_parse("2026-02-29", &d), -1);
    assert_int_equal(sl_date_parse("2100-02-29", &d), -1);
    assert_int_equal(sl_date_parse("2000-02-29", &d), 0);
    assert_int_equal(sl_date_parse("2026-13-01", &d), -1);
    assert_int_equal(sl_date_parse("2026-1-01", &d), -1);
    assert_int_equal(sl_date_parse("2026-01-01x", &d), -1);
}

static void test_time_instant_parse_offsets(void **state)
{
    (void)state;
    int64_t a, b, c;
    assert_int_equal(sl_instant_parse("2026-11-25T08:00:00+08:00", NULL, &a), 0);
    assert_int_equal(sl_instant_parse("2026-11-25T00:00Z", NULL, &b), 0);
    assert_int_equal(a, b);
    assert_int_equal(sl_instant_parse("2026-11-24T19:00:00.500-05:00", NULL, &c), 0);
    assert_int_equal(c - b, 500);
    assert_int_equal(sl_instant_parse("2026-11-25T08:00", NULL, &a), -1);
    int off = 480;
    assert_int_equal(sl_instant_parse("2026-11-25T08:00", &off, &a), 0);
    assert_int_equal(a, b);
    assert_int_equal(sl_instant_parse("2026-11-25T24:01Z", NULL, &a), -1);
    assert_int_equal(sl_instant_parse("1970-01-01T00:00:00Z", NULL, &a), 0);
    assert_int_equal(a, 0);
}

static void test_time_format_round_trips(void **state)
{
    (void)state;
    char buf[40];
    int64_t t;
    assert_int_equal(sl_instant_parse("2026-11-25T08:00:05+08:00", NULL, &t), 0);
    sl_instant_format(t, 480, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-25T08:00:05+08:00");
    sl_instant_format(t, 0, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-25T00:00:05Z");
    sl_instant_format(t, -330, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-24T18:30:05-05:30");
    sl_instant_format(-1000, 0, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

static void test_time_of_day_parse(void **state)
{
    (void)state;
    int32_t s;
    assert_int_equal(sl_tod_parse("08:30", &s), 0);
    assert_int_equal(s, 8 * 3600 + 30 * 60);
    assert_int_equal(sl_tod_parse("24:00", &s), 0);
    assert_int_equal(s, 86400);
    assert_int_equal(sl_tod_parse("25:00", &s), -1);
    assert_int_equal(sl_tod_parse("8:30", &s), -1);
    assert_int_equal(sl_tod_parse("08:60", &s), -1);
    char buf[16];
    sl_tod_format(3661, buf, sizeof buf);
    assert_string_equal(buf, "01:01:01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_civil_round_trip_over_four_centuries),
        cmocka_unit_test(test_time_date_parse_knows_leap_days),
        cmocka_unit_test(test_time_instant_parse_offsets),
        cmocka_unit_test(test_time_format_round_trips),
        cmocka_unit_test(test_time_of_day_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
