/* page_screen.c — the console's page of one screen: details, hours lit vs required, screenshots, recent plays, its last heartbeat and the last day's, and the admin's buttons (screenshot now, enrolment code with its QR code, revoke). */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/console/page_screens.h"

#include "content/json.h"
#include "content/timeutil.h"
#include "content/tz.h"
#include "tools/hub/console/console_heat.h"
#include "tools/hub/console/console_qr.h"
#include "tools/hub/coverage/hub_coverage.h"
#include "tools/hub/service/hub_enroll.h"
#include "tools/hub/service/hub_plays.h"
#include "tools/hub/service/hub_status.h"
#include "tools/hub/service/hub_wall.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCREEN_SHOT_DAYS 7    /* screenshots of the last days shown */
#define SCREEN_PLAYS 50       /* recent plays shown */
#define SCREEN_REFRESH_S 60
#define HB_CHART_W 576        /* the history's chart: a day across, two strips of HB_STRIP_H */
#define HB_STRIP_H 56
#define HUB_URL_MAX 200       /* the hub address an enrolment code's QR code carries */

/* What the page knows of its screen while it writes. */
typedef struct {
    sl_cpage *p;
    sl_wall_screen ws;
    sl_tz *tz; /* the screen's zone; NULL: UTC */
    int64_t now;
} scr_ctx;

/* ---- small writers ------------------------------------------------------ */

static void h2(sl_cpage *p, const char *zh, const char *en)
{
    sl_report_buf_puts(p->out, "<h2>");
    sl_report_buf_html(p->out, sl_cpage_tr(p, zh, en));
    sl_report_buf_puts(p->out, "</h2>\n");
}

static void text(sl_cpage *p, const char *zh, const char *en)
{
    sl_report_buf_html(p->out, sl_cpage_tr(p, zh, en));
}

/* An instant in the screen's local time, "2026-11-25 08:30:05", in a
 * <time> element with the UTC instant. */
static void local_time(scr_ctx *c, int64_t ms)
{
    char iso[40];
    if (ms < 0) {
        text(c->p, "从未", "never");
        return;
    }
    int64_t local = sl_tz_to_local(c->tz, ms), day = sl_floordiv(local, SL_MS_PER_DAY);
    int64_t in = local - day * SL_MS_PER_DAY;
    int y, m, d;
    sl_civil_from_days(day, &y, &m, &d);
    sl_instant_format(ms, 0, iso, sizeof iso);
    sl_report_buf_printf(c->p->out, "<time datetime=\"%s\">%04d-%02d-%02d %02d:%02d:%02d</time>", iso, y, m, d,
                         (int)(in / SL_MS_PER_HOUR), (int)(in / SL_MS_PER_MIN % 60), (int)(in / 1000 % 60));
}

/* A clock trust ("synced", "untrusted", "corrected", "simulated") in words;
 * another word as it is. */
static const char *trust_words(const sl_cpage *p, const char *code)
{
    static const char *const w[][3] = {{"synced", "已同步", "synced"},
                                       {"untrusted", "不可信", "untrusted"},
                                       {"corrected", "已校正", "corrected"},
                                       {"simulated", "模拟时钟", "simulated"}};
    for (size_t i = 0; code && i < sizeof w / sizeof w[0]; i++) {
        if (strcmp(code, w[i][0]) == 0)
            return sl_cpage_tr(p, w[i][1], w[i][2]);
    }
    return code;
}

/* A play's outcome in words. */
static const char *outcome_words(const sl_cpage *p, sl_outcome o)
{
    switch (o) {
    case SL_OUTCOME_COMPLETED:
        return sl_cpage_tr(p, "播完", "completed");
    case SL_OUTCOME_CUT_SHORT:
        return sl_cpage_tr(p, "提前结束", "cut short");
    default:
        return sl_cpage_tr(p, "失败", "failed");
    }
}

/* <dt>label</dt><dd> — the caller writes the value and </dd>. */
static void dt(sl_cpage *p, const char *zh, const char *en)
{
    sl_report_buf_puts(p->out, "<dt>");
    text(p, zh, en);
    sl_report_buf_puts(p->out, "</dt><dd>");
}

static void dt_text(sl_cpage *p, const char *zh, const char *en, const char *v)
{
    dt(p, zh, en);
    sl_report_buf_html(p->out, v && v[0] ? v : "—");
    sl_report_buf_puts(p->out, "</dd>\n");
}

static void version(sl_cpage *p, int64_t v)
{
    if (v >= 0)
        sl_report_buf_printf(p->out, "v%" PRId64, v);
    else
        sl_report_buf_puts(p->out, "—");
}

/* Ends a list of n entries with close, or says in a paragraph that there
 * were none. */
static void list_end(sl_cpage *p, size_t n, const char *close, const char *zh, const char *en)
{
    if (n) {
        sl_report_buf_puts(p->out, close);
        return;
    }
    sl_report_buf_puts(p->out, "<p>");
    text(p, zh, en);
    sl_report_buf_puts(p->out, "</p>\n");
}

/* Opens a list's table (open: the scrolling div and the table's tag), its
 * column heads {zh, en, class or ""} and its body. */
static void table_head(sl_cpage *p, const char *open, const char *const heads[][3], size_t n)
{
    sl_report_buf_puts(p->out, open);
    sl_report_buf_puts(p->out, "\n<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        if (heads[i][2][0])
            sl_report_buf_printf(p->out, "<th scope=\"col\" class=\"%s\">", heads[i][2]);
        else
            sl_report_buf_puts(p->out, "<th scope=\"col\">");
        text(p, heads[i][0], heads[i][1]);
        sl_report_buf_puts(p->out, "</th>");
    }
    sl_report_buf_puts(p->out, "</tr></thead>\n<tbody>\n");
}

