/* page_channels.c — /console/channels: each channel, its versions (who signed, when, items, media size), what the current version holds (posters as thumbnails, slogans as text, rules in words) and which screens follow it and have switched to it. */
#include "tools/hub/console/console_pages.h"
#include "tools/hub/console/page_util.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/service/hub_manifest.h"

#include "content/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH_VERSIONS_SHOWN 20 /* versions listed on a channel's page */
#define CH_MAX 1000          /* channels on the list */

/* A channel with what its screens report. */
typedef struct {
    char id[SL_HUB_ID_MAX + 1];
    int64_t version;      /* current, -1 none published */
    int64_t published_ms;
    size_t screens;       /* screens of the inventory that follow it */
    size_t switched;      /* of them, reporting the current version */
} ch_row;

typedef struct {
    ch_row *v;
    size_t n, cap;
} ch_list;

static ch_row *ch_find(ch_list *l, const char *id, bool add)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    if (!add || l->n >= CH_MAX)
        return NULL;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        ch_row *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    ch_row *r = &l->v[l->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", id);
    r->version = -1;
    r->published_ms = -1;
    return r;
}

static int ch_published(void *ud, const sl_hub_channel *c)
{
    ch_row *r = ch_find(ud, c->channel, true);
    if (r) {
        r->version = c->version;
        r->published_ms = c->published_ms;
    }
    return 0;
}

static int ch_screen(void *ud, const sl_hub_screen_status *s, bool online, const char *state)
{
    (void)online;
    (void)state;
    if (!s->s.channel[0])
        return 0;
    ch_row *r = ch_find(ud, s->s.channel, true);
    if (r) {
        r->screens++;
        if (r->version >= 0 && s->content_version == r->version)
            r->switched++;
    }
    return 0;
}

