/* test_wire.c — unit tests of content/wire: the identifier rule, the text check, the hub's error replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "content/json.h"
#include "content/wire.h"

static void test_wire_id_ok(void **state)
{
    (void)state;
    char id[SL_WIRE_ID_MAX + 2];
    assert_true(sl_wire_id_ok("lobby-1"));
    assert_true(sl_wire_id_ok("A.b_C-9"));
    assert_true(sl_wire_id_ok("9"));
    assert_false(sl_wire_id_ok(NULL));
    assert_false(sl_wire_id_ok(""));
    assert_false(sl_wire_id_ok(".hidden"));
    assert_false(sl_wire_id_ok("-flag"));
    assert_false(sl_wire_id_ok("a b"));
    assert_false(sl_wire_id_ok("a/b"));
    assert_false(sl_wire_id_ok("caf\xc3\xa9")); /* ASCII only */
    memset(id, 'x', SL_WIRE_ID_MAX);
    id[SL_WIRE_ID_MAX] = '\0';
    assert_true(sl_wire_id_ok(id));
    id[SL_WIRE_ID_MAX] = 'x';
    id[SL_WIRE_ID_MAX + 1] = '\0';
    assert_false(sl_wire_id_ok(id));
}

static void test_wire_text_ok(void **state)
{
    (void)state;
    assert_true(sl_wire_text_ok("Lobby 城东", strlen("Lobby 城东"), false));
    assert_true(sl_wire_text_ok("", 0, false));
    assert_false(sl_wire_text_ok("a\tb", 3, false));
    assert_true(sl_wire_text_ok("a\tb", 3, true));
    assert_false(sl_wire_text_ok("a\nb", 3, true));
    assert_false(sl_wire_text_ok("a\x7f", 2, false));
    assert_false(sl_wire_text_ok("a\0b", 3, false));
    assert_false(sl_wire_text_ok("\xc0\xaf", 2, false));     /* overlong */
    assert_false(sl_wire_text_ok("\xed\xa0\x80", 3, false)); /* surrogate */
    assert_false(sl_wire_text_ok("\xe4\xb8", 2, false));     /* cut */
    assert_false(sl_wire_text_ok("\xf4\x90\x80\x80", 4, false)); /* past U+10FFFF */
}

/* Cutting a text to a buffer never splits a character and leaves a wire text. */
static void test_wire_text_cut(void **state)
{
    (void)state;
    char b[8];
    sl_wire_text_cut(b, sizeof b, "abc");
    assert_string_equal(b, "abc");
    sl_wire_text_cut(b, sizeof b, "abcdefghij"); /* cut to 7 bytes */
    assert_string_equal(b, "abcdefg");
    sl_wire_text_cut(b, sizeof b, "ab城东区"); /* 2 + 3 + 3 + 3 bytes: 城 fits, 东 would be cut */
    assert_string_equal(b, "ab城");
    sl_wire_text_cut(b, sizeof b, "a城东"); /* exactly 7 bytes */
    assert_string_equal(b, "a城东");
    sl_wire_text_cut(b, sizeof b, "abcd\xf0\x9f\x9a\xa8"); /* 🚨 would need 8 */
    assert_string_equal(b, "abcd");
    sl_wire_text_cut(b, 4, "\xf0\x9f\x9a\xa8");
    assert_string_equal(b, "");
    sl_wire_text_cut(b, sizeof b, "a\tb\nc\x7f"); /* control bytes become spaces */
    assert_string_equal(b, "a b c ");
    assert_true(sl_wire_text_ok(b, strlen(b), false));
    sl_wire_text_cut(b, sizeof b, NULL);
    assert_string_equal(b, "");
    sl_wire_text_cut(NULL, 4, "x");
    sl_wire_text_cut(b, 0, "x");
    /* In place: a text already cut inside a character loses the piece. */
    char r[8] = "ab\xe4\xb8";
    sl_wire_text_cut(r, sizeof r, r);
    assert_string_equal(r, "ab");
    /* Every cut of a mixed text is valid UTF-8. */
    const char *mix = "a城\xf0\x9f\x9a\xa8é东b";
    for (size_t cap = 1; cap <= strlen(mix) + 1; cap++) {
        char c[32];
        sl_wire_text_cut(c, cap, mix);
        assert_true(strlen(c) < cap);
        assert_true(sl_wire_text_ok(c, strlen(c), false));
        assert_memory_equal(c, mix, strlen(c));
    }
}

static void test_wire_error_parse(void **state)
{
    (void)state;
    sl_wire_error e;
    const char *b = "{\"error\": \"this device token was revoked\", \"code\": \"device_revoked\", \"screen\": \"s1\"}";
    assert_int_equal(sl_wire_error_parse(b, strlen(b), &e), 0);
    assert_string_equal(e.error, "this device token was revoked");
    assert_string_equal(e.code, "device_revoked");
    assert_string_equal(e.screen, "s1");
    b = "{\"error\": \"records[3]: bad\", \"index\": 3}";
    assert_int_equal(sl_wire_error_parse(b, strlen(b), &e), 0);
    assert_string_equal(e.error, "records[3]: bad");
    assert_string_equal(e.code, "");
    /* Not an error reply: left all "". */
    static const char *const not_errors[] = {"", "<html>502 Bad Gateway</html>", "[\"error\"]", "{\"error\": 5}",
                                             "{\"stored\": 1}", "{\"error\": \"x\""};
    for (size_t i = 0; i < sizeof not_errors / sizeof not_errors[0]; i++) {
        assert_int_equal(sl_wire_error_parse(not_errors[i], strlen(not_errors[i]), &e), -1);
        assert_string_equal(e.error, "");
        assert_string_equal(e.code, "");
    }
    assert_int_equal(sl_wire_error_parse(NULL, 0, &e), -1);
    /* A screen id longer than an id is "", never cut into another id. */
    char big[200];
    snprintf(big, sizeof big, "{\"code\": \"device_revoked\", \"screen\": \"%070d\"}", 0);
    assert_int_equal(sl_wire_error_parse(big, strlen(big), &e), 0);
    assert_string_equal(e.code, "device_revoked");
    assert_string_equal(e.screen, "");
}

static void test_json_int(void **state)
{
    (void)state;
    int64_t v = 0;
    const char *text = "{\"a\": 5, \"f\": 1.5, \"s\": \"5\", \"n\": null, \"big\": 9007199254740994}";
    cJSON *o = sl_json_parse(text, strlen(text), NULL, NULL, 0);
    assert_non_null(o);
    assert_int_equal(sl_json_int(o, "a", 0, 10, true, 0, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(sl_json_int(o, "a", 6, 10, true, 0, &v), -1);
    assert_int_equal(sl_json_int(o, "f", 0, 10, true, 0, &v), -1);
    assert_int_equal(sl_json_int(o, "s", 0, 10, true, 0, &v), -1);
    assert_int_equal(sl_json_int(o, "big", 0, INT64_MAX, true, 0, &v), -1);
    assert_int_equal(sl_json_int(o, "n", 0, 10, true, 0, &v), -1);
    assert_int_equal(sl_json_int(o, "n", 0, 10, false, 7, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(sl_json_int(o, "absent", 0, 10, false, 3, &v), 0);
    assert_int_equal(v, 3);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_id_ok),
        cmocka_unit_test(test_wire_text_ok),
        cmocka_unit_test(test_wire_text_cut),
        cmocka_unit_test(test_wire_error_parse),
        cmocka_unit_test(test_json_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
