/* page_coverage.c — the console's Coverage page: a period (the campaign's Friday-16:00 weeks, months, custom), region, unit type, one screen, a threshold and per-hour detail picked in a GET form; regions and unit types ranked; the report the CLI makes; its downloads. */
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/console_heat.h"
#include "tools/hub/console/page_screens.h"

#include "content/timeutil.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/service/hub_reports.h"
#include "tools/report/sl_report_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD_DEFAULT "last_week" /* what an auditor looks at first */
#define COV_HEAT_SCREENS 20        /* per-hour detail: heat maps of at most this many screens on the page */

/* The selection a request asks for, resolved to dates. */
typedef struct {
    char period[16];         /* this_week, last_week, this_month, last_month or custom */
    char from[16], to[16];   /* YYYY-MM-DD */
    const char *region;      /* NULL or "" = every one */
    const char *unit_type;
    const char *screen;      /* NULL = every one; else one screen's id */
    const char *threshold;   /* NULL = the hub's; else a percentage (checked by the report service) */
    const char *detail;      /* NULL, or "hours": each screen's hours */
} cov_pick;

static const char *const named_periods[] = {"this_week", "last_week", "this_month", "last_month"};

static sl_report_lang page_lang(const sl_cpage *p)
{
    return sl_cpage_tr(p, "zh", "en")[0] == 'e' ? SL_LANG_EN : SL_LANG_ZH;
}

/* The query's selection: period=this_week|last_week|this_month|last_month
 * (default last_week), or period=custom (or no period) with from and to.
 * Custom dates that are exactly a named period are shown as that period.
 * 0, or -1 with a message for people in why. */
static int pick_resolve(const sl_cpage *p, const sl_tz *tz, int64_t now_ms, cov_pick *k, char *why, size_t whylen)
{
    const char *period = sl_cpage_arg(p, "period"), *from = sl_cpage_arg(p, "from"), *to = sl_cpage_arg(p, "to");
    int64_t f, t;
    sl_sched_period named;
    memset(k, 0, sizeof *k);
    k->region = sl_cpage_arg(p, "region");
    k->unit_type = sl_cpage_arg(p, "unit_type");
    /* The form sends its empty fields: empty is absent. */
    static const char *const opt[] = {"screen", "threshold", "detail"};
    const char **field[] = {&k->screen, &k->threshold, &k->detail};
    for (int i = 0; i < 3; i++) {
        const char *v = sl_cpage_arg(p, opt[i]);
        *field[i] = v && *v ? v : NULL;
    }
    if (!period)
        period = (from && *from) || (to && *to) ? "custom" : PERIOD_DEFAULT;
    if (strcmp(period, "custom") == 0) {
        if (sl_date_parse(from, &f) != 0 || sl_date_parse(to, &t) != 0) {
            snprintf(why, whylen, "%s",
                     sl_cpage_tr(p, "请填写开始和结束日期（YYYY-MM-DD）。", "Give a from and a to date (YYYY-MM-DD)."));
            return -1;
        }
        if (t < f) {
            snprintf(why, whylen, "%s",
                     sl_cpage_tr(p, "结束日期早于开始日期。", "The to date is before the from date."));
            return -1;
        }
        if (t - f + 1 > SL_COVERAGE_MAX_DAYS) {
            snprintf(why, whylen, "%s %d %s", sl_cpage_tr(p, "一份报告最多", "A report covers at most"),
                     SL_COVERAGE_MAX_DAYS, sl_cpage_tr(p, "天。", "days."));
            return -1;
        }
        snprintf(k->period, sizeof k->period, "custom");
        for (int i = 0; i < 4; i++) {
            int64_t nf, nt;
            sl_schedule_period((sl_sched_period)i, tz, now_ms, &nf, &nt);
            if (nf == f && nt == t) {
                snprintf(k->period, sizeof k->period, "%s", named_periods[i]);
                break;
            }
        }
    } else if (sl_schedule_period_parse(period, &named) == 0) {
        sl_schedule_period(named, tz, now_ms, &f, &t);
        snprintf(k->period, sizeof k->period, "%s", period);
    } else {
        snprintf(why, whylen, "%s",
                 sl_cpage_tr(p, "未知的期间：请选本周、上周、本月、上月或自定义日期。",
                             "Unknown period: pick this week, last week, this month, last month or custom dates."));
        return -1;
    }
    sl_date_format(f, k->from, sizeof k->from);
    sl_date_format(t, k->to, sizeof k->to);
    return 0;
}

