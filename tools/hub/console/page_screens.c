/* page_screens.c — the console's wall: every screen with its state now, counts, filters, dark first, paged; a screen's screenshot (or its thumbnail) as an image; what both screens pages share. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/console/page_screens.h"

#include "content/timeutil.h"
#include "tools/hub/console/console_form.h"
#include "tools/hub/console/console_frame.h"
#include "tools/hub/service/hub_wall.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WALL_PAGE_ROWS 100 /* screens per page */
#define WALL_PAGE_MAX 1000000
#define WALL_REFRESH_S 30
#define WALL_LOW_DISK (512LL * 1024 * 1024) /* free disk under this is shown as a warning */

/* ---- shared by both pages ---------------------------------------------- */

const char *sl_page_screens_state_name(const sl_cpage *p, sl_screen_state s)
{
    switch (s) {
    case SL_SCREEN_OFFLINE:
        return sl_cpage_tr(p, "离线", "offline");
    case SL_SCREEN_NO_CONTENT:
        return sl_cpage_tr(p, "无内容", "no content");
    case SL_SCREEN_NEVER_ENROLLED:
        return sl_cpage_tr(p, "未注册", "never enrolled");
    case SL_SCREEN_OUTDATED:
        return sl_cpage_tr(p, "内容过期", "outdated content");
    case SL_SCREEN_CLOCK_UNTRUSTED:
        return sl_cpage_tr(p, "时钟不可信", "clock untrusted");
    default:
        return sl_cpage_tr(p, "亮屏", "lit now");
    }
}

const char *sl_page_screens_badge_class(sl_screen_state s)
{
    return sl_status_dark(s) ? "bad" : s == SL_SCREEN_LIT ? "ok" : "warn";
}

void sl_page_screens_badge(sl_cpage *p, sl_screen_state s)
{
    sl_report_buf_printf(p->out, "<span class=\"badge %s st-%s\">", sl_page_screens_badge_class(s),
                         sl_status_code(s));
    sl_report_buf_html(p->out, sl_page_screens_state_name(p, s));
    sl_report_buf_puts(p->out, "</span>");
}

void sl_page_screens_ago(sl_cpage *p, int64_t ms, int64_t now_ms)
{
    char iso[40];
    if (ms < 0) {
        sl_report_buf_html(p->out, sl_cpage_tr(p, "从未", "never"));
        return;
    }
    sl_instant_format(ms, 0, iso, sizeof iso);
    int64_t s = (now_ms - ms) / 1000;
    sl_report_buf_printf(p->out, "<time datetime=\"%s\" title=\"%s\">", iso, iso);
    if (s < 60)
        sl_report_buf_html(p->out, sl_cpage_tr(p, "刚刚", "just now"));
    else if (s < 3600)
        SL_PAGE_PRINTF_TR(p, "%" PRId64 " 分钟前", "%" PRId64 " min ago", s / 60);
    else if (s < 48 * 3600)
        SL_PAGE_PRINTF_TR(p, "%" PRId64 " 小时前", "%" PRId64 " h ago", s / 3600);
    else
        SL_PAGE_PRINTF_TR(p, "%" PRId64 " 天前", "%" PRId64 " days ago", s / 86400);
    sl_report_buf_puts(p->out, "</time>");
}

