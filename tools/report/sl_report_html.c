/* sl_report_html.c — the coverage report as one self-contained printable HTML page (A4), with SVG charts and proof pictures. */
#include "tools/report/sl_report.h"

#include "tools/report/sl_report_doc.h"
#include "tools/report/sl_report_svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HTML_SHOTS_MAX 64 /* pictures on one page, whatever the caller gives */

static const char css[] =
    "@page{size:A4;margin:14mm 12mm}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif;"
    "font-size:10.5pt;color:#1d2329;margin:0 auto;max-width:190mm;padding:8mm 0;line-height:1.45}\n"
    "h1{font-size:18pt;margin:0 0 2mm}h2{font-size:13pt;margin:7mm 0 2mm;border-bottom:1px solid #c9d1d9;"
    "padding-bottom:1mm;break-after:avoid}h3{font-size:11pt;margin:4mm 0 1mm;break-after:avoid}\n"
    ".meta{color:#4a5561;margin:0}.meta span{margin-right:6mm;white-space:nowrap}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:3mm;margin:3mm 0}\n"
    ".card{border:1px solid #d5dbe1;border-radius:2mm;padding:2mm 4mm;min-width:28mm}\n"
    ".card b{display:block;font-size:16pt}.card.lit b{color:#2e7d32}.card.short b{color:#b36200}"
    ".card.dark b{color:#c62828}\n"
    "table{border-collapse:collapse;width:100%;margin:2mm 0;font-size:9pt}\n"
    "thead{display:table-header-group}tr{break-inside:avoid}\n"
    "th,td{border:1px solid #d5dbe1;padding:1mm 1.5mm;text-align:left;vertical-align:top}\n"
    "th{background:#eef1f4}td.n{text-align:right;white-space:nowrap}td.nw{white-space:nowrap}\n"
    ".st{font-weight:bold;white-space:nowrap}.st.lit{color:#2e7d32}.st.short{color:#b36200}"
    ".st.dark{color:#c62828}.st.idle{color:#6a737d}\n"
    "svg.chart{width:100%;height:auto;display:block;break-inside:avoid}\n"
    ".shots{display:flex;flex-wrap:wrap;gap:3mm}\n"
    "figure{margin:0;width:calc(33.3% - 2mm);break-inside:avoid}\n"
    "figure img{width:100%;height:auto;border:1px solid #d5dbe1}\n"
    "figcaption{font-size:8.5pt;color:#4a5561}\n"
    ".note{font-size:8.5pt;color:#4a5561;margin-top:6mm}\n"
    "@media print{body{padding:0;max-width:none}a{color:inherit;text-decoration:none}}\n";

static void text(sl_report_buf *b, const char *s)
{
    sl_report_buf_html(b, s);
}

static void msg(sl_report_buf *b, sl_report_lang lang, sl_report_msg_id id)
{
    sl_report_buf_html(b, sl_report_msg(lang, id));
}

static void th_row(sl_report_buf *b, sl_report_lang lang, const sl_report_msg_id *ids, size_t n)
{
    sl_report_buf_puts(b, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        sl_report_buf_puts(b, "<th>");
        msg(b, lang, ids[i]);
        sl_report_buf_puts(b, "</th>");
    }
    sl_report_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

static void td(sl_report_buf *b, const char *s)
{
    sl_report_buf_puts(b, "<td>");
    text(b, s);
    sl_report_buf_puts(b, "</td>");
}

/* A cell of a few words that should not wrap (region, unit type). */
static void td_nw(sl_report_buf *b, const char *s)
{
    sl_report_buf_puts(b, "<td class=\"nw\">");
    text(b, s);
    sl_report_buf_puts(b, "</td>");
}

/* A screen's id, linked to o->screen_link + the id when the caller asks. */
static void td_screen(sl_report_buf *b, const sl_report_opts *o, const char *id)
{
    if (!o->screen_link || !*id) {
        td(b, id);
        return;
    }
    sl_report_buf href = {0};
    sl_report_buf_puts(&href, o->screen_link);
    sl_report_buf_url(&href, id);
    sl_report_buf_puts(b, "<td><a href=\"");
    text(b, href.p ? href.p : "");
    sl_report_buf_puts(b, "\">");
    text(b, id);
    sl_report_buf_puts(b, "</a></td>");
    if (href.oom)
        b->oom = true;
    sl_report_buf_free(&href);
}

static void td_int(sl_report_buf *b, int64_t v)
{
    sl_report_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)v);
}

