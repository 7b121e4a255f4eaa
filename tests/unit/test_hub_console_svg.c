/* test_hub_console_svg.c — unit tests of the console's two SVG writers: the QR code (modules, quiet zone, label escaping) and the heat map of hours lit (cell states, tooltips, escaping, well-formed XML). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"
#include "tools/hub/console/console_heat.h"
#include "tools/hub/console/console_qr.h"
#include "testutil.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NASTY_1 "<script>alert(1)</script>"
#define NASTY_2 "\"><img onerror=x>"

/* How many times needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Fails unless xml is well-formed, checked by xmllint (libxml2-utils) or else tidy. */
static void expect_well_formed(const char *xml)
{
    char dir[256], path[300], cmd[700];
    assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "sl-svg"), 0);
    sl_test_path(dir, "doc.svg", path, sizeof path);
    assert_int_equal(sl_test_write_file(path, xml, strlen(xml)), 0);
    int rc;
    if (system("command -v xmllint >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
        rc = system(cmd);
    } else if (system("command -v tidy >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "tidy -xml -errors -quiet '%s'", path);
        rc = system(cmd);
    } else {
        sl_test_rmtree(dir);
        fail_msg("neither xmllint (libxml2-utils) nor tidy is installed: run tools/setup-debian.sh");
        return;
    }
    sl_test_rmtree(dir);
    if (rc != 0)
        fail_msg("not well-formed XML (%d):\n%.2000s", rc, xml);
}

/* ---- QR code ---- */

static char *qr_of(const char *text, const char *label)
{
    sl_report_buf b = {0};
    char err[256];
    if (sl_console_qr_svg(text, label, &b, err, sizeof err) != 0)
        fail_msg("qr: %s", err);
    return sl_report_buf_take(&b, NULL);
}

static void test_qr_structure(void **state)
{
    (void)state;
    char *svg = qr_of("https://hub.example:8443/enroll?code=ABCD-EFGH-IJKL", "扫码注册 / scan to enrol");
    /* 51 bytes at level M need version 4: 33 modules and 4 of quiet zone on each side. */
    assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 41 41\" "
                                "shape-rendering=\"crispEdges\" role=\"img\" "
                                "aria-label=\"扫码注册 / scan to enrol\"><title>扫码注册 / scan to enrol</title>"
                                "<rect width=\"41\" height=\"41\" fill=\"#fff\"/><path fill=\"#000\" d=\"M4 4h7v1h-7z"));
    assert_int_equal(count(svg, "<path"), 1);
    assert_int_equal(count(svg, "<svg"), 1);
    assert_null(strstr(svg, "width=\"100"));
    size_t n = strlen(svg);
    assert_true(n > 6 && strcmp(svg + n - 6, "</svg>") == 0);
    expect_well_formed(svg);
    free(svg);

    /* The smallest version for a short text: 21 modules. */
    svg = qr_of("ABCD", "x");
    assert_non_null(strstr(svg, "viewBox=\"0 0 29 29\""));
    free(svg);
}

/* The path's dark modules are exactly the encoder's, shifted by the quiet zone, and nothing is in the margin. */
static void test_qr_modules(void **state)
{
    (void)state;
    const char *text = "冒充领导要求转账的，都是诈骗 https://hub.example/enroll?code=WXYZ-2345";
    char *svg = qr_of(text, "qr");
    QRcode *qr = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, QR_ECLEVEL_M);
    assert_non_null(qr);
    int side = qr->width + 8;
    unsigned char *grid = calloc((size_t)side * (size_t)side, 1);
    assert_non_null(grid);
    const char *p = strstr(svg, " d=\"");
    assert_non_null(p);
    p += 4;
    int x, y, run, back, used;
    while (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) == 4) {
        assert_int_equal(run, back);
        assert_true(run >= 1 && x >= 0 && y >= 0 && x + run <= side && y < side);
        for (int i = 0; i < run; i++) {
            assert_int_equal(grid[y * side + x + i], 0); /* runs never overlap */
            grid[y * side + x + i] = 1;
        }
        p += used;
    }
    assert_int_equal(*p, '"');
    for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
            int inside = r >= 4 && c >= 4 && r < side - 4 && c < side - 4;
            int want = inside ? (qr->data[(r - 4) * qr->width + (c - 4)] & 1) : 0;
            if (grid[r * side + c] != want)
                fail_msg("module row %d column %d: %d, the encoder says %d", r, c, grid[r * side + c], want);
        }
    }
    free(grid);
    QRcode_free(qr);
    free(svg);
}

