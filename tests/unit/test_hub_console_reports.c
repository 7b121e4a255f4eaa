/* test_hub_console_reports.c — the console's Coverage and Reports pages on a real SQLite hub: the report for seeded plays, periods, ranking, downloads equal to the API's, escaping, scheduled report files and refused names. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"
#include "testutil.h"
#include "tests/hub/cpagefix.h"
#include "tests/hub/hubfix.h"
#include "tools/hub/console/console_pages.h"
#include "tools/hub/coverage/hub_schedule.h"
#include "tools/hub/http/server.h"
#include "tools/hub/service/hub_reports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define H 3600000LL
#define XSS_REGION "<script>alert(1)</script>"
#define XSS_NAME "\"><img src=x onerror=alert(1)>"

typedef struct {
    char dir[64];
    sl_hub hub;
    sl_schedule_cfg cfg;
    int64_t seq;
} fixture;

/* What a page handler gave back. */
typedef struct {
    int rc;
    unsigned status;
    char content_type[96], filename[128], title[128];
    sl_report_buf out;
} page_result;

/* Plays in the main zone from 09:00 local on Wednesday 25 November 2026 for
 * `minutes` (poster-app every 6th: 60 an hour, above its floor of 6). */
static void play_morning(fixture *f, const char *id, int minutes)
{
    const int64_t start = sl_days_from_civil(2026, 11, 25) * SL_MS_PER_DAY + 1 * H; /* 09:00 +08:00 */
    sl_hubfix_plays(&f->hub, &f->seq, id, "big", start, start + minutes * 60000LL, 6, SL_CLOCK_SYNCED);
}

/* Five screens required 09:00-13:00: east-1 lit all of it, east-2 3.5 h,
 * west-1 and north-1 3 h each, xss-1 (names that are HTML) never enrolled. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || sl_hubfix_open(&f->hub, f->dir, sizeof f->dir, "sl-conrep") != 0)
        return -1;
    sl_schedule_cfg_init(&f->cfg);
    f->hub.reports = &f->cfg;
    sl_store *st = f->hub.store;
    static const char *const hours = "mon-fri 09:00-13:00";
    sl_hubfix_screen(st, "east-1", "工商银行城东支行", "城东区", "bank", hours);
    sl_hubfix_screen(st, "east-2", "建设银行城东支行", "城东区", "bank", hours);
    sl_hubfix_screen(st, "west-1", "22路公交", "城西区", "bus", hours);
    sl_hubfix_screen(st, "north-1", "15路公交", "城北区", "bus", hours);
    sl_hubfix_screen(st, "xss-1", XSS_NAME, XSS_REGION, "community", hours);
    static const char *const played[] = {"east-1", "east-2", "west-1", "north-1"};
    static const int minutes[] = {240, 210, 180, 180};
    for (int i = 0; i < 4; i++) {
        sl_hubfix_enrol(st, played[i], (uint8_t)(i + 1));
        play_morning(f, played[i], minutes[i]);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_hubfix_close(&f->hub, f->dir);
    free(f);
    return 0;
}

/* Runs a page handler as the frame would, with query pairs (name, value,
 * ..., NULL; values as decoded by the frame). */
static page_result run_page(fixture *f, int (*handle)(sl_cpage *, char *, size_t), const char *lang,
                            const char *param, const char *const *pairs)
{
    page_result r;
    sl_cpagefix c;
    memset(&r, 0, sizeof r);
    sl_cpagefix_init(&c, &f->hub, lang, SL_ROLE_AUDITOR, param);
    for (size_t i = 0; pairs && pairs[i]; i += 2)
        sl_cpagefix_arg(&c, pairs[i], pairs[i + 1]);
    sl_cpagefix_run(&c, handle);
    r.rc = c.rc;
    r.status = c.p.status;
    snprintf(r.content_type, sizeof r.content_type, "%s", c.p.content_type);
    snprintf(r.filename, sizeof r.filename, "%s", c.p.filename);
    snprintf(r.title, sizeof r.title, "%s", c.p.title);
    r.out = c.out; /* the page's bytes go to the caller */
    memset(&c.out, 0, sizeof c.out);
    sl_cpagefix_free(&c);
    return r;
}

static void expect_in(const char *s, const char *want)
{
    if (!strstr(s, want))
        fail_msg("missing: %s", want);
}

static void expect_not_in(const char *s, const char *bad)
{
    if (strstr(s, bad))
        fail_msg("present: %s", bad);
}

/* Where needle is in s (fails when it is not). */
static size_t pos(const char *s, const char *needle)
{
    const char *p = strstr(s, needle);
    if (!p)
        fail_msg("missing: %s", needle);
    return (size_t)(p - s);
}

/* Overwrites every UTC instant ("2026-12-06T16:04:01Z") with 'X': when
 * two runs of the same report were generated differs. */