/* Every channel published or named by the inventory, with its followers. */
static int ch_collect(sl_cpage *p, ch_list *l, char *err, size_t errlen)
{
    sl_svc_err e;
    if (sl_manifest_channels(p->hub, ch_published, l, &e) != SL_SVC_OK ||
        sl_inv_screens(p->hub, sl_hub_now_ms(), ch_screen, l, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* "3 / 5" with a badge: all switched, some, none. */
static void switched_cell(sl_cpage *p, const ch_row *r)
{
    const char *cls = r->screens == 0 ? "none" : r->switched == r->screens ? "ok" : r->switched ? "warn" : "bad";
    sl_report_buf_printf(p->out, "<span class=\"badge %s\">%zu / %zu</span>", cls, r->switched, r->screens);
}

/* The channel's link. */
static void ch_link(sl_cpage *p, const char *id)
{
    sl_report_buf_puts(p->out, "<a href=\"/console/channels/");
    sl_report_buf_html(p->out, id);
    sl_report_buf_puts(p->out, "\">");
    sl_report_buf_html(p->out, id);
    sl_report_buf_puts(p->out, "</a>");
}

/* The signer of a version: the key's name, or the start of the key. */
static void signer_cell(sl_cpage *p, const sl_manifest_info *m)
{
    if (m->signer[0]) {
        sl_report_buf_html(p->out, m->signer);
    } else if (m->key_b64[0]) {
        char head[16];
        snprintf(head, sizeof head, "%.12s", m->key_b64);
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "已不在集线器的密钥 ", "a key no longer on the hub, "));
        sl_report_buf_html(p->out, head);
        sl_report_buf_puts(p->out, "…");
    } else {
        sl_report_buf_puts(p->out, "—");
    }
}

static int ch_latest(void *ud, const sl_manifest_info *m)
{
    *(sl_manifest_info *)ud = *m;
    ((sl_manifest_info *)ud)->pl = NULL;
    return 1;
}

int sl_page_channels(sl_cpage *p, char *err, size_t errlen)
{
    ch_list l = {0};
    int rc = -1;
    sl_cpage_title(p, "频道", "Channels");
    sl_report_buf_printf(p->out, "<h1>%s</h1>", sl_cpage_tr(p, "频道", "Channels"));
    if (ch_collect(p, &l, err, errlen) != 0)
        goto out;
    if (l.n == 0) {
        sl_report_buf_printf(p->out, "<p class=\"muted\" id=\"empty\">%s</p>",
                             sl_cpage_tr(p, "还没有频道：用 screenlit publish 发布节目单，或在清单中为屏幕指定频道。",
                                         "No channels yet: publish a manifest with screenlit publish, or name a "
                                         "channel for screens in the inventory."));
        rc = 0;
        goto out;
    }
    sl_report_buf_printf(p->out, "<div class=\"scroll\"><table class=\"list\" id=\"channels\"><thead><tr><th>%s</th>"
                                 "<th class=\"num\">%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th>"
                                 "<th class=\"num\">%s</th><th>%s</th></tr></thead><tbody>",
                         sl_cpage_tr(p, "频道", "Channel"), sl_cpage_tr(p, "当前版本", "Version"),
                         sl_cpage_tr(p, "发布于", "Published"), sl_cpage_tr(p, "签名者", "Signed by"),
                         sl_cpage_tr(p, "节目数", "Items"), sl_cpage_tr(p, "媒体大小", "Media"),
                         sl_cpage_tr(p, "已切换的屏幕", "Screens switched"));
    for (size_t i = 0; i < l.n; i++) {
        const ch_row *r = &l.v[i];
        sl_report_buf_puts(p->out, "<tr><td>");
        ch_link(p, r->id);
        if (r->version < 0) {
            sl_report_buf_printf(p->out, "</td><td class=\"num\">—</td><td colspan=\"4\">%s</td><td>",
                                 sl_cpage_tr(p, "尚未发布", "nothing published yet"));
        } else {
            sl_manifest_info m;
            sl_svc_err e;
            memset(&m, 0, sizeof m);
            if (sl_manifest_versions(p->hub, r->id, 1, ch_latest, &m, &e) != SL_SVC_OK) {
                snprintf(err, errlen, "%s", e.msg);
                goto out;
            }
            sl_report_buf_printf(p->out, "</td><td class=\"num\">%lld</td><td>", (long long)r->version);
            sl_cpw_time(p, r->published_ms);
            sl_report_buf_puts(p->out, "</td><td>");
            signer_cell(p, &m);
            sl_report_buf_printf(p->out, "</td><td class=\"num\">%zu</td><td class=\"num\">", m.n_items);
            sl_cpw_bytes(p, m.media_bytes);
            sl_report_buf_puts(p->out, "</td><td>");
        }
        switched_cell(p, r);
        sl_report_buf_puts(p->out, "</td></tr>");
    }
    sl_report_buf_puts(p->out, "</tbody></table></div>");
    rc = 0;
out:
    free(l.v);
    return rc;
}

/* ---- one channel ------------------------------------------------------ */

/* Rules in words. */
static void rule_words(sl_cpage *p, const sl_playlist *pl, const sl_rule *r)
{
    static const char *const wd_zh[7] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    static const char *const wd_en[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    sl_report_buf_puts(p->out, "<li>");
    for (size_t i = 0; i < r->n_items; i++) {
        if (i)
            sl_report_buf_puts(p->out, ", ");
        int ix = r->items[i];
        sl_report_buf_html(p->out, ix >= 0 && (size_t)ix < pl->n_items ? pl->items[ix].id : "?");
    }
    sl_report_buf_puts(p->out, sl_cpage_tr(p, "：", ": "));
    if (r->urgent) {
        sl_report_buf_printf(p->out, "<span class=\"badge bad\">%s</span> ", sl_cpage_tr(p, "紧急插播", "urgent"));
        if (r->urgent_from_ms != INT64_MIN) {
            sl_report_buf_puts(p->out, sl_cpage_tr(p, "自 ", "from "));
            sl_cpw_time(p, r->urgent_from_ms);
            sl_report_buf_puts(p->out, " ");
        }
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "至 ", "until "));
        sl_cpw_time(p, r->urgent_until_ms);
        sl_report_buf_puts(p->out, "; ");
    }
    if (r->has_dates) {
        int y1, m1, d1, y2, m2, d2;
        sl_civil_from_days(r->date_from, &y1, &m1, &d1);
        sl_civil_from_days(r->date_to, &y2, &m2, &d2);
        sl_report_buf_printf(p->out, "%s%04d-%02d-%02d %s %04d-%02d-%02d; ", sl_cpage_tr(p, "日期 ", "dates "), y1, m1,
                             d1, sl_cpage_tr(p, "至", "to"), y2, m2, d2);
    }
    if (r->weekdays != SL_WEEKDAYS_ALL) {
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "仅", "only "));
        for (int d = 0, n = 0; d < 7; d++)
            if (r->weekdays & (1u << d))
                sl_report_buf_printf(p->out, "%s%s", n++ ? sl_cpage_tr(p, "、", ", ") : "", sl_cpage_tr(p, wd_zh[d], wd_en[d]));
        sl_report_buf_puts(p->out, "; ");
    }
    if (r->has_hours) {
        char a[16], b[16];
        sl_tod_format(r->hours_from_s, a, sizeof a);
        sl_tod_format(r->hours_to_s, b, sizeof b);
        sl_report_buf_printf(p->out, "%s%.5s–%.5s%s; ", sl_cpage_tr(p, "每天 ", "hours "), a, b,
                             r->hours_from_s > r->hours_to_s ? sl_cpage_tr(p, "（跨午夜）", " (across midnight)") : "");
    }
    if (r->n_tags) {
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "仅带标签的屏幕：", "screens tagged "));
        for (size_t i = 0; i < r->n_tags; i++) {
            if (i)
                sl_report_buf_puts(p->out, sl_cpage_tr(p, " 或 ", " or "));
            sl_report_buf_html(p->out, r->tags[i]);
        }
        sl_report_buf_puts(p->out, "; ");
    }
    if (r->min_per_hour > 0)
        sl_report_buf_printf(p->out, "%s%d%s; ", sl_cpage_tr(p, "每小时至少播放 ", "at least "), r->min_per_hour,
                             sl_cpage_tr(p, " 次", " plays an hour"));
    if (r->priority)
        sl_report_buf_printf(p->out, "%s %d; ", sl_cpage_tr(p, "优先级", "priority"), r->priority);
    if (!r->urgent && !r->has_dates && r->weekdays == SL_WEEKDAYS_ALL && !r->has_hours && !r->n_tags &&
        r->min_per_hour <= 0 && !r->priority)
        sl_report_buf_puts(p->out, sl_cpage_tr(p, "始终播放", "always"));
    sl_report_buf_puts(p->out, "</li>");
}