static void test_qr_label_escaped(void **state)
{
    (void)state;
    char *svg = qr_of("hello", NASTY_1 NASTY_2);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "<img"));
    assert_non_null(strstr(svg, "aria-label=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img onerror=x&gt;\">"
                                "<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img onerror=x&gt;</title>"));
    expect_well_formed(svg);
    free(svg);
}

static void test_qr_errors(void **state)
{
    (void)state;
    sl_report_buf b = {0};
    char err[256] = "";
    sl_report_buf_puts(&b, "<p>before</p>");
    assert_int_equal(sl_console_qr_svg("", "x", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "the text is empty"));
    assert_int_equal(sl_console_qr_svg(NULL, "x", &b, err, sizeof err), -1);
    char *big = malloc(SL_CONSOLE_QR_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', SL_CONSOLE_QR_MAX + 1);
    big[SL_CONSOLE_QR_MAX + 1] = '\0';
    assert_int_equal(sl_console_qr_svg(big, "x", &b, err, sizeof err), -1);
    assert_string_equal(err, "QR code: the text is 2332 bytes; a QR code holds at most 2331 (shorten it)");
    assert_string_equal(b.p, "<p>before</p>");
    /* The most it holds: version 40, 177 modules. */
    big[SL_CONSOLE_QR_MAX] = '\0';
    assert_int_equal(sl_console_qr_svg(big, "x", &b, err, sizeof err), 0);
    assert_non_null(strstr(b.p, "<p>before</p><svg "));
    assert_non_null(strstr(b.p, "viewBox=\"0 0 185 185\""));
    assert_int_equal(sl_console_qr_svg("x", "x", NULL, err, sizeof err), -1);
    free(big);
    sl_report_buf_free(&b);
}

/* ---- heat map ---- */

static const sl_heat_text TEXT_EN = {
    .title = "Hours lit, 11-24 to 11-30",
    .lit = "Lit",
    .partly = "Partly lit (minutes)",
    .dark = "Dark",
    .not_required = "Not required",
    .future = "No data yet",
    .minutes = "{lit} of {req} min lit",
};

static void test_heat_states(void **state)
{
    (void)state;
    struct {
        sl_heat_hour h;
        sl_heat_state want;
    } cases[] = {
        {{0, 0, false}, SL_HEAT_NOT_REQUIRED},
        {{0, 3600, false}, SL_HEAT_NOT_REQUIRED}, /* lit outside required hours does not count */
        {{3600, 3600, false}, SL_HEAT_LIT},
        {{3600, 3541, false}, SL_HEAT_LIT},       /* short by under a minute */
        {{3600, 3540, false}, SL_HEAT_PARTLY},
        {{1800, 1800, false}, SL_HEAT_LIT},       /* 08:30-09:00 required, all of it lit */
        {{1800, 3600, false}, SL_HEAT_LIT},
        {{3600, 2520, false}, SL_HEAT_PARTLY},
        {{3600, 1, false}, SL_HEAT_PARTLY},
        {{3600, 0, false}, SL_HEAT_DARK},
        {{1800, 0, false}, SL_HEAT_DARK},
        {{3600, 0, true}, SL_HEAT_FUTURE},
        {{0, 0, true}, SL_HEAT_FUTURE},
        {{3600, 3600, true}, SL_HEAT_FUTURE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (sl_console_heat_state(&cases[i].h) != cases[i].want)
            fail_msg("case %zu: state %d, wanted %d", i, sl_console_heat_state(&cases[i].h), cases[i].want);
    }
    assert_int_equal(sl_console_heat_state(NULL), SL_HEAT_FUTURE);
}

/* A week: Monday not required at all, Tuesday's working hours with every state, the rest future. */
static void week(sl_heat_day *days)
{
    static const char *const labels[] = {"Mon 11-23", "Tue 11-24", "Wed 11-25", "Thu 11-26",
                                         "Fri 11-27", "Sat 11-28", "Sun 11-29"};
    memset(days, 0, 7 * sizeof *days);
    for (int d = 0; d < 7; d++) {
        snprintf(days[d].label, sizeof days[d].label, "%s", labels[d]);
        for (int h = 0; h < 24; h++)
            days[d].h[h].future = d >= 2;
    }
    for (int h = 9; h < 18; h++)
        days[1].h[h] = (sl_heat_hour){3600, 3600, false};
    days[1].h[8] = (sl_heat_hour){1800, 1800, false}; /* from 08:30 */
    days[1].h[14].lit_s = 2520;                       /* 42 of 60 */
    days[1].h[15].lit_s = 30;                         /* under a minute */
    days[1].h[16].lit_s = 0;
    days[1].h[17].lit_s = 0;
}

static char *heat_of(const sl_heat_day *days, size_t n, const sl_heat_text *text)
{
    sl_report_buf b = {0};
    char err[256];
    if (sl_console_heat_svg(days, n, text, &b, err, sizeof err) != 0)
        fail_msg("heat: %s", err);
    return sl_report_buf_take(&b, NULL);
}

static void test_heat_cells(void **state)
{
    (void)state;
    sl_heat_day days[7];
    week(days);
    char *svg = heat_of(days, 7, &TEXT_EN);
    /* 7 × 24 cells, each in its state. */
    assert_int_equal(count(svg, "<rect class=\"h-"), 7 * 24);
    assert_int_equal(count(svg, "<rect class=\"h-lit\""), 6);
    assert_int_equal(count(svg, "<rect class=\"h-partly\""), 2);
    assert_int_equal(count(svg, "<rect class=\"h-dark\""), 2);
    assert_int_equal(count(svg, "<rect class=\"h-future\""), 5 * 24);
    assert_int_equal(count(svg, "<rect class=\"h-off\""), 24 + 24 - 10);
    assert_int_equal(count(svg, "<title>"), 1 + 7 * 24);
    /* Tooltips. */
    assert_non_null(strstr(svg, "<title>Tue 11-24 14:00\xe2\x80\x93" "15:00: 42 of 60 min lit</title>"));
    assert_non_null(strstr(svg, "<title>Tue 11-24 15:00\xe2\x80\x93" "16:00: &lt;1 of 60 min lit</title>"));
    assert_non_null(strstr(svg, "<title>Tue 11-24 16:00\xe2\x80\x93" "17:00: 0 of 60 min lit</title>"));
    assert_non_null(strstr(svg, "<title>Tue 11-24 08:00\xe2\x80\x93" "09:00: 30 of 30 min lit</title>"));
    assert_non_null(strstr(svg, "<title>Mon 11-23 23:00\xe2\x80\x93" "24:00: Not required</title>"));
    assert_non_null(strstr(svg, "<title>Sun 11-29 00:00\xe2\x80\x93" "01:00: No data yet</title>"));
    /* Minutes written in partly lit cells; a cross per dark cell (two strokes each). */
    assert_non_null(strstr(svg, ">42</text>"));
    assert_non_null(strstr(svg, ">&lt;1</text>"));
    const char *marks = strstr(svg, "<path class=\"dark-marks\"");
    assert_non_null(marks);
    marks = strstr(marks, " d=\"");
    assert_non_null(marks);
    const char *end = strchr(marks + 4, '"');
    assert_non_null(end);
    int moves = 0;
    for (const char *q = marks; q < end; q++)
        moves += *q == 'M';
    assert_int_equal(moves, 2);
    /* Hour labels, row labels, a legend with the caller's words and marks like the cells'. */
    assert_non_null(strstr(svg, ">0</text>"));
    assert_non_null(strstr(svg, ">23</text>"));
    assert_non_null(strstr(svg, "text-anchor=\"end\">Wed 11-25</text>"));
    const char *legend = strstr(svg, "<g class=\"legend\">");
    assert_non_null(legend);
    assert_non_null(strstr(legend, "<g class=\"h-dark\">"));
    assert_non_null(strstr(legend, "<path stroke=\"#fff\""));
    assert_non_null(strstr(legend, ">Partly lit (minutes)</text>"));
    assert_non_null(strstr(legend, ">No data yet</text>"));
    /* It scales: a viewBox, width 100 %, no fixed height. */
    assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\" viewBox=\"0 0 "));
    assert_non_null(strstr(svg, "width=\"100%\""));
    assert_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\" viewBox=\"0 0 0"));
    char *svg_tag_end = strchr(svg, '>');
    assert_non_null(svg_tag_end);
    *svg_tag_end = '\0';
    assert_null(strstr(svg, " height="));
    *svg_tag_end = '>';
    assert_non_null(strstr(svg, "role=\"img\" aria-label=\"Hours lit, 11-24 to 11-30\"><title>Hours lit, 11-24 to "
                                "11-30</title>"));
    expect_well_formed(svg);
    free(svg);
}