static void blank_instants(char *s, size_t len)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    const size_t n = sizeof shape - 1;
    for (size_t i = 0; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && (shape[k] == 'd' ? s[i + k] >= '0' && s[i + k] <= '9' : s[i + k] == shape[k]))
            k++;
        if (k == n)
            memset(s + i, 'X', n);
    }
}

static const char *const day_25[] = {"period", "custom", "from", "2026-11-25", "to", "2026-11-25", NULL};

/* The page shows the report the CLI makes for the seeded plays. */
static void test_page_shows_report(void **state)
{
    fixture *f = *state;
    page_result r = run_page(f, sl_page_coverage, "zh", NULL, day_25);
    const char *s = r.out.p;
    assert_int_equal(r.status, 0);
    assert_string_equal(r.title, "覆盖率");
    assert_string_equal(r.content_type, "");
    /* The report part, byte for byte what the report writer makes of the hub's document. */
    char err[256];
    sl_coverage_query q = {.from_day = sl_days_from_civil(2026, 11, 25), .to_day = sl_days_from_civil(2026, 11, 25)};
    cJSON *doc = sl_coverage_report(&f->hub, &q, sl_hub_now_ms(), err, sizeof err);
    assert_non_null(doc);
    sl_report_buf want = {0};
    sl_report_opts o = {.lang = SL_LANG_ZH, .screen_link = "/console/screens/"};
    assert_int_equal(sl_report_html_part(doc, &o, &want, err, sizeof err), 0);
    char *got = strstr(r.out.p, "<div class=\"slr\">");
    assert_non_null(got);
    size_t glen = r.out.len - (size_t)(got - r.out.p);
    blank_instants(got, glen);
    blank_instants(want.p, want.len);
    assert_int_equal(glen, want.len);
    assert_memory_equal(got, want.p, want.len);
    sl_report_buf_free(&want);
    cJSON_Delete(doc);
    /* The numbers of the seeded plays: 5 screens, 1 lit, 3 short, 1 dark;
     * 13.5 of 20 required hours = 67.5 %; poster-app played 60 times an hour. */
    expect_in(s, "<b>5</b>");
    expect_in(s, "<div class=\"card lit\"><b>1</b>");
    expect_in(s, "<div class=\"card short\"><b>3</b>");
    expect_in(s, "<div class=\"card dark\"><b>1</b>");
    expect_in(s, "<b>67.5%</b>");
    expect_in(s, "<b>20.00</b>");
    expect_in(s, "<b>13.50</b>");
    expect_in(s, "<td>poster-app</td><td class=\"n\">810</td><td class=\"n\">4</td>");
    expect_in(s, "<td>poster-other</td><td class=\"n\">4050</td>");
    /* The dark list with the reason, its id linked to the screen's page. */
    expect_in(s, "<tr><td><a href=\"/console/screens/xss-1\">xss-1</a></td>");
    expect_in(s, "<td class=\"st dark\">黑屏</td><td class=\"n\">0.0%</td><td>设备从未注册</td>");
    expect_in(s, "<td class=\"st short\">不足</td><td class=\"n\">87.5%</td>");
    /* The charts, the stylesheet of the part, the period and the downloads. */
    expect_in(s, "<svg");
    expect_in(s, "<link rel=\"stylesheet\" href=\"/console/coverage/report.css\">");
    expect_in(s, "<b>自定义</b>: 2026-11-25 (周三) – 2026-11-25 (周三)");
    expect_in(s, "<a class=\"btn secondary\" href=\"/console/coverage/download?format=xlsx&amp;period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;lang=zh\" download>XLSX</a>");
    for (const char *fmt = "csv\0html\0json\0"; *fmt; fmt += strlen(fmt) + 1) {
        char href[160];
        snprintf(href, sizeof href, "/console/coverage/download?format=%s&amp;period=custom", fmt);
        expect_in(s, href);
    }
    /* The form works without JavaScript: a GET form, the dates, the period buttons. */
    expect_in(s, "<form class=\"filters cov-pick\" method=\"get\" action=\"/console/coverage\">");
    expect_in(s, "<input type=\"date\" name=\"from\" value=\"2026-11-25\">");
    expect_in(s, "<button type=\"submit\" name=\"period\" value=\"custom\">显示</button>");
    expect_in(s, "<button type=\"submit\" name=\"period\" value=\"last_week\" aria-pressed=\"false\" class=\"secondary\">上周</button>");
    expect_not_in(s, "<script");
    sl_report_buf_free(&r.out);

    /* In English: the page's words and the report's. */
    r = run_page(f, sl_page_coverage, "en", NULL, day_25);
    assert_string_equal(r.title, "Coverage");
    expect_in(r.out.p, "<h2>Ranking</h2>");
    expect_in(r.out.p, "<b>Custom</b>: 2026-11-25 (Wed) – 2026-11-25 (Wed)");
    expect_in(r.out.p, "<td class=\"st dark\">dark</td>");
    expect_in(r.out.p, "&amp;lang=en\" download>CSV</a>");
    sl_report_buf_free(&r.out);
}

