/* test_record.c — unit tests of content/record: outcome and clock-trust names both ways, a record as JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/record.h"

static void test_record_outcome_names(void **state)
{
    (void)state;
    assert_string_equal(sl_outcome_name(SL_OUTCOME_COMPLETED), "completed");
    assert_string_equal(sl_outcome_name(SL_OUTCOME_CUT_SHORT), "cut_short");
    assert_string_equal(sl_outcome_name(SL_OUTCOME_FAILED), "failed");
    assert_string_equal(sl_outcome_name((sl_outcome)3), "unknown");
    assert_string_equal(sl_outcome_name((sl_outcome)-1), "unknown");
    assert_string_equal(sl_outcome_name((sl_outcome)1000000), "unknown");
}

static void test_record_clock_trust_names(void **state)
{
    (void)state;
    assert_string_equal(sl_clock_trust_name(SL_CLOCK_UNTRUSTED), "untrusted");
    assert_string_equal(sl_clock_trust_name(SL_CLOCK_SYNCED), "synced");
    assert_string_equal(sl_clock_trust_name(SL_CLOCK_CORRECTED), "corrected");
    assert_string_equal(sl_clock_trust_name(SL_CLOCK_SIMULATED), "simulated");
    assert_string_equal(sl_clock_trust_name((sl_clock_trust)4), "unknown");
    assert_string_equal(sl_clock_trust_name((sl_clock_trust)-1), "unknown");
}

static void test_record_parse_round_trips(void **state)
{
    (void)state;
    for (int o = SL_OUTCOME_COMPLETED; o <= SL_OUTCOME_FAILED; o++)
        assert_int_equal(sl_outcome_parse(sl_outcome_name((sl_outcome)o)), o);
    for (int t = SL_CLOCK_UNTRUSTED; t <= SL_CLOCK_SIMULATED; t++)
        assert_int_equal(sl_clock_trust_parse(sl_clock_trust_name((sl_clock_trust)t)), t);
}

static void test_record_parse_rejects_other_names(void **state)
{
    (void)state;
    assert_int_equal(sl_outcome_parse(NULL), -1);
    assert_int_equal(sl_outcome_parse(""), -1);
    assert_int_equal(sl_outcome_parse("unknown"), -1);
    assert_int_equal(sl_outcome_parse("Completed"), -1);
    assert_int_equal(sl_outcome_parse("completed "), -1);
    assert_int_equal(sl_outcome_parse("cut short"), -1);
    assert_int_equal(sl_clock_trust_parse(NULL), -1);
    assert_int_equal(sl_clock_trust_parse(""), -1);
    assert_int_equal(sl_clock_trust_parse("unknown"), -1);
    assert_int_equal(sl_clock_trust_parse("SYNCED"), -1);
    assert_int_equal(sl_clock_trust_parse("sync"), -1);
}

/* A record with every member set. */
static void sample_record(sl_play_record *r)
{
    memset(r, 0, sizeof *r);
    r->seq = 42;
    snprintf(r->item, sizeof r->item, "poster-app");
    snprintf(r->zone, sizeof r->zone, "main");
    r->manifest_version = 7;
    r->start_ms = 1795564800123LL;
    r->mono_start_ms = 5000;
    r->clock_trust = SL_CLOCK_CORRECTED;
    r->duration_ms = 10000;
    r->outcome = SL_OUTCOME_CUT_SHORT;
    snprintf(r->reason, sizeof r->reason, "urgent alert");
}

/* A record as JSON carries every wire member, names for the enums, and
 * mono_start_ms only when it is known. */
static void test_record_to_json(void **state)
{
    (void)state;
    sl_play_record r;
    sample_record(&r);
    cJSON *o = sl_record_to_json(&r);
    assert_non_null(o);
    char *text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"seq\":42,\"item\":\"poster-app\",\"media_sha256\":\"\",\"manifest_version\":7,"
                              "\"zone\":\"main\",\"start_ms\":1795564800123,\"clock_trust\":\"corrected\","
                              "\"duration_ms\":10000,\"outcome\":\"cut_short\",\"reason\":\"urgent alert\","
                              "\"mono_start_ms\":5000}");
    free(text);
    cJSON_Delete(o);
    r.mono_start_ms = -1;
    o = sl_record_to_json(&r);
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "mono_start_ms"));
    cJSON_Delete(o);
}