static void test_heat_escaping(void **state)
{
    (void)state;
    sl_heat_day days[7];
    week(days);
    snprintf(days[1].label, sizeof days[1].label, "%s", NASTY_1);
    snprintf(days[2].label, sizeof days[2].label, "%s", NASTY_2);
    sl_heat_text t = {
        .title = NASTY_2, .lit = NASTY_1, .partly = NASTY_2, .dark = "<b>&",
        .not_required = NASTY_1, .future = NASTY_2, .minutes = "{lit}<i>{req}\"'",
    };
    char *svg = heat_of(days, 7, &t);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "<img"));
    assert_null(strstr(svg, "<b>"));
    assert_null(strstr(svg, "<i>"));
    assert_null(strstr(svg, "\"><img"));
    assert_non_null(strstr(svg, "aria-label=\"&quot;&gt;&lt;img onerror=x&gt;\""));
    assert_non_null(strstr(svg, ">&lt;b&gt;&amp;</text>"));
    /* The tooltips escape the day's label, the words and the template alike. */
    assert_non_null(strstr(svg, "<title>&lt;script&gt;alert(1)&lt;/script&gt; 14:00\xe2\x80\x93" "15:00: "
                                "42&lt;i&gt;60&quot;&#39;</title>"));
    assert_non_null(strstr(svg, "<title>&quot;&gt;&lt;img onerror=x&gt; 03:00\xe2\x80\x93" "04:00: "
                                "&quot;&gt;&lt;img onerror=x&gt;</title>"));
    expect_well_formed(svg);
    free(svg);
}

