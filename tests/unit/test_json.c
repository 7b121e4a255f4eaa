/* test_json.c — the JSON reading path: JSONTestSuite verdicts, limits, error positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/fsutil.h"
#include "content/json.h"
#include "content/playlist.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUITE_DIR SL_TESTDATA_DIR "/JSONTestSuite/test_parsing"

/* Every n_ file is rejected with a message; every y_ file parses and is then
 * refused by the playlist validator with at least one clear error (none of
 * them is a playlist); i_ files may go either way but never crash. */
static void test_json_suite_verdicts(void **state)
{
    (void)state;
    DIR *dir = opendir(SUITE_DIR);
    assert_non_null(dir);
    struct dirent *de;
    int n_seen = 0, y_seen = 0, i_seen = 0, wrong = 0;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *path = sl_fs_join(SUITE_DIR, de->d_name);
        char *buf = NULL;
        size_t len = 0;
        char err[256] = "";
        assert_int_equal(sl_fs_read_file(path, 1 << 24, &buf, &len, err, sizeof err), 0);
        err[0] = '\0';
        cJSON *root = sl_json_parse(buf, len, NULL, err, sizeof err);
        if (de->d_name[0] == 'n') {
            if (root) {
                fprintf(stderr, "%s was accepted but is not JSON\n", de->d_name);
                wrong++;
            } else {
                assert_true(strlen(err) > 0);
            }
            n_seen++;
        } else if (de->d_name[0] == 'y') {
            if (!root && strstr(buf, "\\u0000") && strstr(err, "\\u0000")) {
                /* Documented policy: NUL characters are refused (C strings end there). */
                free(buf);
                free(path);
                y_seen++;
                continue;
            }
            if (!root && strstr(de->d_name, "duplicated_key") && strstr(err, "duplicate key")) {
                /* Documented policy: a key twice in one object is refused. */
                free(buf);
                free(path);
                y_seen++;
                continue;
            }
            if (!root) {
                fprintf(stderr, "%s is valid JSON but was refused: %s\n", de->d_name, err);
                wrong++;
                free(buf);
                free(path);
                continue;
            }
            sl_diags d;
            sl_diags_init(&d);
            sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, &d);
            assert_null(pl);
            assert_true(d.n_errors >= 1);
            assert_true(d.n >= 1 && strlen(d.v[0].message) > 0);
            sl_diags_free(&d);
            y_seen++;
        } else {
            if (root) {
                sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, NULL);
                assert_null(pl);
            }
            i_seen++;
        }
        cJSON_Delete(root);
        free(buf);
        free(path);
    }
    closedir(dir);
    assert_int_equal(wrong, 0);
    assert_true(n_seen >= 180);
    assert_true(y_seen >= 90);
    assert_true(i_seen >= 30);
}

static void test_json_rejects_too_deep_nesting(void **state)
{
    (void)state;
    char buf[300];
    memset(buf, '[', 100);
    memset(buf + 100, ']', 100);
    char err[128];
    sl_json_limits lim = {.max_depth = 64};
    assert_null(sl_json_parse(buf, 200, &lim, err, sizeof err));
    assert_non_null(strstr(err, "nested too deeply"));
    cJSON *ok = sl_json_parse(buf + 40, 120, &lim, err, sizeof err);
    assert_non_null(ok);
    cJSON_Delete(ok);
}

static void test_json_rejects_oversized_input(void **state)
{
    (void)state;
    char err[128];
    sl_json_limits lim = {.max_bytes = 8};
    assert_null(sl_json_parse("[1,2,3,4,5]", 11, &lim, err, sizeof err));
    assert_non_null(strstr(err, "too large"));
}

static void test_json_reports_line_and_column(void **state)
{
    (void)state;
    const char *text = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    char err[128];
    assert_null(sl_json_parse(text, strlen(text), NULL, err, sizeof err));
    assert_non_null(strstr(err, "line 3"));
}

static void test_json_rejects_trailing_garbage_and_nul(void **state)
{
    (void)state;
    char err[128];
    assert_null(sl_json_parse("{} x", 4, NULL, err, sizeof err));
    assert_null(sl_json_parse("{}\0", 3, NULL, err, sizeof err));
    assert_null(sl_json_parse("[\"a\0b\"]", 7, NULL, err, sizeof err));
    cJSON *ok = sl_json_parse("{} \n", 4, NULL, err, sizeof err);
    assert_non_null(ok);
    cJSON_Delete(ok);
}

static void test_json_rejects_invalid_utf8(void **state)
{
    (void)state;
    char err[128];
    const char bad[] = "[\"\xC0\xAF\"]";  /* overlong '/' */
    const char sur[] = "[\"\xED\xA0\x80\"]"; /* UTF-16 surrogate */
    const char good[] = "[\"\xE5\x8F\x8D\xE8\xAF\x88\"]"; /* 反诈 */
    assert_null(sl_json_parse(bad, sizeof bad - 1, NULL, err, sizeof err));
    assert_non_null(strstr(err, "UTF-8"));
    assert_null(sl_json_parse(sur, sizeof sur - 1, NULL, err, sizeof err));
    cJSON *ok = sl_json_parse(good, sizeof good - 1, NULL, err, sizeof err);
    assert_non_null(ok);
    cJSON_Delete(ok);
}

