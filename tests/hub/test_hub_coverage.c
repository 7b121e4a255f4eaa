/* test_hub_coverage.c — the coverage report against a real SQLite store: required hours, lit time, floors, verdicts and reasons. */
#define _POSIX_C_SOURCE 200809L
#include "content/timeutil.h"
#include "tools/hub/coverage/hub_coverage.h"
#include "tests/hub/hubfix.h"
#include "tools/hub/service/hub_mainzone.h"
#include "tools/hub/service/hub_plays.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define H 3600000LL
#define MIN 60000LL

/* 2026-11-25 (a Wednesday) 00:00 in Asia/Shanghai (UTC+8), as UTC ms. */
static int64_t local_midnight(void)
{
    return sl_days_from_civil(2026, 11, 25) * SL_MS_PER_DAY - 8 * H;
}

typedef struct {
    char dir[64];
    sl_hub hub;
    int64_t seq[8];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || sl_hubfix_open(&f->hub, f->dir, sizeof f->dir, "sl-cov") != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_hubfix_close(&f->hub, f->dir);
    free(f);
    return 0;
}

static const cJSON *screen_of(const cJSON *doc, const char *id)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "screens"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(s, "id")->valuestring, id) == 0)
            return s;
    }
    fail_msg("screen %s not in the report", id);
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static bool has_reason(const cJSON *s, const char *code)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(s, "reasons"))
    {
        if (strcmp(str(r, "code"), code) == 0)
            return true;
    }
    return false;
}

static int64_t item_plays(const cJSON *s, const char *item, const char *key)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s, "items"))
    {
        if (strcmp(str(it, "item"), item) == 0)
            return (int64_t)num(it, key);
    }
    return 0;
}