/* Records on the wire carry only the names API.md allows: an outcome
 * outside the enum (a damaged journal or store row) is sent as "failed",
 * a clock trust outside it as "untrusted" (the names for people say
 * "unknown"). */
static void test_record_to_json_out_of_range(void **state)
{
    (void)state;
    sl_play_record r;
    memset(&r, 0, sizeof r);
    r.seq = 1;
    snprintf(r.item, sizeof r.item, "a");
    snprintf(r.zone, sizeof r.zone, "main");
    r.outcome = (sl_outcome)7;
    r.clock_trust = (sl_clock_trust)5;
    for (int listed = 0; listed < 2; listed++) {
        cJSON *o = listed ? sl_record_to_json_listed(&r) : sl_record_to_json(&r);
        assert_non_null(o);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "outcome")->valuestring, "failed");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "clock_trust")->valuestring, "untrusted");
        cJSON_Delete(o);
    }
    r.outcome = (sl_outcome)-1;
    r.clock_trust = (sl_clock_trust)-1;
    cJSON *o = sl_record_to_json(&r);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "outcome")->valuestring, "failed");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "clock_trust")->valuestring, "untrusted");
    cJSON_Delete(o);
}

/* The hub's listing: "start" with milliseconds before start_ms, and
 * mono_start_ms right after it, always. */
static void test_record_to_json_listed(void **state)
{
    (void)state;
    sl_play_record r;
    memset(&r, 0, sizeof r);
    r.seq = 3;
    snprintf(r.item, sizeof r.item, "poster");
    snprintf(r.media_sha256, sizeof r.media_sha256, "%064d", 0);
    snprintf(r.zone, sizeof r.zone, "main");
    r.manifest_version = 2;
    r.start_ms = 1795564800007LL;
    r.clock_trust = SL_CLOCK_SYNCED;
    r.duration_ms = 5000;
    r.outcome = SL_OUTCOME_COMPLETED;
    cJSON *o = sl_record_to_json_listed(&r);
    assert_non_null(o);
    char *text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"seq\":3,\"item\":\"poster\",\"media_sha256\":"
                              "\"0000000000000000000000000000000000000000000000000000000000000000\","
                              "\"manifest_version\":2,\"zone\":\"main\",\"start\":\"2026-11-25T00:00:00.007Z\","
                              "\"start_ms\":1795564800007,\"mono_start_ms\":0,\"clock_trust\":\"synced\","
                              "\"duration_ms\":5000,\"outcome\":\"completed\",\"reason\":\"\"}");
    free(text);
    cJSON_Delete(o);
}

/* Parses text as one record; returns sl_record_from_json's result. */
static int from_text(const char *text, sl_play_record *r, char *why, size_t len)
{
    cJSON *o = cJSON_Parse(text);
    why[0] = '\0';
    int rc = sl_record_from_json(o, r, why, len);
    cJSON_Delete(o);
    return rc;
}

/* What a screen posts reads back into the same record. */
static void test_record_from_json_round_trip(void **state)
{
    (void)state;
    sl_play_record r, back;
    char why[160];
    sample_record(&r);
    for (int listed = 0; listed < 2; listed++) {
        cJSON *o = listed ? sl_record_to_json_listed(&r) : sl_record_to_json(&r);
        assert_int_equal(sl_record_from_json(o, &back, why, sizeof why), 0);
        cJSON_Delete(o);
        assert_memory_equal(&r, &back, sizeof r);
    }
    /* "start" alone; mono_start_ms absent is 0. */
    assert_int_equal(from_text("{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start\":\"2026-11-25T00:30:00.250Z\","
                               "\"clock_trust\":\"synced\",\"duration_ms\":1,\"outcome\":\"failed\","
                               "\"reason\":\"no file\",\"screen\":\"s1\"}",
                               &back, why, sizeof why),
                     0);
    assert_int_equal(back.start_ms, 1795566600250LL);
    assert_int_equal(back.mono_start_ms, 0);
    assert_int_equal(back.outcome, SL_OUTCOME_FAILED);
    assert_string_equal(back.screen, "");
}

