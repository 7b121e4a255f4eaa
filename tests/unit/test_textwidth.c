/* test_textwidth.c — unit tests of content/textwidth: columns per character (East Asian Width), the UTF-8 decoder, cutting with "…". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/textwidth.h"

/* A few characters of each kind, pinned. */
static void test_textwidth_cp(void **state)
{
    (void)state;
    assert_int_equal(sl_textwidth_cp('A'), 1);
    assert_int_equal(sl_textwidth_cp(' '), 1);
    assert_int_equal(sl_textwidth_cp(0xE9), 1);    /* é, precomposed */
    assert_int_equal(sl_textwidth_cp(0x0301), 0);  /* combining acute accent */
    assert_int_equal(sl_textwidth_cp(0x20DD), 0);  /* combining enclosing circle (Me) */
    assert_int_equal(sl_textwidth_cp(0x200B), 0);  /* zero-width space */
    assert_int_equal(sl_textwidth_cp(0x200D), 0);  /* zero-width joiner */
    assert_int_equal(sl_textwidth_cp(0xFEFF), 0);  /* BOM */
    assert_int_equal(sl_textwidth_cp(0x4E2D), 2);  /* 中 */
    assert_int_equal(sl_textwidth_cp(0x3042), 2);  /* あ */
    assert_int_equal(sl_textwidth_cp(0x3000), 2);  /* ideographic space (F) */
    assert_int_equal(sl_textwidth_cp(0xFF21), 2);  /* Ａ fullwidth A */
    assert_int_equal(sl_textwidth_cp(0xFF61), 1);  /* ｡ halfwidth ideographic full stop */
    assert_int_equal(sl_textwidth_cp(0xFFE0), 2);  /* ￠ fullwidth cent sign */
    assert_int_equal(sl_textwidth_cp(0xAC00), 2);  /* 가 Hangul syllable */
    assert_int_equal(sl_textwidth_cp(0xD7A3), 2);  /* 힣 the last one */
    assert_int_equal(sl_textwidth_cp(0x1100), 2);  /* ᄀ Hangul choseong */
    assert_int_equal(sl_textwidth_cp(0x1F600), 2); /* 😀 */
    assert_int_equal(sl_textwidth_cp(0x1F680), 2); /* 🚀 (past the old tables' emoji range) */
    assert_int_equal(sl_textwidth_cp(0x231A), 2);  /* ⌚ watch, wide since Unicode 9 */
    assert_int_equal(sl_textwidth_cp(0x2603), 1);  /* ☃ snowman: neutral */
    assert_int_equal(sl_textwidth_cp(0x20000), 2); /* CJK extension B */
    assert_int_equal(sl_textwidth_cp(0x2FFFD), 2); /* unassigned, plane 2: wide by default */
    assert_int_equal(sl_textwidth_cp(0x0410), 1);  /* А Cyrillic */
    assert_int_equal(sl_textwidth_cp(0x10FFFF), 1);
}

