/* page_reports.c — the console's Reports page: the weekly and monthly reports the hub's schedule wrote to DATA/reports, newest first, and their files. */
#include "tools/hub/console/console_pages.h"

#include "content/timeutil.h"
#include "tools/hub/service/hub_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "2026-11-27 16:00" of an instant in tz. */
static void local_minute(const sl_tz *tz, int64_t ms, char *buf, size_t len)
{
    char iso[40];
    sl_instant_format(ms, sl_tz_offset_at(tz, ms), iso, sizeof iso);
    iso[10] = ' ';
    snprintf(buf, len, "%.16s", iso);
}

/* What the hub's schedule does, in a sentence. */
static void schedule_line(sl_cpage *p, const sl_tz *tz, int64_t now_ms)
{
    const sl_schedule_cfg *c = p->hub->reports;
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<p class=\"rep-schedule\">");
    if (!c || !c->kinds) {
        sl_report_buf_html(o, sl_cpage_tr(p,
                                          "本中心没有开启定时报告（启动 screenlit-hub serve 时加上 --reports "
                                          "weekly,monthly 即可开启）。下面列出数据目录中已有的报告。",
                                          "This hub writes no scheduled reports (start screenlit-hub serve with "
                                          "--reports weekly,monthly to have them). Reports already in its data "
                                          "folder are listed below."));
        sl_report_buf_puts(o, "</p>\n");
        return;
    }
    static const sl_sched_kind kinds[2] = {SL_SCHED_WEEKLY, SL_SCHED_MONTHLY};
    for (int i = 0; i < 2; i++) {
        if (!(c->kinds & kinds[i]))
            continue;
        char when[32];
        local_minute(tz, sl_schedule_next_at(kinds[i], tz, now_ms), when, sizeof when);
        sl_report_buf_html(o, i == 0 ? sl_cpage_tr(p, "每周五 16:00 生成此前七个整天（周五至周四）的周报，下一份：",
                                                   "Every Friday at 16:00 the weekly report of the seven whole days "
                                                   "before (Friday to Thursday); next: ")
                                     : sl_cpage_tr(p, "每月 1 日 00:00 生成上个月的月报，下一份：",
                                                   "On the 1st at 00:00 the monthly report of the month before; "
                                                   "next: "));
        sl_report_buf_html(o, when);
        sl_report_buf_puts(o, sl_cpage_tr(p, "。", ". "));
    }
    sl_report_buf_html(o, sl_cpage_tr(p, "时区：", "Time zone: "));
    sl_report_buf_html(o, c->tz);
    sl_report_buf_puts(o, "</p>\n");
}

/* One table: the runs of one kind, newest first. */
static void run_table(sl_cpage *p, const sl_tz *tz, const sl_hub_report_made *runs, size_t n, sl_sched_kind kind)
{
    static const char *const labels[] = {"CSV", "XLSX", "JSON", "HTML"}; /* by sl_report_format */
    size_t shown = 0;
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<h2>");
    sl_report_buf_html(o, kind == SL_SCHED_WEEKLY ? sl_cpage_tr(p, "周报", "Weekly reports")
                                                  : sl_cpage_tr(p, "月报", "Monthly reports"));
    sl_report_buf_puts(o, "</h2>\n");
    for (size_t i = 0; i < n; i++) {
        const sl_hub_report_made *m = &runs[i];
        char from[16], to[16], written[32];
        if (m->run.kind != kind)
            continue;
        if (shown++ == 0) {
            sl_report_buf_printf(o, "<div class=\"scroll\"><table class=\"list rep-%s\">\n<thead><tr><th>",
                                 kind == SL_SCHED_WEEKLY ? "weekly" : "monthly");
            sl_report_buf_html(o, sl_cpage_tr(p, "期间", "Period"));
            sl_report_buf_puts(o, "</th><th>");
            sl_report_buf_html(o, sl_cpage_tr(p, "生成时间", "Written"));
            sl_report_buf_puts(o, "</th><th>");
            sl_report_buf_html(o, sl_cpage_tr(p, "下载", "Download"));
            sl_report_buf_puts(o, "</th></tr></thead>\n<tbody>\n");
        }
        sl_date_format(m->run.from_day, from, sizeof from);
        sl_date_format(m->run.to_day, to, sizeof to);
        local_minute(tz, m->written_ms, written, sizeof written);
        sl_report_buf_puts(o, "<tr><td>");
        sl_report_buf_html(o, from);
        sl_report_buf_puts(o, " – ");
        sl_report_buf_html(o, to);
        sl_report_buf_puts(o, "</td><td>");
        sl_report_buf_html(o, written);
        sl_report_buf_puts(o, "</td><td>");
        for (size_t f = 0; f < SL_SCHED_N_FORMATS; f++) {
            sl_report_format fmt = sl_schedule_formats[f];
            if (!(m->formats & (1u << fmt)))
                continue;
            sl_report_buf_puts(o, "<a href=\"/console/reports/");
            sl_report_buf_html(o, m->run.name);
            sl_report_buf_puts(o, ".");
            sl_report_buf_html(o, sl_report_format_name(fmt));
            sl_report_buf_puts(o, "\" download>");
            sl_report_buf_html(o, labels[fmt]);
            sl_report_buf_puts(o, "</a> · ");
        }
        /* The schedule writes no JSON: the same period, computed now. */
        sl_report_buf_puts(o, "<a");
        sl_page_coverage_href(p, "json", &(sl_cov_sel){.period = "custom", .from = from, .to = to});
        sl_report_buf_puts(o, " download>JSON*</a></td></tr>\n");
    }
    if (shown) {
        sl_report_buf_puts(o, "</tbody></table></div>\n");
    } else {
        sl_report_buf_puts(o, "<p>");
        sl_report_buf_html(o, kind == SL_SCHED_WEEKLY ? sl_cpage_tr(p, "还没有周报。", "No weekly report yet.")
                                                      : sl_cpage_tr(p, "还没有月报。", "No monthly report yet."));
        sl_report_buf_puts(o, "</p>\n");
    }
}