/* Regions and unit types ranked by coverage; equal coverage shares a rank. */
static void test_ranking(void **state)
{
    fixture *f = *state;
    page_result r = run_page(f, sl_page_coverage, "zh", NULL, day_25);
    const char *s = r.out.p;
    size_t table = pos(s, "<table class=\"list cov-rank-region\">"), end = table + pos(s + table, "</table>");
    size_t east = pos(s, ">城东区</a>"), north = pos(s, ">城北区</a>"), west = pos(s, ">城西区</a>"),
           xss = pos(s, ">&lt;script&gt;alert(1)&lt;/script&gt;</a>");
    assert_true(table < east && east < north && north < west && west < xss && xss < end);
    expect_in(s, "<tr><td class=\"num\">1</td><td><a href=\"/console/coverage?period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;region=%E5%9F%8E%E4%B8%9C%E5%8C%BA\">城东区</a></td><td class=\"num\">93.8%</td>"
                 "<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">0</td>");
    expect_in(s, "<tr><td class=\"num\">2</td><td><a href=\"/console/coverage?period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;region=%E5%9F%8E%E5%8C%97%E5%8C%BA\">城北区</a></td><td class=\"num\">75.0%</td>");
    expect_in(s, "<tr><td class=\"num\">2</td><td><a href=\"/console/coverage?period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;region=%E5%9F%8E%E8%A5%BF%E5%8C%BA\">城西区</a></td><td class=\"num\">75.0%</td>");
    expect_in(s, "<tr><td class=\"num\">4</td><td><a href=\"/console/coverage?period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;region=%3Cscript%3Ealert%281%29%3C%2Fscript%3E\">");
    size_t units = pos(s, "<table class=\"list cov-rank-unit_type\">");
    size_t bank = units + pos(s + units, ">bank</a>"), bus = units + pos(s + units, ">bus</a>"),
           community = units + pos(s + units, ">community</a>");
    assert_true(bank < bus && bus < community);
    expect_in(s + units, "<tr><td class=\"num\">3</td><td><a href=\"/console/coverage?period=custom&amp;"
                         "from=2026-11-25&amp;to=2026-11-25&amp;unit_type=community\">community</a></td>"
                         "<td class=\"num\">0.0%</td>");
    sl_report_buf_free(&r.out);

    /* Filtered to a region: its unit types ranked, the filter chosen in the form. */
    const char *const east_only[] = {"period", "custom", "from", "2026-11-25", "to", "2026-11-25", "region", "城东区",
                                     NULL};
    r = run_page(f, sl_page_coverage, "zh", NULL, east_only);
    s = r.out.p;
    expect_in(s, "<option value=\"城东区\" selected>城东区</option>");
    expect_in(s, "<option value=\"城西区\">城西区</option>");
    expect_in(s, "<option value=\"community\">community</option>");
    expect_in(s, "<b>2</b>");
    expect_not_in(s, ">west-1<");
    expect_in(s, "format=csv&amp;period=custom&amp;from=2026-11-25&amp;to=2026-11-25&amp;"
                 "region=%E5%9F%8E%E4%B8%9C%E5%8C%BA&amp;lang=zh");
    expect_in(s, "<tr><td class=\"num\">1</td><td><a href=\"/console/coverage?period=custom&amp;from=2026-11-25&amp;"
                 "to=2026-11-25&amp;region=%E5%9F%8E%E4%B8%9C%E5%8C%BA&amp;unit_type=bank\">bank</a>");
    sl_report_buf_free(&r.out);
}

/* The named periods are the schedule's, at the hub's clock and zone. */
static void test_page_periods(void **state)
{
    fixture *f = *state;
    sl_tz *tz = sl_hub_report_tz(&f->hub, NULL);
    static const char *const names[] = {"this_week", "last_week", "this_month", "last_month"};
    static const char *const words[] = {"本周", "上周", "本月", "上月"};
    assert_non_null(tz);
    for (int i = 0; i < 4; i++) {
        const char *const q[] = {"period", names[i], NULL};
        page_result r = run_page(f, sl_page_coverage, "zh", NULL, q);
        int64_t from, to;
        char want[128], a[16], b[16];
        sl_schedule_period((sl_sched_period)i, tz, sl_hub_now_ms(), &from, &to);
        sl_date_format(from, a, sizeof a);
        sl_date_format(to, b, sizeof b);
        snprintf(want, sizeof want, "<b>%s</b>: %s (", words[i], a);
        expect_in(r.out.p, want);
        snprintf(want, sizeof want, ") – %s (", b);
        expect_in(r.out.p, want);
        snprintf(want, sizeof want, "value=\"%s\" aria-pressed=\"true\"", names[i]);
        expect_in(r.out.p, want);
        snprintf(want, sizeof want, "format=xlsx&amp;period=%s&amp;from=%s&amp;to=%s&amp;", names[i], a, b);
        expect_in(r.out.p, want);
        if (i < 2)
            expect_in(r.out.p, "周五 16:00");
        sl_report_buf_free(&r.out);
        /* The same dates typed as a custom period are shown as that period. */
        const char *const typed[] = {"period", "custom", "from", a, "to", b, NULL};
        r = run_page(f, sl_page_coverage, "zh", NULL, typed);
        snprintf(want, sizeof want, "<b>%s</b>: %s (", words[i], a);
        expect_in(r.out.p, want);
        sl_report_buf_free(&r.out);
    }
    /* No period: last week. */
    page_result r = run_page(f, sl_page_coverage, "en", NULL, NULL);
    expect_in(r.out.p, "value=\"last_week\" aria-pressed=\"true\"");
    expect_in(r.out.p, "<b>Last week</b>");
    expect_in(r.out.p, "Friday 16:00 to Friday 16:00");
    sl_report_buf_free(&r.out);
    sl_tz_free(tz);
}

/* A wrong selection: 400, the form again and what is wrong. */
static void test_page_bad_input(void **state)
{
    fixture *f = *state;
    char long_region[400];
    memset(long_region, 'r', sizeof long_region - 1);
    long_region[sizeof long_region - 1] = '\0';
    struct {
        const char *q[9];
        const char *why;
    } cases[] = {
        {{"period", "custom", "from", "2026-11-25", NULL}, "Give a from and a to date (YYYY-MM-DD)."},
        {{"period", "custom", "from", "2026-11-25", "to", "25/11/2026", NULL}, "Give a from and a to date"},
        {{"period", "custom", "from", "2026-11-25", "to", "2026-11-24", NULL}, "The to date is before the from date."},
        {{"period", "custom", "from", "2025-01-01", "to", "2026-11-24", NULL}, "A report covers at most 366 days."},
        {{"period", "yesterday", NULL}, "Unknown period"},
        {{"period", "last_week", "region", long_region, NULL}, "region and unit_type must be"},
        {{"period", "last_week", "threshold", "0", NULL}, "threshold must be a whole percentage from 1 to 100"},
        {{"period", "last_week", "threshold", "9x", NULL}, "threshold must be a whole percentage from 1 to 100"},
        {{"period", "last_week", "screen", "../etc", NULL}, "screen must be a screen id"},
        {{"period", "last_week", "detail", "minutes", NULL}, "detail can only be &quot;hours&quot;"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        page_result r = run_page(f, sl_page_coverage, "en", NULL, cases[i].q);
        assert_int_equal(r.status, 400);
        expect_in(r.out.p, "<p class=\"error\" role=\"alert\">");
        expect_in(r.out.p, cases[i].why);
        expect_in(r.out.p, "<form class=\"filters cov-pick\"");
        expect_not_in(r.out.p, "<div class=\"slr\">");
        sl_report_buf_free(&r.out);
    }
    page_result r = run_page(f, sl_page_coverage, "zh", NULL, cases[2].q);
    expect_in(r.out.p, "结束日期早于开始日期。");
    sl_report_buf_free(&r.out);
    /* A download without a format, or with another one. */
    const char *const no_format[] = {"period", "last_week", NULL};
    r = run_page(f, sl_page_coverage_download, "en", NULL, no_format);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.content_type, "");
    expect_in(r.out.p, "Say which format: format=xlsx, csv, html or json.");
    sl_report_buf_free(&r.out);
    const char *const pdf[] = {"period", "last_week", "format", "pdf", NULL};
    r = run_page(f, sl_page_coverage_download, "en", NULL, pdf);
    assert_int_equal(r.status, 400);
    expect_in(r.out.p, "format must be csv, xlsx, html or json, not &#39;pdf&#39;");
    sl_report_buf_free(&r.out);
}

/* The CLI's other choices as form fields: one screen, a threshold and
 * per-hour detail, kept in the form, the links and the downloads; the report
 * is of that screen at that threshold, with its hours drawn. */
static void test_page_screen_threshold_hours(void **state)
{
    fixture *f = *state;
    const char *const q[] = {"period", "custom", "from", "2026-11-25", "to", "2026-11-25", "screen", "east-2",
                             "threshold", "80", "detail", "hours", NULL};
    page_result r = run_page(f, sl_page_coverage, "en", NULL, q);
    assert_int_equal(r.status, 0);
    const char *s = r.out.p;
    expect_in(s, "<input type=\"text\" name=\"screen\" maxlength=\"64\" placeholder=\"every screen\" value=\"east-2\">");
    expect_in(s, "<input type=\"number\" name=\"threshold\" min=\"1\" max=\"100\" placeholder=\"95\" value=\"80\">");
    expect_in(s, "<input type=\"checkbox\" name=\"detail\" value=\"hours\" checked> Hour by hour");
    expect_in(s, "<a class=\"btn secondary\" href=\"/console/coverage/download?format=csv&amp;period=custom&amp;"
                 "from=2026-11-25&amp;to=2026-11-25&amp;screen=east-2&amp;threshold=80&amp;detail=hours&amp;lang=en\" "
                 "download>CSV</a>");
    /* only east-2, lit at 80 % (3.5 of 4 h), and its hours as a heat map of one day */
    expect_in(s, "建设银行城东支行");
    expect_not_in(s, "工商银行城东支行");
    const char *hours = strstr(s, "<section id=\"cov-hours\">");
    assert_non_null(hours);
    expect_in(hours, "<h3>建设银行城东支行 <small class=\"muted\">east-2</small></h3>");
    int cells = 0;
    for (const char *c = hours; (c = strstr(c, "<rect class=\"h-")) != NULL; c++)
        cells++;
    assert_int_equal(cells, 24);
    expect_in(hours, "10:00\xe2\x80\x93" "11:00: 60 of 60 min lit");
    sl_report_buf_free(&r.out);
    /* The JSON download: that screen, lit at 80 % but short at the hub's 95 %, with its hours. */
    const char *const qj[] = {"format", "json", "period", "custom", "from", "2026-11-25", "to", "2026-11-25",
                              "screen", "east-2", "threshold", "80", "detail", "hours", NULL};
    r = run_page(f, sl_page_coverage_download, "en", NULL, qj);
    cJSON *doc = cJSON_Parse(r.out.p);
    assert_non_null(doc);
    cJSON *screens = cJSON_GetObjectItemCaseSensitive(doc, "screens");
    assert_int_equal(cJSON_GetArraySize(screens), 1);
    cJSON *one = cJSON_GetArrayItem(screens, 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one, "id")), "east-2");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one, "status")), "lit");
    assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(one, "hours")));
    cJSON_Delete(doc);
    sl_report_buf_free(&r.out);
    const char *const q95[] = {"format", "json", "period", "custom", "from", "2026-11-25", "to", "2026-11-25",
                               "screen", "east-2", "threshold", "", "detail", "", NULL};
    r = run_page(f, sl_page_coverage_download, "en", NULL, q95);
    doc = cJSON_Parse(r.out.p);
    assert_non_null(doc);
    one = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "screens"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(one, "status")), "short");
    assert_null(cJSON_GetObjectItemCaseSensitive(one, "hours"));
    cJSON_Delete(doc);
    sl_report_buf_free(&r.out);
    /* More than a month: no maps, said so. */
    const char *const q_long[] = {"period", "custom", "from", "2026-10-01", "to", "2026-11-25", "detail", "hours", NULL};
    r = run_page(f, sl_page_coverage, "en", NULL, q_long);
    assert_int_equal(r.status, 0);
    expect_in(r.out.p, "The period is longer than a month: no hourly maps on the page");
    expect_not_in(r.out.p, "<rect class=\"h-");
    sl_report_buf_free(&r.out);
}