/* The name people read for a period. */
static const char *period_name(const sl_cpage *p, const char *period)
{
    if (strcmp(period, "this_week") == 0)
        return sl_cpage_tr(p, "本周", "This week");
    if (strcmp(period, "last_week") == 0)
        return sl_cpage_tr(p, "上周", "Last week");
    if (strcmp(period, "this_month") == 0)
        return sl_cpage_tr(p, "本月", "This month");
    if (strcmp(period, "last_month") == 0)
        return sl_cpage_tr(p, "上月", "Last month");
    return sl_cpage_tr(p, "自定义", "Custom");
}

/* Appends "&name=value" (value URL-encoded; nothing when it is empty). */
static void url_arg(sl_report_buf *u, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    sl_report_buf_printf(u, "%s%s=", u->len && u->p[u->len - 1] != '?' ? "&" : "", name);
    sl_report_buf_url(u, value);
}

void sl_page_coverage_href(sl_cpage *p, const char *format, const sl_cov_sel *sel)
{
    sl_report_buf u = {0};
    sl_report_buf_puts(&u, format ? "/console/coverage/download?" : "/console/coverage?");
    url_arg(&u, "format", format);
    url_arg(&u, "period", sel->period);
    url_arg(&u, "from", sel->from);
    url_arg(&u, "to", sel->to);
    url_arg(&u, "region", sel->region);
    url_arg(&u, "unit_type", sel->unit_type);
    url_arg(&u, "screen", sel->screen);
    url_arg(&u, "threshold", sel->threshold);
    url_arg(&u, "detail", sel->detail);
    if (format) /* a file in the page's language */
        url_arg(&u, "lang", p->lang);
    sl_report_buf_puts(p->out, " href=\"");
    sl_report_buf_html(p->out, u.p ? u.p : "");
    sl_report_buf_puts(p->out, "\"");
    if (u.oom)
        p->out->oom = true;
    sl_report_buf_free(&u);
}

/* A <select> of the inventory's values, with "every one" first. */
static void choice_select(sl_cpage *p, const char *name, const char *label, const char *all, const cJSON *values,
                          const char *chosen)
{
    const cJSON *v;
    bool found = !chosen || !*chosen;
    sl_report_buf_puts(p->out, "<label>");
    sl_report_buf_html(p->out, label);
    sl_report_buf_puts(p->out, " <select name=\"");
    sl_report_buf_html(p->out, name);
    sl_report_buf_puts(p->out, "\"><option value=\"\">");
    sl_report_buf_html(p->out, all);
    sl_report_buf_puts(p->out, "</option>");
    cJSON_ArrayForEach(v, values)
    {
        bool sel = chosen && strcmp(chosen, v->valuestring) == 0;
        found = found || sel;
        sl_report_buf_puts(p->out, "<option value=\"");
        sl_report_buf_html(p->out, v->valuestring);
        sl_report_buf_puts(p->out, sel ? "\" selected>" : "\">");
        sl_report_buf_html(p->out, v->valuestring);
        sl_report_buf_puts(p->out, "</option>");
    }
    /* A value no screen has any more (an old link) stays chosen. */
    if (!found) {
        sl_report_buf_puts(p->out, "<option value=\"");
        sl_report_buf_html(p->out, chosen);
        sl_report_buf_puts(p->out, "\" selected>");
        sl_report_buf_html(p->out, chosen);
        sl_report_buf_puts(p->out, "</option>");
    }
    sl_report_buf_puts(p->out, "</select></label>\n");
}

/* The GET form. Without JavaScript: the period buttons submit the form with
 * their period; "Show" submits the dates as a custom period (the first
 * button, so that Enter in a date field shows those dates). */