static void td_hours(sl_report_buf *b, int64_t seconds)
{
    char h[32];
    sl_report_fmt_hours(seconds, h, sizeof h);
    sl_report_buf_printf(b, "<td class=\"n\">%s</td>", h);
}

static void td_pct(sl_report_buf *b, double pct)
{
    char p[32];
    sl_report_fmt_pct(pct, p, sizeof p);
    sl_report_buf_printf(b, "<td class=\"n\">%s%%</td>", p);
}

/* A status word with its colour class (the class only for known statuses). */
static void td_status(sl_report_buf *b, sl_report_lang lang, const char *status)
{
    static const char *const known[] = {"lit", "short", "dark", "idle"};
    const char *cls = "";
    for (size_t i = 0; i < 4; i++)
        if (strcmp(status, known[i]) == 0)
            cls = known[i];
    sl_report_buf_printf(b, "<td class=\"st %s\">", cls);
    text(b, sl_report_status(lang, status));
    sl_report_buf_puts(b, "</td>");
}

static void card(sl_report_buf *b, const char *cls, const char *value, const char *label)
{
    sl_report_buf_printf(b, "<div class=\"card %s\"><b>", cls);
    text(b, value);
    sl_report_buf_puts(b, "</b>");
    text(b, label);
    sl_report_buf_puts(b, "</div>\n");
}

/* The line under the title: period, threshold, filters, when it was made. */
static void meta(sl_report_buf *b, const cJSON *doc, sl_report_lang lang)
{
    const char *from = sl_report_str(doc, "from"), *to = sl_report_str(doc, "to");
    sl_report_buf filters = {0};
    sl_report_buf_puts(b, "<p class=\"meta\"><span>");
    msg(b, lang, SL_MSG_PERIOD);
    sl_report_buf_puts(b, ": <b>");
    text(b, from);
    sl_report_buf_puts(b, " – ");
    text(b, to);
    sl_report_buf_puts(b, "</b></span><span>");
    msg(b, lang, SL_MSG_THRESHOLD);
    sl_report_buf_printf(b, ": %lld%%</span><span>", (long long)sl_report_int(doc, "threshold_pct"));
    msg(b, lang, SL_MSG_FILTERS);
    sl_report_buf_puts(b, ": ");
    sl_report_filters_text(doc, lang, &filters);
    text(b, filters.p ? filters.p : "");
    if (filters.oom)
        b->oom = true;
    sl_report_buf_free(&filters);
    sl_report_buf_puts(b, "</span><span>");
    msg(b, lang, SL_MSG_GENERATED);
    sl_report_buf_puts(b, ": ");
    text(b, sl_report_str(doc, "generated"));
    sl_report_buf_puts(b, "</span></p>\n");
}

static void header(sl_report_buf *b, const cJSON *doc, sl_report_lang lang)
{
    sl_report_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
                         lang == SL_LANG_ZH ? "zh-CN" : "en");
    msg(b, lang, SL_MSG_TITLE);
    sl_report_buf_puts(b, " ");
    text(b, sl_report_str(doc, "from"));
    sl_report_buf_puts(b, " – ");
    text(b, sl_report_str(doc, "to"));
    sl_report_buf_puts(b, "</title>\n<style>\n");
    sl_report_buf_puts(b, css);
    sl_report_buf_puts(b, "</style>\n</head>\n<body>\n<header>\n<h1>");
    msg(b, lang, SL_MSG_TITLE);
    sl_report_buf_puts(b, "</h1>\n");
    meta(b, doc, lang);
    sl_report_buf_puts(b, "</header>\n");
}