/* The items of the current version. */
static void contents(sl_cpage *p, const sl_playlist *pl)
{
    sl_report_buf_printf(p->out, "<div class=\"scroll\"><table class=\"list\" id=\"items\"><thead><tr><th>%s</th>"
                                 "<th>%s</th><th>%s</th><th class=\"num\">%s</th><th>%s</th></tr></thead><tbody>",
                         sl_cpage_tr(p, "节目", "Item"), sl_cpage_tr(p, "类型", "Type"), sl_cpage_tr(p, "区域", "Zone"),
                         sl_cpage_tr(p, "时长", "Duration"), sl_cpage_tr(p, "内容", "Content"));
    for (size_t i = 0; i < pl->n_items; i++) {
        const sl_item *it = &pl->items[i];
        sl_report_buf_puts(p->out, "<tr><td>");
        sl_report_buf_html(p->out, it->id);
        sl_report_buf_printf(p->out, "</td><td>%s</td><td>", sl_item_type_name(it->type));
        if (it->zone >= 0 && (size_t)it->zone < pl->n_zones)
            sl_report_buf_html(p->out, pl->zones[it->zone].id);
        else
            sl_report_buf_puts(p->out, sl_cpage_tr(p, "（备用）", "(fallback)"));
        sl_report_buf_printf(p->out, "</td><td class=\"num\">%.1f s</td><td>", (double)it->duration_ms / 1000.0);
        if (it->type == SL_ITEM_TEXT) {
            sl_report_buf_puts(p->out, "<q>");
            sl_report_buf_html(p->out, it->text ? it->text : "");
            sl_report_buf_puts(p->out, "</q>");
        } else if (it->sha256) {
            if (it->type == SL_ITEM_IMAGE) {
                sl_report_buf_puts(p->out, "<a href=\"/media/");
                sl_report_buf_html(p->out, it->sha256);
                sl_report_buf_puts(p->out, "\"><img class=\"thumb\" loading=\"lazy\" alt=\"");
                sl_report_buf_html(p->out, it->id);
                sl_report_buf_puts(p->out, "\" src=\"/media/");
                sl_report_buf_html(p->out, it->sha256);
                sl_report_buf_puts(p->out, "\"></a> ");
            }
            sl_cpw_bytes(p, it->size_bytes);
        }
        sl_report_buf_puts(p->out, "</td></tr>");
    }
    sl_report_buf_puts(p->out, "</tbody></table></div>");
    if (pl->n_rules) {
        sl_report_buf_printf(p->out, "<h3>%s</h3><ul id=\"rules\">", sl_cpage_tr(p, "播放规则", "Rules"));
        for (size_t i = 0; i < pl->n_rules; i++)
            rule_words(p, pl, &pl->rules[i]);
        sl_report_buf_puts(p->out, "</ul>");
    }
}