static void test_verdicts(void **state)
{
    fixture *f = *state;
    sl_store *st = f->hub.store;
    char err[256];
    const int64_t m0 = local_midnight();
    /* Required 08:30-10:30 local on weekdays: 1800 s in the 08:00 hour,
     * 3600 in the 09:00 hour, 1800 in the 10:00 hour = 7200 s. */
    sl_hubfix_screen(st, "a-full", NULL, "东城区", "bank", "mon-fri 08:30-10:30");
    sl_hubfix_screen(st, "b-half", NULL, "东城区", "bank", "mon-fri 08:30-10:30");
    sl_hubfix_screen(st, "c-never", NULL, "西城区", "station", "mon-fri 08:30-10:30");
    sl_hubfix_screen(st, "d-untrusted", NULL, "西城区", "bank", "daily 00:00-24:00");
    sl_hubfix_screen(st, "e-weekend", NULL, "西城区", "bank", "sat,sun 09:00-12:00");
    sl_hubfix_enrol(st, "a-full", 1);
    sl_hubfix_enrol(st, "b-half", 2);
    sl_hubfix_enrol(st, "d-untrusted", 4);
    /* a: the main zone ("big", the largest) all morning; poster-app every 6th
     * play = 60 an hour (floor 6); the ticker plays too but is not lit time. */
    sl_hubfix_plays(&f->hub, &f->seq[0], "a-full", "big", m0 + 8 * H, m0 + 11 * H, 6, SL_CLOCK_SYNCED);
    sl_hubfix_plays(&f->hub, &f->seq[0], "a-full", "ticker", m0 + 8 * H, m0 + 11 * H, 0, SL_CLOCK_SYNCED);
    /* b: only 08:30-09:30, and poster-app too rarely (every 100th: 2 in the 09:00 hour). */
    sl_hubfix_plays(&f->hub, &f->seq[1], "b-half", "big", m0 + 8 * H + 30 * MIN, m0 + 9 * H + 30 * MIN, 100, SL_CLOCK_SYNCED);
    /* d: plays with an untrusted clock only (counted in the hour received: now). */
    sl_hubfix_plays(&f->hub, &f->seq[3], "d-untrusted", "big", 0, 600000, 6, SL_CLOCK_UNTRUSTED);
    /* a and b sent heartbeats every minute of the morning. */
    for (int64_t t = m0 + 8 * H; t < m0 + 11 * H; t += MIN) {
        bool shot;
        sl_hub_heartbeat hb = {.received_ms = t, .content_version = 1, .status_json = "{}"};
        assert_int_equal(st->ops->heartbeat_put(st, "a-full", &hb, &shot, err, sizeof err), SL_ST_OK);
        assert_int_equal(st->ops->heartbeat_put(st, "b-half", &hb, &shot, err, sizeof err), SL_ST_OK);
    }

    int64_t day = sl_days_from_civil(2026, 11, 25);
    sl_coverage_query q = {.from_day = day, .to_day = day, .detail_hours = true};
    cJSON *doc = sl_coverage_report(&f->hub, &q, m0 + 12 * H, err, sizeof err);
    assert_non_null(doc);

    const cJSON *a = screen_of(doc, "a-full");
    assert_string_equal(str(a, "status"), "lit");
    assert_int_equal((int64_t)num(a, "required_s"), 7200);
    assert_int_equal((int64_t)num(a, "lit_s"), 7200); /* capped at each hour's required seconds */
    assert_true(num(a, "coverage_pct") == 100.0);
    assert_int_equal((int64_t)num(a, "required_hours"), 3);
    assert_int_equal((int64_t)num(a, "floors_missed"), 0);
    assert_int_equal((int64_t)num(a, "online_min"), 180);
    /* 3 h of 10 s plays in each zone: 1080 + 1080; poster-app every 6th = 180. */
    assert_int_equal((int64_t)num(a, "plays"), 2160);
    assert_int_equal(item_plays(a, "poster-app", "plays"), 180);
    assert_int_equal(item_plays(a, "slogan", "plays"), 1080);
    /* The floor applies to the 09:00 and 10:00 hours (the rule covers them whole). */
    assert_int_equal(item_plays(a, "poster-app", "floor_hours"), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "reasons")), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "hours")), 3);

    const cJSON *b = screen_of(doc, "b-half");
    assert_string_equal(str(b, "status"), "short");
    assert_int_equal((int64_t)num(b, "lit_s"), 3600); /* 1800 in the 08:00 hour + 1800 in the 09:00 hour */
    assert_true(num(b, "coverage_pct") == 50.0);
    assert_int_equal(item_plays(b, "poster-app", "floor_missed_hours"), 2); /* 2 < 6 at 09:00; none at 10:00 */
    assert_true(has_reason(b, "items_missing"));
    assert_true(has_reason(b, "not_playing")); /* on (heartbeats) but no plays at 10:00 */

    const cJSON *c = screen_of(doc, "c-never");
    assert_string_equal(str(c, "status"), "dark");
    assert_true(has_reason(c, "never_enrolled"));

    const cJSON *d = screen_of(doc, "d-untrusted");
    assert_string_equal(str(d, "status"), "dark");
    assert_true(has_reason(d, "offline"));
    assert_int_equal((int64_t)num(d, "required_s"), 86400);

    const cJSON *e = screen_of(doc, "e-weekend");
    assert_string_equal(str(e, "status"), "idle"); /* nothing required on a Wednesday */

    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    assert_int_equal((int64_t)num(sum, "screens"), 4);
    assert_int_equal((int64_t)num(sum, "lit"), 1);
    assert_int_equal((int64_t)num(sum, "short"), 1);
    assert_int_equal((int64_t)num(sum, "dark"), 2);
    assert_int_equal((int64_t)num(sum, "idle"), 1);
    assert_int_equal((int64_t)num(sum, "required_s"), 3 * 7200 + 86400);
    assert_int_equal((int64_t)num(sum, "lit_s"), 7200 + 3600);
    /* The dark list: worst first, dark and short only. */
    const cJSON *dark = cJSON_GetObjectItemCaseSensitive(doc, "dark");
    assert_int_equal(cJSON_GetArraySize(dark), 3);
    assert_string_equal(str(cJSON_GetArrayItem(dark, 2), "id"), "b-half");
    /* Rollups. */
    const cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "by_region"), 0);
    assert_string_equal(str(r0, "region"), "东城区");
    assert_int_equal((int64_t)num(r0, "lit_s"), 10800);
    assert_true(num(r0, "coverage_pct") == 75.0);
    const cJSON *day0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "by_day"), 0);
    assert_string_equal(str(day0, "date"), "2026-11-25");
    assert_int_equal((int64_t)num(day0, "required_s"), 3 * 7200 + 86400);
    cJSON_Delete(doc);

    /* Untrusted plays have no known time: they are reported in the days
     * the hub received them (today), not counted as lit. */
    int64_t today = sl_floordiv(sl_hub_now_ms(), SL_MS_PER_DAY);
    sl_coverage_query qd = {.from_day = today - 1, .to_day = today + 1, .screen = "d-untrusted"};
    doc = sl_coverage_report(&f->hub, &qd, m0 + 12 * H, err, sizeof err);
    assert_non_null(doc);
    d = screen_of(doc, "d-untrusted");
    assert_string_equal(str(d, "status"), "dark");
    assert_int_equal((int64_t)num(d, "lit_s"), 0);
    assert_int_equal((int64_t)num(d, "untrusted_plays"), 60);
    assert_int_equal((int64_t)num(d, "untrusted_s"), 600);
    assert_true(has_reason(d, "clock_untrusted"));
    cJSON_Delete(doc);

    /* Filters and threshold. */
    sl_coverage_query q2 = {.from_day = day, .to_day = day, .region = "东城区", .threshold_pct = 50};
    doc = sl_coverage_report(&f->hub, &q2, m0 + 12 * H, err, sizeof err);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "screens")), 2);
    /* b reaches 50 % but still misses its floor: short, not lit. */
    assert_string_equal(str(screen_of(doc, "b-half"), "status"), "short");
    cJSON_Delete(doc);

    /* A week: the weekend screen is required on Saturday and Sunday. */
    sl_coverage_query q3 = {.from_day = day, .to_day = day + 6, .screen = "e-weekend"};
    doc = sl_coverage_report(&f->hub, &q3, m0 + 12 * H, err, sizeof err);
    assert_non_null(doc);
    const cJSON *e2 = screen_of(doc, "e-weekend");
    assert_int_equal((int64_t)num(e2, "required_s"), 2 * 3 * 3600);
    assert_string_equal(str(e2, "status"), "dark");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "by_day")), 7);
    cJSON_Delete(doc);
}

/* The main zone is the largest; a sound zone never is (FORMAT.md: it has no
 * area, and a manifest that gives it one does not make it lit time). */
static void test_main_zone(void **state)
{
    (void)state;
    char zone[SL_RECORD_ID_MAX + 1] = "";
    const char *p = "{\"zones\":[{\"id\":\"voice\",\"sound\":true},{\"id\":\"ticker\",\"w\":100,\"h\":12},"
                    "{\"id\":\"big\",\"w\":100,\"h\":88}]}";
    assert_int_equal(sl_mainzone_of_payload(p, strlen(p), zone), 0);
    assert_string_equal(zone, "big");
    p = "{\"zones\":[{\"id\":\"voice\",\"sound\":true,\"w\":100,\"h\":100},{\"id\":\"banner\",\"w\":100,\"h\":10}]}";
    assert_int_equal(sl_mainzone_of_payload(p, strlen(p), zone), 0);
    assert_string_equal(zone, "banner");
    p = "{\"zones\":[{\"id\":\"voice\",\"sound\":true}]}";
    assert_int_equal(sl_mainzone_of_payload(p, strlen(p), zone), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
        cmocka_unit_test(test_main_zone),
    };
    return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