void sl_page_screens_bytes(sl_cpage *p, int64_t bytes)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    if (bytes < 0) {
        sl_report_buf_puts(p->out, "—");
        return;
    }
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    sl_report_buf_printf(p->out, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void sl_page_screens_problem(sl_cpage *p, unsigned status, const char *zh, const char *en, const char *detail)
{
    char text[1024];
    bool more = detail && detail[0];
    snprintf(text, sizeof text, "%s%s%s", sl_cpage_tr(p, zh, en), more ? sl_cpage_tr(p, "：", ": ") : "",
             more ? detail : "");
    sl_cframe_error(p, status, text);
    sl_report_buf_puts(p->out, "<p><a href=\"/console/screens\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "返回屏幕列表", "Back to the screens"));
    sl_report_buf_puts(p->out, "</a></p>\n");
}

/* ---- the screenshot as an image ------------------------------------------ */

/* A query argument that must be a whole number from lo to hi; absent: dflt.
 * 0, or -1 when it is something else. */
static int arg_num(const sl_cpage *p, const char *name, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
    const char *v = sl_cpage_arg(p, name);
    if (!v || !v[0]) {
        *out = dflt;
        return 0;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end || v[0] == '-' || v[0] == '+' || v[0] == ' ' || x < lo || x > hi)
        return -1;
    *out = (int64_t)x;
    return 0;
}

int sl_page_screens_shot(sl_cpage *p, char *err, size_t errlen)
{
    if (!p || !p->out)
        return -1;
    sl_svc_err e;
    sl_hub_screenshot shot;
    int fd = -1;
    int64_t at, size = 0;
    if (arg_num(p, "at", 0, INT64_MAX, -1, &at) != 0) {
        sl_page_screens_problem(p, 400, "截图时间无效", "Not a screenshot time",
                                sl_cpage_tr(p, "at 应为毫秒数（UTC）", "at must be milliseconds since 1970 (UTC)"));
        return 0;
    }
    const char *thumb = sl_cpage_arg(p, "thumb");
    if (thumb && strcmp(thumb, "1") != 0) {
        sl_page_screens_problem(p, 400, "缩略图参数无效", "Not a thumbnail choice",
                                sl_cpage_tr(p, "thumb 应为 1（缩略图）或不写（原图）",
                                            "thumb must be 1 (the thumbnail) or absent (the whole picture)"));
        return 0;
    }
    sl_svc_rc rc = sl_status_screenshot_open(p->hub, p->param, at, thumb != NULL, &shot, &fd, &size, &e);
    if (rc == SL_SVC_INVALID || rc == SL_SVC_NOT_FOUND) {
        sl_page_screens_problem(p, rc == SL_SVC_INVALID ? 400 : 404, "没有这张截图", "No such screenshot", e.msg);
        return 0;
    }
    if (rc != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int64_t total = 0;
    while (total < size && (n = read(fd, buf, sizeof buf)) > 0) {
        sl_report_buf_add(p->out, buf, (size_t)n);
        total += n;
    }
    close(fd);
    if (total != size || p->out->oom) {
        snprintf(err, errlen, "reading the screenshot %s: %s", shot.file, p->out->oom ? "out of memory" : "short read");
        return -1;
    }
    snprintf(p->content_type, sizeof p->content_type, "%s", shot.mime);
    return 0;
}

/* ---- the wall ------------------------------------------------------------ */

/* The filters of the request, as given (NULL when absent or empty). */
typedef struct {
    const char *region, *unit_type, *channel, *state;
    int64_t page; /* 1-based */
} wall_args;

static const char *arg_or_null(const sl_cpage *p, const char *name)
{
    const char *v = sl_cpage_arg(p, name);
    return v && v[0] ? v : NULL;
}

/* Writes the link to the wall with the filters of a, the state `state`
 * (NULL: none) and page `page` (1: none), escaped for an attribute. */
static void wall_href(sl_cpage *p, const wall_args *a, const char *state, int64_t page)
{
    sl_report_buf q = {0};
    const char *names[4] = {"region", "unit_type", "channel", "status"};
    const char *vals[4] = {a->region, a->unit_type, a->channel, state};
    sl_report_buf_puts(&q, "/console/screens");
    char sep = '?';
    for (int i = 0; i < 4; i++) {
        if (!vals[i])
            continue;
        sl_report_buf_printf(&q, "%c%s=", sep, names[i]);
        sl_cform_pct_encode(&q, vals[i]);
        sep = '&';
    }
    if (page > 1)
        sl_report_buf_printf(&q, "%cpage=%" PRId64, sep, page);
    sl_report_buf_html(p->out, q.p ? q.p : "/console/screens");
    if (q.oom)
        p->out->oom = true;
    sl_report_buf_free(&q);
}

/* The counts: N lit, N dark, then a link per state that has screens. */
static void wall_counts(sl_cpage *p, const wall_args *a, const sl_wall *w)
{
    sl_report_buf_puts(p->out, "<p class=\"wall-counts\">");
    sl_report_buf_printf(p->out, "<span class=\"wall-total lit\">%zu ", w->matched - w->dark);
    sl_report_buf_html(p->out, sl_cpage_tr(p, "块亮屏", "lit"));
    sl_report_buf_printf(p->out, "</span><span class=\"wall-total dark\">%zu ", w->dark);
    sl_report_buf_html(p->out, sl_cpage_tr(p, "块黑屏", "dark"));
    sl_report_buf_puts(p->out, "</span>");
    sl_report_buf_puts(p->out, "<a href=\"");
    wall_href(p, a, NULL, 1);
    sl_report_buf_printf(p->out, "\"%s><span class=\"badge none\">", a->state ? "" : " class=\"on\"");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "全部", "all"));
    sl_report_buf_printf(p->out, " %zu</span></a>", w->matched);
    for (int s = 0; s < SL_SCREEN_N_STATES; s++) {
        const char *code = sl_status_code((sl_screen_state)s);
        bool on = a->state && strcmp(a->state, code) == 0;
        if (!w->count[s] && !on)
            continue;
        sl_report_buf_puts(p->out, " <a href=\"");
        wall_href(p, a, code, 1);
        sl_report_buf_printf(p->out, "\"%s><span class=\"badge %s st-%s\">", on ? " class=\"on\"" : "",
                             sl_page_screens_badge_class((sl_screen_state)s), code);
        sl_report_buf_html(p->out, sl_page_screens_state_name(p, (sl_screen_state)s));
        sl_report_buf_printf(p->out, " %zu</span></a>", w->count[s]);
    }
    sl_report_buf_puts(p->out, "</p>\n");
}

/* One filter: a list of the inventory's values (a text field when there are
 * too many to list). */
static void wall_select(sl_cpage *p, const char *name, const char *zh, const char *en, const sl_wall_choices *c,
                        const char *cur)
{
    sl_report_buf_puts(p->out, "<label>");
    sl_report_buf_html(p->out, sl_cpage_tr(p, zh, en));
    if (c->more) {
        sl_report_buf_printf(p->out, " <input type=\"text\" name=\"%s\" value=\"", name);
        sl_report_buf_html(p->out, cur ? cur : "");
        sl_report_buf_puts(p->out, "\"></label>\n");
        return;
    }
    sl_report_buf_printf(p->out, " <select name=\"%s\"><option value=\"\">", name);
    sl_report_buf_html(p->out, sl_cpage_tr(p, "全部", "all"));
    sl_report_buf_puts(p->out, "</option>");
    bool seen = false;
    for (size_t i = 0; i < c->n; i++) {
        bool on = cur && strcmp(cur, c->v[i]) == 0;
        seen = seen || on;
        sl_report_buf_puts(p->out, "<option value=\"");
        sl_report_buf_html(p->out, c->v[i]);
        sl_report_buf_printf(p->out, "\"%s>", on ? " selected" : "");
        sl_report_buf_html(p->out, c->v[i]);
        sl_report_buf_puts(p->out, "</option>");
    }
    if (cur && !seen) { /* asked for, though no screen has it: keep it visible */
        sl_report_buf_puts(p->out, "<option value=\"");
        sl_report_buf_html(p->out, cur);
        sl_report_buf_puts(p->out, "\" selected>");
        sl_report_buf_html(p->out, cur);
        sl_report_buf_puts(p->out, "</option>");
    }
    sl_report_buf_puts(p->out, "</select></label>\n");
}

/* The filter form: a GET form that works without JavaScript. */
static void wall_filters(sl_cpage *p, const wall_args *a, const sl_wall *w)
{
    sl_report_buf_puts(p->out, "<form class=\"filters\" method=\"get\" action=\"/console/screens\">\n");
    wall_select(p, "region", "区域", "Region", &w->regions, a->region);
    wall_select(p, "unit_type", "单位类型", "Unit type", &w->unit_types, a->unit_type);
    wall_select(p, "channel", "频道", "Channel", &w->channels, a->channel);
    sl_report_buf_puts(p->out, "<label>");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "状态", "Status"));
    sl_report_buf_puts(p->out, " <select name=\"status\"><option value=\"\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "全部", "all"));
    sl_report_buf_printf(p->out, "</option><option value=\"dark\"%s>",
                         a->state && strcmp(a->state, "dark") == 0 ? " selected" : "");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "全部黑屏", "all dark"));
    sl_report_buf_puts(p->out, "</option>");
    for (int s = 0; s < SL_SCREEN_N_STATES; s++) {
        const char *code = sl_status_code((sl_screen_state)s);
        sl_report_buf_printf(p->out, "<option value=\"%s\"%s>", code,
                             a->state && strcmp(a->state, code) == 0 ? " selected" : "");
        sl_report_buf_html(p->out, sl_page_screens_state_name(p, (sl_screen_state)s));
        sl_report_buf_puts(p->out, "</option>");
    }
    sl_report_buf_puts(p->out, "</select></label>\n<button type=\"submit\">");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "筛选", "Filter"));
    sl_report_buf_puts(p->out, "</button>\n</form>\n");
}