static void pick_form(sl_cpage *p, const cov_pick *k, const cJSON *regions, const cJSON *units)
{
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<form class=\"filters cov-pick\" method=\"get\" action=\"/console/coverage\">\n");
    choice_select(p, "region", sl_cpage_tr(p, "地区", "Region"), sl_cpage_tr(p, "全部地区", "All regions"), regions,
                  k->region);
    choice_select(p, "unit_type", sl_cpage_tr(p, "单位类型", "Unit type"),
                  sl_cpage_tr(p, "全部类型", "All unit types"), units, k->unit_type);
    sl_report_buf_puts(o, "<label>");
    sl_report_buf_html(o, sl_cpage_tr(p, "从", "From"));
    sl_report_buf_puts(o, " <input type=\"date\" name=\"from\" value=\"");
    sl_report_buf_html(o, k->from);
    sl_report_buf_puts(o, "\"></label>\n<label>");
    sl_report_buf_html(o, sl_cpage_tr(p, "到", "To"));
    sl_report_buf_puts(o, " <input type=\"date\" name=\"to\" value=\"");
    sl_report_buf_html(o, k->to);
    sl_report_buf_puts(o, "\"></label>\n<label>");
    sl_report_buf_html(o, sl_cpage_tr(p, "屏幕编号", "Screen id"));
    sl_report_buf_puts(o, " <input type=\"text\" name=\"screen\" maxlength=\"64\" placeholder=\"");
    sl_report_buf_html(o, sl_cpage_tr(p, "全部屏幕", "every screen"));
    sl_report_buf_puts(o, "\" value=\"");
    sl_report_buf_html(o, k->screen ? k->screen : "");
    sl_report_buf_puts(o, "\"></label>\n<label>");
    sl_report_buf_html(o, sl_cpage_tr(p, "达标覆盖率 %", "Lit at coverage %"));
    sl_report_buf_printf(o, " <input type=\"number\" name=\"threshold\" min=\"1\" max=\"100\" placeholder=\"%d\" value=\"",
                         SL_COVERAGE_DEFAULT_THRESHOLD);
    sl_report_buf_html(o, k->threshold ? k->threshold : "");
    sl_report_buf_puts(o, k->detail ? "\"></label>\n<label><input type=\"checkbox\" name=\"detail\" value=\"hours\" checked> "
                                    : "\"></label>\n<label><input type=\"checkbox\" name=\"detail\" value=\"hours\"> ");
    sl_report_buf_html(o, sl_cpage_tr(p, "逐小时明细", "Hour by hour"));
    sl_report_buf_puts(o, "</label>\n<button type=\"submit\" name=\"period\" value=\"custom\">");
    sl_report_buf_html(o, sl_cpage_tr(p, "显示", "Show"));
    sl_report_buf_puts(o, "</button>\n<span class=\"cov-quick\">");
    sl_report_buf_html(o, sl_cpage_tr(p, "快速选择：", "Quick pick: "));
    for (int i = 0; i < 4; i++) {
        sl_report_buf_puts(o, "<button type=\"submit\" name=\"period\" value=\"");
        sl_report_buf_html(o, named_periods[i]);
        sl_report_buf_puts(o, strcmp(k->period, named_periods[i]) == 0 ? "\" aria-pressed=\"true\">"
                                                                         : "\" aria-pressed=\"false\" class=\"secondary\">");
        sl_report_buf_html(o, period_name(p, named_periods[i]));
        sl_report_buf_puts(o, "</button>");
    }
    sl_report_buf_puts(o, "</span>\n</form>\n");
}

