/* test_hub_schedule.c — unit tests of the report schedule: which weekly and monthly runs are due, their periods and names, in the schedule's zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"
#include "tools/hub/coverage/hub_schedule.h"

#include <string.h>

static int64_t at(const char *iso)
{
    int64_t ms;
    if (sl_instant_parse(iso, NULL, &ms) != 0)
        fail_msg("bad instant %s", iso);
    return ms;
}

static int64_t day(const char *date)
{
    int64_t d;
    if (sl_date_parse(date, &d) != 0)
        fail_msg("bad date %s", date);
    return d;
}

static sl_tz *zone(const char *name)
{
    char err[256];
    sl_tz *tz = sl_tz_load(name, NULL, err, sizeof err);
    if (!tz)
        fail_msg("%s: %s", name, err);
    return tz;
}

static void expect_run(sl_sched_kind kind, const sl_tz *tz, const char *now, const char *due_at, const char *from,
                       const char *to, const char *name)
{
    sl_schedule_run r;
    assert_int_equal(sl_schedule_last(kind, tz, at(now), &r), 0);
    assert_int_equal(r.kind, kind);
    if (r.at_ms != at(due_at))
        fail_msg("now %s: due at %lld, wanted %s", now, (long long)r.at_ms, due_at);
    assert_int_equal(r.from_day, day(from));
    assert_int_equal(r.to_day, day(to));
    assert_string_equal(r.name, name);
}

static void test_weekly_runs(void **state)
{
    (void)state;
    sl_tz *tz = zone("Asia/Shanghai");
    /* Friday 27 November 2026, one second before 16:00: the run of the week before. */
    expect_run(SL_SCHED_WEEKLY, tz, "2026-11-27T15:59:59+08:00", "2026-11-20T16:00:00+08:00", "2026-11-13",
               "2026-11-19", "coverage-weekly-2026-11-19");
    /* At 16:00: the seven whole days before, Friday 20 to Thursday 26. */
    expect_run(SL_SCHED_WEEKLY, tz, "2026-11-27T16:00:00+08:00", "2026-11-27T16:00:00+08:00", "2026-11-20",
               "2026-11-26", "coverage-weekly-2026-11-26");
    /* The days after, up to the next Friday 16:00, have the same run. */
    expect_run(SL_SCHED_WEEKLY, tz, "2026-11-28T09:00:00+08:00", "2026-11-27T16:00:00+08:00", "2026-11-20",
               "2026-11-26", "coverage-weekly-2026-11-26");
    expect_run(SL_SCHED_WEEKLY, tz, "2026-12-04T15:00:00+08:00", "2026-11-27T16:00:00+08:00", "2026-11-20",
               "2026-11-26", "coverage-weekly-2026-11-26");
    /* Local time, not UTC: Friday 16:00 in Shanghai is 08:00 UTC. */
    expect_run(SL_SCHED_WEEKLY, tz, "2026-11-27T08:00:00Z", "2026-11-27T08:00:00Z", "2026-11-20", "2026-11-26",
               "coverage-weekly-2026-11-26");
    /* Across a year's end. */
    expect_run(SL_SCHED_WEEKLY, tz, "2027-01-02T10:00:00+08:00", "2027-01-01T16:00:00+08:00", "2026-12-25",
               "2026-12-31", "coverage-weekly-2026-12-31");
    assert_int_equal(sl_schedule_next_at(SL_SCHED_WEEKLY, tz, at("2026-11-27T15:59:59+08:00")),
                     at("2026-11-27T16:00:00+08:00"));
    assert_int_equal(sl_schedule_next_at(SL_SCHED_WEEKLY, tz, at("2026-11-27T16:00:00+08:00")),
                     at("2026-12-04T16:00:00+08:00"));
    sl_tz_free(tz);
}

static void test_monthly_runs(void **state)
{
    (void)state;
    sl_tz *tz = zone("Asia/Shanghai");
    expect_run(SL_SCHED_MONTHLY, tz, "2026-12-01T00:00:00+08:00", "2026-12-01T00:00:00+08:00", "2026-11-01",
               "2026-11-30", "coverage-monthly-2026-11");
    expect_run(SL_SCHED_MONTHLY, tz, "2026-11-30T23:59:59+08:00", "2026-11-01T00:00:00+08:00", "2026-10-01",
               "2026-10-31", "coverage-monthly-2026-10");
    /* 1 December 00:00 in Shanghai is still 30 November in UTC. */
    expect_run(SL_SCHED_MONTHLY, tz, "2026-11-30T16:00:00Z", "2026-11-30T16:00:00Z", "2026-11-01", "2026-11-30",
               "coverage-monthly-2026-11");
    expect_run(SL_SCHED_MONTHLY, tz, "2027-01-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "2026-12-01",
               "2026-12-31", "coverage-monthly-2026-12");
    expect_run(SL_SCHED_MONTHLY, tz, "2028-03-15T12:00:00+08:00", "2028-03-01T00:00:00+08:00", "2028-02-01",
               "2028-02-29", "coverage-monthly-2028-02");
    assert_int_equal(sl_schedule_next_at(SL_SCHED_MONTHLY, tz, at("2026-12-15T00:00:00+08:00")),
                     at("2027-01-01T00:00:00+08:00"));
    assert_int_equal(sl_schedule_next_at(SL_SCHED_MONTHLY, tz, at("2026-12-31T23:59:59+08:00")),
                     at("2027-01-01T00:00:00+08:00"));
    sl_tz_free(tz);
}

