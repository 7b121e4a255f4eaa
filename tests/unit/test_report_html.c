/* test_report_html.c — unit tests of the report's HTML page and its SVG charts: escaping, charts drawn from the data, embedded pictures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"
#include "content/textwidth.h"
#include "tools/report/sl_report.h"
#include "tools/report/sl_report_svg.h"

#include <stdio.h>
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

static char *html_of(const char *s)
{
    sl_report_buf b = {0};
    sl_report_buf_html(&b, s);
    assert_false(b.oom);
    char *t = sl_report_buf_take(&b, NULL);
    return t ? t : strdup("");
}

static void expect_html(const char *in, const char *want)
{
    char *got = html_of(in);
    assert_string_equal(got, want);
    free(got);
}

static void test_html_escape(void **state)
{
    (void)state;
    expect_html("plain text", "plain text");
    expect_html("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect_html("a & b \"c\"", "a &amp; b &quot;c&quot;");
    expect_html("&amp;", "&amp;amp;");
    expect_html("老百姓大药房 <旗舰店>", "老百姓大药房 &lt;旗舰店&gt;");
    expect_html("tab\tnew\nline", "tab\tnew\nline");
    /* Control bytes and broken UTF-8 become U+FFFD. */
    expect_html("a\x01z", "a\xef\xbf\xbdz");
    expect_html("a\x7fz", "a\xef\xbf\xbdz");
    expect_html("bad \xff\xfe end", "bad \xef\xbf\xbd\xef\xbf\xbd end");
    expect_html("cut \xe5\xb7", "cut \xef\xbf\xbd\xef\xbf\xbd");
    expect_html("overlong \xc0\xaf", "overlong \xef\xbf\xbd\xef\xbf\xbd");
    expect_html("surrogate \xed\xa0\x80", "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    expect_html(NULL, "");
}

static void test_base64(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
             {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sl_report_buf b = {0};
        sl_report_buf_base64(&b, v[i].in, strlen(v[i].in));
        assert_string_equal(b.p ? b.p : "", v[i].out);
        sl_report_buf_free(&b);
    }
}

static void test_svg_regions(void **state)
{
    (void)state;
    sl_report_bar bars[] = {{"城东区", 50.0}, {"城西区", 96.5}, {"<b>&", 0.0}, {"一二三四五六七八九十一二三四五", 120.0}};
    sl_report_buf b = {0};
    sl_report_svg_regions(&b, "各区域点亮率", bars, 4, 95);
    assert_false(b.oom);
    const char *s = b.p;
    assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(s, "<title>各区域点亮率</title>"));
    /* 100 % is 420 units wide: 50 % is 210, in amber (under 95 %). */
    assert_non_null(strstr(s, "width=\"210.0\" height=\"18.0\" fill=\"" SL_SVG_AMBER "\""));
    assert_non_null(strstr(s, ">50.0%</text>"));
    /* 96.5 % is green, 0 % red; over 100 % is drawn as 100 %. */
    assert_non_null(strstr(s, "width=\"405.3\" height=\"18.0\" fill=\"" SL_SVG_GREEN "\""));
    assert_non_null(strstr(s, "width=\"0.0\" height=\"18.0\" fill=\"" SL_SVG_RED "\""));
    assert_non_null(strstr(s, "width=\"420.0\" height=\"18.0\" fill=\"" SL_SVG_GREEN "\""));
    /* Labels are escaped and long ones cut to 22 columns with an ellipsis. */
    assert_non_null(strstr(s, ">&lt;b&gt;&amp;</text>"));
    assert_null(strstr(s, "<b>"));
    assert_non_null(strstr(s, ">一二三四五六七八九十…</text>"));
    /* The threshold: a dashed line at 95 % (170 + 399 = 569). */
    assert_non_null(strstr(s, "class=\"threshold\" x1=\"569.0\""));
    assert_non_null(strstr(s, ">95%</text>"));
    /* One group per bar. */
    int groups = 0;
    for (const char *p = s; (p = strstr(p, "<g class=\"bar\">")); p++)
        groups++;
    assert_int_equal(groups, 4);
    sl_report_buf_free(&b);
}