/* Why a screen is in its state, in a few words after its badge. */
static void wall_state_detail(sl_cpage *p, const sl_wall_item *it, int64_t now)
{
    if (it->state == SL_SCREEN_NEVER_ENROLLED || it->state == SL_SCREEN_LIT)
        return;
    sl_report_buf_puts(p->out, "<span class=\"wall-sub\">");
    switch (it->state) {
    case SL_SCREEN_OFFLINE:
        if (it->last_seen_ms < 0) {
            sl_report_buf_html(p->out, sl_cpage_tr(p, "已注册，从未上线", "enrolled, never seen"));
        } else {
            sl_report_buf_html(p->out, sl_cpage_tr(p, "自 ", "since "));
            sl_page_screens_ago(p, it->last_seen_ms, now);
        }
        break;
    case SL_SCREEN_NO_CONTENT:
        sl_report_buf_html(p->out, !it->channel[0]            ? sl_cpage_tr(p, "未分配频道", "no channel")
                                   : it->channel_version < 0 ? sl_cpage_tr(p, "频道尚未发布", "nothing published")
                                                             : sl_cpage_tr(p, "屏幕尚无内容", "no content on the screen yet"));
        break;
    case SL_SCREEN_OUTDATED:
        SL_PAGE_PRINTF_TR(p, "播放 v%" PRId64 "，频道为 v%" PRId64, "showing v%" PRId64 ", channel at v%" PRId64,
                          it->content_version, it->channel_version);
        break;
    case SL_SCREEN_CLOCK_UNTRUSTED:
        sl_report_buf_html(p->out, sl_cpage_tr(p, "时间未同步，播放记录不计", "clock not synced: plays not counted"));
        break;
    default:
        break;
    }
    sl_report_buf_puts(p->out, "</span>");
}