typedef struct {
    sl_cpage *p;
    bool first;
} versions_out;

static int version_row(void *ud, const sl_manifest_info *m)
{
    versions_out *v = ud;
    sl_cpage *p = v->p;
    if (v->first) {
        v->first = false;
        sl_report_buf_printf(p->out, "<section id=\"current\"><h2>%s %lld</h2>",
                             sl_cpage_tr(p, "当前版本", "Current version"), (long long)m->version);
        if (m->pl)
            contents(p, m->pl);
        else
            sl_report_buf_printf(p->out, "<p class=\"muted\">%s</p>",
                                 sl_cpage_tr(p, "签名它的密钥已不在集线器上，无法显示内容。",
                                             "The key that signed it is no longer on the hub: its contents are not "
                                             "shown."));
        sl_report_buf_printf(p->out, "</section><section id=\"versions\"><h2>%s</h2><div class=\"scroll\">"
                                     "<table class=\"list\"><thead><tr><th class=\"num\">%s</th><th>%s</th><th>%s</th>"
                                     "<th class=\"num\">%s</th><th class=\"num\">%s</th></tr></thead><tbody>",
                             sl_cpage_tr(p, "版本", "Versions"), sl_cpage_tr(p, "版本", "Version"),
                             sl_cpage_tr(p, "发布于", "Published"), sl_cpage_tr(p, "签名者", "Signed by"),
                             sl_cpage_tr(p, "节目数", "Items"), sl_cpage_tr(p, "媒体大小", "Media"));
    }
    sl_report_buf_printf(p->out, "<tr><td class=\"num\">%lld</td><td>", (long long)m->version);
    sl_cpw_time(p, m->published_ms);
    sl_report_buf_puts(p->out, "</td><td>");
    signer_cell(p, m);
    sl_report_buf_printf(p->out, "</td><td class=\"num\">%zu</td><td class=\"num\">", m->n_items);
    sl_cpw_bytes(p, m->media_bytes);
    sl_report_buf_puts(p->out, "</td></tr>");
    return 0;
}

typedef struct {
    sl_cpage *p;
    const char *channel;
    int64_t version;
} followers_out;