static void summary(sl_report_buf *b, const cJSON *doc, sl_report_lang lang)
{
    const cJSON *s = sl_report_obj(doc, "summary");
    char v[64];
    sl_report_buf_puts(b, "<section class=\"summary\">\n<h2>");
    msg(b, lang, SL_MSG_SUMMARY);
    sl_report_buf_puts(b, "</h2>\n<div class=\"cards\">\n");
    snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "screens"));
    card(b, "screens", v, sl_report_msg(lang, SL_MSG_SCREENS));
    snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "lit"));
    card(b, "lit", v, sl_report_msg(lang, SL_MSG_LIT));
    snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "short"));
    card(b, "short", v, sl_report_msg(lang, SL_MSG_SHORT));
    snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "dark"));
    card(b, "dark", v, sl_report_msg(lang, SL_MSG_DARK));
    if (sl_report_int(s, "idle") > 0) {
        snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "idle"));
        card(b, "idle", v, sl_report_msg(lang, SL_MSG_IDLE));
    }
    sl_report_fmt_pct(sl_report_num(s, "coverage_pct"), v, sizeof v);
    strncat(v, "%", sizeof v - strlen(v) - 1);
    card(b, "coverage", v, sl_report_msg(lang, SL_MSG_COVERAGE));
    sl_report_fmt_hours(sl_report_int(s, "required_s"), v, sizeof v);
    card(b, "required", v, sl_report_msg(lang, SL_MSG_REQUIRED_H));
    sl_report_fmt_hours(sl_report_int(s, "lit_s"), v, sizeof v);
    card(b, "lit-hours", v, sl_report_msg(lang, SL_MSG_LIT_H));
    snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "plays"));
    card(b, "plays", v, sl_report_msg(lang, SL_MSG_PLAYS));
    if (sl_report_int(s, "untrusted_plays") > 0) {
        snprintf(v, sizeof v, "%lld", (long long)sl_report_int(s, "untrusted_plays"));
        card(b, "untrusted", v, sl_report_msg(lang, SL_MSG_UNTRUSTED_PLAYS));
    }
    sl_report_buf_puts(b, "</div>\n");
}

/* The by-region or by-unit-type table. */
static void rollup(sl_report_buf *b, const cJSON *doc, sl_report_lang lang, const char *list, const char *key,
                   sl_report_msg_id heading, sl_report_msg_id first)
{
    const sl_report_msg_id cols[] = {first,          SL_MSG_SCREENS,    SL_MSG_LIT,     SL_MSG_SHORT,
                                     SL_MSG_DARK,    SL_MSG_COVERAGE_PCT, SL_MSG_REQUIRED_H, SL_MSG_LIT_H};
    const cJSON *o;
    if (!cJSON_GetArraySize(sl_report_list(doc, list)))
        return;
    sl_report_buf_puts(b, "<h3>");
    msg(b, lang, heading);
    sl_report_buf_printf(b, "</h3>\n<table class=\"%s\">\n", list);
    th_row(b, lang, cols, sizeof cols / sizeof cols[0]);
    cJSON_ArrayForEach(o, sl_report_list(doc, list))
    {
        const char *name = sl_report_str(o, key);
        sl_report_buf_puts(b, "<tr>");
        td(b, *name ? name : sl_report_msg(lang, SL_MSG_UNKNOWN));
        td_int(b, sl_report_int(o, "screens"));
        td_int(b, sl_report_int(o, "lit"));
        td_int(b, sl_report_int(o, "short"));
        td_int(b, sl_report_int(o, "dark"));
        td_pct(b, sl_report_num(o, "coverage_pct"));
        td_hours(b, sl_report_int(o, "required_s"));
        td_hours(b, sl_report_int(o, "lit_s"));
        sl_report_buf_puts(b, "</tr>\n");
    }
    sl_report_buf_puts(b, "</tbody></table>\n");
}