/* A table cell with its label for the phone's cards. */
static void td(sl_cpage *p, const char *zh, const char *en)
{
    sl_report_buf_puts(p->out, "<td data-label=\"");
    sl_report_buf_html(p->out, sl_cpage_tr(p, zh, en));
    sl_report_buf_puts(p->out, "\">");
}

static void wall_text_cell(sl_cpage *p, const char *zh, const char *en, const char *v)
{
    td(p, zh, en);
    sl_report_buf_html(p->out, v[0] ? v : "—");
    sl_report_buf_puts(p->out, "</td>");
}

/* The latest screenshot's thumbnail, loaded lazily, linking to the screen. */
static void wall_thumb(sl_cpage *p, const sl_wall_item *it)
{
    sl_report_buf_puts(p->out, "<td class=\"wall-pic\"><a href=\"/console/screens/");
    sl_report_buf_html(p->out, it->id);
    sl_report_buf_puts(p->out, "\">");
    if (it->shot_taken_ms >= 0) {
        sl_report_buf_puts(p->out, "<img class=\"thumb wall-shot\" loading=\"lazy\" width=\"128\" height=\"72\" src=\"/console/screens/");
        sl_report_buf_html(p->out, it->id);
        sl_report_buf_printf(p->out, "/screenshot?at=%" PRId64 "&amp;thumb=1\" alt=\"", it->shot_taken_ms);
        sl_report_buf_html(p->out, sl_cpage_tr(p, "最新截图", "latest screenshot"));
        sl_report_buf_puts(p->out, "\">");
    } else {
        sl_report_buf_puts(p->out, "<span class=\"wall-noshot\">");
        sl_report_buf_html(p->out, sl_cpage_tr(p, "无截图", "no screenshot"));
        sl_report_buf_puts(p->out, "</span>");
    }
    sl_report_buf_puts(p->out, "</a></td>");
}

