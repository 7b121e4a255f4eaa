/* test_record.c — unit tests of content/record: outcome and clock-trust names, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_outcome_names),
        cmocka_unit_test(test_record_clock_trust_names),
        cmocka_unit_test(test_record_parse_round_trips),
        cmocka_unit_test(test_record_parse_rejects_other_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