static int charts(sl_report_buf *b, const cJSON *doc, sl_report_lang lang)
{
    const cJSON *regions = sl_report_list(doc, "by_region"), *days = sl_report_list(doc, "by_day"), *o;
    size_t nr = (size_t)cJSON_GetArraySize(regions), nd = (size_t)cJSON_GetArraySize(days), i;
    sl_report_bar *bars = calloc(nr ? nr : 1, sizeof *bars);
    sl_report_day *dv = calloc(nd ? nd : 1, sizeof *dv);
    char(*labels)[8] = calloc(nd ? nd : 1, sizeof *labels);
    int rc = -1;
    if (!bars || !dv || !labels)
        goto out;
    i = 0;
    cJSON_ArrayForEach(o, regions)
    {
        const char *name = sl_report_str(o, "region");
        bars[i].label = *name ? name : sl_report_msg(lang, SL_MSG_UNKNOWN);
        bars[i++].pct = sl_report_num(o, "coverage_pct");
    }
    i = 0;
    cJSON_ArrayForEach(o, days)
    {
        const char *date = sl_report_str(o, "date");
        /* "2026-11-23" -> "11-23" */
        snprintf(labels[i], sizeof labels[i], "%s", strlen(date) == 10 ? date + 5 : date);
        dv[i].label = labels[i];
        dv[i].required_h = (double)sl_report_int(o, "required_s") / 3600.0;
        dv[i++].lit_h = (double)sl_report_int(o, "lit_s") / 3600.0;
    }
    if (nr) {
        sl_report_buf_puts(b, "<h3>");
        msg(b, lang, SL_MSG_CHART_REGION);
        sl_report_buf_puts(b, "</h3>\n");
        sl_report_svg_regions(b, sl_report_msg(lang, SL_MSG_CHART_REGION), bars, nr,
                              (double)sl_report_int(doc, "threshold_pct"));
    }
    if (nd) {
        sl_report_buf_puts(b, "<h3>");
        msg(b, lang, SL_MSG_CHART_DAYS);
        sl_report_buf_puts(b, "</h3>\n");
        sl_report_svg_days(b, sl_report_msg(lang, SL_MSG_CHART_DAYS), dv, nd, sl_report_msg(lang, SL_MSG_REQUIRED),
                           sl_report_msg(lang, SL_MSG_LIT_LEGEND), sl_report_msg(lang, SL_MSG_HOURS_UNIT));
    }
    rc = 0;
out:
    free(bars);
    free(dv);
    free(labels);
    return rc;
}