/* What the period is, in words: "Last week: 2026-11-20 (Fri) – 2026-11-26 (Thu)" and how weeks are counted. */
static void period_line(sl_cpage *p, const cov_pick *k)
{
    static const char *const zh_days[7] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    static const char *const en_days[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int64_t f = 0, t = 0;
    sl_date_parse(k->from, &f);
    sl_date_parse(k->to, &t);
    int wf = sl_weekday_from_days(f), wt = sl_weekday_from_days(t);
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<p class=\"cov-period\"><b>");
    sl_report_buf_html(o, period_name(p, k->period));
    sl_report_buf_puts(o, "</b>: ");
    sl_report_buf_html(o, k->from);
    sl_report_buf_puts(o, " (");
    sl_report_buf_html(o, sl_cpage_tr(p, zh_days[wf], en_days[wf]));
    sl_report_buf_puts(o, ") – ");
    sl_report_buf_html(o, k->to);
    sl_report_buf_puts(o, " (");
    sl_report_buf_html(o, sl_cpage_tr(p, zh_days[wt], en_days[wt]));
    sl_report_buf_puts(o, ")<br><small>");
    if (strstr(k->period, "week"))
        sl_report_buf_html(o, sl_cpage_tr(p,
                                          "活动的一周从周五 16:00 到下周五 16:00：每周五 16:00 结算此前七个整天（周五至周四），"
                                          "与定时周报相同。",
                                          "The campaign's week runs from Friday 16:00 to Friday 16:00: at Friday "
                                          "16:00 the seven whole days before (Friday to Thursday) are settled, as "
                                          "in the scheduled weekly report."));
    else
        sl_report_buf_html(o, sl_cpage_tr(p, "日期为各屏幕所在时区的当地日期，首尾两天都包括在内。",
                                          "Dates are each screen's local dates, both included."));
    if (strncmp(k->period, "this_", 5) == 0) {
        sl_report_buf_puts(o, " ");
        sl_report_buf_html(o, sl_cpage_tr(p, "本期尚未结束：截至今天，今天余下的要求时段计为未点亮。",
                                          "The period is not over: up to today, and today's required hours still "
                                          "to come count as not lit."));
    }
    sl_report_buf_puts(o, "</small></p>\n");
}