/* The screen's id from the page's path, checked; writes the problem page when it is not one. */
static bool screen_id_ok(sl_cpage *p)
{
    if (sl_wire_id_ok(p->param))
        return true;
    sl_page_screens_problem(p, 400, "屏幕编号无效", "Not a screen id", p->param);
    return false;
}

/* Reads the screen of the page into c (scr_free it); false when the page
 * became a problem (*rc then says whether the handler failed). */
static bool scr_open(sl_cpage *p, scr_ctx *c, int *rc, char *err, size_t errlen)
{
    sl_svc_err e;
    char why[256];
    memset(c, 0, sizeof *c);
    c->p = p;
    c->now = sl_hub_now_ms();
    *rc = 0;
    if (!screen_id_ok(p))
        return false;
    sl_svc_rc r = sl_wall_screen_read(p->hub, p->param, c->now, &c->ws, &e);
    if (r == SL_SVC_NOT_FOUND) {
        sl_page_screens_problem(p, 404, "没有这块屏幕", "No such screen", e.msg);
        return false;
    }
    if (r != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        *rc = -1;
        return false;
    }
    c->tz = sl_tz_load(c->ws.row.st.s.timezone, NULL, why, sizeof why);
    if (!c->tz)
        sl_log_warn(&p->hub->log, "console: screen %s: %s; its times are shown in UTC", p->param, why);
    return true;
}

static void scr_free(scr_ctx *c)
{
    sl_wall_screen_free(&c->ws);
    sl_tz_free(c->tz);
    c->tz = NULL;
}

/* ---- the details -------------------------------------------------------- */

typedef struct {
    size_t n;
    int64_t first_expiry;
} codes_seen;

static int code_cb(void *ud, const sl_hub_enroll_code *code)
{
    codes_seen *s = ud;
    if (!s->n || code->expires_ms < s->first_expiry)
        s->first_expiry = code->expires_ms;
    s->n++;
    return 0;
}