static int dark_list(sl_report_buf *b, const cJSON *doc, const sl_report_opts *opts)
{
    sl_report_lang lang = opts->lang;
    static const sl_report_msg_id cols[] = {SL_MSG_ID,     SL_MSG_NAME,     SL_MSG_REGION,  SL_MSG_UNIT_TYPE,
                                            SL_MSG_STATUS, SL_MSG_COVERAGE_PCT, SL_MSG_REASONS};
    const cJSON *o;
    sl_report_buf_puts(b, "<section class=\"dark\">\n<h2>");
    msg(b, lang, SL_MSG_DARK_LIST);
    sl_report_buf_puts(b, "</h2>\n");
    if (!cJSON_GetArraySize(sl_report_list(doc, "dark"))) {
        sl_report_buf_puts(b, "<p>");
        msg(b, lang, SL_MSG_NONE_DARK);
        sl_report_buf_puts(b, "</p>\n</section>\n");
        return 0;
    }
    sl_report_buf_puts(b, "<table class=\"dark\">\n");
    th_row(b, lang, cols, sizeof cols / sizeof cols[0]);
    cJSON_ArrayForEach(o, sl_report_list(doc, "dark"))
    {
        sl_report_buf reasons = {0};
        sl_report_reasons_text(cJSON_GetObjectItemCaseSensitive(o, "reasons"), lang, &reasons);
        sl_report_buf_puts(b, "<tr>");
        td_screen(b, opts, sl_report_str(o, "id"));
        td(b, sl_report_str(o, "name"));
        td_nw(b, sl_report_str(o, "region"));
        td_nw(b, sl_report_str(o, "unit_type"));
        td_status(b, lang, sl_report_str(o, "status"));
        td_pct(b, sl_report_num(o, "coverage_pct"));
        td(b, reasons.p ? reasons.p : "");
        sl_report_buf_puts(b, "</tr>\n");
        bool oom = reasons.oom;
        sl_report_buf_free(&reasons);
        if (oom)
            return -1;
    }
    sl_report_buf_puts(b, "</tbody></table>\n</section>\n");
    return 0;
}

/* The screen object of an id, or NULL. */
static const cJSON *find_screen(const cJSON *doc, const char *id)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, sl_report_list(doc, "screens"))
    {
        if (strcmp(sl_report_str(o, "id"), id) == 0)
            return o;
    }
    return NULL;
}

static const char *shot_mime(const unsigned char *d, size_t n)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 8 && memcmp(d, png, 8) == 0)
        return "image/png";
    if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
        return "image/jpeg";
    return NULL;
}

/* Whether a link is one the page may hold: http(s) or a relative path. */
static bool url_ok(const char *u)
{
    if (!u || !*u)
        return false;
    if (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0)
        return true;
    size_t scheme = strcspn(u, ":/?#");
    return u[scheme] != ':';
}

static void shots(sl_report_buf *b, const cJSON *doc, const sl_report_opts *o)
{
    sl_report_lang lang = o->lang;
    size_t shown = 0;
    for (size_t i = 0; i < o->n_shots && shown < HTML_SHOTS_MAX; i++) {
        const sl_report_shot *s = &o->shots[i];
        const char *mime = s->data ? shot_mime(s->data, s->len) : NULL;
        if (!s->screen || (s->data ? !mime : !url_ok(s->url)))
            continue;
        if (shown++ == 0) {
            sl_report_buf_puts(b, "<section class=\"proof\">\n<h2>");
            msg(b, lang, SL_MSG_PROOF);
            sl_report_buf_puts(b, "</h2>\n<div class=\"shots\">\n");
        }
        const cJSON *scr = find_screen(doc, s->screen);
        const char *name = scr ? sl_report_str(scr, "name") : "";
        sl_report_buf_puts(b, "<figure><img alt=\"");
        text(b, s->screen);
        sl_report_buf_puts(b, "\" src=\"");
        if (mime) {
            sl_report_buf_printf(b, "data:%s;base64,", mime);
            sl_report_buf_base64(b, s->data, s->len);
        } else {
            text(b, s->url);
        }
        sl_report_buf_puts(b, "\"><figcaption><b>");
        text(b, *name ? name : s->screen);
        sl_report_buf_puts(b, "</b><br>");
        text(b, s->screen);
        if (s->taken && *s->taken) {
            sl_report_buf_puts(b, " · ");
            msg(b, lang, SL_MSG_TAKEN);
            sl_report_buf_puts(b, " ");
            text(b, s->taken);
        }
        sl_report_buf_puts(b, "</figcaption></figure>\n");
    }
    if (shown)
        sl_report_buf_puts(b, "</div>\n</section>\n");
}

