/* test_report_csv.c — unit tests of the report's CSV: BOM, CRLF, RFC 4180 quoting, formula guard, rows and rollups of the sample document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"
#include "tools/report/sl_report.h"
#include "tools/report/sl_report_doc.h"

#include <stdlib.h>
#include <string.h>

static cJSON *sample(void)
{
    char err[256];
    cJSON *doc = sl_json_read_file(SL_SOURCE_DIR "/tests/data/coverage-sample.json", NULL, err, sizeof err);
    if (!doc)
        fail_msg("sample: %s", err);
    return doc;
}

static char *csv_of(const char *s, bool text)
{
    sl_report_buf b = {0};
    sl_report_buf_csv(&b, s, text);
    assert_false(b.oom);
    char *t = sl_report_buf_take(&b, NULL);
    return t ? t : strdup("");
}

static void expect_field(const char *in, bool text, const char *want)
{
    char *got = csv_of(in, text);
    assert_string_equal(got, want);
    free(got);
}

static void test_csv_field_quoting(void **state)
{
    (void)state;
    expect_field("plain", true, "plain");
    expect_field("", true, "");
    expect_field(NULL, true, "");
    expect_field("工商银行城东支行大堂", true, "工商银行城东支行大堂");
    expect_field("22路公交车, 前门 LED 条屏", true, "\"22路公交车, 前门 LED 条屏\"");
    expect_field("LED \"便民\" 屏", true, "\"LED \"\"便民\"\" 屏\"");
    expect_field("\"", true, "\"\"\"\"");
    expect_field("two\r\nlines", true, "\"two\r\nlines\"");
    expect_field("line\nfeed", true, "\"line\nfeed\"");
    expect_field(" padded ", true, "\" padded \"");
    /* Spreadsheet formulas never run: a leading apostrophe on text. */
    expect_field("=1+1", true, "'=1+1");
    expect_field("+86 10", true, "'+86 10");
    expect_field("-x", true, "'-x");
    expect_field("@SUM(A1)", true, "'@SUM(A1)");
    expect_field("=HYPERLINK(\"http://x\")", true, "\"'=HYPERLINK(\"\"http://x\"\")\"");
    /* Numbers are written as they are. */
    expect_field("-12.5", false, "-12.5");
}

/* Splits one CSV record (RFC 4180) starting at *p into fields; advances *p
 * past its CRLF. Returns the number of fields (at most max). */
static int parse_record(const char **p, char fields[][512], int max)
{
    int n = 0;
    const char *s = *p;
    for (;;) {
        char *f = fields[n < max ? n : max - 1];
        size_t o = 0;
        if (*s == '"') {
            s++;
            for (;;) {
                assert_true(*s != '\0');
                if (*s == '"' && s[1] == '"') {
                    f[o++] = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    f[o++] = *s++;
                }
                assert_true(o < 511);
            }
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                f[o++] = *s++;
                assert_true(o < 511);
            }
        }
        f[o] = '\0';
        n++;
        if (*s == ',') {
            s++;
            continue;
        }
        /* Records end with CRLF, never a bare LF. */
        assert_int_equal(s[0], '\r');
        assert_int_equal(s[1], '\n');
        *p = s + 2;
        return n;
    }
}

#define COLS 23