/* A month of 31 rows in Chinese; long legend words wrap to more lines. */
static void test_heat_month(void **state)
{
    (void)state;
    sl_heat_day days[SL_HEAT_MAX_DAYS];
    memset(days, 0, sizeof days);
    for (int d = 0; d < SL_HEAT_MAX_DAYS; d++) {
        static const char *const wd[7] = {"一", "二", "三", "四", "五", "六", "日"};
        snprintf(days[d].label, sizeof days[d].label, "周%s 12-%02d", wd[d % 7], d + 1);
        for (int h = 8; h < 20; h++)
            days[d].h[h] = (sl_heat_hour){3600, (d * 24 + h) % 4 * 1200, false};
    }
    sl_heat_text zh = {.title = "亮屏小时", .lit = "亮屏", .partly = "部分亮屏（分钟）", .dark = "黑屏",
                       .not_required = "无需亮屏", .future = "暂无数据", .minutes = "亮屏 {lit}/{req} 分钟"};
    char *svg = heat_of(days, SL_HEAT_MAX_DAYS, &zh);
    assert_int_equal(count(svg, "<rect class=\"h-"), SL_HEAT_MAX_DAYS * 24);
    assert_non_null(strstr(svg, "text-anchor=\"end\">周三 12-31</text>"));
    assert_non_null(strstr(svg, "<title>周一 12-01 09:00\xe2\x80\x93" "10:00: 亮屏 20/60 分钟</title>"));
    expect_well_formed(svg);
    int w1, h1, w2, h2;
    assert_int_equal(sscanf(strstr(svg, "viewBox="), "viewBox=\"0 0 %d %d\"", &w1, &h1), 2);
    free(svg);
    sl_heat_text wordy = zh;
    wordy.lit = "Lit for all of the hour's required minutes";
    wordy.partly = "Partly lit: the minutes the screen was on are written in the cell";
    wordy.dark = "Dark for all of the hour's required minutes";
    wordy.not_required = "Not required by the screen's hours";
    wordy.future = "Not over yet, or the hub holds no data for this hour";
    svg = heat_of(days, SL_HEAT_MAX_DAYS, &wordy);
    assert_int_equal(sscanf(strstr(svg, "viewBox="), "viewBox=\"0 0 %d %d\"", &w2, &h2), 2);
    assert_int_equal(w1, w2);
    assert_true(h2 > h1);
    free(svg);
}