static void wall_row(sl_cpage *p, const sl_wall_item *it, int64_t now)
{
    sl_report_buf_printf(p->out, "<tr class=\"%s st-row-%s\">", sl_status_dark(it->state) ? "dark" : "on",
                         sl_status_code(it->state));
    wall_thumb(p, it);
    td(p, "屏幕", "Screen");
    sl_report_buf_puts(p->out, "<a href=\"/console/screens/");
    sl_report_buf_html(p->out, it->id);
    sl_report_buf_puts(p->out, "\">");
    sl_report_buf_html(p->out, it->name[0] ? it->name : it->id);
    sl_report_buf_puts(p->out, "</a><span class=\"wall-id\">");
    sl_report_buf_html(p->out, it->id);
    sl_report_buf_puts(p->out, "</span></td>");
    wall_text_cell(p, "网点", "Site", it->site);
    wall_text_cell(p, "区域", "Region", it->region);
    wall_text_cell(p, "单位类型", "Unit type", it->unit_type);
    td(p, "状态", "Status");
    sl_page_screens_badge(p, it->state);
    wall_state_detail(p, it, now);
    sl_report_buf_puts(p->out, "</td>");
    wall_text_cell(p, "当前节目", "Playing", it->current_item);
    td(p, "内容版本", "Content");
    sl_report_buf_html(p->out, it->channel[0] ? it->channel : "—");
    sl_report_buf_puts(p->out, "<span class=\"wall-sub\">");
    if (it->content_version >= 0)
        sl_report_buf_printf(p->out, "v%" PRId64, it->content_version);
    else
        sl_report_buf_puts(p->out, "—");
    sl_report_buf_puts(p->out, " / ");
    if (it->channel_version >= 0)
        sl_report_buf_printf(p->out, "v%" PRId64, it->channel_version);
    else
        sl_report_buf_puts(p->out, "—");
    sl_report_buf_puts(p->out, "</span></td>");
    td(p, "最后在线", "Last seen");
    sl_page_screens_ago(p, it->last_seen_ms, now);
    sl_report_buf_puts(p->out, "</td>");
    td(p, "剩余空间", "Free disk");
    if (it->free_disk_bytes >= 0 && it->free_disk_bytes < WALL_LOW_DISK)
        sl_report_buf_puts(p->out, "<span class=\"wall-warn\">");
    sl_page_screens_bytes(p, it->free_disk_bytes);
    if (it->free_disk_bytes >= 0 && it->free_disk_bytes < WALL_LOW_DISK)
        sl_report_buf_puts(p->out, "</span>");
    sl_report_buf_puts(p->out, "</td></tr>\n");
}

static void wall_table(sl_cpage *p, const sl_wall *w, int64_t now)
{
    static const char *const heads[][2] = {
        {"截图", "Screenshot"}, {"屏幕", "Screen"},   {"网点", "Site"},           {"区域", "Region"},
        {"单位类型", "Unit type"}, {"状态", "Status"}, {"当前节目", "Playing"},   {"内容版本", "Content"},
        {"最后在线", "Last seen"}, {"剩余空间", "Free disk"},
    };
    sl_report_buf_puts(p->out, "<table class=\"list wall\">\n<thead><tr>");
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        sl_report_buf_puts(p->out, "<th scope=\"col\">");
        sl_report_buf_html(p->out, sl_cpage_tr(p, heads[i][0], heads[i][1]));
        sl_report_buf_puts(p->out, "</th>");
    }
    sl_report_buf_puts(p->out, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < w->n_rows; i++)
        wall_row(p, &w->rows[i], now);
    sl_report_buf_puts(p->out, "</tbody>\n</table>\n");
}