static void test_textwidth_decode(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(sl_textwidth_decode("a", &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(sl_textwidth_decode("\xc3\xa9", &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(sl_textwidth_decode("\xe4\xb8\xad", &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(sl_textwidth_decode("\xf0\x9f\x98\x80", &cp), 4);
    assert_int_equal(cp, 0x1F600);
    /* A stray continuation byte, an overlong form, a surrogate, a cut sequence: one byte, U+FFFD. */
    assert_int_equal(sl_textwidth_decode("\x80x", &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(sl_textwidth_decode("\xc0\xaf", &cp), 1);
    assert_int_equal(sl_textwidth_decode("\xe0\x80\xaf", &cp), 1);
    assert_int_equal(sl_textwidth_decode("\xed\xa0\x80", &cp), 1);
    assert_int_equal(sl_textwidth_decode("\xe4\xb8", &cp), 1);
    assert_int_equal(cp, 0xFFFD);
}

static void test_textwidth_str(void **state)
{
    (void)state;
    assert_int_equal(sl_textwidth_str(NULL), 0);
    assert_int_equal(sl_textwidth_str(""), 0);
    assert_int_equal(sl_textwidth_str("Lobby"), 5);
    assert_int_equal(sl_textwidth_str("城东区"), 6);
    assert_int_equal(sl_textwidth_str("e\xcc\x81"), 1);  /* e + combining acute */
    assert_int_equal(sl_textwidth_str("ＡＢ한글"), 8);
    assert_int_equal(sl_textwidth_str("hi😀"), 4);
}

static void test_textwidth_fit(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(sl_textwidth_fit("short", 22, buf, sizeof buf), 5);
    assert_string_equal(buf, "short");
    assert_int_equal(sl_textwidth_fit("abcdefg", 6, buf, sizeof buf), 6);
    assert_string_equal(buf, "abcde…");
    assert_int_equal(sl_textwidth_fit("城东区城东区", 6, buf, sizeof buf), 5);
    assert_string_equal(buf, "城东…");
    assert_int_equal(sl_textwidth_fit("😀😀😀", 5, buf, sizeof buf), 5);
    assert_string_equal(buf, "😀😀…");
    /* Control characters are shown as '?'; combining marks take no column. */
    assert_int_equal(sl_textwidth_fit("a\tb\x7f", 10, buf, sizeof buf), 4);
    assert_string_equal(buf, "a?b?");
    assert_int_equal(sl_textwidth_fit("cafe\xcc\x81", 4, buf, sizeof buf), 4);
    assert_string_equal(buf, "cafe\xcc\x81");
    assert_int_equal(sl_textwidth_fit(NULL, 4, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    /* A small buffer cuts too, never in the middle of a character. */
    assert_int_equal(sl_textwidth_fit("城东区城东区", 40, buf, 10), 5);
    assert_string_equal(buf, "城东…");
    assert_int_equal(sl_textwidth_fit("城东区城东区", 40, buf, 9), 3);
    assert_string_equal(buf, "城…");
}


/* Breaks s at max_w columns and joins the lines with '|'. */
static void broken(const char *s, int max_w, char *buf, size_t len)
{
    sl_textwidth_line *lines = NULL;
    size_t n = 0;
    assert_int_equal(sl_textwidth_break(s, max_w, sl_textwidth_measure_cols, NULL, &lines, &n), 0);
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(buf + o, len - o, "%s%.*s", i ? "|" : "", (int)lines[i].len, s + lines[i].off);
        assert_true(k >= 0 && (size_t)k < len - o);
        o += (size_t)k;
    }
    free(lines);
}

/* A text, the columns of a line, and its lines joined with '|'. */
typedef struct {
    const char *text;
    int max_w;
    const char *want;
} break_case;

/* Checks every case of a table. */
static void expect_breaks(const break_case *c, size_t n)
{
    char b[512];
    for (size_t i = 0; i < n; i++) {
        broken(c[i].text, c[i].max_w, b, sizeof b);
        assert_string_equal(b, c[i].want);
    }
}

static void test_textwidth_break_latin(void **state)
{
    (void)state;
    static const break_case cases[] = {
        {"Never share your PIN with anyone", 12, "Never share|your PIN|with anyone"},
        {"short", 40, "short"},
        /* A word wider than a line is cut between letters. */
        {"antifraudcampaign now", 8, "antifrau|dcampaig|n now"},
        /* Spaces where a line wraps are dropped, not carried to the next line. */
        {"one     two", 4, "one|two"},
    };
    expect_breaks(cases, sizeof cases / sizeof cases[0]);
}

static void test_textwidth_break_cjk(void **state)
{
    (void)state;
    static const break_case cases[] = {
        /* Between any two CJK characters; 10 columns = 5 characters. */
        {"防范电信网络诈骗下载国家反诈中心", 10, "防范电信网|络诈骗下载|国家反诈中|心"},
        /* Closing punctuation never starts a line: "，" stays with "信". */
        {"防范电信，网络诈骗", 8, "防范电|信，网络|诈骗"},
        /* Opening punctuation never ends a line. */
        {"小心“高额回报”", 6, "小心|“高额|回报”"},
    };
    expect_breaks(cases, sizeof cases / sizeof cases[0]);
}

static void test_textwidth_break_mixed(void **state)
{
    (void)state;
    /* Latin words inside Chinese stay whole; breaks fall beside the CJK characters. */
    static const break_case cases[] = {
        {"下载国家反诈中心APP保护财产", 12, "下载国家反诈|中心APP保护|财产"},
        {"请拨打 96110 anti-fraud hotline", 12, "请拨打 96110|anti-fraud|hotline"},
    };
    expect_breaks(cases, sizeof cases / sizeof cases[0]);
}

static void test_textwidth_break_newline(void **state)
{
    (void)state;
    static const break_case cases[] = {
        {"第一行\n第二行", 40, "第一行|第二行"},
        {"a\r\nb\n\nc", 40, "a|b||c"},
        {"第一行很长很长\nline two", 6, "第一行|很长很|长|line|two"},
    };
    expect_breaks(cases, sizeof cases / sizeof cases[0]);
    sl_textwidth_line *lines = NULL;
    size_t n = 9;
    assert_int_equal(sl_textwidth_break("", 10, sl_textwidth_measure_cols, NULL, &lines, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(lines[0].len, 0);
    free(lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textwidth_cp),
        cmocka_unit_test(test_textwidth_decode),
        cmocka_unit_test(test_textwidth_str),
        cmocka_unit_test(test_textwidth_fit),
        cmocka_unit_test(test_textwidth_break_latin),
        cmocka_unit_test(test_textwidth_break_cjk),
        cmocka_unit_test(test_textwidth_break_mixed),
        cmocka_unit_test(test_textwidth_break_newline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