static void downloads(sl_cpage *p, const cov_pick *k)
{
    static const char *const formats[] = {"xlsx", "csv", "html", "json"};
    static const char *const labels[] = {"XLSX", "CSV", "HTML", "JSON"};
    sl_report_buf_puts(p->out, "<p class=\"actions cov-downloads\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "下载此报告：", "Download this report: "));
    for (int i = 0; i < 4; i++) {
        sl_report_buf_puts(p->out, "<a class=\"btn secondary\"");
        sl_page_coverage_href(p, formats[i], &(sl_cov_sel){k->period, k->from, k->to, k->region, k->unit_type,
                                                           k->screen, k->threshold, k->detail});
        sl_report_buf_puts(p->out, " download>");
        sl_report_buf_html(p->out, labels[i]);
        sl_report_buf_puts(p->out, "</a>");
    }
    sl_report_buf_puts(p->out, "</p>\n");
}

/* Ranking: the rollups with required hours first, by coverage (then lit
 * hours, then name); those without required hours last, by name. */
static int rank_cmp_key(const cJSON *x, const cJSON *y, const char *key)
{
    bool rx = sl_report_int(x, "required_s") > 0, ry = sl_report_int(y, "required_s") > 0;
    if (rx != ry)
        return rx ? -1 : 1;
    if (rx) {
        double cx = sl_report_num(x, "coverage_pct"), cy = sl_report_num(y, "coverage_pct");
        if (cx != cy)
            return cx > cy ? -1 : 1;
        int64_t lx = sl_report_int(x, "lit_s"), ly = sl_report_int(y, "lit_s");
        if (lx != ly)
            return lx > ly ? -1 : 1;
    }
    return strcmp(sl_report_str(x, key), sl_report_str(y, key));
}

static int rank_cmp_region(const void *a, const void *b)
{
    return rank_cmp_key(*(const cJSON *const *)a, *(const cJSON *const *)b, "region");
}

static int rank_cmp_unit(const void *a, const void *b)
{
    return rank_cmp_key(*(const cJSON *const *)a, *(const cJSON *const *)b, "unit_type");
}

/* One ranking table of the document's list (by_region or by_unit_type).
 * Equal coverage shares a rank (1, 1, 3). Each name links to the page
 * filtered by it. 0 or -1 (memory). */
static int ranking(sl_cpage *p, const cov_pick *k, const cJSON *doc, const char *list, const char *key,
                   const char *heading, const char *column)
{
    const cJSON *rows = sl_report_list(doc, list), *o;
    size_t n = (size_t)cJSON_GetArraySize(rows), i = 0;
    sl_report_lang lang = page_lang(p);
    if (!n)
        return 0;
    const cJSON **v = calloc(n, sizeof *v);
    if (!v)
        return -1;
    cJSON_ArrayForEach(o, rows) v[i++] = o;
    qsort(v, n, sizeof *v, strcmp(key, "region") == 0 ? rank_cmp_region : rank_cmp_unit);
    sl_report_buf *out = p->out;
    sl_report_buf_puts(out, "<section class=\"cov-rank\">\n<h3>");
    sl_report_buf_html(out, heading);
    sl_report_buf_puts(out, "</h3>\n<div class=\"scroll\"><table class=\"list cov-rank-");
    sl_report_buf_html(out, key);
    sl_report_buf_puts(out, "\">\n<thead><tr>");
    const char *cols[] = {sl_cpage_tr(p, "名次", "Rank"),       column,
                          sl_cpage_tr(p, "覆盖率", "Coverage"), sl_cpage_tr(p, "屏幕", "Screens"),
                          sl_cpage_tr(p, "点亮", "Lit"),        sl_cpage_tr(p, "不足", "Short"),
                          sl_cpage_tr(p, "黑屏", "Dark"),       sl_cpage_tr(p, "要求小时", "Required h"),
                          sl_cpage_tr(p, "点亮小时", "Lit h")};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        sl_report_buf_puts(out, "<th>");
        sl_report_buf_html(out, cols[c]);
        sl_report_buf_puts(out, "</th>");
    }
    sl_report_buf_puts(out, "</tr></thead>\n<tbody>\n");
    size_t rank = 0;
    for (i = 0; i < n; i++) {
        const char *name = sl_report_str(v[i], key);
        bool required = sl_report_int(v[i], "required_s") > 0;
        char pct[32], req[32], lit[32];
        if (!i || !required || sl_report_int(v[i - 1], "required_s") <= 0 ||
            sl_report_num(v[i - 1], "coverage_pct") != sl_report_num(v[i], "coverage_pct"))
            rank = i + 1;
        sl_report_fmt_pct(sl_report_num(v[i], "coverage_pct"), pct, sizeof pct);
        sl_report_fmt_hours(sl_report_int(v[i], "required_s"), req, sizeof req);
        sl_report_fmt_hours(sl_report_int(v[i], "lit_s"), lit, sizeof lit);
        if (required)
            sl_report_buf_printf(out, "<tr><td class=\"num\">%zu</td><td>", rank);
        else
            sl_report_buf_puts(out, "<tr><td class=\"num\">–</td><td>");
        if (*name) {
            bool by_region = strcmp(key, "region") == 0;
            sl_report_buf_puts(out, "<a");
            sl_page_coverage_href(p, NULL, &(sl_cov_sel){k->period, k->from, k->to, by_region ? name : k->region,
                                                         by_region ? k->unit_type : name, k->screen, k->threshold,
                                                         k->detail});
            sl_report_buf_puts(out, ">");
            sl_report_buf_html(out, name);
            sl_report_buf_puts(out, "</a>");
        } else {
            sl_report_buf_html(out, sl_report_msg(lang, SL_MSG_UNKNOWN));
        }
        sl_report_buf_puts(out, "</td><td class=\"num\">");
        if (required) {
            sl_report_buf_html(out, pct);
            sl_report_buf_puts(out, "%");
        } else {
            sl_report_buf_html(out, sl_cpage_tr(p, "无要求时段", "no required hours"));
        }
        sl_report_buf_printf(out,
                             "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                             "<td class=\"num\">%lld</td>",
                             (long long)sl_report_int(v[i], "screens"), (long long)sl_report_int(v[i], "lit"),
                             (long long)sl_report_int(v[i], "short"), (long long)sl_report_int(v[i], "dark"));
        sl_report_buf_puts(out, "<td class=\"num\">");
        sl_report_buf_html(out, req);
        sl_report_buf_puts(out, "</td><td class=\"num\">");
        sl_report_buf_html(out, lit);
        sl_report_buf_puts(out, "</td></tr>\n");
    }
    sl_report_buf_puts(out, "</tbody></table></div>\n</section>\n");
    free(v);
    return 0;
}

