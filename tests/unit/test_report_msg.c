/* test_report_msg.c — unit tests of the report's message table: every text in both languages, statuses, reasons, sheet names, the default language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/report/sl_report.h"

#include <string.h>

/* Whether s has a byte outside ASCII (Chinese text). */
static bool has_cjk(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

static void test_msg_every_text_in_both(void **state)
{
    (void)state;
    for (int i = 0; i < SL_MSG_COUNT; i++) {
        const char *en = sl_report_msg(SL_LANG_EN, (sl_report_msg_id)i);
        const char *zh = sl_report_msg(SL_LANG_ZH, (sl_report_msg_id)i);
        if (!en[0] || !zh[0])
            fail_msg("message %d is missing a language", i);
        if (has_cjk(en))
            fail_msg("message %d: the English text has non-ASCII: %s", i, en);
        if (!has_cjk(zh))
            fail_msg("message %d: the Chinese text has no Chinese: %s", i, zh);
    }
    assert_string_equal(sl_report_msg(SL_LANG_EN, SL_MSG_COUNT), "");
    assert_string_equal(sl_report_msg(SL_LANG_ZH, (sl_report_msg_id)-1), "");
}

static void test_msg_statuses_and_reasons(void **state)
{
    (void)state;
    assert_string_equal(sl_report_status(SL_LANG_ZH, "lit"), "点亮");
    assert_string_equal(sl_report_status(SL_LANG_ZH, "short"), "不足");
    assert_string_equal(sl_report_status(SL_LANG_ZH, "dark"), "黑屏");
    assert_string_equal(sl_report_status(SL_LANG_ZH, "idle"), "无点亮要求");
    assert_string_equal(sl_report_status(SL_LANG_EN, "dark"), "dark");
    assert_string_equal(sl_report_status(SL_LANG_ZH, "weird"), "weird");
    assert_string_equal(sl_report_status(SL_LANG_EN, NULL), "");
    /* Every reason code of REPORTS.md has a text in both languages. */
    static const char *const codes[] = {"never_enrolled", "no_content",      "offline", "not_playing",
                                        "outdated_content", "items_missing", "clock_untrusted", "short"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *en = sl_report_reason(SL_LANG_EN, codes[i]), *zh = sl_report_reason(SL_LANG_ZH, codes[i]);
        assert_true(has_cjk(zh));
        assert_false(has_cjk(en));
    }
    assert_string_equal(sl_report_reason(SL_LANG_ZH, "offline"), "离线");
    assert_string_equal(sl_report_reason(SL_LANG_EN, "never_enrolled"), "never enrolled");
    assert_string_equal(sl_report_reason(SL_LANG_ZH, "new_code"), "new_code");
}

static void test_msg_sheet_names_valid(void **state)
{
    (void)state;
    static const sl_report_msg_id sheets[] = {SL_MSG_SHEET_SUMMARY, SL_MSG_SHEET_SCREENS, SL_MSG_SHEET_DARK,
                                              SL_MSG_SHEET_ITEMS};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < 4; i++) {
            const char *s = sl_report_msg((sl_report_lang)l, sheets[i]);
            size_t chars = 0;
            for (const char *p = s; *p; p++)
                if (((unsigned char)*p & 0xc0) != 0x80)
                    chars++;
            assert_true(chars >= 1 && chars <= 31);
            assert_null(strpbrk(s, "[]:*?/\\"));
            assert_true(s[0] != '\'');
        }
    }
    assert_string_equal(sl_report_msg(SL_LANG_ZH, SL_MSG_SHEET_SUMMARY), "汇总");
}

static void test_msg_lang(void **state)
{
    (void)state;
    sl_report_lang l = SL_LANG_EN;
    assert_int_equal(sl_report_lang_parse("zh", &l), 0);
    assert_int_equal(l, SL_LANG_ZH);
    assert_int_equal(sl_report_lang_parse("en", &l), 0);
    assert_int_equal(l, SL_LANG_EN);
    assert_int_equal(sl_report_lang_parse("zh_CN.UTF-8", &l), 0);
    assert_int_equal(l, SL_LANG_ZH);
    assert_int_equal(sl_report_lang_parse("en-GB", &l), 0);
    assert_int_equal(l, SL_LANG_EN);
    assert_int_equal(sl_report_lang_parse("fr", &l), -1);
    assert_int_equal(sl_report_lang_parse("zhx", &l), -1);
    assert_int_equal(sl_report_lang_parse(NULL, &l), -1);
    assert_int_equal(sl_report_lang_default(NULL, NULL, "zh_CN.UTF-8"), SL_LANG_ZH);
    assert_int_equal(sl_report_lang_default(NULL, NULL, "en_US.UTF-8"), SL_LANG_EN);
    assert_int_equal(sl_report_lang_default(NULL, NULL, NULL), SL_LANG_EN);
    assert_int_equal(sl_report_lang_default(NULL, NULL, "C.UTF-8"), SL_LANG_EN);
    /* LC_ALL, then LC_MESSAGES, then LANG. */
    assert_int_equal(sl_report_lang_default("C", NULL, "zh_CN.UTF-8"), SL_LANG_EN);
    assert_int_equal(sl_report_lang_default("", "zh_TW.UTF-8", "en_US.UTF-8"), SL_LANG_ZH);
    assert_string_equal(sl_report_lang_name(SL_LANG_ZH), "zh");
    assert_string_equal(sl_report_lang_name(SL_LANG_EN), "en");
}

static void test_formats(void **state)
{
    (void)state;
    sl_report_format f = SL_REPORT_CSV;
    assert_int_equal(sl_report_format_from_path("out/report.xlsx", &f), 0);
    assert_int_equal(f, SL_REPORT_XLSX);
    assert_int_equal(sl_report_format_from_path("REPORT.HTM", &f), 0);
    assert_int_equal(f, SL_REPORT_HTML);
    assert_int_equal(sl_report_format_from_path("r.json", &f), 0);
    assert_int_equal(f, SL_REPORT_JSON);
    assert_int_equal(sl_report_format_from_path("r.csv", &f), 0);
    assert_int_equal(f, SL_REPORT_CSV);
    assert_int_equal(sl_report_format_from_path("report", &f), -1);
    assert_int_equal(sl_report_format_from_path("dir.html/report", &f), -1);
    assert_int_equal(sl_report_format_from_path("r.pdf", &f), -1);
    assert_int_equal(sl_report_format_parse("html", &f), 0);
    assert_int_equal(f, SL_REPORT_HTML);
    assert_int_equal(sl_report_format_parse("HTML", &f), -1);
    assert_string_equal(sl_report_format_name(SL_REPORT_XLSX), "xlsx");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg_every_text_in_both), cmocka_unit_test(test_msg_statuses_and_reasons),
        cmocka_unit_test(test_msg_sheet_names_valid),  cmocka_unit_test(test_msg_lang),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
