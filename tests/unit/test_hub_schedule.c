/* test_hub_schedule.c — unit tests of the report schedule: which weekly and monthly runs are due, their periods and names, in the schedule's zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"
#include "tools/hub/coverage/hub_schedule.h"

#include <stdio.h>
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

static void expect_period(const char *zone_name, const char *name, const char *now, const char *from, const char *to)
{
    sl_tz *tz = zone(zone_name);
    sl_sched_period p;
    int64_t f, t;
    assert_int_equal(sl_schedule_period_parse(name, &p), 0);
    sl_schedule_period(p, tz, at(now), &f, &t);
    if (f != day(from) || t != day(to)) {
        char gf[16], gt[16];
        sl_date_format(f, gf, sizeof gf);
        sl_date_format(t, gt, sizeof gt);
        fail_msg("%s at %s in %s: %s to %s, wanted %s to %s", name, now, zone_name, gf, gt, from, to);
    }
    sl_tz_free(tz);
}

/* The periods people pick are the scheduled runs' periods: the week turns
 * on Friday at 16:00 local time, the month at the 1st 00:00. */
static void test_periods(void **state)
{
    (void)state;
    /* Friday 27 November 2026, 15:59: last week is the run made on the 20th;
     * this week is the one its 16:00 run will settle, Friday 20 to Thursday 26. */
    expect_period("Asia/Shanghai", "last_week", "2026-11-27T15:59:00+08:00", "2026-11-13", "2026-11-19");
    expect_period("Asia/Shanghai", "this_week", "2026-11-27T15:59:00+08:00", "2026-11-20", "2026-11-26");
    /* 16:00: the week turns. This week has begun today and goes up to today. */
    expect_period("Asia/Shanghai", "last_week", "2026-11-27T16:00:00+08:00", "2026-11-20", "2026-11-26");
    expect_period("Asia/Shanghai", "this_week", "2026-11-27T16:00:00+08:00", "2026-11-27", "2026-11-27");
    expect_period("Asia/Shanghai", "this_week", "2026-11-29T10:00:00+08:00", "2026-11-27", "2026-11-29");
    expect_period("Asia/Shanghai", "last_week", "2026-12-04T15:59:59+08:00", "2026-11-20", "2026-11-26");
    /* Months: the last second of November, then midnight of the 1st. */
    expect_period("Asia/Shanghai", "last_month", "2026-11-30T23:59:59+08:00", "2026-10-01", "2026-10-31");
    expect_period("Asia/Shanghai", "this_month", "2026-11-30T23:59:59+08:00", "2026-11-01", "2026-11-30");
    expect_period("Asia/Shanghai", "last_month", "2026-12-01T00:00:00+08:00", "2026-11-01", "2026-11-30");
    expect_period("Asia/Shanghai", "this_month", "2026-12-01T00:00:00+08:00", "2026-12-01", "2026-12-01");
    /* The same instant written in UTC: still the 1st in Shanghai. */
    expect_period("Asia/Shanghai", "last_month", "2026-11-30T16:00:00Z", "2026-11-01", "2026-11-30");
    /* Across the year, and February of a leap year. */
    expect_period("Asia/Shanghai", "last_month", "2027-01-01T00:00:00+08:00", "2026-12-01", "2026-12-31");
    expect_period("Asia/Shanghai", "this_month", "2027-01-15T12:00:00+08:00", "2027-01-01", "2027-01-15");
    expect_period("Asia/Shanghai", "last_month", "2028-03-01T08:00:00+08:00", "2028-02-01", "2028-02-29");
    expect_period("Asia/Shanghai", "last_week", "2027-01-01T16:00:00+08:00", "2026-12-25", "2026-12-31");
    /* The hub's zone decides: Friday 08:30 UTC is 16:30 in Shanghai (the
     * week has turned) but 03:30 in New York (it has not). */
    expect_period("Asia/Shanghai", "last_week", "2026-11-27T08:30:00Z", "2026-11-20", "2026-11-26");
    expect_period("America/New_York", "last_week", "2026-11-27T08:30:00Z", "2026-11-13", "2026-11-19");
    expect_period("America/New_York", "last_week", "2026-11-27T20:59:00Z", "2026-11-13", "2026-11-19");
    expect_period("America/New_York", "last_week", "2026-11-27T21:00:00Z", "2026-11-20", "2026-11-26");
    expect_period("America/New_York", "this_month", "2026-12-01T04:59:00Z", "2026-11-01", "2026-11-30");
    expect_period("America/New_York", "this_month", "2026-12-01T05:00:00Z", "2026-12-01", "2026-12-01");

    sl_sched_period p;
    assert_int_equal(sl_schedule_period_parse("Last_week", &p), -1);
    assert_int_equal(sl_schedule_period_parse("", &p), -1);
    assert_int_equal(sl_schedule_period_parse("custom", &p), -1);
    assert_int_equal(sl_schedule_period_parse(NULL, &p), -1);
    /* The run in progress is the one after the latest. */
    sl_tz *tz = zone("Asia/Shanghai");
    sl_schedule_run r;
    assert_int_equal(sl_schedule_current(SL_SCHED_WEEKLY, tz, at("2026-11-27T16:00:00+08:00"), &r), 0);
    assert_string_equal(r.name, "coverage-weekly-2026-12-03");
    assert_int_equal(r.at_ms, at("2026-12-04T16:00:00+08:00"));
    assert_int_equal(sl_schedule_current(SL_SCHED_MONTHLY, tz, at("2026-12-31T23:59:59+08:00"), &r), 0);
    assert_string_equal(r.name, "coverage-monthly-2026-12");
    assert_int_equal(sl_schedule_current((sl_sched_kind)7, tz, 0, &r), -1);
    sl_tz_free(tz);
}