static void test_svg_days(void **state)
{
    (void)state;
    sl_report_day days[30];
    char labels[30][8];
    for (int i = 0; i < 30; i++) {
        snprintf(labels[i], sizeof labels[i], "11-%02d", i + 1);
        days[i].label = labels[i];
        days[i].required_h = 10;
        days[i].lit_h = i == 3 ? 5 : 10;
    }
    sl_report_buf b = {0};
    sl_report_svg_days(&b, "Hours lit per day", days, 30, "required", "lit", "h");
    assert_false(b.oom);
    const char *s = b.p;
    int groups = 0, req = 0, lit = 0, labels_written = 0;
    for (const char *p = s; (p = strstr(p, "<g class=\"day\">")); p++)
        groups++;
    for (const char *p = s; (p = strstr(p, "class=\"req\"")); p++)
        req++;
    for (const char *p = s; (p = strstr(p, "class=\"lit\"")); p++)
        lit++;
    for (const char *p = s; (p = strstr(p, "text-anchor=\"middle\" fill=\"#555\">11-")); p++)
        labels_written++;
    assert_int_equal(groups, 30);
    assert_int_equal(req, 30);
    assert_int_equal(lit, 30);
    /* 30 days: every third is labelled, so 10 labels. */
    assert_int_equal(labels_written, 10);
    /* The axis tops out at 10 h (steps of 5): a full day is the plot's height, 160. */
    assert_non_null(strstr(s, ">10</text>"));
    assert_non_null(strstr(s, "height=\"160.00\" fill=\"" SL_SVG_GREEN "\"><title>11-01: 10.0 / 10.0 h</title>"));
    /* Day 4 had half its hours: half the height, amber. */
    assert_non_null(strstr(s, "height=\"80.00\" fill=\"" SL_SVG_AMBER "\"><title>11-04: 5.0 / 10.0 h</title>"));
    assert_non_null(strstr(s, ">required</text>"));
    sl_report_buf_free(&b);
}

static void test_svg_fit(void **state)
{
    (void)state;
    char buf[64];
    sl_textwidth_fit("short", 22, buf, sizeof buf);
    assert_string_equal(buf, "short");
    sl_textwidth_fit("abcdef", 6, buf, sizeof buf);
    assert_string_equal(buf, "abcdef");
    sl_textwidth_fit("abcdefg", 6, buf, sizeof buf);
    assert_string_equal(buf, "abcde…");
    sl_textwidth_fit("城东区城东区", 6, buf, sizeof buf);
    assert_string_equal(buf, "城东…");
    sl_textwidth_fit("城东区", 6, buf, sizeof buf);
    assert_string_equal(buf, "城东区");
}