/* ---- the API beside it: a real server on loopback ---- */

/* GET path with the token; the reply's status and body (malloc'd). */
static char *http_get(unsigned port, const char *path, const char *token, int *status, size_t *body_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval limit = {.tv_sec = 120}; /* a hub that never answers fails the test, not hangs it */
    assert_true(fd >= 0);
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit), 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char req[2048];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", path,
                     token);
    assert_int_equal(write(fd, req, (size_t)n), n);
    sl_report_buf b = {0};
    char chunk[65536];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) > 0)
        sl_report_buf_add(&b, chunk, (size_t)got);
    if (got < 0)
        fail_msg("GET %s: no reply within %ld s", path, (long)limit.tv_sec);
    close(fd);
    assert_non_null(b.p);
    assert_int_equal(sscanf(b.p, "HTTP/1.%*d %d", status), 1);
    char *body = memmem(b.p, b.len, "\r\n\r\n", 4);
    assert_non_null(body);
    body += 4;
    *body_len = b.len - (size_t)(body - b.p);
    char *out = malloc(*body_len + 1);
    memcpy(out, body, *body_len);
    out[*body_len] = '\0';
    sl_report_buf_free(&b);
    return out;
}

/* Each download is the file the API gives for the same selection. */
static void test_downloads_equal_api(void **state)
{
    fixture *f = *state;
    char hex[SL_HUB_TOKEN_HEX + 1], err[256];
    uint8_t hash[SL_HUB_HASH_BYTES];
    assert_int_equal(sl_hub_token_new(hex, hash), 0);
    assert_int_equal(f->hub.store->ops->token_add(f->hub.store, "audit", SL_ROLE_AUDITOR, NULL, hash, 1, err,
                                                  sizeof err),
                     SL_ST_OK);
    sl_server *srv = sl_server_start(&f->hub, "127.0.0.1:0", 2, err, sizeof err);
    assert_non_null(srv);
    unsigned port = sl_server_port(srv);
    static const char *const formats[] = {"csv", "json", "html", "xlsx"};
    static const char *const types[] = {"text/csv; charset=utf-8", "application/json", "text/html; charset=utf-8",
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    static const char *const langs[] = {"zh", "en"};
    static const char *const regions[] = {NULL, "城东区", XSS_REGION};
    static const char *const regions_url[] = {"", "&region=%E5%9F%8E%E4%B8%9C%E5%8C%BA",
                                              "&region=%3Cscript%3Ealert(1)%3C%2Fscript%3E"};
    for (size_t fi = 0; fi < 4; fi++) {
        for (size_t li = 0; li < 2; li++) {
            for (size_t ri = 0; ri < 3; ri++) {
                const char *q[] = {"format", formats[fi], "period", "custom", "from", "2026-11-25", "to",
                                   "2026-11-25", "lang", langs[li], regions[ri] ? "region" : NULL, regions[ri], NULL};
                page_result r = run_page(f, sl_page_coverage_download, langs[li], NULL, q);
                assert_int_equal(r.status, 0);
                assert_string_equal(r.content_type, types[fi]);
                char want_name[64], path[256];
                snprintf(want_name, sizeof want_name, "coverage-2026-11-25-2026-11-25.%s", formats[fi]);
                assert_string_equal(r.filename, want_name);
                snprintf(path, sizeof path, "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25&format=%s&lang=%s%s",
                         formats[fi], langs[li], regions_url[ri]);
                int status;
                size_t len;
                char *api = http_get(port, path, hex, &status, &len);
                assert_int_equal(status, 200);
                if (fi == 3) {
                    /* Workbooks carry the instant they were zipped: both are the
                     * same workbook, with its four sheets. */
                    assert_memory_equal(r.out.p, "PK\3\4", 4);
                    assert_memory_equal(api, "PK\3\4", 4);
                    for (int sheet = 1; sheet <= 4; sheet++) {
                        char entry[40];
                        snprintf(entry, sizeof entry, "xl/worksheets/sheet%d.xml", sheet);
                        assert_non_null(memmem(r.out.p, r.out.len, entry, strlen(entry)));
                        assert_non_null(memmem(api, len, entry, strlen(entry)));
                    }
                } else {
                    blank_instants(r.out.p, r.out.len);
                    blank_instants(api, len);
                    if (fi != 0) /* JSON and HTML say when they were generated */
                        expect_in(r.out.p, "XXXXXXXXXXXXXXXXXXXX");
                    if (r.out.len != len || memcmp(r.out.p, api, len) != 0)
                        fail_msg("%s %s %s: the console's download differs from the API's", formats[fi], langs[li],
                                 regions[ri] ? regions[ri] : "");
                }
                if (ri == 1 && fi == 1) {
                    cJSON *doc = cJSON_Parse(r.out.p);
                    assert_non_null(doc);
                    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "screens")), 2);
                    cJSON_Delete(doc);
                }
                free(api);
                sl_report_buf_free(&r.out);
            }
        }
    }
    /* One screen, a threshold and per-hour detail: the same file as the API's too. */
    for (size_t fi = 0; fi < 3; fi++) {
        const char *q[] = {"format", formats[fi], "period", "custom", "from", "2026-11-25", "to", "2026-11-25",
                           "lang", "en", "screen", "east-2", "threshold", "80", "detail", "hours", NULL};
        page_result r = run_page(f, sl_page_coverage_download, "en", NULL, q);
        assert_int_equal(r.status, 0);
        char path[256];
        snprintf(path, sizeof path,
                 "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25&format=%s&lang=en&screen=east-2&threshold=80"
                 "&detail=hours",
                 formats[fi]);
        int status;
        size_t len;
        char *api = http_get(port, path, hex, &status, &len);
        assert_int_equal(status, 200);
        blank_instants(r.out.p, r.out.len);
        blank_instants(api, len);
        if (r.out.len != len || memcmp(r.out.p, api, len) != 0)
            fail_msg("%s with screen, threshold and detail: the console's download differs from the API's",
                     formats[fi]);
        if (fi == 1)
            expect_in(api, "\"hours\"");
        free(api);
        sl_report_buf_free(&r.out);
    }
    /* Without format= the API answers its JSON document as before. */
    int status;
    size_t len;
    char *api = http_get(port, "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25", hex, &status, &len);
    assert_int_equal(status, 200);
    assert_true(api[0] == '{' && !strchr(api, '\n'));
    free(api);
    api = http_get(port, "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25&format=pdf", hex, &status, &len);
    assert_int_equal(status, 400);
    expect_in(api, "format must be csv, xlsx, html or json");
    free(api);
    api = http_get(port, "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25&format=csv&lang=fr", hex, &status,
                   &len);
    assert_int_equal(status, 400);
    expect_in(api, "lang must be zh or en");
    free(api);
    sl_server_stop(srv, 1000);
}