static void screen_list(sl_report_buf *b, const cJSON *doc, const sl_report_opts *opts)
{
    sl_report_lang lang = opts->lang;
    static const sl_report_msg_id cols[] = {SL_MSG_ID,      SL_MSG_NAME,    SL_MSG_REGION,       SL_MSG_UNIT_TYPE,
                                            SL_MSG_STATUS,  SL_MSG_COVERAGE_PCT, SL_MSG_REQUIRED_H, SL_MSG_LIT_H,
                                            SL_MSG_PLAYS,   SL_MSG_ONLINE_H, SL_MSG_LAST_SEEN};
    const cJSON *o;
    sl_report_buf_puts(b, "<section class=\"screens\">\n<h2>");
    msg(b, lang, SL_MSG_SCREEN_LIST);
    sl_report_buf_puts(b, "</h2>\n<table class=\"screens\">\n");
    th_row(b, lang, cols, sizeof cols / sizeof cols[0]);
    cJSON_ArrayForEach(o, sl_report_list(doc, "screens"))
    {
        const char *seen = sl_report_str(o, "last_seen");
        sl_report_buf_puts(b, "<tr>");
        td_screen(b, opts, sl_report_str(o, "id"));
        td(b, sl_report_str(o, "name"));
        td_nw(b, sl_report_str(o, "region"));
        td_nw(b, sl_report_str(o, "unit_type"));
        td_status(b, lang, sl_report_str(o, "status"));
        td_pct(b, sl_report_num(o, "coverage_pct"));
        td_hours(b, sl_report_int(o, "required_s"));
        td_hours(b, sl_report_int(o, "lit_s"));
        td_int(b, sl_report_int(o, "plays"));
        td_hours(b, sl_report_int(o, "online_min") * 60);
        td(b, *seen ? seen : sl_report_msg(lang, SL_MSG_NEVER));
        sl_report_buf_puts(b, "</tr>\n");
    }
    sl_report_buf_puts(b, "</tbody></table>\n</section>\n");
}

static void item_list(sl_report_buf *b, const cJSON *doc, sl_report_lang lang)
{
    static const sl_report_msg_id cols[] = {SL_MSG_ITEM, SL_MSG_PLAYS, SL_MSG_SCREENS, SL_MSG_FLOOR_HOURS,
                                            SL_MSG_FLOOR_MISSED_HOURS};
    const cJSON *o;
    sl_report_buf_puts(b, "<section class=\"items\">\n<h2>");
    msg(b, lang, SL_MSG_ITEM_LIST);
    sl_report_buf_puts(b, "</h2>\n");
    if (!cJSON_GetArraySize(sl_report_list(doc, "items"))) {
        sl_report_buf_puts(b, "<p>");
        msg(b, lang, SL_MSG_NO_ITEMS);
        sl_report_buf_puts(b, "</p>\n</section>\n");
        return;
    }
    sl_report_buf_puts(b, "<table class=\"items\">\n");
    th_row(b, lang, cols, sizeof cols / sizeof cols[0]);
    cJSON_ArrayForEach(o, sl_report_list(doc, "items"))
    {
        sl_report_buf_puts(b, "<tr>");
        td(b, sl_report_str(o, "item"));
        td_int(b, sl_report_int(o, "plays"));
        td_int(b, sl_report_int(o, "screens"));
        td_int(b, sl_report_int(o, "floor_hours"));
        td_int(b, sl_report_int(o, "floor_missed_hours"));
        sl_report_buf_puts(b, "</tr>\n");
    }
    sl_report_buf_puts(b, "</tbody></table>\n</section>\n");
}

/* Everything after the header: cards, charts, tables, pictures, the note. */
static void body(sl_report_buf *out, const cJSON *doc, const sl_report_opts *o)
{
    sl_report_lang lang = o->lang;
    summary(out, doc, lang);
    if (charts(out, doc, lang) != 0)
        out->oom = true;
    rollup(out, doc, lang, "by_region", "region", SL_MSG_BY_REGION, SL_MSG_REGION);
    rollup(out, doc, lang, "by_unit_type", "unit_type", SL_MSG_BY_UNIT_TYPE, SL_MSG_UNIT_TYPE);
    sl_report_buf_puts(out, "</section>\n");
    if (dark_list(out, doc, o) != 0)
        out->oom = true;
    shots(out, doc, o);
    screen_list(out, doc, o);
    item_list(out, doc, lang);
    sl_report_buf_puts(out, "<p class=\"note\">");
    msg(out, lang, SL_MSG_DEFINITIONS);
    sl_report_buf_puts(out, "</p>\n");
}