/* The selection's arguments for the report service. */
static sl_hub_report_args pick_args(const sl_cpage *p, const cov_pick *k)
{
    return (sl_hub_report_args){.from = k->from,
                                .to = k->to,
                                .region = k->region,
                                .unit_type = k->unit_type,
                                .screen = k->screen,
                                .threshold = k->threshold,
                                .detail = k->detail,
                                .format = sl_cpage_arg(p, "format"),
                                .lang = sl_cpage_arg(p, "lang") ? sl_cpage_arg(p, "lang") : p->lang};
}

/* Per-hour detail: a heat map of each screen (the first COV_HEAT_SCREENS)
 * when the period has at most a month of days; the JSON download has every
 * screen's hours in any case. */
static int hour_detail(sl_cpage *p, const cJSON *doc, const sl_coverage_query *q, int64_t now, char *err,
                       size_t errlen)
{
    const cJSON *scr, *screens = cJSON_GetObjectItemCaseSensitive(doc, "screens");
    size_t n_days = (size_t)(q->to_day - q->from_day + 1), shown = 0, n = (size_t)cJSON_GetArraySize(screens);
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<section id=\"cov-hours\"><h2>");
    sl_report_buf_html(o, sl_cpage_tr(p, "逐小时明细", "Hour by hour"));
    sl_report_buf_puts(o, "</h2>\n<p class=\"muted\">");
    if (n_days > SL_HEAT_MAX_DAYS) {
        sl_report_buf_html(o, sl_cpage_tr(p, "期间超过一个月，页面不画逐小时图；JSON 下载中有每块屏幕每小时的数据。",
                                          "The period is longer than a month: no hourly maps on the page; the JSON "
                                          "download holds every screen's hours."));
        sl_report_buf_puts(o, "</p></section>\n");
        return 0;
    }
    if (n > COV_HEAT_SCREENS)
        SL_PAGE_PRINTF_TR(p, "页面画出前 %d 块屏幕（共 %zu 块）；JSON 下载中有全部屏幕每小时的数据。",
                          "The first %d screens of %zu are drawn; the JSON download holds every screen's hours.",
                          COV_HEAT_SCREENS, n);
    else
        sl_report_buf_html(o, sl_cpage_tr(p, "每块屏幕每小时的亮屏时长与要求时段（当地时间）。",
                                          "Each screen's hours lit against its required hours (local time)."));
    sl_report_buf_puts(o, "</p>\n");
    cJSON_ArrayForEach(scr, screens)
    {
        if (shown++ >= COV_HEAT_SCREENS)
            break;
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scr, "id"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scr, "name"));
        sl_report_buf_puts(o, "<h3>");
        sl_report_buf_html(o, name && *name ? name : id ? id : "");
        sl_report_buf_puts(o, " <small class=\"muted\">");
        sl_report_buf_html(o, id ? id : "");
        sl_report_buf_puts(o, "</small></h3>\n");
        if (sl_page_screens_heat(p, scr, q->from_day, n_days, now, err, errlen) != 0)
            return -1;
    }
    sl_report_buf_puts(o, "</section>\n");
    return 0;
}