/* Page links: first, previous, a few around this one, next, last. */
static void wall_pages(sl_cpage *p, const wall_args *a, const sl_wall *w)
{
    int64_t pages = (int64_t)((w->listed + WALL_PAGE_ROWS - 1) / WALL_PAGE_ROWS);
    if (pages <= 1)
        return;
    sl_report_buf_puts(p->out, "<nav class=\"pager wall-pages\" aria-label=\"");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "分页", "Pages"));
    sl_report_buf_puts(p->out, "\">");
    int64_t prev = 0;
    for (int64_t k = 1; k <= pages; k++) {
        if (k != 1 && k != pages && (k < a->page - 3 || k > a->page + 3))
            continue;
        if (prev && k > prev + 1)
            sl_report_buf_puts(p->out, "<span>…</span>");
        prev = k;
        if (k == a->page) {
            sl_report_buf_printf(p->out, "<span class=\"on\" aria-current=\"page\">%" PRId64 "</span>", k);
            continue;
        }
        sl_report_buf_puts(p->out, "<a href=\"");
        wall_href(p, a, a->state, k);
        sl_report_buf_printf(p->out, "\">%" PRId64 "</a>", k);
    }
    sl_report_buf_puts(p->out, "</nav>\n");
}

int sl_page_screens(sl_cpage *p, char *err, size_t errlen)
{
    if (!p || !p->out)
        return -1;
    wall_args a = {arg_or_null(p, "region"), arg_or_null(p, "unit_type"), arg_or_null(p, "channel"),
                   arg_or_null(p, "status"), 1};
    sl_wall w;
    sl_svc_err e;
    int64_t now = sl_hub_now_ms();
    sl_cpage_title(p, "屏幕", "Screens");
    if (arg_num(p, "page", 1, WALL_PAGE_MAX, 1, &a.page) != 0) {
        sl_page_screens_problem(p, 400, "页码无效", "Not a page number",
                                sl_cpage_tr(p, "page 应为从 1 起的整数", "page must be a whole number from 1"));
        return 0;
    }
    sl_wall_query q = {a.region, a.unit_type, a.channel, a.state, (size_t)(a.page - 1) * WALL_PAGE_ROWS,
                       WALL_PAGE_ROWS};
    sl_svc_rc rc = sl_wall_read(p->hub, &q, now, &w, &e);
    if (rc == SL_SVC_INVALID) {
        sl_wall_free(&w);
        sl_page_screens_problem(p, 400, "状态无效", "Unknown status", e.msg);
        return 0;
    }
    if (rc != SL_SVC_OK) {
        sl_wall_free(&w);
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    p->refresh_s = WALL_REFRESH_S;
    sl_report_buf_puts(p->out, "<h1>");
    sl_report_buf_html(p->out, sl_cpage_tr(p, "屏幕", "Screens"));
    sl_report_buf_puts(p->out, "</h1>\n");
    wall_counts(p, &a, &w);
    wall_filters(p, &a, &w);
    sl_report_buf_puts(p->out, "<p class=\"muted wall-shown\">");
    if (w.n_rows) {
        size_t from = q.offset + 1, to = q.offset + w.n_rows;
        SL_PAGE_PRINTF_TR(p, "第 %zu–%zu 块，共 %zu 块（黑屏在前）", "%zu–%zu of %zu, dark first", from, to,
                          w.listed);
    } else if (w.listed) {
        sl_report_buf_html(p->out, sl_cpage_tr(p, "这一页没有屏幕。", "No screens on this page."));
        sl_report_buf_puts(p->out, " <a href=\"");
        wall_href(p, &a, a.state, 1);
        sl_report_buf_puts(p->out, "\">");
        sl_report_buf_html(p->out, sl_cpage_tr(p, "第一页", "First page"));
        sl_report_buf_puts(p->out, "</a>");
    } else {
        sl_report_buf_html(p->out, w.total ? sl_cpage_tr(p, "没有符合筛选条件的屏幕。", "No screen matches the filters.")
                                           : sl_cpage_tr(p, "清单中还没有屏幕：请先导入清单。",
                                                         "The inventory has no screens yet: import it first."));
    }
    sl_report_buf_puts(p->out, "</p>\n");
    if (w.n_rows)
        wall_table(p, &w, now);
    wall_pages(p, &a, &w);
    sl_wall_free(&w);
    if (p->out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