static void test_heat_errors(void **state)
{
    (void)state;
    sl_heat_day days[SL_HEAT_MAX_DAYS + 1];
    memset(days, 0, sizeof days);
    sl_report_buf b = {0};
    char err[256] = "";
    sl_report_buf_puts(&b, "before");
    assert_int_equal(sl_console_heat_svg(days, 0, &TEXT_EN, &b, err, sizeof err), -1);
    assert_string_equal(err, "heat map: 0 days; give 1 to 31 rows");
    assert_int_equal(sl_console_heat_svg(days, SL_HEAT_MAX_DAYS + 1, &TEXT_EN, &b, err, sizeof err), -1);
    assert_string_equal(err, "heat map: 32 days; give 1 to 31 rows");
    days[2].h[5].lit_s = 3601;
    assert_int_equal(sl_console_heat_svg(days, 7, &TEXT_EN, &b, err, sizeof err), -1);
    assert_string_equal(err, "heat map: row 2 hour 5: required_s 0, lit_s 3601; each must be 0 to 3600 seconds");
    days[2].h[5] = (sl_heat_hour){-1, 0, false};
    assert_int_equal(sl_console_heat_svg(days, 7, &TEXT_EN, &b, err, sizeof err), -1);
    assert_int_equal(sl_console_heat_svg(days, 1, NULL, &b, err, sizeof err), -1);
    assert_string_equal(b.p, "before");
    /* A row alone, with NULL words, is fine. */
    sl_heat_text none = {0};
    assert_int_equal(sl_console_heat_svg(days, 1, &none, &b, err, sizeof err), 0);
    assert_int_equal(count(b.p, "<rect class=\"h-off\""), 24);
    sl_report_buf_free(&b);
}

static int64_t at(const char *iso)
{
    int64_t ms;
    if (sl_instant_parse(iso, NULL, &ms) != 0)
        fail_msg("bad instant %s", iso);
    return ms;
}

static cJSON *report_screen(const char *zone, const char *hours_json)
{
    char doc[2048];
    snprintf(doc, sizeof doc, "{\"id\": \"lobby-1\", \"timezone\": \"%s\", \"hours\": %s}", zone, hours_json);
    cJSON *s = cJSON_Parse(doc);
    assert_non_null(s);
    return s;
}