static void test_csv_sample_en(void **state)
{
    (void)state;
    cJSON *doc = sample();
    sl_report_buf b = {0};
    char err[256], f[COLS + 2][512];
    assert_int_equal(sl_report_csv(doc, SL_LANG_EN, &b, err, sizeof err), 0);
    assert_memory_equal(b.p, "\xef\xbb\xbf", 3);
    const char *p = b.p + 3;
    /* Every line ends with CRLF: no LF without a CR before it. */
    for (size_t i = 0; i < b.len; i++)
        if (b.p[i] == '\n')
            assert_int_equal(b.p[i - 1], '\r');

    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[0], "Scope");
    assert_string_equal(f[1], "Screen ID");
    assert_string_equal(f[8], "Coverage (%)");
    assert_string_equal(f[22], "Reasons");

    /* Five screens, by id. */
    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[0], "screen");
    assert_string_equal(f[1], "bank-0412-lobby");
    assert_string_equal(f[2], "工商银行城东支行大堂");
    assert_string_equal(f[4], "城东区");
    assert_string_equal(f[7], "lit");
    assert_string_equal(f[8], "100.0");
    assert_string_equal(f[9], "48.00");
    assert_string_equal(f[10], "48.00");
    assert_string_equal(f[11], "53");
    assert_string_equal(f[13], "5760");
    assert_string_equal(f[14], "48.00");
    assert_string_equal(f[17], ""); /* counts are for rollups */
    assert_string_equal(f[21], "2026-11-29T23:59:00Z");
    assert_string_equal(f[22], "");

    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[1], "bus-22-front");
    assert_string_equal(f[2], "22路公交车, 前门 LED 条屏");
    assert_string_equal(f[7], "short");
    assert_string_equal(f[8], "80.0");
    assert_string_equal(f[9], "112.00");
    assert_string_equal(f[10], "89.60");
    assert_string_equal(f[16], "9");
    assert_string_equal(f[22],
                        "items under their frequency floor (slogan-1 under its floor in 9 hours); lit for too "
                        "little of the required hours");

    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[1], "community-3");
    assert_string_equal(f[7], "dark");
    assert_string_equal(f[22], "offline (offline since 2026-11-20T09:12:00Z)");

    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[1], "hospital-1");
    assert_string_equal(f[2], "人民医院门诊大厅 LED \"便民\" 屏");
    assert_string_equal(f[21], "never");
    assert_string_equal(f[22], "never enrolled");

    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[1], "pharmacy-7");
    assert_string_equal(f[3], "'=HYPERLINK(\"http://x\")");
    assert_string_equal(f[15], "12");

    /* Rollups: three regions, five unit types, the total. */
    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[0], "region");
    assert_string_equal(f[1], "");
    assert_string_equal(f[4], "城东区");
    assert_string_equal(f[8], "40.7");
    assert_string_equal(f[9], "118.00");
    assert_string_equal(f[17], "2");
    assert_string_equal(f[18], "1");
    assert_string_equal(f[20], "1");
    parse_record(&p, f, COLS + 2);
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[4], "城西区");
    assert_string_equal(f[8], "87.1");
    for (int i = 0; i < 5; i++) {
        assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
        assert_string_equal(f[0], "unit type");
    }
    assert_string_equal(f[5], "pharmacy");
    assert_string_equal(f[8], "96.5");
    assert_int_equal(parse_record(&p, f, COLS + 2), COLS);
    assert_string_equal(f[0], "total");
    assert_string_equal(f[8], "61.8");
    assert_string_equal(f[9], "354.00");
    assert_string_equal(f[10], "218.66");
    assert_string_equal(f[13], "14832");
    assert_string_equal(f[17], "5");
    assert_string_equal(f[18], "2");
    assert_string_equal(f[19], "1");
    assert_string_equal(f[20], "2");
    assert_int_equal(*p, '\0');
    sl_report_buf_free(&b);
    cJSON_Delete(doc);
}

static void test_csv_sample_zh(void **state)
{
    (void)state;
    cJSON *doc = sample();
    sl_report_buf b = {0};
    char err[256], f[COLS + 2][512];
    assert_int_equal(sl_report_csv(doc, SL_LANG_ZH, &b, err, sizeof err), 0);
    const char *p = b.p + 3;
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[0], "统计范围");
    assert_string_equal(f[1], "屏幕编号");
    assert_string_equal(f[4], "区域");
    assert_string_equal(f[8], "点亮率(%)");
    assert_string_equal(f[22], "原因");
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[0], "屏幕");
    assert_string_equal(f[7], "点亮");
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[7], "不足");
    assert_string_equal(f[22], "节目播放频次不足（slogan-1 under its floor in 9 hours）；点亮时长不足");
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[7], "黑屏");
    assert_string_equal(f[22], "离线（offline since 2026-11-20T09:12:00Z）");
    parse_record(&p, f, COLS + 2);
    assert_string_equal(f[21], "从未在线");
    assert_string_equal(f[22], "设备从未注册");
    sl_report_buf_free(&b);
    cJSON_Delete(doc);
}

static void test_csv_refuses_wrong_shape(void **state)
{
    (void)state;
    char err[256] = "";
    sl_report_buf b = {0};
    cJSON *doc = cJSON_Parse("{\"from\":\"2026-11-23\",\"to\":\"2026-11-29\",\"summary\":{}}");
    assert_int_equal(sl_report_csv(doc, SL_LANG_EN, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "screens"));
    cJSON_Delete(doc);
    doc = cJSON_Parse("[1,2]");
    assert_int_equal(sl_report_csv(doc, SL_LANG_EN, &b, err, sizeof err), -1);
    cJSON_Delete(doc);
    doc = cJSON_Parse("{\"from\":\"a\",\"to\":\"b\",\"summary\":{},\"screens\":[],\"dark\":[3]}");
    assert_int_equal(sl_report_csv(doc, SL_LANG_EN, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "dark"));
    cJSON_Delete(doc);
    assert_int_equal(b.len, 0);
    sl_report_buf_free(&b);
}

static void test_csv_hours_are_exact(void **state)
{
    (void)state;
    char h[32];
    sl_report_fmt_hours(0, h, sizeof h);
    assert_string_equal(h, "0.00");
    sl_report_fmt_hours(32400, h, sizeof h);
    assert_string_equal(h, "9.00");
    sl_report_fmt_hours(1800, h, sizeof h);
    assert_string_equal(h, "0.50");
    sl_report_fmt_hours(17, h, sizeof h);
    assert_string_equal(h, "0.00");
    sl_report_fmt_hours(18, h, sizeof h); /* 0.005 h rounds up */
    assert_string_equal(h, "0.01");
    sl_report_fmt_hours(787176, h, sizeof h);
    assert_string_equal(h, "218.66");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_field_quoting),
        cmocka_unit_test(test_csv_sample_en),
        cmocka_unit_test(test_csv_sample_zh),
        cmocka_unit_test(test_csv_refuses_wrong_shape),
        cmocka_unit_test(test_csv_hours_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