static int scr_details(scr_ctx *c, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    const sl_hub_wall_row *r = &c->ws.row;
    const sl_hub_screen *s = &r->st.s;
    codes_seen codes = {0, -1};
    sl_svc_err e;
    if (sl_enroll_code_list(p->hub, s->id, "valid", c->now, code_cb, &codes, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    h2(p, "详情", "Details");
    sl_report_buf_puts(p->out, "<dl class=\"scr-details\">\n");
    dt_text(p, "编号", "Id", s->id);
    dt_text(p, "名称", "Name", s->name);
    dt_text(p, "网点", "Site", s->site);
    dt_text(p, "区域", "Region", s->region);
    dt_text(p, "单位类型", "Unit type", s->unit_type);
    dt_text(p, "标签", "Tags", s->tags);
    dt_text(p, "要求时段", "Required hours", s->hours);
    dt_text(p, "时区", "Time zone", s->timezone);
    dt(p, "注册", "Enrolment");
    text(p, r->st.enrolled ? "已注册" : "未注册", r->st.enrolled ? "enrolled" : "not enrolled");
    if (codes.n) {
        sl_report_buf_puts(p->out, "; ");
        SL_PAGE_PRINTF_TR(p, "%zu 个注册码有效，最早到期于 ", "%zu enrolment code(s) valid, the first until ",
                          codes.n);
        local_time(c, codes.first_expiry);
    }
    sl_report_buf_puts(p->out, "</dd>\n");
    dt(p, "频道", "Channel");
    sl_report_buf_html(p->out, s->channel[0] ? s->channel : "—");
    sl_report_buf_puts(p->out, " (");
    text(p, "当前版本 ", "current ");
    version(p, r->channel_version);
    sl_report_buf_puts(p->out, ")</dd>\n");
    dt(p, "播放版本", "Showing");
    version(p, r->st.content_version);
    sl_report_buf_puts(p->out, "</dd>\n");
    dt_text(p, "当前节目", "Playing", r->current_item);
    dt(p, "最后在线", "Last seen");
    local_time(c, r->st.last_seen_ms);
    if (r->st.last_seen_ms >= 0) {
        sl_report_buf_puts(p->out, " (");
        sl_page_screens_ago(p, r->st.last_seen_ms, c->now);
        sl_report_buf_puts(p->out, ")");
    }
    sl_report_buf_puts(p->out, "</dd>\n</dl>\n");
    return 0;
}

/* ---- hours lit vs required ---------------------------------------------- */

/* The periods a screen's hours are shown for. */
static const struct {
    const char *arg, *zh, *en;
} periods[] = {{"week", "本周", "This week"}, {"lastweek", "上周", "Last week"}, {"month", "本月", "This month"}};

/* The local days of the period asked for (NULL or "" = this week): this
 * week or last week (Monday first), or this month, in the screen's zone.
 * Its index in periods, or -1 for an unknown period. */
static int heat_period(scr_ctx *c, const char *period, int64_t *from_day, size_t *n_days)
{
    int64_t today = sl_floordiv(sl_tz_to_local(c->tz, c->now), SL_MS_PER_DAY);
    int k = 0;
    while (period && period[0] && k < 3 && strcmp(period, periods[k].arg) != 0)
        k++;
    if (k == 3)
        return -1;
    if (k < 2) {
        *from_day = today - sl_weekday_from_days(today) - 7 * k;
        *n_days = 7;
    } else {
        int y, m, d;
        sl_civil_from_days(today, &y, &m, &d);
        *from_day = sl_days_from_civil(y, m, 1);
        *n_days = (size_t)(sl_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - *from_day);
    }
    return k;
}

static void heat_links(sl_cpage *p, int current)
{
    sl_report_buf_puts(p->out, "<p class=\"scr-period\">");
    for (int i = 0; i < 3; i++) {
        if (i)
            sl_report_buf_puts(p->out, " · ");
        if (i == current) {
            sl_report_buf_puts(p->out, "<strong>");
        } else {
            sl_report_buf_puts(p->out, "<a href=\"/console/screens/");
            sl_report_buf_html(p->out, p->param);
            sl_report_buf_printf(p->out, "%s%s\">", i ? "?period=" : "", i ? periods[i].arg : "");
        }
        text(p, periods[i].zh, periods[i].en);
        sl_report_buf_puts(p->out, i == current ? "</strong>" : "</a>");
    }
    sl_report_buf_puts(p->out, "</p>\n");
}

/* The coverage of the period in numbers, from the report's screen. */
static void heat_summary(sl_cpage *p, const cJSON *scr)
{
    const cJSON *pct = cJSON_GetObjectItemCaseSensitive(scr, "coverage_pct");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(scr, "required_s");
    const cJSON *lit = cJSON_GetObjectItemCaseSensitive(scr, "lit_s");
    if (!cJSON_IsNumber(pct) || !cJSON_IsNumber(req) || !cJSON_IsNumber(lit))
        return;
    sl_report_buf_puts(p->out, "<p>");
    SL_PAGE_PRINTF_TR(p, "覆盖率 %.1f%%：亮屏 %.1f 小时，要求 %.1f 小时", "Coverage %.1f %%: lit %.1f h of %.1f h required",
                      pct->valuedouble, lit->valuedouble / 3600.0, req->valuedouble / 3600.0);
    sl_report_buf_puts(p->out, "</p>\n");
}

int sl_page_screens_heat(sl_cpage *p, const cJSON *scr, int64_t from_day, size_t n_days, int64_t now_ms, char *err,
                         size_t errlen)
{
    static const char *const wd_zh[7] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    static const char *const wd_en[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char why[256];
    int rc = -1;
    sl_heat_day *days = calloc(n_days ? n_days : 1, sizeof *days);
    if (!days) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scr, "id"));
    if (sl_console_heat_from_report(scr, from_day, n_days, now_ms, sl_cpage_tr(p, "zh", "en")[0] == 'e' ? wd_en : wd_zh,
                                    days, why, sizeof why) != 0) {
        snprintf(err, errlen, "the heat map of %s: %s", id ? id : "?", why);
        goto out;
    }
    sl_heat_text t = {
        .title = sl_cpage_tr(p, "每小时亮屏时长", "Hours lit"),
        .lit = sl_cpage_tr(p, "亮屏", "Lit"),
        .partly = sl_cpage_tr(p, "部分亮屏（分钟）", "Partly lit (minutes)"),
        .dark = sl_cpage_tr(p, "黑屏", "Dark"),
        .not_required = sl_cpage_tr(p, "不要求", "Not required"),
        .future = sl_cpage_tr(p, "尚无数据", "No data yet"),
        .minutes = sl_cpage_tr(p, "亮屏 {lit}/{req} 分钟", "{lit} of {req} min lit"),
    };
    sl_report_buf_puts(p->out, "<div class=\"scr-heat\">");
    if (sl_console_heat_svg(days, n_days, &t, p->out, why, sizeof why) != 0) {
        snprintf(err, errlen, "the heat map of %s: %s", id ? id : "?", why);
        goto out;
    }
    sl_report_buf_puts(p->out, "</div>\n");
    rc = 0;
out:
    free(days);
    return rc;
}

static int scr_heat(scr_ctx *c, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    const char *period = sl_cpage_arg(p, "period");
    int64_t from_day;
    size_t n_days;
    h2(p, "亮屏时长与要求时段", "Hours lit vs required");
    int k = heat_period(c, period, &from_day, &n_days);
    if (k < 0) {
        sl_page_screens_problem(p, 400, "时段无效", "Unknown period",
                                sl_cpage_tr(p, "period 应为 week、lastweek 或 month",
                                            "period must be week, lastweek or month"));
        return 1;
    }
    heat_links(p, k);
    sl_coverage_query q = {from_day, from_day + (int64_t)n_days - 1, NULL, NULL, p->param, 0, true};
    cJSON *doc = sl_coverage_report(p->hub, &q, c->now, err, errlen);
    if (!doc)
        return -1;
    const cJSON *scr = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "screens"), 0);
    heat_summary(p, scr);
    int rc = sl_page_screens_heat(p, scr, from_day, n_days, c->now, err, errlen);
    cJSON_Delete(doc);
    return rc;
}

/* ---- screenshots -------------------------------------------------------- */

/* A list being written (screenshots, plays): the page and how many so far. */
typedef struct {
    scr_ctx *c;
    size_t n;
} list_ctx;

static int shot_cb(void *ud, const sl_hub_screenshot *s)
{
    list_ctx *x = ud;
    sl_cpage *p = x->c->p;
    if (!x->n)
        sl_report_buf_puts(p->out, "<div class=\"scr-grid\">\n");
    x->n++;
    sl_report_buf_puts(p->out, "<figure><a href=\"/console/screens/");
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_printf(p->out, "/screenshot?at=%" PRId64 "\"><img loading=\"lazy\" src=\"/console/screens/",
                         s->taken_ms);
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_printf(p->out, "/screenshot?at=%" PRId64 "&amp;thumb=1\" width=\"320\" height=\"180\" alt=\"",
                         s->taken_ms);
    text(p, "截图", "screenshot");
    sl_report_buf_puts(p->out, "\"></a><figcaption>");
    local_time(x->c, s->taken_ms);
    sl_report_buf_puts(p->out, " · ");
    sl_page_screens_bytes(p, s->size);
    sl_report_buf_puts(p->out, "</figcaption></figure>\n");
    return 0;
}