static void test_heat_from_report(void **state)
{
    (void)state;
    static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    /* UTC hours of a screen at +08:00: 06:00Z is 14:00 local. */
    cJSON *s = report_screen("+08:00", "["
                                       "{\"hour\": \"2026-11-22T15:00:00Z\", \"required_s\": 3600, \"lit_s\": 3600},"
                                       "{\"hour\": \"2026-11-22T16:00:00Z\", \"required_s\": 3600, \"lit_s\": 0},"
                                       "{\"hour\": \"2026-11-24T00:00:00Z\", \"required_s\": 1800, \"lit_s\": 1800},"
                                       "{\"hour\": \"2026-11-24T06:00:00Z\", \"required_s\": 3600, \"lit_s\": 2520},"
                                       "{\"hour\": \"2026-11-24T07:00:00Z\", \"required_s\": 3600, \"lit_s\": 99999},"
                                       "{\"hour\": \"bad\", \"required_s\": 3600, \"lit_s\": 0},"
                                       "{\"hour\": \"2026-11-29T16:00:00Z\", \"required_s\": 3600, \"lit_s\": 0}"
                                       "]");
    int64_t first;
    assert_int_equal(sl_date_parse("2026-11-23", &first), 0);
    sl_heat_day days[7];
    char err[256];
    int64_t now = at("2026-11-25T12:30:00+08:00");
    assert_int_equal(sl_console_heat_from_report(s, first, 7, now, wd, days, err, sizeof err), 0);
    assert_string_equal(days[0].label, "Mon 11-23");
    assert_string_equal(days[1].label, "Tue 11-24");
    assert_string_equal(days[6].label, "Sun 11-29");
    /* 2026-11-22T15:00Z is Sunday 23:00 local, before the first day: left out; 16:00Z is Monday 00:00. */
    assert_int_equal(days[0].h[0].required_s, 3600);
    assert_int_equal(days[0].h[0].lit_s, 0);
    assert_int_equal(sl_console_heat_state(&days[0].h[0]), SL_HEAT_DARK);
    assert_int_equal(sl_console_heat_state(&days[1].h[8]), SL_HEAT_LIT);
    assert_int_equal(days[1].h[8].required_s, 1800);
    assert_int_equal(days[1].h[14].lit_s, 2520);
    assert_int_equal(sl_console_heat_state(&days[1].h[14]), SL_HEAT_PARTLY);
    assert_int_equal(days[1].h[15].lit_s, 3600); /* clamped */
    assert_int_equal(sl_console_heat_state(&days[1].h[13]), SL_HEAT_NOT_REQUIRED);
    /* Now is Wednesday 12:30 local: 11:00-12:00 is over, 12:00-13:00 is not. */
    assert_false(days[2].h[11].future);
    assert_true(days[2].h[12].future);
    assert_true(days[3].h[0].future);
    /* Monday 00:00 local of the next week (2026-11-29T16:00Z) is after the last row. */
    for (int h = 0; h < 24; h++)
        assert_int_equal(days[6].h[h].required_s, 0);
    /* Without weekday names: the date alone. */
    assert_int_equal(sl_console_heat_from_report(s, first, 1, now, NULL, days, err, sizeof err), 0);
    assert_string_equal(days[0].label, "11-23");
    char *svg = heat_of(days, 1, &TEXT_EN);
    assert_non_null(strstr(svg, "<title>11-23 00:00\xe2\x80\x93" "01:00: 0 of 60 min lit</title>"));
    free(svg);
    cJSON_Delete(s);

    /* No "hours" (a report made without detail_hours), a zone that cannot be loaded, a bad row count. */
    s = cJSON_Parse("{\"id\": \"lobby-1\", \"timezone\": \"+08:00\"}");
    assert_int_equal(sl_console_heat_from_report(s, first, 7, now, wd, days, err, sizeof err), -1);
    assert_string_equal(err, "heat map: the report's screen has no \"hours\"; make the report with detail_hours");
    cJSON_Delete(s);
    s = report_screen("../etc/passwd", "[]");
    assert_int_equal(sl_console_heat_from_report(s, first, 7, now, wd, days, err, sizeof err), -1);
    assert_non_null(strstr(err, "heat map: the screen's time zone \"../etc/passwd\": "));
    assert_int_equal(sl_console_heat_from_report(s, first, 0, now, wd, days, err, sizeof err), -1);
    assert_int_equal(sl_console_heat_from_report(s, first, 32, now, wd, days, err, sizeof err), -1);
    cJSON_Delete(s);
}