/* Each wrong member is named, with what it must be. */
static void test_record_from_json_rejects(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"[]", "not an object"},
        {"{\"item\":\"a\"}", "\"seq\" must be an integer from 1"},
        {"{\"seq\":1.5}", "\"seq\" must be an integer from 1"},
        {"{\"seq\":1,\"item\":\".a\"}", "\"item\" must be an item id"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z z\"}", "\"zone\" must be a zone id"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"media_sha256\":\"AB\"}",
         "\"media_sha256\" must be \"\" or 64 lowercase hex digits"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"manifest_version\":-1}",
         "\"manifest_version\" must be an integer from 0"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\"}", "\"start\" (or \"start_ms\") is missing"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start\":\"yesterday\"}",
         "\"start\" must be an ISO 8601 instant such as 2026-11-25T00:30:00.000Z"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start\":\"2026-11-25T00:30:00Z\",\"start_ms\":1}",
         "\"start\" and \"start_ms\" disagree"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":253402300800000}", "\"start\" is before 1970 or after 9999"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":1,\"mono_start_ms\":-5}",
         "\"mono_start_ms\" must be an integer from 0"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":1,\"clock_trust\":\"unknown\"}",
         "\"clock_trust\" must be synced, untrusted, corrected or simulated"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":1,\"clock_trust\":\"synced\",\"duration_ms\":604800001}",
         "\"duration_ms\" must be an integer from 0 to 604800000"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":1,\"clock_trust\":\"synced\",\"duration_ms\":1,"
         "\"outcome\":\"unknown\"}",
         "\"outcome\" must be completed, cut_short or failed"},
        {"{\"seq\":1,\"item\":\"a\",\"zone\":\"z\",\"start_ms\":1,\"clock_trust\":\"synced\",\"duration_ms\":1,"
         "\"outcome\":\"failed\",\"reason\":\"a\\u0001b\"}",
         "\"reason\" must be text of at most 127 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_play_record r;
        char why[160];
        assert_int_equal(from_text(cases[i].text, &r, why, sizeof why), -1);
        assert_string_equal(why, cases[i].why);
    }
}

/* A skipped item's record: failed, 0 ms, the prefix; nothing else is one. */
static void test_record_is_skip(void **state)
{
    (void)state;
    sl_play_record r = {.outcome = SL_OUTCOME_FAILED, .duration_ms = 0};
    snprintf(r.reason, sizeof r.reason, SL_RECORD_SKIPPED_PREFIX "media/a.mp4 does not exist");
    assert_true(sl_record_is_skip(&r));
    r.duration_ms = 10000; /* failed when due: the fallback stood in */
    assert_false(sl_record_is_skip(&r));
    r.duration_ms = 0;
    r.outcome = SL_OUTCOME_CUT_SHORT;
    assert_false(sl_record_is_skip(&r));
    r.outcome = SL_OUTCOME_FAILED;
    snprintf(r.reason, sizeof r.reason, "could not be shown");
    assert_false(sl_record_is_skip(&r));
    assert_false(sl_record_is_skip(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_outcome_names),
        cmocka_unit_test(test_record_clock_trust_names),
        cmocka_unit_test(test_record_parse_round_trips),
        cmocka_unit_test(test_record_parse_rejects_other_names),
        cmocka_unit_test(test_record_to_json),
        cmocka_unit_test(test_record_to_json_out_of_range),
        cmocka_unit_test(test_record_to_json_listed),
        cmocka_unit_test(test_record_from_json_round_trip),
        cmocka_unit_test(test_record_from_json_rejects),
        cmocka_unit_test(test_record_is_skip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