static void test_json_refuses_nul_escapes(void **state)
{
    (void)state;
    char err[128];
    const char *t = "[\"po\\u0000ster\"]";
    assert_null(sl_json_parse(t, strlen(t), NULL, err, sizeof err));
    assert_non_null(strstr(err, "NUL"));
    const char *ok = "[\"\\u0041\\u00e9\"]";
    cJSON *v = sl_json_parse(ok, strlen(ok), NULL, err, sizeof err);
    assert_non_null(v);
    cJSON_Delete(v);
}

/* A key twice in one object means two things to two readers (cJSON keeps
 * the first, jq and Python the last): refused with the path to the object. */
static void test_json_refuses_duplicate_keys(void **state)
{
    (void)state;
    char err[256];
    const char *t = "{\"items\":[{},{},{\"id\":\"a\",\"duration\":5,\"duration\":-3}]}";
    assert_null(sl_json_parse(t, strlen(t), NULL, err, sizeof err));
    assert_string_equal(err, "items[2]: duplicate key \"duration\"");
    t = "{\"a\":1,\"b\":{\"c\":[1]},\"a\":1}";
    assert_null(sl_json_parse(t, strlen(t), NULL, err, sizeof err));
    assert_string_equal(err, "duplicate key \"a\"");
    t = "{\"zones\":{\"main\":{\"x\":{\"k\":1,\"k\":1}}}}";
    assert_null(sl_json_parse(t, strlen(t), NULL, err, sizeof err));
    assert_string_equal(err, "zones.main.x: duplicate key \"k\"");
    /* Keys differ by case or sit in different objects: accepted. */
    t = "{\"a\":1,\"A\":2,\"o\":{\"a\":3},\"l\":[{\"a\":1},{\"a\":2}]}";
    cJSON *v = sl_json_parse(t, strlen(t), NULL, err, sizeof err);
    assert_non_null(v);
    cJSON_Delete(v);
    /* A large object (the sorted path): 5000 distinct keys pass, one repeat is found. */
    size_t cap = 5000 * 16 + 64, n = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    n += (size_t)snprintf(big + n, cap - n, "{\"o\":{");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(big + n, cap - n, "%s\"k%d\":%d", i ? "," : "", i, i);
    size_t open_end = n;
    n += (size_t)snprintf(big + n, cap - n, "}}");
    v = sl_json_parse(big, n, NULL, err, sizeof err);
    assert_non_null(v);
    cJSON_Delete(v);
    n = open_end;
    n += (size_t)snprintf(big + n, cap - n, ",\"k4321\":0}}");
    assert_null(sl_json_parse(big, n, NULL, err, sizeof err));
    assert_string_equal(err, "o: duplicate key \"k4321\"");
    free(big);
}

/* Integers within ±2^53 are printed exactly; other numbers as cJSON does;
 * the tree is the same after the call. */
static void test_json_print_writes_integers_exactly(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "l");
    cJSON_AddNumberToObject(o, "seq", 9007199254740991.0);
    cJSON_AddNumberToObject(o, "neg", -9007199254740991.0);
    cJSON_AddNumberToObject(o, "ms", 1764028800123.0);
    cJSON_AddNumberToObject(o, "half", 1.5);
    cJSON_AddNumberToObject(o, "huge", 1e300);
    cJSON_AddItemToArray(a, cJSON_CreateNumber(123456789012345678.0 / 10.0));
    cJSON_AddItemToArray(a, cJSON_CreateNumber(0));
    cJSON_AddStringToObject(o, "s", "12");
    char *t = sl_json_print(o, false);
    assert_non_null(t);
    assert_string_equal(t, "{\"l\":[12345678901234568,0],\"seq\":9007199254740991,"
                           "\"neg\":-9007199254740991,\"ms\":1764028800123,\"half\":1.5,"
                           "\"huge\":1e+300,\"s\":\"12\"}");
    free(t);
    /* Unchanged: still numbers, and cJSON's own printer agrees on the rest. */
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
    assert_true(cJSON_IsNumber(seq));
    assert_null(seq->valuestring);
    assert_true(seq->valuedouble == 9007199254740991.0);
    assert_true(cJSON_IsNumber(cJSON_GetArrayItem(a, 1)));
    t = sl_json_print(o, true);
    assert_non_null(strstr(t, "\"seq\":\t9007199254740991"));
    free(t);
    /* Only the item given, not its siblings; a round trip through the parser. */
    t = sl_json_print(cJSON_GetObjectItemCaseSensitive(o, "neg"), false);
    assert_string_equal(t, "-9007199254740991");
    cJSON *back = sl_json_parse(t, strlen(t), NULL, NULL, 0);
    assert_true(back && back->valuedouble == -9007199254740991.0);
    cJSON_Delete(back);
    free(t);
    assert_null(sl_json_print(NULL, false));
    cJSON_Delete(o);
}

static void test_json_read_file_refuses_missing_file(void **state)
{
    (void)state;
    char err[256];
    assert_null(sl_json_read_file("/nonexistent/playlist.json", NULL, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/playlist.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_suite_verdicts),
        cmocka_unit_test(test_json_rejects_too_deep_nesting),
        cmocka_unit_test(test_json_rejects_oversized_input),
        cmocka_unit_test(test_json_reports_line_and_column),
        cmocka_unit_test(test_json_rejects_trailing_garbage_and_nul),
        cmocka_unit_test(test_json_rejects_invalid_utf8),
        cmocka_unit_test(test_json_refuses_nul_escapes),
        cmocka_unit_test(test_json_refuses_duplicate_keys),
        cmocka_unit_test(test_json_print_writes_integers_exactly),
        cmocka_unit_test(test_json_read_file_refuses_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