/* Names that are HTML stay text on every page and in every HTML download. */
static void test_escaping(void **state)
{
    fixture *f = *state;
    const char *const xss_q[] = {"period", "custom", "from", "2026-11-25", "to", "2026-11-25", "region", XSS_REGION,
                                 NULL};
    const char *const xss_html[] = {"period", "custom", "from", "2026-11-25", "to", "2026-11-25", "region", XSS_REGION,
                                    "format", "html", NULL};
    page_result pages[] = {
        run_page(f, sl_page_coverage, "zh", NULL, day_25),
        run_page(f, sl_page_coverage, "en", NULL, xss_q),
        run_page(f, sl_page_coverage_download, "zh", NULL, xss_html),
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        const char *s = pages[i].out.p;
        expect_not_in(s, XSS_REGION);
        expect_not_in(s, XSS_NAME);
        expect_not_in(s, "<script");
        expect_not_in(s, "<img");
        expect_in(s, "&lt;script&gt;alert(1)&lt;/script&gt;");
        expect_in(s, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        sl_report_buf_free(&pages[i].out);
    }
    /* Chosen as a filter: the option and the links keep it as text. */
    page_result r = run_page(f, sl_page_coverage, "zh", NULL, xss_q);
    expect_in(r.out.p, "<option value=\"&lt;script&gt;alert(1)&lt;/script&gt;\" selected>");
    expect_in(r.out.p, "region=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;lang=zh\" download>");
    sl_report_buf_free(&r.out);
}

static void test_css(void **state)
{
    fixture *f = *state;
    page_result r = run_page(f, sl_page_coverage_css, "zh", NULL, NULL);
    assert_string_equal(r.content_type, "text/css; charset=utf-8");
    assert_string_equal(r.filename, "");
    assert_true(strncmp(r.out.p, ".slr ", 5) == 0);
    expect_not_in(r.out.p, "body{");
    sl_report_buf_free(&r.out);
}

/* ---- the Reports page ---- */

static void make_run(fixture *f, sl_sched_kind kind, const char *at)
{
    sl_tz *tz = sl_hub_report_tz(&f->hub, NULL);
    sl_schedule_run run;
    int64_t ms;
    char err[512];
    assert_int_equal(sl_instant_parse(at, NULL, &ms), 0);
    assert_int_equal(sl_schedule_last(kind, tz, ms, &run), 0);
    if (sl_schedule_make(&f->hub, &run, SL_LANG_ZH, err, sizeof err) != 0)
        fail_msg("%s", err);
    sl_tz_free(tz);
}

static void put_file(fixture *f, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/reports/%s", f->dir, name);
    assert_int_equal(sl_test_write_file(path, text, strlen(text)), 0);
}

static void test_reports_list(void **state)
{
    fixture *f = *state;
    /* No folder yet: nothing, and the hub says it writes none. */
    page_result r = run_page(f, sl_page_reports, "zh", NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.title, "定时报告");
    expect_in(r.out.p, "本中心没有开启定时报告");
    expect_in(r.out.p, "还没有周报。");
    expect_in(r.out.p, "还没有月报。");
    sl_report_buf_free(&r.out);

    make_run(f, SL_SCHED_WEEKLY, "2026-11-27T16:00:00+08:00");
    make_run(f, SL_SCHED_WEEKLY, "2026-12-04T16:00:00+08:00");
    make_run(f, SL_SCHED_MONTHLY, "2026-12-01T00:00:00+08:00");
    put_file(f, "notes.txt", "not a report");
    put_file(f, "coverage-weekly-2026-11-25.csv", "a Wednesday");
    put_file(f, "coverage-weekly-2026-11-26.json", "no JSON is written");
    put_file(f, "coverage-weekly-2026-11-12.csv.tmp.7.csv", "being written");
    char sub[256];
    snprintf(sub, sizeof sub, "%s/reports/coverage-weekly-2026-11-19.csv", f->dir);
    assert_int_equal(mkdir(sub, 0700), 0);

    f->cfg.kinds = SL_SCHED_WEEKLY | SL_SCHED_MONTHLY;
    r = run_page(f, sl_page_reports, "zh", NULL, NULL);
    const char *s = r.out.p;
    expect_in(s, "每周五 16:00 生成此前七个整天（周五至周四）的周报，下一份：");
    expect_in(s, "时区：Asia/Shanghai");
    size_t weekly = pos(s, "<table class=\"list rep-weekly\">"), monthly = pos(s, "<table class=\"list rep-monthly\">");
    size_t newer = pos(s, "<tr><td>2026-11-27 – 2026-12-03</td>"), older = pos(s, "<tr><td>2026-11-20 – 2026-11-26</td>");
    size_t month = pos(s, "<tr><td>2026-11-01 – 2026-11-30</td>");
    assert_true(weekly < newer && newer < older && older < monthly && monthly < month);
    expect_in(s, "<a href=\"/console/reports/coverage-weekly-2026-12-03.xlsx\" download>XLSX</a> · "
                 "<a href=\"/console/reports/coverage-weekly-2026-12-03.csv\" download>CSV</a> · "
                 "<a href=\"/console/reports/coverage-weekly-2026-12-03.html\" download>HTML</a> · "
                 "<a href=\"/console/coverage/download?format=json&amp;period=custom&amp;from=2026-11-27&amp;"
                 "to=2026-12-03&amp;lang=zh\" download>JSON*</a>");
    expect_in(s, "<a href=\"/console/reports/coverage-monthly-2026-11.html\" download>HTML</a>");
    expect_in(s, "不写 JSON");
    expect_not_in(s, "notes.txt");
    expect_not_in(s, "2026-11-25");
    expect_not_in(s, "2026-11-19");
    expect_not_in(s, "2026-11-12");
    expect_not_in(s, ".json\"");
    sl_report_buf_free(&r.out);
    r = run_page(f, sl_page_reports, "en", NULL, NULL);
    expect_in(r.out.p, "<h2>Weekly reports</h2>");
    expect_in(r.out.p, "Every Friday at 16:00 the weekly report");
    expect_in(r.out.p, "On the 1st at 00:00 the monthly report");
    sl_report_buf_free(&r.out);
    /* Only weekly ones written: only that line. */
    f->cfg.kinds = SL_SCHED_WEEKLY;
    r = run_page(f, sl_page_reports, "en", NULL, NULL);
    expect_not_in(r.out.p, "On the 1st");
    sl_report_buf_free(&r.out);

    /* Each file, as it is on disk, with its type and name. */
    static const char *const files[] = {"coverage-weekly-2026-11-26.csv", "coverage-weekly-2026-11-26.xlsx",
                                        "coverage-weekly-2026-11-26.html", "coverage-monthly-2026-11.csv"};
    static const char *const types[] = {"text/csv; charset=utf-8",
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                        "text/html; charset=utf-8", "text/csv; charset=utf-8"};
    for (size_t i = 0; i < 4; i++) {
        char path[256];
        size_t len;
        snprintf(path, sizeof path, "%s/reports/%s", f->dir, files[i]);
        unsigned char *disk = sl_test_read_file(path, &len);
        assert_non_null(disk);
        r = run_page(f, sl_page_reports_file, "zh", files[i], NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.content_type, types[i]);
        assert_string_equal(r.filename, files[i]);
        assert_int_equal(r.out.len, len);
        assert_memory_equal(r.out.p, disk, len);
        free(disk);
        sl_report_buf_free(&r.out);
    }
    /* The weekly HTML holds the seeded numbers (the week of the 25th). */
    r = run_page(f, sl_page_reports_file, "zh", "coverage-weekly-2026-11-26.html", NULL);
    expect_in(r.out.p, "<td>poster-app</td><td class=\"n\">810</td>");
    sl_report_buf_free(&r.out);

    /* Anything else is refused: no file's bytes, a page that says why. */
    static const char *const bad[] = {
        "..", "../hub.db", "%2e%2e", "%2e%2e%2fhub.db", "..%2fhub.db", "/etc/passwd", "hub.db", "notes.txt",
        "reports/coverage-weekly-2026-11-26.csv", "./coverage-weekly-2026-11-26.csv",
        "coverage-weekly-2026-11-26.csv/../../hub.db", "coverage-weekly-2026-11-26.json",
        "coverage-weekly-2026-11-25.csv", "coverage-weekly-2026-11-12.csv.tmp.7.csv",
        "coverage-weekly-2026-11-19.csv", /* a folder */
        "coverage-weekly-2026-12-10.csv", /* a right name, no such run */
        "COVERAGE-WEEKLY-2026-11-26.CSV", "", "coverage-weekly-2026-11-26.csv%00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run_page(f, sl_page_reports_file, "en", bad[i], NULL);
        if (r.status != 400 && r.status != 404)
            fail_msg("'%s' was served (status %u)", bad[i], r.status);
        assert_string_equal(r.content_type, "");
        assert_string_equal(r.filename, "");
        expect_not_in(r.out.p, "SQLite format");
        expect_not_in(r.out.p, "\xef\xbb\xbf"); /* a CSV's BOM */
        expect_in(r.out.p, "<p class=\"error\" role=\"alert\">");
        sl_report_buf_free(&r.out);
    }
    r = run_page(f, sl_page_reports_file, "en", "coverage-weekly-2026-12-10.csv", NULL);
    assert_int_equal(r.status, 404);
    expect_in(r.out.p, "The hub has no such report.");
    sl_report_buf_free(&r.out);
    r = run_page(f, sl_page_reports_file, "zh", "../hub.db", NULL);
    assert_int_equal(r.status, 400);
    expect_in(r.out.p, "这不是定时报告的文件名");
    sl_report_buf_free(&r.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_page_shows_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_downloads_equal_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_screen_threshold_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_css, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reports_list, setup, teardown),
    };
    return cmocka_run_group_tests_name("console reports", tests, NULL, NULL);
}