/* Only the names the schedule gives its files are taken as reports. */
static void test_file_names(void **state)
{
    (void)state;
    sl_tz *tz = zone("Asia/Shanghai");
    sl_schedule_run r;
    sl_report_format f;
    assert_int_equal(sl_schedule_file_parse("coverage-weekly-2026-11-26.xlsx", tz, &r, &f), 0);
    assert_int_equal(r.kind, SL_SCHED_WEEKLY);
    assert_int_equal(f, SL_REPORT_XLSX);
    assert_int_equal(r.from_day, day("2026-11-20"));
    assert_int_equal(r.to_day, day("2026-11-26"));
    assert_int_equal(r.at_ms, at("2026-11-27T16:00:00+08:00"));
    assert_string_equal(r.name, "coverage-weekly-2026-11-26");
    assert_int_equal(sl_schedule_file_parse("coverage-weekly-2026-11-26.csv", tz, &r, &f), 0);
    assert_int_equal(f, SL_REPORT_CSV);
    assert_int_equal(sl_schedule_file_parse("coverage-weekly-2026-11-26.html", tz, &r, &f), 0);
    assert_int_equal(f, SL_REPORT_HTML);
    assert_int_equal(sl_schedule_file_parse("coverage-monthly-2026-12.csv", tz, &r, &f), 0);
    assert_int_equal(r.kind, SL_SCHED_MONTHLY);
    assert_int_equal(r.from_day, day("2026-12-01"));
    assert_int_equal(r.to_day, day("2026-12-31"));
    assert_string_equal(r.name, "coverage-monthly-2026-12");
    /* The name a run makes is one it takes back. */
    sl_schedule_last(SL_SCHED_WEEKLY, tz, at("2027-03-05T16:00:00+08:00"), &r);
    char name[80];
    snprintf(name, sizeof name, "%s.html", r.name);
    sl_schedule_run back;
    assert_int_equal(sl_schedule_file_parse(name, tz, &back, &f), 0);
    assert_int_equal(back.from_day, r.from_day);
    static const char *const bad[] = {
        "coverage-weekly-2026-11-25.csv",   /* a Wednesday: no run ends then */
        "coverage-weekly-2026-11-26.json",  /* the schedule writes no JSON */
        "coverage-weekly-2026-11-26.XLSX",  "COVERAGE-WEEKLY-2026-11-26.xlsx",
        "coverage-weekly-2026-11-26",       "coverage-weekly-2026-11-26.",
        "coverage-weekly-2026-11-26.xlsx.tmp.42.xlsx", /* a file being written */
        "coverage-weekly-2026-11-26.csv/x", "coverage-weekly-2026-11-26.csv\n",
        "coverage-weekly-2026-1-26.csv",    "coverage-weekly-2026-02-30.csv",
        "coverage-monthly-2026-13.csv",     "coverage-monthly-2026-1.csv",
        "coverage-monthly-2026-11-01.csv",  "coverage-daily-2026-11-26.csv",
        "../coverage-weekly-2026-11-26.csv", "/tmp/coverage-weekly-2026-11-26.csv",
        "reports/coverage-weekly-2026-11-26.csv", "..", ".", "", "%2e%2e", "..%2fhub.db",
        "%2e%2e%2fcoverage-weekly-2026-11-26.csv", "hub.db", "coverage-weekly-2026-11-26..csv",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sl_schedule_file_parse(bad[i], tz, &r, &f) != -1)
            fail_msg("'%s' was taken for a report", bad[i]);
    assert_int_equal(sl_schedule_file_parse(NULL, tz, &r, &f), -1);
    sl_tz_free(tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_runs), cmocka_unit_test(test_monthly_runs),
        cmocka_unit_test(test_runs_follow_daylight_saving), cmocka_unit_test(test_due),
        cmocka_unit_test(test_options), cmocka_unit_test(test_periods),
        cmocka_unit_test(test_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