/* The whole page, or (part) its content in <div class="slr">. */
static int render(const cJSON *doc, const sl_report_opts *o, bool part, sl_report_buf *out, char *err,
                  size_t errlen)
{
    sl_report_opts dflt = {0};
    if (!o)
        o = &dflt;
    if (sl_report_check(doc, err, errlen) != 0)
        return -1;
    if (part) {
        sl_report_buf_puts(out, "<div class=\"" SL_REPORT_HTML_SCOPE "\">\n");
        meta(out, doc, o->lang);
    } else {
        header(out, doc, o->lang);
    }
    body(out, doc, o);
    sl_report_buf_puts(out, part ? "</div>\n" : "</body>\n</html>\n");
    if (out->oom) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int sl_report_html(const cJSON *doc, const sl_report_opts *o, sl_report_buf *out, char *err, size_t errlen)
{
    return render(doc, o, false, out, err, errlen);
}

int sl_report_html_part(const cJSON *doc, const sl_report_opts *o, sl_report_buf *out, char *err, size_t errlen)
{
    return render(doc, o, true, out, err, errlen);
}

/* The end of the block that starts after the '{' at p: its matching '}', or end. */
static const char *block_end(const char *p, const char *end)
{
    for (int depth = 1; p < end; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p;
    }
    return end;
}

/* The rules of css[p, end) with each selector put under .SCOPE (body
 * becomes .SCOPE itself); @media blocks are scoped inside, @page dropped. */
static void scope_rules(sl_report_buf *b, const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == '\n' || *p == ' '))
            p++;
        const char *open = memchr(p, '{', (size_t)(end - p));
        if (!open)
            break;
        const char *close = block_end(open + 1, end);
        if (*p == '@') {
            if (strncmp(p, "@media", 6) == 0) {
                sl_report_buf_add(b, p, (size_t)(open - p) + 1);
                scope_rules(b, open + 1, close);
                sl_report_buf_puts(b, "}\n");
            }
            p = close + 1;
            continue;
        }
        for (const char *sel = p; sel < open;) {
            const char *comma = memchr(sel, ',', (size_t)(open - sel));
            const char *stop = comma ? comma : open;
            if (sel > p)
                sl_report_buf_puts(b, ",");
            if ((size_t)(stop - sel) == 4 && strncmp(sel, "body", 4) == 0) {
                sl_report_buf_puts(b, "." SL_REPORT_HTML_SCOPE);
            } else {
                sl_report_buf_puts(b, "." SL_REPORT_HTML_SCOPE " ");
                sl_report_buf_add(b, sel, (size_t)(stop - sel));
            }
            sel = stop + 1;
        }
        sl_report_buf_add(b, open, (size_t)(close - open) + 1);
        sl_report_buf_puts(b, "\n");
        p = close + 1;
    }
}

void sl_report_html_css(sl_report_buf *out)
{
    scope_rules(out, css, css + sizeof css - 1);
    /* Inside another page: its width (charts no wider than on paper), and
     * wide tables scroll on a phone. */
    sl_report_buf_puts(out, "." SL_REPORT_HTML_SCOPE "{margin:0;max-width:none;padding:0}\n"
                            "." SL_REPORT_HTML_SCOPE " svg.chart{max-width:190mm}\n"
                            "@media (max-width:800px){." SL_REPORT_HTML_SCOPE
                            " table{display:block;overflow-x:auto}}\n");
}