static int scr_shots(scr_ctx *c, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    sl_svc_err e;
    list_ctx x = {c, 0};
    h2(p, "最近 7 天的截图", "Screenshots of the last 7 days");
    sl_report_buf_puts(p->out, "<p class=\"muted\">");
    text(p, "中心每天（UTC）保留每块屏幕的前 5 张截图和最后一张。点击截图查看原图。",
         "The hub keeps the first five screenshots of each screen and UTC day, and the day's latest. Click one to "
         "see it whole.");
    sl_report_buf_puts(p->out, "</p>\n");
    if (sl_status_screenshots(p->hub, p->param, c->now - SCREEN_SHOT_DAYS * SL_MS_PER_DAY, c->now + 1, shot_cb, &x,
                              &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    list_end(p, x.n, "</div>\n", "这几天没有截图。", "No screenshots in these days.");
    return 0;
}

/* ---- recent plays ------------------------------------------------------- */

static void plays_head(sl_cpage *p)
{
    static const char *const heads[][3] = {
        {"序号", "Seq", ""},    {"节目", "Item", ""},  {"区域", "Zone", ""},    {"开始", "Start", ""},
        {"时长", "Length", ""}, {"时钟", "Clock", ""}, {"结果", "Outcome", ""}, {"收到", "Received", ""},
    };
    table_head(p, "<div class=\"scroll\"><table class=\"list\">", heads, sizeof heads / sizeof heads[0]);
}

static int play_cb(void *ud, const sl_play_record *r, int64_t received_ms)
{
    list_ctx *x = ud;
    sl_cpage *p = x->c->p;
    if (!x->n++)
        plays_head(p);
    sl_report_buf_printf(p->out, "<tr><td>%" PRId64 "</td><td>", r->seq);
    sl_report_buf_html(p->out, r->item);
    sl_report_buf_puts(p->out, "</td><td>");
    sl_report_buf_html(p->out, r->zone);
    sl_report_buf_puts(p->out, "</td><td>");
    local_time(x->c, r->start_ms);
    sl_report_buf_printf(p->out, "</td><td>%.1f s</td><td>", (double)r->duration_ms / 1000.0);
    sl_report_buf_html(p->out, trust_words(p, sl_clock_trust_name(r->clock_trust)));
    sl_report_buf_puts(p->out, "</td><td>");
    sl_report_buf_html(p->out, outcome_words(p, r->outcome));
    if (r->reason[0]) {
        sl_report_buf_puts(p->out, ": ");
        sl_report_buf_html(p->out, r->reason);
    }
    sl_report_buf_puts(p->out, "</td><td>");
    local_time(x->c, received_ms);
    sl_report_buf_puts(p->out, "</td></tr>\n");
    return 0;
}

static int scr_plays(scr_ctx *c, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    sl_svc_err e;
    list_ctx x = {c, 0};
    h2(p, "最近播放（最新 50 条）", "Recent plays (the latest 50)");
    if (sl_hub_plays_recent(p->hub, p->param, SCREEN_PLAYS, play_cb, &x, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    list_end(p, x.n, "</tbody>\n</table></div>\n", "中心还没有收到这块屏幕的播放记录。",
             "The hub holds no plays of this screen yet.");
    return 0;
}

/* ---- the last heartbeat ------------------------------------------------- */

static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key);
    return m && !cJSON_IsNull(m) ? m : NULL;
}

/* Seconds of uptime in words; "—" when unknown (negative). */
static void uptime_words(sl_cpage *p, int64_t s)
{
    if (s >= 0)
        SL_PAGE_PRINTF_TR(p, "%" PRId64 " 天 %" PRId64 " 小时 %" PRId64 " 分", "%" PRId64 " d %" PRId64 " h %" PRId64 " min",
                          s / 86400, s / 3600 % 24, s / 60 % 60);
    else
        sl_report_buf_puts(p->out, "—");
}

static void hb_uptime(sl_cpage *p, const cJSON *st)
{
    const cJSON *m = member(st, "uptime_s");
    dt(p, "运行时间", "Uptime");
    uptime_words(p, cJSON_IsNumber(m) ? (int64_t)m->valuedouble : -1);
    sl_report_buf_puts(p->out, "</dd>\n");
}

static void hb_numbers(sl_cpage *p, const cJSON *st)
{
    const cJSON *m = member(st, "free_disk_bytes");
    dt(p, "剩余空间", "Free disk");
    sl_page_screens_bytes(p, cJSON_IsNumber(m) ? (int64_t)m->valuedouble : -1);
    sl_report_buf_puts(p->out, "</dd>\n");
    m = member(st, "clock_offset_ms");
    dt(p, "时钟偏差", "Clock offset");
    if (cJSON_IsNumber(m))
        sl_report_buf_printf(p->out, "%+.3f s", m->valuedouble / 1000.0);
    else
        sl_report_buf_puts(p->out, "—");
    sl_report_buf_puts(p->out, "</dd>\n");
    m = member(st, "temperature_c");
    dt(p, "温度", "Temperature");
    if (cJSON_IsNumber(m))
        sl_report_buf_printf(p->out, "%.1f °C", m->valuedouble);
    else
        sl_report_buf_puts(p->out, "—");
    sl_report_buf_puts(p->out, "</dd>\n");
}

static void hb_problems(sl_cpage *p, const cJSON *st)
{
    const cJSON *probs = member(st, "problems"), *one;
    dt(p, "问题", "Problems");
    if (!cJSON_GetArraySize(probs)) {
        text(p, "无", "none");
    } else {
        sl_report_buf_puts(p->out, "<ul>");
        cJSON_ArrayForEach(one, probs)
        {
            sl_report_buf_puts(p->out, "<li>");
            sl_report_buf_html(p->out, cJSON_IsString(one) ? one->valuestring : "");
            sl_report_buf_puts(p->out, "</li>");
        }
        sl_report_buf_puts(p->out, "</ul>");
    }
    sl_report_buf_puts(p->out, "</dd>\n");
}

static void scr_heartbeat(scr_ctx *c)
{
    sl_cpage *p = c->p;
    char why[128];
    h2(p, "心跳", "Heartbeat");
    sl_report_buf_puts(p->out, "<p class=\"muted\">");
    text(p, "屏幕每分钟发来一次心跳；每小时的在线分钟数计入上面的亮屏统计。下面是最后一次心跳和最近一天的记录。",
         "The screen sends a heartbeat every minute; the minutes online of each hour go into the coverage above. "
         "Below: the latest heartbeat, and the last day's.");
    sl_report_buf_puts(p->out, "</p>\n");
    const char *js = c->ws.status_json;
    cJSON *st = js ? sl_json_parse(js, strlen(js), NULL, why, sizeof why) : NULL;
    if (!st) {
        sl_report_buf_puts(p->out, "<p>");
        text(p, "这块屏幕还没有发来心跳。", "This screen has sent no heartbeat yet.");
        sl_report_buf_puts(p->out, "</p>\n");
        return;
    }
    sl_report_buf_puts(p->out, "<dl class=\"scr-details\">\n");
    dt(p, "收到", "Received");
    local_time(c, c->ws.row.st.last_seen_ms);
    sl_report_buf_puts(p->out, "</dd>\n");
    hb_uptime(p, st);
    hb_numbers(p, st);
    dt_text(p, "时钟", "Clock", trust_words(p, sl_json_str(st, "clock_trust")));
    dt_text(p, "播放器版本", "Player version", sl_json_str(st, "player_version"));
    hb_problems(p, st);
    sl_report_buf_puts(p->out, "</dl>\n");
    cJSON_Delete(st);
}

/* ---- the heartbeat history ---------------------------------------------- */

typedef struct {
    sl_hub_hb_point *v;
    size_t n;
} hb_list;

static int hb_point_cb(void *ud, const sl_hub_hb_point *h)
{
    hb_list *l = ud;
    if (l->n >= SL_HUB_HB_HISTORY)
        return 1;
    l->v[l->n++] = *h;
    return 0;
}

/* The number of heartbeat h a strip shows (which = 0: free disk in GiB, 1:
 * clock offset in seconds) into *v; false when the screen did not send it. */
static bool hb_value(const sl_hub_hb_point *h, int which, double *v)
{
    if (which == 0 ? h->free_disk_bytes < 0 : !h->clock_offset_known)
        return false;
    *v = which == 0 ? (double)h->free_disk_bytes / 1073741824.0 : (double)h->clock_offset_ms / 1000.0;
    return true;
}

/* One strip of the chart: a line of a number (hb_value) over the day before
 * the newest heartbeat, with its range written above it. */
static void hb_strip(sl_cpage *p, const hb_list *l, int which, int top)
{
    double lo = 0, hi = 0, v;
    size_t known = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!hb_value(&l->v[i], which, &v))
            continue;
        lo = known && lo < v ? lo : v;
        hi = known && hi > v ? hi : v;
        known++;
    }
    sl_report_buf_printf(p->out, "<text x=\"0\" y=\"%d\" class=\"hb-label\">", top + 12);
    if (which == 0)
        text(p, "剩余空间", "Free disk");
    else
        text(p, "时钟偏差", "Clock offset");
    if (known)
        sl_report_buf_printf(p->out, which == 0 ? ": %.2f – %.2f GB" : ": %+.3f – %+.3f s", lo, hi);
    else
        sl_report_buf_puts(p->out, ": —");
    sl_report_buf_puts(p->out, "</text>\n");
    if (!known)
        return;
    double span = hi - lo > 1e-9 ? hi - lo : 1.0, x0 = (double)(l->v[0].received_ms - SL_MS_PER_DAY);
    sl_report_buf_printf(p->out, "<polyline class=\"hb-line\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                         which == 0 ? "#0072b2" : "#d55e00");
    for (size_t i = l->n; i-- > 0;) {
        const sl_hub_hb_point *h = &l->v[i];
        if (!hb_value(h, which, &v))
            continue;
        double x = ((double)h->received_ms - x0) / (double)SL_MS_PER_DAY * HB_CHART_W;
        double y = top + 18 + (HB_STRIP_H - 22) * (1.0 - (hi - lo > 1e-9 ? (v - lo) / span : 0.5));
        sl_report_buf_printf(p->out, "%.1f,%.1f ", x < 0 ? 0 : x, y);
    }
    sl_report_buf_puts(p->out, "\"/>\n");
}

/* The last day's heartbeats: a chart of free disk and clock offset, and a table. */
static int scr_history(scr_ctx *c, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    sl_svc_err e;
    hb_list l = {malloc(SL_HUB_HB_HISTORY * sizeof *l.v), 0};
    if (!l.v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (sl_status_heartbeats(p->hub, p->param, SL_HUB_HB_HISTORY, hb_point_cb, &l, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        free(l.v);
        return -1;
    }
    sl_report_buf_puts(p->out, "<h3>");
    text(p, "最近一天（每 5 分钟一次）", "The last day (one each 5 minutes)");
    sl_report_buf_puts(p->out, "</h3>\n");
    if (l.n) {
        sl_report_buf_printf(p->out, "<svg id=\"hb-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                     " viewBox=\"0 0 %d %d\" role=\"img\" font-size=\"12\"><title>",
                             HB_CHART_W, 2 * HB_STRIP_H, HB_CHART_W, 2 * HB_STRIP_H);
        text(p, "最近一天的剩余空间和时钟偏差", "Free disk and clock offset over the last day");
        sl_report_buf_puts(p->out, "</title>\n");
        hb_strip(p, &l, 0, 0);
        hb_strip(p, &l, 1, HB_STRIP_H);
        sl_report_buf_puts(p->out, "</svg>\n");
        static const char *const heads[][3] = {
            {"收到", "Received", ""},           {"运行时间", "Uptime", ""}, {"剩余空间", "Free disk", "num"},
            {"时钟偏差", "Clock offset", "num"}, {"时钟", "Clock", ""},
        };
        table_head(p, "<div class=\"scroll hb-history\"><table class=\"list\" id=\"hb-history\">", heads,
                   sizeof heads / sizeof heads[0]);
    }
    for (size_t i = 0; i < l.n; i++) {
        const sl_hub_hb_point *h = &l.v[i];
        sl_report_buf_puts(p->out, "<tr><td>");
        local_time(c, h->received_ms);
        sl_report_buf_puts(p->out, "</td><td>");
        uptime_words(p, h->uptime_s);
        sl_report_buf_puts(p->out, "</td><td class=\"num\">");
        sl_page_screens_bytes(p, h->free_disk_bytes);
        sl_report_buf_puts(p->out, "</td><td class=\"num\">");
        if (h->clock_offset_known)
            sl_report_buf_printf(p->out, "%+.3f s", (double)h->clock_offset_ms / 1000.0);
        else
            sl_report_buf_puts(p->out, "—");
        sl_report_buf_puts(p->out, "</td><td>");
        sl_report_buf_html(p->out, h->clock_trust[0] ? trust_words(p, h->clock_trust) : "—");
        sl_report_buf_puts(p->out, "</td></tr>\n");
    }
    list_end(p, l.n, "</tbody>\n</table></div>\n", "中心还没有这块屏幕的心跳记录。",
             "The hub holds no heartbeats of this screen yet.");
    free(l.v);
    return 0;
}

/* ---- the admin's buttons ------------------------------------------------ */

/* The start of a POST form to screens/ID/action. */
static void form_open(sl_cpage *p, const char *action, const char *cls)
{
    sl_report_buf_printf(p->out, "<form method=\"post\" class=\"%s\" action=\"/console/screens/", cls);
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_printf(p->out, "/%s\">", action);
    sl_cpage_csrf_field(p);
    sl_report_buf_puts(p->out, "\n");
}

static void button(sl_cpage *p, bool danger, const char *zh, const char *en)
{
    sl_report_buf_puts(p->out, danger ? "<button type=\"submit\" class=\"danger\">" : "<button type=\"submit\">");
    text(p, zh, en);
    sl_report_buf_puts(p->out, "</button></form>\n");
}

/* The hub's address as this browser reached it: the enrolment form's default. */
static void hub_guess(sl_cpage *p, sl_report_buf *b)
{
    if (p->host && p->host[0] && strlen(p->host) < HUB_URL_MAX - 8 && !strpbrk(p->host, " \"'<>/\\"))
        sl_report_buf_printf(b, "%s://%s", p->tls ? "https" : "http", p->host);
}

static void scr_admin(scr_ctx *c)
{
    sl_cpage *p = c->p;
    sl_report_buf guess = {0};
    h2(p, "管理", "Administration");
    sl_report_buf_puts(p->out, "<div class=\"actions scr-actions\">\n");
    form_open(p, "screenshot-request", "scr-shot");
    sl_report_buf_puts(p->out, "<p>");
    text(p, "屏幕会在下一次心跳（一分钟内）时上传截图。", "The screen sends one with its next heartbeat (within a minute).");
    sl_report_buf_puts(p->out, "</p>");
    button(p, false, "立即截图", "Request a screenshot now");

    form_open(p, "enroll-code", "scr-enrol");
    sl_report_buf_puts(p->out, "<p><label>");
    text(p, "屏幕访问中心的地址", "The hub's address as the screen reaches it");
    sl_report_buf_printf(p->out, "<br><input type=\"url\" name=\"hub\" required maxlength=\"%d\" size=\"32\" "
                                 "placeholder=\"http://10.0.0.5:8080\" value=\"",
                         HUB_URL_MAX);
    hub_guess(p, &guess);
    sl_report_buf_html(p->out, guess.p ? guess.p : "");
    sl_report_buf_free(&guess);
    sl_report_buf_puts(p->out, "\"></label></p><p><label>");
    text(p, "有效期", "Valid for");
    sl_report_buf_puts(p->out, " <select name=\"ttl_h\">");
    static const int hours[] = {1, 24, 168, 720};
    for (size_t i = 0; i < sizeof hours / sizeof hours[0]; i++) {
        sl_report_buf_printf(p->out, "<option value=\"%d\"%s>", hours[i], hours[i] == 24 ? " selected" : "");
        if (hours[i] < 24)
            SL_PAGE_PRINTF_TR(p, "%d 小时", "%d hour", hours[i]);
        else
            SL_PAGE_PRINTF_TR(p, "%d 天", hours[i] == 24 ? "%d day" : "%d days", hours[i] / 24);
        sl_report_buf_puts(p->out, "</option>");
    }
    sl_report_buf_puts(p->out, "</select></label></p>");
    button(p, false, "生成注册码", "Make an enrolment code");

    form_open(p, "revoke", "scr-danger");
    sl_report_buf_puts(p->out, "<p>");
    text(p, "撤销后屏幕的令牌立即失效，播放器会清除身份和内容并等待重新注册。",
         "Its device token stops at once; the player forgets its identity and content and waits to be enrolled "
         "again.");
    sl_report_buf_puts(p->out, "</p>");
    button(p, true, "撤销这块屏幕…", "Revoke this screen…");
    sl_report_buf_puts(p->out, "</div>\n");
}

/* ---- GET screens/ID ----------------------------------------------------- */

static void scr_done(sl_cpage *p)
{
    const char *done = sl_cpage_arg(p, "done");
    if (!done)
        return;
    const char *zh = NULL, *en = NULL;
    if (strcmp(done, "screenshot") == 0) {
        zh = "已请求截图：屏幕会在下一次心跳时上传，刷新本页即可看到。";
        en = "Screenshot requested: the screen sends it with its next heartbeat; reload this page to see it.";
    } else if (strcmp(done, "revoked") == 0) {
        zh = "已撤销：这块屏幕的令牌不再有效。";
        en = "Revoked: this screen's device token no longer works.";
    }
    if (!zh)
        return;
    sl_report_buf_puts(p->out, "<p class=\"notice\" role=\"status\">");
    text(p, zh, en);
    sl_report_buf_puts(p->out, "</p>\n");
}

int sl_page_screen(sl_cpage *p, char *err, size_t errlen)
{
    scr_ctx c;
    int rc;
    if (!p || !p->out)
        return -1;
    if (!scr_open(p, &c, &rc, err, errlen)) {
        scr_free(&c);
        return rc;
    }
    const sl_hub_screen *s = &c.ws.row.st.s;
    snprintf(p->title, sizeof p->title, "%s", s->name[0] ? s->name : s->id);
    p->refresh_s = SCREEN_REFRESH_S;
    sl_report_buf_puts(p->out, "<p><a href=\"/console/screens\">← ");
    text(p, "全部屏幕", "All screens");
    sl_report_buf_puts(p->out, "</a></p>\n<h1>");
    sl_report_buf_html(p->out, s->name[0] ? s->name : s->id);
    sl_report_buf_puts(p->out, " ");
    sl_page_screens_badge(p, c.ws.state);
    sl_report_buf_puts(p->out, "</h1>\n");
    scr_done(p);
    rc = scr_details(&c, err, errlen);
    if (rc == 0)
        rc = scr_heat(&c, err, errlen);
    if (rc == 0)
        rc = scr_shots(&c, err, errlen);
    if (rc == 0)
        rc = scr_plays(&c, err, errlen);
    if (rc == 0) {
        scr_heartbeat(&c);
        rc = scr_history(&c, err, errlen);
    }
    if (rc == 0 && p->role == SL_ROLE_ADMIN)
        scr_admin(&c);
    scr_free(&c);
    if (rc == 0 && p->out->oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    return rc < 0 ? -1 : 0; /* 1: the page became a problem */
}

/* ---- the admin's POSTs -------------------------------------------------- */

/* The role check of the page table, once more where the action happens. */
static bool admin_only(sl_cpage *p)
{
    if (p->role == SL_ROLE_ADMIN)
        return true;
    sl_page_screens_problem(p, 403, "只有管理员可以这样做", "Only an admin may do this", NULL);
    return false;
}

/* Sends the browser back to the screen's page with a notice. */
static void back_to_screen(sl_cpage *p, const char *done)
{
    snprintf(p->redirect, sizeof p->redirect, "/console/screens/%s?done=%s", p->param, done);
}

/* A service's refusal as the page; -1 (with err) when the hub failed. */
static int svc_problem(sl_cpage *p, const sl_svc_err *e, char *err, size_t errlen)
{
    if (e->rc == SL_SVC_NOT_FOUND)
        sl_page_screens_problem(p, 404, "没有这块屏幕", "No such screen", e->msg);
    else if (e->rc == SL_SVC_INVALID)
        sl_page_screens_problem(p, 400, "请求无效", "Not a valid request", e->msg);
    else if (e->rc == SL_SVC_CONFLICT)
        sl_page_screens_problem(p, 409, "无法执行", "That cannot be done now", e->msg);
    else {
        snprintf(err, errlen, "%s", e->msg);
        return -1;
    }
    return 0;
}

int sl_page_screen_shot_request(sl_cpage *p, char *err, size_t errlen)
{
    sl_svc_err e;
    if (!p || !p->out)
        return -1;
    if (!admin_only(p) || !screen_id_ok(p))
        return 0;
    if (sl_status_screenshot_request(p->hub, p->param, &e) != SL_SVC_OK)
        return svc_problem(p, &e, err, errlen);
    sl_log_info(&p->hub->log, "console: %s asked %s for a screenshot", p->user ? p->user : "?", p->param);
    back_to_screen(p, "screenshot");
    return 0;
}

/* The hub address of the enrolment form, checked and without a trailing
 * '/' into out. NULL, or why it is refused. */
static const char *hub_url_check(const char *in, char out[HUB_URL_MAX + 1])
{
    if (!in || !in[0])
        return "give the hub's address as the screen reaches it, e.g. http://10.0.0.5:8080";
    size_t n = strlen(in);
    while (n && in[n - 1] == '/')
        n--;
    if (n > HUB_URL_MAX)
        return "the hub's address is too long (at most 200 characters)";
    size_t scheme = strncmp(in, "http://", 7) == 0 ? 7 : strncmp(in, "https://", 8) == 0 ? 8 : 0;
    if (!scheme || n <= scheme)
        return "the hub's address must start with http:// or https://, e.g. http://10.0.0.5:8080";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)in[i];
        if (ch <= ' ' || ch >= 0x7f || strchr("\"'<>\\`?#", ch))
            return "the hub's address has a character an address may not have (spaces, quotes, ?, #)";
    }
    memcpy(out, in, n);
    out[n] = '\0';
    return NULL;
}

/* The code, large, its QR code (what an installer's phone scans: the text
 * of the player's enrolment file), its expiry and what to do with it. */
static int enrol_show(scr_ctx *c, const char *hub, const sl_enroll_new_code *code, char *err, size_t errlen)
{
    sl_cpage *p = c->p;
    char qr[HUB_URL_MAX + 64];
    snprintf(qr, sizeof qr, "hub = %s\ncode = %s\n", hub, code->code);
    sl_cpage_title(p, "注册码", "Enrolment code");
    sl_report_buf_puts(p->out, "<h1>");
    text(p, "注册码：", "Enrolment code for ");
    sl_report_buf_html(p->out, c->ws.row.st.s.name[0] ? c->ws.row.st.s.name : p->param);
    sl_report_buf_puts(p->out, "</h1>\n<p class=\"big scr-code\">");
    sl_report_buf_html(p->out, code->code);
    sl_report_buf_puts(p->out, "</p>\n<p>");
    text(p, "有效期至 ", "Valid until ");
    local_time(c, code->expires_ms);
    sl_report_buf_puts(p->out, "（");
    text(p, "屏幕所在时区", "the screen's time");
    sl_report_buf_puts(p->out, "）。");
    text(p, "此码只显示这一次：中心只保存它的哈希。", "It is shown this once: the hub keeps only its hash.");
    sl_report_buf_puts(p->out, "</p>\n<div class=\"scr-qr\">");
    if (sl_console_qr_svg(qr, sl_cpage_tr(p, "注册文件的二维码", "QR code of the enrolment file"), p->out, err, errlen) != 0)
        return -1;
    sl_report_buf_puts(p->out, "</div>\n<p>");
    text(p, "用手机扫描二维码，把其中的两行存为板卡启动分区上的 screenlit-enroll.txt（/boot/firmware/），"
            "播放器开机时会用它注册；或者在板卡上运行：",
         "Scan the QR code with a phone and save its two lines as screenlit-enroll.txt on the board's boot "
         "partition (/boot/firmware/): the player enrols with it when it starts. Or run on the board:");
    sl_report_buf_puts(p->out, "</p>\n<pre>");
    sl_report_buf_html(p->out, qr);
    sl_report_buf_puts(p->out, "</pre>\n<pre>screenlit-player --hub ");
    sl_report_buf_html(p->out, hub);
    sl_report_buf_puts(p->out, " --enroll ");
    sl_report_buf_html(p->out, code->code);
    sl_report_buf_puts(p->out, "</pre>\n<p><a href=\"/console/screens/");
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_puts(p->out, "\">");
    text(p, "返回屏幕", "Back to the screen");
    sl_report_buf_puts(p->out, "</a></p>\n");
    sodium_memzero(qr, sizeof qr);
    return 0;
}

int sl_page_screen_enroll_code(sl_cpage *p, char *err, size_t errlen)
{
    scr_ctx c;
    sl_svc_err e;
    sl_enroll_new_code code;
    char hub[HUB_URL_MAX + 1];
    int rc;
    if (!p || !p->out)
        return -1;
    if (!admin_only(p))
        return 0;
    const char *why = hub_url_check(sl_cpage_field(p, "hub"), hub);
    const char *ttl_text = sl_cpage_field(p, "ttl_h");
    long ttl_h = ttl_text ? strtol(ttl_text, NULL, 10) : 24;
    if (!why && (ttl_h < 1 || ttl_h > SL_ENROLL_TTL_MAX_S / 3600))
        why = "the code's validity must be from 1 hour to 30 days";
    if (why) {
        sl_page_screens_problem(p, 400, "注册码未生成", "No enrolment code was made", why);
        return 0;
    }
    if (!scr_open(p, &c, &rc, err, errlen)) {
        scr_free(&c);
        return rc;
    }
    if (sl_enroll_code_make(p->hub, p->param, (int64_t)ttl_h * 3600, &code, &e) != SL_SVC_OK) {
        scr_free(&c);
        return svc_problem(p, &e, err, errlen);
    }
    sl_log_info(&p->hub->log, "console: %s made enrolment code %" PRId64 " for %s", p->user ? p->user : "?", code.id,
                p->param);
    rc = enrol_show(&c, hub, &code, err, errlen);
    sodium_memzero(code.code, sizeof code.code);
    scr_free(&c);
    return rc;
}

/* The confirmation step of a revocation (works without JavaScript). */
static void revoke_confirm(scr_ctx *c)
{
    sl_cpage *p = c->p;
    const sl_hub_screen *s = &c->ws.row.st.s;
    sl_cpage_title(p, "撤销屏幕", "Revoke a screen");
    sl_report_buf_puts(p->out, "<h1>");
    text(p, "撤销这块屏幕？", "Revoke this screen?");
    sl_report_buf_puts(p->out, "</h1>\n<p><strong>");
    sl_report_buf_html(p->out, s->name[0] ? s->name : s->id);
    sl_report_buf_puts(p->out, "</strong> (");
    sl_report_buf_html(p->out, s->id);
    sl_report_buf_puts(p->out, ")</p>\n<p>");
    text(p, "它的令牌会立即失效，播放器会清除身份和内容，黑屏等待重新注册。屏幕仍留在清单中。",
         "Its device token stops at once: the player forgets its identity and content and waits, dark, to be "
         "enrolled again. The screen stays in the inventory.");
    sl_report_buf_puts(p->out, "</p>\n");
    form_open(p, "revoke", "scr-danger");
    sl_report_buf_puts(p->out, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">");
    button(p, true, "确认撤销", "Yes, revoke it");
    sl_report_buf_puts(p->out, "<p><a href=\"/console/screens/");
    sl_report_buf_html(p->out, s->id);
    sl_report_buf_puts(p->out, "\">");
    text(p, "取消", "Cancel");
    sl_report_buf_puts(p->out, "</a></p>\n");
}

int sl_page_screen_revoke(sl_cpage *p, char *err, size_t errlen)
{
    scr_ctx c;
    sl_svc_err e;
    int rc;
    if (!p || !p->out)
        return -1;
    if (!admin_only(p))
        return 0;
    if (!scr_open(p, &c, &rc, err, errlen)) {
        scr_free(&c);
        return rc;
    }
    const char *confirm = sl_cpage_field(p, "confirm");
    if (!confirm || strcmp(confirm, "yes") != 0) {
        revoke_confirm(&c);
        scr_free(&c);
        return 0;
    }
    rc = 0;
    if (sl_enroll_screen_revoke(p->hub, p->param, c.now, &e) != SL_SVC_OK) {
        rc = svc_problem(p, &e, err, errlen);
    } else {
        sl_log_info(&p->hub->log, "console: %s revoked screen %s", p->user ? p->user : "?", p->param);
        back_to_screen(p, "revoked");
    }
    scr_free(&c);
    return rc;
}