int sl_page_reports(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e = {0};
    sl_hub_report_made *runs = NULL;
    size_t n = 0;
    sl_tz *tz = sl_hub_report_tz(p->hub, &e);
    sl_cpage_title(p, "定时报告", "Scheduled reports");
    if (!tz || sl_hub_reports_list(p->hub, tz, &runs, &n, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        sl_tz_free(tz);
        return -1;
    }
    sl_report_buf *o = p->out;
    sl_report_buf_puts(o, "<h1>");
    sl_report_buf_html(o, p->title);
    sl_report_buf_puts(o, "</h1>\n");
    schedule_line(p, tz, sl_hub_now_ms());
    run_table(p, tz, runs, n, SL_SCHED_WEEKLY);
    run_table(p, tz, runs, n, SL_SCHED_MONTHLY);
    sl_report_buf_puts(o, "<p class=\"muted\">* ");
    sl_report_buf_html(o, sl_cpage_tr(p,
                                      "定时报告只写 XLSX、CSV 和 HTML 文件，不写 JSON。JSON 链接在点击时按同一期间从数据库"
                                      "现算（与覆盖率页面的下载相同），所以其生成时间是点击的时刻，之后才上传的播放记录也会计入。",
                                      "Scheduled runs write XLSX, CSV and HTML files, not JSON. The JSON link "
                                      "computes the same period from the store when you click it (as the coverage "
                                      "page's download does): it is generated then, and counts plays uploaded "
                                      "since the run."));
    sl_report_buf_puts(o, "</p>\n");
    free(runs);
    sl_tz_free(tz);
    if (o->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int sl_page_reports_file(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e = {0};
    sl_report_format f;
    sl_tz *tz = sl_hub_report_tz(p->hub, &e);
    if (!tz) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    sl_svc_rc rc = sl_hub_reports_read(p->hub, tz, p->param, p->out, &f, &e);
    sl_tz_free(tz);
    if (rc == SL_SVC_OK) {
        snprintf(p->content_type, sizeof p->content_type, "%s", sl_hub_report_content_type(f));
        snprintf(p->filename, sizeof p->filename, "%s", p->param);
        return 0;
    }
    if (rc != SL_SVC_INVALID && rc != SL_SVC_NOT_FOUND) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    /* Anything but a report the schedule wrote: no file, a page that says so. */
    p->status = rc == SL_SVC_NOT_FOUND ? 404 : 400;
    sl_cpage_title(p, "没有这份报告", "No such report");
    sl_report_buf_puts(p->out, "<h1>");
    sl_report_buf_html(p->out, p->title);
    sl_report_buf_puts(p->out, "</h1>\n<p class=\"error\" role=\"alert\">");
    sl_report_buf_html(p->out, rc == SL_SVC_NOT_FOUND
                                   ? sl_cpage_tr(p, "本中心没有这份报告。", "The hub has no such report.")
                                   : sl_cpage_tr(p,
                                                 "这不是定时报告的文件名（coverage-weekly-YYYY-MM-DD 或 "
                                                 "coverage-monthly-YYYY-MM，加 .xlsx、.csv 或 .html）。",
                                                 "That is not the name of a scheduled report "
                                                 "(coverage-weekly-YYYY-MM-DD or coverage-monthly-YYYY-MM, with "
                                                 ".xlsx, .csv or .html)."));
    sl_report_buf_puts(p->out, "</p>\n<p><a href=\"/console/reports\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "返回报告列表", "Back to the reports"));
    sl_report_buf_puts(p->out, "</a></p>\n");
    return 0;
}