/* Renders an SVG with rsvg-convert (librsvg2-bin) on white, as 8-bit grey
 * pixels (ffmpeg): *w × *h bytes, malloc'd. */
static unsigned char *render_grey(const char *svg, int *w, int *h)
{
    char dir[256], path[300], cmd[900];
    size_t len = 0;
    if (system("command -v rsvg-convert >/dev/null 2>&1") != 0)
        fail_msg("rsvg-convert is not installed: run tools/setup-debian.sh");
    assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "sl-svgpx"), 0);
    sl_test_path(dir, "in.svg", path, sizeof path);
    assert_int_equal(sl_test_write_file(path, svg, strlen(svg)), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && rsvg-convert -b white -o in.png in.svg", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sl_test_ffmpeg(dir, "-i in.png -f rawvideo -pix_fmt gray out.raw"), 0);
    snprintf(cmd, sizeof cmd, "ffprobe -v error -show_entries stream=width,height -of csv=p=0 '%s/in.png'", dir);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    assert_int_equal(fscanf(pp, "%d,%d", w, h), 2);
    pclose(pp);
    sl_test_path(dir, "out.raw", path, sizeof path);
    unsigned char *px = sl_test_read_file(path, &len);
    sl_test_rmtree(dir);
    assert_non_null(px);
    assert_int_equal(len, (size_t)*w * (size_t)*h);
    return px;
}

/* The day labels, drawn by a real renderer, are whole: in the rows' band
 * no ink touches the picture's left edge (the labels end at the cells,
 * so a label wider than its room starts left of the picture). In English
 * and in Chinese, for a week and a month. */
static void test_heat_labels_fit(void **state)
{
    (void)state;
    static const char *const en[] = {"Wed 11-25", "Mon 11-23", "Sun 11-29"};
    static const char *const zh[] = {"周三 11-25", "周一 11-23", "周日 11-29"};
    static const sl_heat_text zh_text = {"每小时亮屏时长", "亮屏", "部分亮屏（分钟）", "黑屏", "不要求", "尚无数据",
                                         "亮屏 {lit}/{req} 分钟"};
    for (int lang = 0; lang < 2; lang++) {
        sl_heat_day days[31];
        memset(days, 0, sizeof days);
        for (int d = 0; d < 31; d++)
            snprintf(days[d].label, sizeof days[d].label, "%s", (lang ? zh : en)[d % 3]);
        char *svg = heat_of(days, 31, lang ? &zh_text : &TEXT_EN);
        int w = 0, h = 0;
        unsigned char *px = render_grey(svg, &w, &h);
        /* the rows: from the top margin (20) for 31 rows of 22 units, in pixels */
        int y0, y1;
        const char *vb = strstr(svg, "viewBox=\"0 0 ");
        int vw = 0, vh = 0;
        assert_non_null(vb);
        assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &vw, &vh), 2);
        y0 = 20 * h / vh;
        y1 = (20 + 31 * 22) * h / vh;
        int ink = 0;
        for (int y = y0; y < y1; y++)
            for (int x = 0; x < 2; x++)
                ink += px[(size_t)y * (size_t)w + (size_t)x] < 200;
        if (ink)
            fail_msg("%s: %d dark pixels at the left edge: a day label is cut", lang ? "zh" : "en", ink);
        free(px);
        free(svg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_structure),    cmocka_unit_test(test_qr_modules),
        cmocka_unit_test(test_qr_label_escaped), cmocka_unit_test(test_qr_errors),
        cmocka_unit_test(test_heat_states),     cmocka_unit_test(test_heat_cells),
        cmocka_unit_test(test_heat_escaping),   cmocka_unit_test(test_heat_month),
        cmocka_unit_test(test_heat_errors),     cmocka_unit_test(test_heat_from_report),
        cmocka_unit_test(test_heat_labels_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