static void test_runs_follow_daylight_saving(void **state)
{
    (void)state;
    sl_tz *tz = zone("America/New_York");
    /* 16:00 local is 20:00 UTC before the clocks go back (1 November 2026), 21:00 after. */
    expect_run(SL_SCHED_WEEKLY, tz, "2026-10-31T12:00:00Z", "2026-10-30T20:00:00Z", "2026-10-23", "2026-10-29",
               "coverage-weekly-2026-10-29");
    expect_run(SL_SCHED_WEEKLY, tz, "2026-11-07T12:00:00Z", "2026-11-06T21:00:00Z", "2026-10-30", "2026-11-05",
               "coverage-weekly-2026-11-05");
    assert_int_equal(sl_schedule_next_at(SL_SCHED_WEEKLY, tz, at("2026-10-31T12:00:00Z")),
                     at("2026-11-06T21:00:00Z"));
    sl_tz_free(tz);
}

static void test_due(void **state)
{
    (void)state;
    sl_tz *tz = zone("Asia/Shanghai");
    sl_schedule_run out[2];
    int64_t done[2] = {INT64_MIN, INT64_MIN};
    const unsigned both = SL_SCHED_WEEKLY | SL_SCHED_MONTHLY;
    /* At start-up (nothing made yet) the latest run of each kind is due: the missed ones, once. */
    int64_t now = at("2026-12-02T10:00:00+08:00");
    assert_int_equal(sl_schedule_due(both, tz, done, now, out), 2);
    assert_string_equal(out[0].name, "coverage-weekly-2026-11-26");
    assert_string_equal(out[1].name, "coverage-monthly-2026-11");
    done[0] = out[0].at_ms;
    done[1] = out[1].at_ms;
    /* Made: nothing is due until the next Friday 16:00. */
    assert_int_equal(sl_schedule_due(both, tz, done, now, out), 0);
    assert_int_equal(sl_schedule_due(both, tz, done, at("2026-12-04T15:59:59+08:00"), out), 0);
    assert_int_equal(sl_schedule_due(both, tz, done, at("2026-12-04T16:00:00+08:00"), out), 1);
    assert_int_equal(out[0].kind, SL_SCHED_WEEKLY);
    assert_string_equal(out[0].name, "coverage-weekly-2026-12-03");
    assert_int_equal(out[0].from_day, day("2026-11-27"));
    /* A hub down from Friday to Monday makes only the latest weekly run, not every week it missed. */
    assert_int_equal(sl_schedule_due(SL_SCHED_WEEKLY, tz, done, at("2026-12-21T09:00:00+08:00"), out), 1);
    assert_string_equal(out[0].name, "coverage-weekly-2026-12-17");
    /* Only the kinds asked for. */
    done[0] = done[1] = INT64_MIN;
    assert_int_equal(sl_schedule_due(SL_SCHED_MONTHLY, tz, done, now, out), 1);
    assert_int_equal(out[0].kind, SL_SCHED_MONTHLY);
    assert_int_equal(sl_schedule_due(0, tz, done, now, out), 0);
    sl_tz_free(tz);
}

static void test_options(void **state)
{
    (void)state;
    sl_schedule_cfg c;
    char err[256];
    sl_schedule_cfg_init(&c);
    assert_int_equal(c.kinds, 0);
    assert_string_equal(c.tz, "Asia/Shanghai");
    assert_int_equal(c.lang, SL_LANG_ZH);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, "weekly,monthly", err, sizeof err), 1);
    assert_int_equal(c.kinds, SL_SCHED_WEEKLY | SL_SCHED_MONTHLY);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, "monthly", err, sizeof err), 1);
    assert_int_equal(c.kinds, SL_SCHED_MONTHLY);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, "none", err, sizeof err), 1);
    assert_int_equal(c.kinds, 0);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, "daily", err, sizeof err), -1);
    assert_non_null(strstr(err, "daily"));
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, "weekly,", err, sizeof err), 1);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_REPORTS, ",", err, sizeof err), -1);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_TZ, "Europe/London", err, sizeof err), 1);
    assert_string_equal(c.tz, "Europe/London");
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_TZ, "Mars/Olympus", err, sizeof err), -1);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_TZ, "../etc/passwd", err, sizeof err), -1);
    assert_string_equal(c.tz, "Europe/London");
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_LANG, "en", err, sizeof err), 1);
    assert_int_equal(c.lang, SL_LANG_EN);
    assert_int_equal(sl_schedule_cfg_take(&c, SL_SCHED_OPT_LANG, "fr", err, sizeof err), -1);
    assert_int_equal(sl_schedule_cfg_take(&c, 'd', "x", err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_runs), cmocka_unit_test(test_monthly_runs),
        cmocka_unit_test(test_runs_follow_daylight_saving), cmocka_unit_test(test_due),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