int sl_page_coverage(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e = {0};
    cJSON *regions = NULL, *units = NULL, *doc = NULL;
    sl_hub_report_sel sel;
    cov_pick k;
    char why[512] = "";
    int rc = -1;
    int64_t now = sl_hub_now_ms();
    sl_tz *tz = sl_hub_report_tz(p->hub, &e);
    sl_cpage_title(p, "覆盖率", "Coverage");
    if (!tz || sl_inv_choices(p->hub, &regions, &units, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        goto out;
    }
    bool ok = pick_resolve(p, tz, now, &k, why, sizeof why) == 0;
    if (ok) {
        sl_hub_report_args a = pick_args(p, &k);
        a.format = NULL; /* the page itself, in the page's language */
        a.lang = p->lang;
        if (sl_hub_report_sel_parse(p->hub, &a, &sel, &e) != SL_SVC_OK) {
            snprintf(why, sizeof why, "%s", e.msg);
            ok = false;
        }
    }
    if (ok && !(doc = sl_coverage_report(p->hub, &sel.q, now, err, errlen)))
        goto out;

    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<h1>");
    sl_report_buf_html(o, p->title);
    sl_report_buf_puts(o, "</h1>\n");
    pick_form(p, &k, regions, units);
    if (!ok) {
        p->status = 400;
        sl_report_buf_puts(o, "<p class=\"error\" role=\"alert\">");
        sl_report_buf_html(o, why);
        sl_report_buf_puts(o, "</p>\n");
        rc = 0;
        goto out;
    }
    period_line(p, &k);
    downloads(p, &k);
    sl_report_buf_puts(o, "<h2>");
    sl_report_buf_html(o, sl_cpage_tr(p, "排名", "Ranking"));
    sl_report_buf_puts(o, "</h2>\n");
    if (ranking(p, &k, doc, "by_region", "region", sl_cpage_tr(p, "各地区覆盖率排名", "Regions by coverage"),
                sl_cpage_tr(p, "地区", "Region")) != 0 ||
        ranking(p, &k, doc, "by_unit_type", "unit_type",
                sl_cpage_tr(p, "各单位类型覆盖率排名", "Unit types by coverage"),
                sl_cpage_tr(p, "单位类型", "Unit type")) != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    sl_report_buf_puts(o, "<h2>");
    sl_report_buf_html(o, sl_cpage_tr(p, "覆盖率报告", "Coverage report"));
    sl_report_buf_puts(o, "</h2>\n<link rel=\"stylesheet\" href=\"/console/coverage/report.css\">\n");
    sl_report_opts ro = {.lang = page_lang(p), .screen_link = "/console/screens/"};
    if (sl_report_html_part(doc, &ro, o, err, errlen) != 0 ||
        (sel.q.detail_hours && hour_detail(p, doc, &sel.q, now, err, errlen) != 0))
        goto out;
    rc = 0;
out:
    if (rc == 0 && p->out->oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    cJSON_Delete(doc);
    cJSON_Delete(regions);
    cJSON_Delete(units);
    sl_tz_free(tz);
    return rc;
}

int sl_page_coverage_download(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e = {0};
    sl_hub_report_sel sel;
    cov_pick k;
    char why[512], filename[SL_HUB_REPORT_FILENAME_MAX];
    sl_tz *tz = sl_hub_report_tz(p->hub, &e);
    int64_t now = sl_hub_now_ms();
    if (!tz) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    int got = pick_resolve(p, tz, now, &k, why, sizeof why);
    sl_tz_free(tz);
    sl_hub_report_args a = pick_args(p, &k);
    if (got == 0 && !a.format)
        snprintf(why, sizeof why, "%s",
                 sl_cpage_tr(p, "请指明格式：format=xlsx、csv、html 或 json。",
                             "Say which format: format=xlsx, csv, html or json."));
    else if (got == 0 && sl_hub_report_sel_parse(p->hub, &a, &sel, &e) != SL_SVC_OK)
        snprintf(why, sizeof why, "%s", e.msg);
    else if (got == 0) {
        sl_svc_rc rc = sl_hub_report_download(p->hub, &sel, now, p->out, filename, &e);
        if (rc != SL_SVC_OK) {
            snprintf(err, errlen, "%s", e.msg);
            return -1;
        }
        snprintf(p->content_type, sizeof p->content_type, "%s", sl_hub_report_content_type(sel.format));
        snprintf(p->filename, sizeof p->filename, "%s", filename);
        return 0;
    }
    /* A wrong selection: a page that says what is wrong, with the way back. */
    p->status = 400;
    sl_cpage_title(p, "无法下载", "Cannot download");
    sl_report_buf_puts(p->out, "<h1>");
    sl_report_buf_html(p->out, p->title);
    sl_report_buf_puts(p->out, "</h1>\n<p class=\"error\" role=\"alert\">");
    sl_report_buf_html(p->out, why);
    sl_report_buf_puts(p->out, "</p>\n<p><a href=\"/console/coverage\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "返回覆盖率页面", "Back to the coverage page"));
    sl_report_buf_puts(p->out, "</a></p>\n");
    return 0;
}

int sl_page_coverage_css(sl_cpage *p, char *err, size_t errlen)
{
    sl_report_html_css(p->out);
    /* The page's own few rules (the frame's stylesheet does the rest). */
    sl_report_buf_puts(p->out, ".cov-quick{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}\n"
                               ".cov-period small{color:var(--muted)}\n");
    snprintf(p->content_type, sizeof p->content_type, "text/css; charset=utf-8");
    if (p->out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
