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

/* A record as JSON carries every wire member, names for the enums, and
 * mono_start_ms only when it is known. */
static void test_record_to_json(void **state)
{
    (void)state;
    sl_play_record r;
    memset(&r, 0, sizeof r);
    r.seq = 42;
    snprintf(r.item, sizeof r.item, "poster-app");
    snprintf(r.zone, sizeof r.zone, "main");
    r.manifest_version = 7;
    r.start_ms = 1795564800123LL;
    r.mono_start_ms = 5000;
    r.clock_trust = SL_CLOCK_CORRECTED;
    r.duration_ms = 10000;
    r.outcome = SL_OUTCOME_CUT_SHORT;
    snprintf(r.reason, sizeof r.reason, "urgent alert");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_outcome_names),
        cmocka_unit_test(test_record_clock_trust_names),
        cmocka_unit_test(test_record_parse_round_trips),
        cmocka_unit_test(test_record_parse_rejects_other_names),
        cmocka_unit_test(test_record_to_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