static int follower_row(void *ud, const sl_hub_screen_status *s, bool online, const char *state)
{
    followers_out *f = ud;
    sl_cpage *p = f->p;
    (void)state;
    if (strcmp(s->s.channel, f->channel) != 0)
        return 0;
    bool switched = f->version >= 0 && s->content_version == f->version;
    sl_report_buf_puts(p->out, "<tr><td><a href=\"/console/screens/");
    sl_report_buf_html(p->out, s->s.id);
    sl_report_buf_puts(p->out, "\">");
    sl_report_buf_html(p->out, s->s.id);
    sl_report_buf_puts(p->out, "</a></td><td>");
    sl_report_buf_html(p->out, s->s.name);
    sl_report_buf_puts(p->out, "</td><td>");
    sl_report_buf_html(p->out, s->s.site);
    sl_report_buf_puts(p->out, "</td><td class=\"num\">");
    if (s->content_version >= 0)
        sl_report_buf_printf(p->out, "%lld", (long long)s->content_version);
    else
        sl_report_buf_puts(p->out, "—");
    sl_report_buf_printf(p->out, "</td><td><span class=\"badge %s\">%s</span></td><td>", switched ? "ok" : "warn",
                         switched ? sl_cpage_tr(p, "已切换", "switched") : sl_cpage_tr(p, "未切换", "not yet"));
    sl_cpw_time(p, s->last_seen_ms);
    sl_report_buf_printf(p->out, "%s</td></tr>", online ? sl_cpage_tr(p, "（在线）", " (online)") : "");
    return 0;
}

int sl_page_channel(sl_cpage *p, char *err, size_t errlen)
{
    ch_list l = {0};
    int rc = -1;
    sl_svc_err e;
    sl_cpage_title(p, "频道", "Channel");
    sl_report_buf_printf(p->out, "<h1>%s ", sl_cpage_tr(p, "频道", "Channel"));
    sl_report_buf_html(p->out, p->param);
    sl_report_buf_printf(p->out, "</h1><p><a href=\"/console/channels\">%s</a></p>",
                         sl_cpage_tr(p, "全部频道", "All channels"));
    if (ch_collect(p, &l, err, errlen) != 0)
        goto out;
    const ch_row *r = ch_find(&l, p->param, false);
    if (!r) {
        p->status = 404;
        sl_cpw_error(p, sl_cpage_tr(p, "没有这个频道：既没有发布过，也没有屏幕使用它。",
                                    "No such channel: nothing was published to it and no screen uses it."));
        rc = 0;
        goto out;
    }
    sl_report_buf_printf(p->out, "<p id=\"switched\">%s ", sl_cpage_tr(p, "已切换到当前版本的屏幕：",
                                                                       "Screens on the current version:"));
    switched_cell(p, r);
    sl_report_buf_puts(p->out, "</p>");
    versions_out v = {p, true};
    if (sl_manifest_versions(p->hub, r->id, CH_VERSIONS_SHOWN, version_row, &v, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        goto out;
    }
    if (v.first)
        sl_report_buf_printf(p->out, "<p class=\"muted\">%s</p>", sl_cpage_tr(p, "尚未发布", "Nothing published yet."));
    else
        sl_report_buf_puts(p->out, "</tbody></table></div></section>");
    sl_report_buf_printf(p->out, "<section id=\"followers\"><h2>%s</h2><div class=\"scroll\"><table class=\"list\">"
                                 "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th class=\"num\">%s</th><th>%s</th>"
                                 "<th>%s</th></tr></thead><tbody>",
                         sl_cpage_tr(p, "使用此频道的屏幕", "Screens following it"), sl_cpage_tr(p, "屏幕", "Screen"),
                         sl_cpage_tr(p, "名称", "Name"), sl_cpage_tr(p, "地点", "Site"),
                         sl_cpage_tr(p, "报告的版本", "Reported version"), sl_cpage_tr(p, "状态", "State"),
                         sl_cpage_tr(p, "最后联系", "Last seen"));
    followers_out f = {p, r->id, r->version};
    if (sl_inv_screens(p->hub, sl_hub_now_ms(), follower_row, &f, &e) != SL_SVC_OK) {
        snprintf(err, errlen, "%s", e.msg);
        goto out;
    }
    sl_report_buf_puts(p->out, "</tbody></table></div></section>");
    rc = 0;
out:
    free(l.v);
    return rc;
}