static const unsigned char png_bytes[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
static const unsigned char html_bytes[] = "<html><script>alert(1)</script></html>";

static void test_html_sample(void **state)
{
    (void)state;
    cJSON *doc = sample();
    sl_report_shot shots[] = {
        {.screen = "bank-0412-lobby", .taken = "2026-11-28T02:15:00Z", .data = png_bytes, .len = sizeof png_bytes},
        {.screen = "bus-22-front", .taken = NULL, .data = html_bytes, .len = sizeof html_bytes}, /* not a picture */
        {.screen = "pharmacy-7", .url = "javascript:alert(1)"},                                 /* not a link we keep */
        {.screen = "pharmacy-7", .taken = "2026-11-26T03:00:00Z", .url = "shots/pharmacy-7.jpg"},
    };
    sl_report_opts o = {.lang = SL_LANG_ZH, .shots = shots, .n_shots = 4};
    sl_report_buf b = {0};
    char err[256];
    assert_int_equal(sl_report_html(doc, &o, &b, err, sizeof err), 0);
    const char *s = b.p;
    assert_true(strncmp(s, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(s, "<html lang=\"zh-CN\">"));
    assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(s, "@page{size:A4"));
    assert_non_null(strstr(s, "<h1>屏幕点亮情况报告</h1>"));
    assert_non_null(strstr(s, "2026-11-23 – 2026-11-29"));
    /* Names are escaped wherever they appear; nothing raw gets through. */
    assert_non_null(strstr(s, "老百姓大药房 &lt;旗舰店&gt; &amp; 便民点"));
    assert_null(strstr(s, "<旗舰店>"));
    assert_non_null(strstr(s, "人民医院门诊大厅 LED &quot;便民&quot; 屏"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "javascript:"));
    /* Self-contained: no stylesheet, script or remote picture. */
    assert_null(strstr(s, "<link"));
    assert_null(strstr(s, "src=\"http"));
    /* Summary cards, the charts, the dark list with reasons, the tables. */
    assert_non_null(strstr(s, "<b>61.8%</b>点亮率"));
    assert_non_null(strstr(s, "<b>2</b>黑屏"));
    assert_non_null(strstr(s, "<h3>各区域点亮率</h3>\n<svg"));
    assert_non_null(strstr(s, "<h3>每日点亮时长</h3>\n<svg"));
    assert_non_null(strstr(s, ">40.7%</text>"));
    assert_non_null(strstr(s, "<h2>未点亮屏幕及原因</h2>"));
    assert_non_null(strstr(s, "<td class=\"st dark\">黑屏</td><td class=\"n\">0.0%</td><td>离线（offline since "
                              "2026-11-20T09:12:00Z）</td>"));
    assert_non_null(strstr(s, "<td>设备从未注册</td>"));
    assert_non_null(strstr(s, "<td class=\"st short\">不足</td>"));
    assert_non_null(strstr(s, "<td>clip-antifraud</td><td class=\"n\">2520</td>"));
    /* The proof pictures: the PNG embedded, the link kept, the rest left out. */
    assert_non_null(strstr(s, "<h2>印证图片</h2>"));
    assert_non_null(strstr(s, "src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\""));
    assert_non_null(strstr(s, "<figcaption><b>工商银行城东支行大堂</b><br>bank-0412-lobby · 拍摄于 2026-11-28T02:15:00Z"));
    assert_non_null(strstr(s, "src=\"shots/pharmacy-7.jpg\""));
    assert_null(strstr(s, "alt=\"bus-22-front\""));
    int figures = 0;
    for (const char *p = s; (p = strstr(p, "<figure>")); p++)
        figures++;
    assert_int_equal(figures, 2);
    assert_true(b.len > 0 && strcmp(s + b.len - 8, "</html>\n") == 0);
    sl_report_buf_free(&b);

    /* English, no pictures: no proof section at all. */
    o.lang = SL_LANG_EN;
    o.n_shots = 0;
    assert_int_equal(sl_report_html(doc, &o, &b, err, sizeof err), 0);
    assert_non_null(strstr(b.p, "<html lang=\"en\">"));
    assert_non_null(strstr(b.p, "<h2>Screens not lit, and why</h2>"));
    assert_non_null(strstr(b.p, "<td class=\"st lit\">lit</td>"));
    assert_null(strstr(b.p, "<figure>"));
    sl_report_buf_free(&b);
    cJSON_Delete(doc);
}

static void test_html_no_dark_no_items(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse("{\"from\":\"2026-11-23\",\"to\":\"2026-11-23\",\"threshold_pct\":95,"
                             "\"summary\":{\"screens\":0},\"screens\":[],\"dark\":[],\"items\":[]}");
    sl_report_buf b = {0};
    char err[256];
    assert_int_equal(sl_report_html(doc, NULL, &b, err, sizeof err), 0);
    assert_non_null(strstr(b.p, "Every screen was lit."));
    assert_non_null(strstr(b.p, "No plays in the period."));
    assert_null(strstr(b.p, "<svg"));
    sl_report_buf_free(&b);
    cJSON_Delete(doc);
}

/* The report as a part of the console's page: the body of the page, no document around it. */
static void test_html_part(void **state)
{
    (void)state;
    cJSON *doc = sample();
    sl_report_opts o = {.lang = SL_LANG_ZH};
    sl_report_buf whole = {0}, part = {0};
    char err[256];
    assert_int_equal(sl_report_html(doc, &o, &whole, err, sizeof err), 0);
    assert_int_equal(sl_report_html_part(doc, &o, &part, err, sizeof err), 0);
    const char *s = part.p;
    static const char start[] = "<div class=\"slr\">\n<p class=\"meta\"><span>统计周期: <b>2026-11-23 – 2026-11-29</b>";
    assert_true(strncmp(s, start, sizeof start - 1) == 0);
    assert_true(strcmp(s + part.len - 7, "</div>\n") == 0);
    static const char *const outside[] = {"<!DOCTYPE", "<html", "<head", "<body", "</body", "<style", "<h1>"};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
        if (strstr(s, outside[i]))
            fail_msg("the part holds %s", outside[i]);
    /* What follows the meta line is the page's body, byte for byte. */
    const char *wb = strstr(whole.p, "<section class=\"summary\">"), *we = strstr(whole.p, "</body>");
    const char *pb = strstr(s, "<section class=\"summary\">");
    assert_non_null(wb);
    assert_non_null(we);
    assert_non_null(pb);
    assert_int_equal(part.len - 7 - (size_t)(pb - s), (size_t)(we - wb));
    assert_memory_equal(pb, wb, (size_t)(we - wb));
    /* The same line as the page's header. */
    const char *wm = strstr(whole.p, "<p class=\"meta\">"), *pm = strstr(s, "<p class=\"meta\">");
    assert_memory_equal(wm, pm, (size_t)(pb - pm));
    sl_report_buf_free(&part);

    /* Screen ids link to the console's screen pages, in both lists. */
    o.screen_link = "/console/screens/";
    assert_int_equal(sl_report_html_part(doc, &o, &part, err, sizeof err), 0);
    assert_non_null(strstr(part.p, "<tr><td><a href=\"/console/screens/community-3\">community-3</a></td>"));
    int links = 0;
    for (const char *p = part.p; (p = strstr(p, "<a href=\"/console/screens/bank-0412-lobby\">")); p++)
        links++;
    assert_int_equal(links, 1); /* lit: in the screen list only */
    links = 0;
    for (const char *p = part.p; (p = strstr(p, "<a href=\"/console/screens/community-3\">")); p++)
        links++;
    assert_int_equal(links, 2); /* dark: in the dark list and the screen list */
    sl_report_buf_free(&part);
    sl_report_buf_free(&whole);
    cJSON_Delete(doc);
}

/* The stylesheet of the part styles .slr and what is inside it, nothing else. */
static void test_html_css_scoped(void **state)
{
    (void)state;
    sl_report_buf b = {0};
    sl_report_html_css(&b);
    assert_false(b.oom);
    assert_null(strstr(b.p, "@page"));
    assert_non_null(strstr(b.p, ".slr{font-family:"));
    assert_non_null(strstr(b.p, ".slr *{box-sizing:border-box}"));
    assert_non_null(strstr(b.p, ".slr th,.slr td{border:1px solid"));
    assert_non_null(strstr(b.p, ".slr .card.dark b{color:#c62828}"));
    assert_non_null(strstr(b.p, "@media print{.slr{padding:0;max-width:none}\n.slr a{"));
    assert_non_null(strstr(b.p, ".slr{margin:0;max-width:none;padding:0}"));
    /* Every selector of every rule starts with .slr. */
    int rules = 0;
    for (char *line = strtok(b.p, "\n"); line; line = strtok(NULL, "\n")) {
        char *sel = strncmp(line, "@media", 6) == 0 ? strchr(line, '{') + 1 : line;
        if (*sel == '}')
            continue;
        rules++;
        char *brace = strchr(sel, '{');
        assert_non_null(brace);
        *brace = '\0';
        if (strncmp(sel, ".slr", 4) != 0)
            fail_msg("a rule outside .slr: %s", sel);
        for (char *c = sel; (c = strchr(c, ',')); c++)
            if (strncmp(c + 1, ".slr", 4) != 0)
                fail_msg("a selector outside .slr: %s", c + 1);
    }
    assert_true(rules > 20);
    sl_report_buf_free(&b);
}

static void test_url(void **state)
{
    (void)state;
    sl_report_buf b = {0};
    sl_report_buf_url(&b, "AZaz09-._~ a&b=c/d?e#f%\"<'");
    sl_report_buf_url(&b, "城东区");
    sl_report_buf_url(&b, NULL);
    assert_string_equal(b.p, "AZaz09-._~%20a%26b%3Dc%2Fd%3Fe%23f%25%22%3C%27%E5%9F%8E%E4%B8%9C%E5%8C%BA");
    sl_report_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escape),   cmocka_unit_test(test_base64),
        cmocka_unit_test(test_svg_regions),   cmocka_unit_test(test_svg_days),
        cmocka_unit_test(test_svg_fit),       cmocka_unit_test(test_html_sample),
        cmocka_unit_test(test_html_no_dark_no_items),
        cmocka_unit_test(test_html_part),     cmocka_unit_test(test_html_css_scoped),
        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
