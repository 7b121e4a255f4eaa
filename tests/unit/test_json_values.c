/* test_json_values.c — sl_json_parse's cap on the number of values (member names included), checked before cJSON parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text with at most max values; returns whether it was accepted. */
static bool parses(const char *text, size_t max, char *err, size_t errlen)
{
    sl_json_limits lim = {.max_values = max};
    cJSON *j = sl_json_parse(text, strlen(text), &lim, err, errlen);
    cJSON_Delete(j);
    return j != NULL;
}

static void test_values_counted_exactly(void **state)
{
    (void)state;
    char err[256];
    /* 1 object + 2 names + a string + an array of 5 (true false null -1.5e3 {}) = 10 values. */
    const char *t = "{\"a\": \"x, [y] {z} true\", \"b\": [true, false, null, -1.5e3, {}]}";
    assert_true(parses(t, 10, err, sizeof err));
    assert_false(parses(t, 9, err, sizeof err));
    assert_non_null(strstr(err, "more than 9 values"));
    assert_true(parses(t, 0, err, sizeof err)); /* 0: no limit */
    assert_true(parses("0", 1, err, sizeof err));
    assert_false(parses("[0]", 1, err, sizeof err));
    /* Escaped quotes inside strings do not start values. */
    assert_true(parses("[\"a\\\"b\\\\\", \"t f n\"]", 3, err, sizeof err));
}

/* A large array of zeros stops at the limit, with where. */
static void test_values_zeros_refused(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *t = malloc(2 * n + 2);
    assert_non_null(t);
    t[0] = '[';
    for (size_t i = 0; i < n; i++) {
        t[1 + 2 * i] = '0';
        t[2 + 2 * i] = i + 1 < n ? ',' : ']';
    }
    t[2 * n + 1] = '\0';
    char err[256];
    assert_false(parses(t, 1000, err, sizeof err));
    assert_non_null(strstr(err, "line 1, column 2000: more than 1000 values"));
    assert_true(parses(t, n + 1, err, sizeof err));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_counted_exactly),
        cmocka_unit_test(test_values_zeros_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
