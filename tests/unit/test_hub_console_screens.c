/* test_hub_console_screens.c — unit tests of the console's screens pages on a real hub (SQLite): the wall's states, order, counts, filters and pages; escaping; a screen's page for an admin and an auditor; the admin's actions. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/timeutil.h"
#include "tests/hub/cpagefix.h"
#include "testutil.h"
#include "tools/hub/console/page_screens.h"
#include "tools/hub/service/hub_enroll.h"
#include "tools/hub/service/hub_plays.h"
#include "tools/hub/service/hub_status.h"
#include "tools/hub/service/hub_wall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NASTY_1 "<script>alert(1)</script>"
#define NASTY_2 "\"><img src=x onerror=alert(1)>"
#define CSRF "c5rf70ken"

typedef struct {
    char dir[256];
    sl_hub hub;
    int64_t now;
    int codes; /* hashes made so far */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    sl_cpagefix_hub(&f->hub, f->dir, sizeof f->dir, "sl-cscreens");
    f->now = sl_hub_now_ms();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_hub_close(&f->hub);
    sl_test_rmtree(f->dir);
    free(f);
    return 0;
}

/* ---- building a fleet ---- */

static sl_hub_screen row(const char *id, const char *name, const char *region, const char *unit, const char *channel)
{
    sl_hub_screen s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    snprintf(s.name, sizeof s.name, "%s", name);
    snprintf(s.site, sizeof s.site, "网点 %s", id);
    snprintf(s.region, sizeof s.region, "%s", region);
    snprintf(s.unit_type, sizeof s.unit_type, "%s", unit);
    snprintf(s.channel, sizeof s.channel, "%s", channel);
    snprintf(s.hours, sizeof s.hours, "daily 00:00-24:00");
    snprintf(s.timezone, sizeof s.timezone, "Asia/Shanghai");
    return s;
}

static void add(fixture *f, sl_hub_screen s)
{
    char err[256];
    assert_int_equal(f->hub.store->ops->inventory_upsert(f->hub.store, &s, 1, err, sizeof err), SL_ST_OK);
}

static void enrol(fixture *f, const char *id)
{
    char err[256];
    uint8_t code[32] = {0}, tok[32] = {0};
    sl_hub_screen out;
    f->codes++;
    code[0] = (uint8_t)f->codes;
    code[1] = (uint8_t)(f->codes >> 8);
    code[31] = 1;
    memcpy(tok, code, sizeof tok);
    tok[31] = 2;
    sl_store *st = f->hub.store;
    assert_int_equal(st->ops->enroll_code_add(st, id, code, INT64_MAX, 1, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(st->ops->enroll_redeem(st, code, tok, 2, &out, err, sizeof err), SL_ST_OK);
}

static void beat(fixture *f, const char *id, int64_t at, int64_t version, const char *status)
{
    char err[256];
    bool shot;
    sl_hub_heartbeat hb = {at, version, status};
    assert_int_equal(f->hub.store->ops->heartbeat_put(f->hub.store, id, &hb, &shot, err, sizeof err), SL_ST_OK);
}

static void publish(fixture *f, const char *channel, int64_t version)
{
    char err[256];
    assert_int_equal(f->hub.store->ops->manifest_put(f->hub.store, channel, version, "{}", 2, 1, NULL, err, sizeof err),
                     SL_ST_OK);
}

/* One screen in each state, in an order that is not the wall's. */
static void fleet_of_states(fixture *f)
{
    publish(f, "bank", 1);
    publish(f, "bank", 2);
    add(f, row("a-lit", "甲 lit", "华东", "bank", "bank"));
    add(f, row("b-clock", "乙 clock", "华东", "bank", "bank"));
    add(f, row("c-old", "丙 old", "华北", "bank", "bank"));
    add(f, row("d-never", "丁 never", "华北", "station", "bank"));
    add(f, row("e-nocontent", "戊 none", "华东", "station", ""));
    add(f, row("f-offline", "己 offline", "华东", "bank", "bank"));
    add(f, row("g-lit", "庚 lit", "华北", "station", "bank"));
    const char *ids[] = {"a-lit", "b-clock", "c-old", "e-nocontent", "f-offline", "g-lit"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        enrol(f, ids[i]);
    beat(f, "a-lit", f->now - 10000, 2, "{\"clock_trust\":\"synced\",\"current_item\":\"poster-app\"}");
    beat(f, "g-lit", f->now - 10000, 2, "{\"clock_trust\":\"synced\",\"free_disk_bytes\":100}");
    beat(f, "b-clock", f->now - 10000, 2, "{\"clock_trust\":\"untrusted\"}");
    beat(f, "c-old", f->now - 10000, 1, "{\"clock_trust\":\"synced\"}");
    beat(f, "e-nocontent", f->now - 10000, -1, "{}");
    beat(f, "f-offline", f->now - 2 * SL_MS_PER_HOUR, 2, "{\"clock_trust\":\"synced\"}");
}

/* ---- rendering a page by hand ---- */

typedef sl_cpagefix page;

/* Runs a handler as `role` with the path parameter and the query (and form)
 * given as name, value pairs ending with NULL; query first, then "--" and
 * the form's pairs. */
static page *run(fixture *f, int (*handler)(sl_cpage *, char *, size_t), sl_hub_role role, const char *lang,
                 const char *param, ...)
{
    page *pg = calloc(1, sizeof *pg);
    assert_non_null(pg);
    sl_cpagefix_init(pg, &f->hub, lang, role, param);
    bool form = false;
    va_list ap;
    va_start(ap, param);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
        if (strcmp(k, "--") == 0) {
            form = true;
            continue;
        }
        const char *v = va_arg(ap, const char *);
        if (form)
            sl_cpagefix_field(pg, k, v);
        else
            sl_cpagefix_arg(pg, k, v);
    }
    va_end(ap);
    sl_cpagefix_run(pg, handler);
    return pg;
}

static void done(page *pg)
{
    sl_cpagefix_free(pg);
    free(pg);
}

static const char *html(const page *pg)
{
    return pg->out.p;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Where the wall's row of a screen starts (its thumbnail link), or -1. */
static long row_at(const char *h, const char *id)
{
    char needle[128];
    snprintf(needle, sizeof needle, "<td class=\"wall-pic\"><a href=\"/console/screens/%s\">", id);
    const char *p = strstr(h, needle);
    return p ? (long)(p - h) : -1;
}

/* ---- the wall ---- */

static void test_wall_states_order_counts(void **state)
{
    fixture *f = *state;
    fleet_of_states(f);

    /* The service: every state once, dark first. */
    sl_wall w;
    sl_svc_err e;
    sl_wall_query q = {NULL, NULL, NULL, NULL, 0, 100};
    assert_int_equal(sl_wall_read(&f->hub, &q, f->now, &w, &e), SL_SVC_OK);
    assert_int_equal(w.total, 7);
    assert_int_equal(w.matched, 7);
    assert_int_equal(w.dark, 3);
    assert_int_equal(w.count[SL_SCREEN_OFFLINE], 1);
    assert_int_equal(w.count[SL_SCREEN_NO_CONTENT], 1);
    assert_int_equal(w.count[SL_SCREEN_NEVER_ENROLLED], 1);
    assert_int_equal(w.count[SL_SCREEN_OUTDATED], 1);
    assert_int_equal(w.count[SL_SCREEN_CLOCK_UNTRUSTED], 1);
    assert_int_equal(w.count[SL_SCREEN_LIT], 2);
    const char *order[] = {"f-offline", "e-nocontent", "d-never", "c-old", "b-clock", "a-lit", "g-lit"};
    assert_int_equal(w.n_rows, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(w.rows[i].id, order[i]);
    assert_string_equal(w.regions.v[0], "华东");
    assert_int_equal(w.regions.n, 2);
    assert_int_equal(w.channels.n, 1); /* "" is no choice */
    sl_wall_free(&w);
    sl_wall_free(NULL);

    /* The page, in both languages. */
    page *pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "zh", "", NULL);
    const char *h = html(pg);
    assert_int_equal(pg->p.refresh_s, 30);
    assert_int_equal(pg->p.status, 0);
    assert_string_equal(pg->p.title, "屏幕");
    for (size_t i = 0; i + 1 < 7; i++) {
        assert_true(row_at(h, order[i]) >= 0);
        assert_true(row_at(h, order[i]) < row_at(h, order[i + 1]));
    }
    assert_non_null(strstr(h, "<span class=\"wall-total lit\">4 块亮屏</span>"));
    assert_non_null(strstr(h, "<span class=\"wall-total dark\">3 块黑屏</span>"));
    assert_non_null(strstr(h, "<span class=\"badge bad st-offline\">离线 1</span>"));
    assert_non_null(strstr(h, "<span class=\"badge ok st-lit\">亮屏 2</span>"));
    assert_int_equal(count(h, "<tr class=\"dark"), 3);
    assert_null(strstr(h, "showing")); /* Chinese only */
    assert_non_null(strstr(h, "播放 v1，频道为 v2"));
    assert_non_null(strstr(h, "poster-app"));
    assert_non_null(strstr(h, "<span class=\"wall-warn\">100 B</span>")); /* little free disk */
    assert_non_null(strstr(h, "未分配频道"));
    sl_cpagefix_valid_html(h);
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_ADMIN, "en", "", NULL);
    h = html(pg);
    assert_non_null(strstr(h, "<span class=\"wall-total lit\">4 lit</span>"));
    assert_non_null(strstr(h, "<span class=\"wall-total dark\">3 dark</span>"));
    assert_non_null(strstr(h, "showing v1, channel at v2"));
    assert_non_null(strstr(h, "1–7 of 7, dark first"));
    assert_string_equal(pg->p.title, "Screens");
    done(pg);
}

static void test_wall_filters(void **state)
{
    fixture *f = *state;
    fleet_of_states(f);

    page *pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "region", "华北", NULL);
    const char *h = html(pg);
    assert_true(row_at(h, "c-old") >= 0 && row_at(h, "d-never") >= 0 && row_at(h, "g-lit") >= 0);
    assert_int_equal(row_at(h, "a-lit"), -1);
    assert_int_equal(row_at(h, "f-offline"), -1);
    assert_non_null(strstr(h, "<span class=\"wall-total lit\">2 lit</span>")); /* the counts follow the filter */
    assert_non_null(strstr(h, "<span class=\"wall-total dark\">1 dark</span>"));
    assert_non_null(strstr(h, "<option value=\"华北\" selected>华北</option>"));
    /* The state links keep the region, percent-encoded, escaped for HTML. */
    assert_non_null(strstr(h, "href=\"/console/screens?region=%E5%8D%8E%E5%8C%97&amp;status=never_enrolled\""));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "unit_type", "station", "region", "华东", NULL);
    h = html(pg);
    assert_true(row_at(h, "e-nocontent") >= 0);
    assert_int_equal(row_at(h, "d-never") + row_at(h, "g-lit") + row_at(h, "a-lit"), -3);
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "channel", "bank", NULL);
    h = html(pg);
    assert_int_equal(row_at(h, "e-nocontent"), -1);
    assert_non_null(strstr(h, "1–6 of 6"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "status", "dark", NULL);
    h = html(pg);
    assert_true(row_at(h, "f-offline") >= 0 && row_at(h, "e-nocontent") >= 0 && row_at(h, "d-never") >= 0);
    assert_int_equal(row_at(h, "c-old") + row_at(h, "a-lit"), -2);
    assert_non_null(strstr(h, "<span class=\"wall-total lit\">4 lit</span>")); /* counts ignore the status filter */
    assert_non_null(strstr(h, "<option value=\"dark\" selected>"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "status", "outdated_content", NULL);
    h = html(pg);
    assert_true(row_at(h, "c-old") >= 0);
    assert_non_null(strstr(h, "1–1 of 1"));
    assert_non_null(strstr(h, "class=\"on\"><span class=\"badge warn st-outdated_content\">"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "region", "nowhere", NULL);
    assert_non_null(strstr(html(pg), "No screen matches the filters."));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "status", "glowing", NULL);
    assert_int_equal(pg->p.status, 400);
    assert_non_null(strstr(html(pg), "id=\"problem\" data-status=\"400\"")); /* the frame's problem page */
    assert_non_null(strstr(html(pg), "unknown status &quot;glowing&quot;"));
    done(pg);
}

static void test_wall_pages(void **state)
{
    fixture *f = *state;
    char id[32];
    publish(f, "bank", 1);
    /* 250 screens: the 100 with odd numbers under 200 are offline, the rest lit. */
    for (int i = 0; i < 250; i++) {
        snprintf(id, sizeof id, "s%03d", i);
        add(f, row(id, id, "华东", "bank", "bank"));
        enrol(f, id);
        bool off = i % 2 == 1 && i < 200;
        beat(f, id, off ? f->now - SL_MS_PER_DAY : f->now - 1000, 1, "{\"clock_trust\":\"synced\"}");
    }
    page *pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "region", "华东", NULL);
    const char *h = html(pg);
    assert_int_equal(count(h, "<td class=\"wall-pic\">"), 100);
    assert_int_equal(count(h, "<tr class=\"dark"), 100); /* page 1: every dark screen */
    assert_true(row_at(h, "s001") >= 0 && row_at(h, "s199") >= 0 && row_at(h, "s000") == -1);
    assert_non_null(strstr(h, "1–100 of 250, dark first"));
    assert_non_null(strstr(h, "<a href=\"/console/screens?region=%E5%8D%8E%E4%B8%9C&amp;page=3\">3</a>"));
    assert_non_null(strstr(h, "<span class=\"on\" aria-current=\"page\">1</span>"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "region", "华东", "page", "2", NULL);
    h = html(pg);
    assert_int_equal(count(h, "<td class=\"wall-pic\">"), 100);
    assert_int_equal(count(h, "<tr class=\"dark"), 0);
    assert_true(row_at(h, "s000") >= 0 && row_at(h, "s002") >= 0);
    assert_non_null(strstr(h, "101–200 of 250"));
    assert_non_null(strstr(h, "<a href=\"/console/screens?region=%E5%8D%8E%E4%B8%9C\">1</a>"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "page", "3", NULL);
    h = html(pg);
    assert_int_equal(count(h, "<td class=\"wall-pic\">"), 50);
    assert_true(row_at(h, "s249") >= 0);
    assert_non_null(strstr(h, "201–250 of 250"));
    done(pg);

    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "status", "offline", "page", "2", NULL);
    assert_non_null(strstr(html(pg), "No screens on this page."));
    assert_non_null(strstr(html(pg), "<a href=\"/console/screens?status=offline\">First page</a>"));
    done(pg);

    const char *bad[] = {"0", "-1", "abc", "2x", "", "99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", "page", bad[i], NULL);
        if (bad[i][0]) {
            assert_int_equal(pg->p.status, 400);
            assert_non_null(strstr(html(pg), "page must be a whole number from 1"));
        } else {
            assert_int_equal(pg->p.status, 0); /* empty: the first page */
        }
        done(pg);
    }
}

/* ---- escaping ---- */

/* Neither name came out raw; each of those the page shows (both: the
 * second too) came out escaped. */
static void expect_escaped(const char *h, bool both)
{
    assert_null(strstr(h, "<script>"));
    assert_null(strstr(h, "<img src=x"));
    assert_null(strstr(h, "\"><img"));
    assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    if (both)
        assert_non_null(strstr(h, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
}

static void test_escaping(void **state)
{
    fixture *f = *state;
    char err[256];
    publish(f, "bank", 1);
    sl_hub_screen s = row("evil-1", NASTY_1, NASTY_2, NASTY_1, "bank");
    snprintf(s.site, sizeof s.site, "%s", NASTY_2);
    snprintf(s.tags, sizeof s.tags, "%s", NASTY_1);
    add(f, s);
    sl_hub_screen t = row("evil-2", NASTY_2, NASTY_1, NASTY_2, "bank");
    snprintf(t.unit_type, sizeof t.unit_type, "u");
    add(f, t);
    enrol(f, "evil-1");
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "current_item", NASTY_1);
    cJSON_AddStringToObject(st, "clock_trust", NASTY_2);
    cJSON_AddStringToObject(st, "player_version", NASTY_2);
    cJSON *probs = cJSON_AddArrayToObject(st, "problems");
    cJSON_AddItemToArray(probs, cJSON_CreateString(NASTY_1));
    cJSON_AddItemToArray(probs, cJSON_CreateString(NASTY_2));
    char *js = cJSON_PrintUnformatted(st);
    beat(f, "evil-1", f->now - 1000, 1, js);
    free(js);
    cJSON_Delete(st);
    sl_play_record r;
    memset(&r, 0, sizeof r);
    r.seq = 1;
    snprintf(r.item, sizeof r.item, "%s", "<b>x</b>");
    snprintf(r.zone, sizeof r.zone, "main");
    snprintf(r.reason, sizeof r.reason, "%s", NASTY_2);
    r.outcome = SL_OUTCOME_FAILED;
    r.start_ms = f->now - 5000;
    size_t stored, dups;
    int64_t acked;
    assert_int_equal(f->hub.store->ops->plays_put(f->hub.store, "evil-1", &r, NULL, 1, f->now, &stored, &dups, &acked,
                                                  err, sizeof err),
                     SL_ST_OK);

    page *pg = run(f, sl_page_screens, SL_ROLE_ADMIN, "zh", "", NULL);
    expect_escaped(html(pg), true);
    sl_cpagefix_valid_html(html(pg));
    done(pg);
    /* Filter values echoed back from the query. */
    pg = run(f, sl_page_screens, SL_ROLE_ADMIN, "en", "", "region", NASTY_1, "channel", NASTY_2, NULL);
    expect_escaped(html(pg), true);
    assert_non_null(strstr(html(pg), "region=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;channel=%22%3E%3Cimg"));
    done(pg);
    pg = run(f, sl_page_screens, SL_ROLE_ADMIN, "en", "", "status", NASTY_1, NULL);
    assert_int_equal(pg->p.status, 400);
    assert_null(strstr(html(pg), "<script>"));
    done(pg);
    pg = run(f, sl_page_screen, SL_ROLE_ADMIN, "en", "evil-1", NULL);
    expect_escaped(html(pg), true);
    assert_null(strstr(html(pg), "<b>x</b>"));
    assert_non_null(strstr(html(pg), "&lt;b&gt;x&lt;/b&gt;"));
    sl_cpagefix_valid_html(html(pg));
    done(pg);
    pg = run(f, sl_page_screen_revoke, SL_ROLE_ADMIN, "zh", "evil-1", NULL);
    expect_escaped(html(pg), false);
    done(pg);
    /* A path parameter that is no id is refused, escaped. */
    pg = run(f, sl_page_screen, SL_ROLE_ADMIN, "en", NASTY_1, NULL);
    assert_int_equal(pg->p.status, 400);
    assert_null(strstr(html(pg), "<script>"));
    done(pg);
}

/* ---- a screen's page ---- */

static int shot_put(fixture *f, const char *id)
{
    sl_svc_err e;
    return sl_status_screenshot_put(&f->hub, id, "image/png", sl_test_tiny_png, sl_test_tiny_png_size, f->now - 60000,
                                    &e);
}

static void test_screen_page_roles(void **state)
{
    fixture *f = *state;
    fleet_of_states(f);
    page *pg = run(f, sl_page_screen, SL_ROLE_ADMIN, "en", "a-lit", NULL);
    const char *h = html(pg);
    assert_string_equal(pg->p.title, "甲 lit");
    assert_int_equal(pg->p.refresh_s, 60);
    assert_non_null(strstr(h, "<span class=\"badge ok st-lit\">lit now</span>"));
    assert_non_null(strstr(h, "action=\"/console/screens/a-lit/screenshot-request\""));
    assert_non_null(strstr(h, "action=\"/console/screens/a-lit/enroll-code\""));
    assert_non_null(strstr(h, "action=\"/console/screens/a-lit/revoke\""));
    assert_int_equal(count(h, "<form method=\"post\""), 3);
    assert_int_equal(count(h, "<input type=\"hidden\" name=\"csrf\" value=\"" CSRF "\">"), 3);
    assert_non_null(strstr(h, "value=\"http://hub.test:8080\"")); /* the hub as the browser reached it */
    sl_cpagefix_valid_html(h);
    done(pg);

    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "a-lit", NULL);
    h = html(pg);
    assert_null(strstr(h, "<form"));
    assert_null(strstr(h, "screenshot-request"));
    assert_null(strstr(h, "enroll-code"));
    assert_null(strstr(h, "/revoke"));
    assert_non_null(strstr(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\"")); /* the rest is there */
    done(pg);

    /* An auditor's forged POSTs are refused and change nothing. */
    int (*posts[])(sl_cpage *, char *, size_t) = {sl_page_screen_shot_request, sl_page_screen_enroll_code,
                                                   sl_page_screen_revoke};
    for (size_t i = 0; i < 3; i++) {
        pg = run(f, posts[i], i == 1 ? SL_ROLE_PUBLISHER : SL_ROLE_AUDITOR, "en", "a-lit", "--", "confirm", "yes",
                 "hub", "http://x:1", NULL);
        assert_int_equal(pg->p.status, 403);
        assert_string_equal(pg->p.redirect, "");
        assert_null(strstr(html(pg), "scr-code"));
        done(pg);
    }
    char err[256];
    bool shot = true;
    sl_hub_heartbeat hb = {f->now, 2, "{}"};
    assert_int_equal(f->hub.store->ops->heartbeat_put(f->hub.store, "a-lit", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_false(shot);
    sl_wall_screen ws;
    sl_svc_err e;
    assert_int_equal(sl_wall_screen_read(&f->hub, "a-lit", f->now, &ws, &e), SL_SVC_OK);
    assert_true(ws.row.st.enrolled);
    sl_wall_screen_free(&ws);
}

static void test_screen_page_content(void **state)
{
    fixture *f = *state;
    fleet_of_states(f);
    assert_int_equal(shot_put(f, "a-lit"), SL_SVC_OK);
    beat(f, "a-lit", f->now - 5000, 2,
         "{\"clock_trust\":\"synced\",\"uptime_s\":93784,\"free_disk_bytes\":1610612736,\"clock_offset_ms\":-250,"
         "\"player_version\":\"0.9.1\",\"temperature_c\":51.5,\"problems\":[\"HDMI unplugged\"]}");
    sl_play_record r[60];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 60; i++) {
        r[i].seq = i + 1;
        snprintf(r[i].item, sizeof r[i].item, "item-%02d", i + 1);
        snprintf(r[i].zone, sizeof r[i].zone, "main");
        r[i].start_ms = f->now - (60 - i) * 10000;
        r[i].duration_ms = 10000;
        r[i].clock_trust = SL_CLOCK_SYNCED;
    }
    size_t stored, dups;
    int64_t acked;
    sl_svc_err e;
    assert_int_equal(sl_hub_plays_store(&f->hub, "a-lit", r, 60, &stored, &dups, &acked, &e), SL_SVC_OK);

    page *pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "a-lit", NULL);
    const char *h = html(pg);
    /* details */
    assert_non_null(strstr(h, "<dt>Region</dt><dd>华东</dd>"));
    assert_non_null(strstr(h, "<dt>Enrolment</dt><dd>enrolled</dd>"));
    /* the heat map of this week: 7 rows of 24 hours */
    assert_non_null(strstr(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\""));
    assert_int_equal(count(h, "<rect class=\"h-"), 7 * 24);
    assert_non_null(strstr(h, "<strong>This week</strong>"));
    /* the screenshot's thumbnail, linked whole */
    char link[200];
    snprintf(link, sizeof link,
             "<a href=\"/console/screens/a-lit/screenshot?at=%lld\"><img loading=\"lazy\" src=\"/console/screens/"
             "a-lit/screenshot?at=%lld&amp;thumb=1\"",
             (long long)(f->now - 60000), (long long)(f->now - 60000));
    assert_non_null(strstr(h, link));
    /* the latest 50 plays, newest first */
    assert_non_null(strstr(h, "<tr><td>60</td><td>item-60</td>"));
    assert_non_null(strstr(h, "<tr><td>11</td><td>item-11</td>"));
    assert_null(strstr(h, "<tr><td>10</td>"));
    assert_true(strstr(h, "<tr><td>60</td>") < strstr(h, "<tr><td>59</td>"));
    /* the last heartbeat */
    assert_non_null(strstr(h, "1 d 2 h 3 min"));
    assert_non_null(strstr(h, "1.5 GB"));
    assert_non_null(strstr(h, "-0.250 s"));
    assert_non_null(strstr(h, "0.9.1"));
    assert_non_null(strstr(h, "<li>HDMI unplugged</li>"));
    assert_non_null(strstr(h, "<dt>Clock</dt><dd>synced</dd>"));
    assert_non_null(strstr(h, "<td>synced</td><td>completed</td>"));
    sl_cpagefix_valid_html(h);
    done(pg);

    /* A month: as many rows as the month has days. In Chinese, the words too. */
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "zh", "a-lit", "period", "month", NULL);
    assert_non_null(strstr(html(pg), "<td>已同步</td><td>播完</td>"));
    assert_non_null(strstr(html(pg), "<dt>时钟</dt><dd>已同步</dd>"));
    int n = count(html(pg), "<rect class=\"h-");
    assert_true(n >= 28 * 24 && n <= 31 * 24 && n % 24 == 0);
    assert_non_null(strstr(html(pg), "<strong>本月</strong>"));
    done(pg);
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "a-lit", "period", "lastweek", NULL);
    assert_int_equal(count(html(pg), "<rect class=\"h-"), 7 * 24);
    assert_non_null(strstr(html(pg), "<strong>Last week</strong>"));
    assert_non_null(strstr(html(pg), "<a href=\"/console/screens/a-lit?period=month\">This month</a>"));
    done(pg);
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "a-lit", "period", "year", NULL);
    assert_int_equal(pg->p.status, 400);
    done(pg);

    /* Never heard from: said so. */
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "d-never", NULL);
    assert_non_null(strstr(html(pg), "This screen has sent no heartbeat yet."));
    assert_non_null(strstr(html(pg), "The hub holds no plays of this screen yet."));
    assert_non_null(strstr(html(pg), "No screenshots in these days."));
    assert_non_null(strstr(html(pg), "<dt>Enrolment</dt><dd>not enrolled</dd>"));
    done(pg);

    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "nope", NULL);
    assert_int_equal(pg->p.status, 404);
    done(pg);

    /* The screenshot itself, the latest or the one asked for. */
    pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", NULL);
    assert_string_equal(pg->p.content_type, "image/png");
    assert_int_equal(pg->out.len, sl_test_tiny_png_size);
    assert_memory_equal(pg->out.p, sl_test_tiny_png, sl_test_tiny_png_size);
    done(pg);
    char at[32];
    snprintf(at, sizeof at, "%lld", (long long)(f->now - 60000));
    pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "at", at, NULL);
    assert_string_equal(pg->p.content_type, "image/png");
    done(pg);
    snprintf(at, sizeof at, "%lld", (long long)(f->now - 60001));
    pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "at", at, NULL);
    assert_int_equal(pg->p.status, 404);
    assert_string_equal(pg->p.content_type, "");
    done(pg);
    pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "at", "soon", NULL);
    assert_int_equal(pg->p.status, 400);
    done(pg);
    pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "g-lit", NULL);
    assert_int_equal(pg->p.status, 404);
    done(pg);

    /* The wall shows the thumbnail of the latest. */
    pg = run(f, sl_page_screens, SL_ROLE_AUDITOR, "en", "", NULL);
    snprintf(link, sizeof link, "src=\"/console/screens/a-lit/screenshot?at=%lld&amp;thumb=1\"",
             (long long)(f->now - 60000));
    assert_non_null(strstr(html(pg), link));
    assert_non_null(strstr(html(pg), "loading=\"lazy\""));
    done(pg);
}

/* The width and height in a PNG's header; false when it is not a PNG. */
static bool png_size(const unsigned char *b, size_t n, unsigned *w, unsigned *h)
{
    static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 24 || memcmp(b, magic, 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0)
        return false;
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
    return true;
}

/* Fetches a screenshot (thumb: its thumbnail) of a-lit taken at `at` and
 * checks what comes back: a PNG of w × h pixels that ffmpeg decodes, or
 * (whole) exactly the bytes sent. */
static void expect_shot(fixture *f, int64_t at, bool thumb, const char *mime, unsigned w, unsigned h,
                        const unsigned char *whole, size_t whole_len)
{
    char ms[32], dir[256], path[300];
    snprintf(ms, sizeof ms, "%lld", (long long)at);
    page *pg = thumb ? run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "at", ms, "thumb", "1", NULL)
                     : run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "at", ms, NULL);
    assert_int_equal(pg->p.status, 0);
    assert_string_equal(pg->p.content_type, mime);
    if (whole) {
        assert_int_equal(pg->out.len, whole_len);
        assert_memory_equal(pg->out.p, whole, whole_len);
    } else {
        unsigned gw = 0, gh = 0;
        assert_true(png_size((const unsigned char *)pg->out.p, pg->out.len, &gw, &gh));
        assert_int_equal(gw, w);
        assert_int_equal(gh, h);
        assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "sl-cthumb"), 0);
        sl_test_path(dir, "t.png", path, sizeof path);
        assert_int_equal(sl_test_write_file(path, pg->out.p, pg->out.len), 0);
        int decoded = sl_test_ffmpeg(dir, "-i t.png -f null -");
        sl_test_rmtree(dir);
        assert_int_equal(decoded, 0);
    }
    done(pg);
}

/* A screenshot gets a small PNG when it arrives (PNG or JPEG, a narrow one
 * keeps its width); the pages show it, the link gives the picture sent, and
 * a screenshot evicted takes its thumbnail with it. */
static void test_screenshot_thumbnails(void **state)
{
    fixture *f = *state;
    char dir[256], path[300];
    size_t png_len = 0, jpg_len = 0;
    sl_svc_err e;
    if (!sl_test_have_ffmpeg())
        fail_msg("ffmpeg is not installed: run tools/setup-debian.sh");
    fleet_of_states(f);
    assert_int_equal(sl_test_tmpdir(dir, sizeof dir, "sl-cshots"), 0);
    assert_int_equal(sl_test_ffmpeg(dir, "-f lavfi -i testsrc=s=1280x720 -frames:v 1 big.png"), 0);
    assert_int_equal(sl_test_ffmpeg(dir, "-f lavfi -i testsrc=s=1000x750 -frames:v 1 big.jpg"), 0);
    sl_test_path(dir, "big.png", path, sizeof path);
    unsigned char *png = sl_test_read_file(path, &png_len);
    sl_test_path(dir, "big.jpg", path, sizeof path);
    unsigned char *jpg = sl_test_read_file(path, &jpg_len);
    sl_test_rmtree(dir);
    assert_non_null(png);
    assert_non_null(jpg);
    int64_t t = f->now - 60000;
    assert_int_equal(sl_status_screenshot_put(&f->hub, "a-lit", "image/png", png, png_len, t, &e), SL_SVC_OK);
    assert_int_equal(sl_status_screenshot_put(&f->hub, "a-lit", "image/jpeg", jpg, jpg_len, t + 1, &e), SL_SVC_OK);
    assert_int_equal(sl_status_screenshot_put(&f->hub, "a-lit", "image/png", sl_test_tiny_png, sl_test_tiny_png_size,
                                              t + 2, &e),
                     SL_SVC_OK);
    expect_shot(f, t, true, "image/png", 320, 180, NULL, 0);
    expect_shot(f, t, false, "image/png", 0, 0, png, png_len);
    expect_shot(f, t + 1, true, "image/png", 320, 240, NULL, 0);
    expect_shot(f, t + 1, false, "image/jpeg", 0, 0, jpg, jpg_len);
    expect_shot(f, t + 2, true, "image/png", 8, 6, NULL, 0);
    page *pg = run(f, sl_page_screens_shot, SL_ROLE_AUDITOR, "en", "a-lit", "thumb", "yes", NULL);
    assert_int_equal(pg->p.status, 400);
    done(pg);
    /* Nine more the same day: the first five and the latest stay, with their thumbnails only. */
    char shots[300];
    snprintf(shots, sizeof shots, "%s/screenshots/b-clock", f->dir);
    for (int i = 0; i < 9; i++)
        assert_int_equal(sl_status_screenshot_put(&f->hub, "b-clock", "image/png", png, png_len,
                                                  1795564800000LL + i * 1000, &e),
                         SL_SVC_OK);
    assert_int_equal(sl_test_count_files(shots), 2 * 6);
    free(png);
    free(jpg);
}

/* ---- the admin's actions ---- */

/* The last day's heartbeats: one a slot, newest first, in the table and
 * the chart; a screen without them says so. */
static void test_screen_history(void **state)
{
    fixture *f = *state;
    char js[256];
    add(f, row("h1", "history", "华东", "bank", "bank"));
    add(f, row("h2", "quiet", "华东", "bank", "bank"));
    int64_t slot0 = (f->now / SL_HUB_HB_SLOT_MS - 3) * SL_HUB_HB_SLOT_MS;
    for (int i = 0; i < 3; i++) {
        snprintf(js, sizeof js,
                 "{\"clock_trust\":\"%s\",\"uptime_s\":%d,\"free_disk_bytes\":%lld,\"clock_offset_ms\":%d}",
                 i == 1 ? "untrusted" : "synced", 3600 * (i + 1), (long long)(i + 1) * 1073741824LL, 1250 * (i + 1));
        beat(f, "h1", slot0 + i * SL_HUB_HB_SLOT_MS + 1000, 2, js);
        beat(f, "h1", slot0 + i * SL_HUB_HB_SLOT_MS + 61000, 2, "{\"uptime_s\":7}"); /* not kept: same slot */
    }
    page *pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "h1", NULL);
    const char *h = html(pg);
    const char *table = strstr(h, "<table class=\"list\" id=\"hb-history\">");
    assert_non_null(table);
    assert_non_null(strstr(h, "The last day (one each 5 minutes)"));
    assert_int_equal(count(table, "<tr><td><time"), 3);
    const char *r3 = strstr(table, "0 d 3 h 0 min</td><td class=\"num\">3.0 GB</td><td class=\"num\">+3.750 s</td><td>synced</td>");
    const char *r2 = strstr(table, "0 d 2 h 0 min</td><td class=\"num\">2.0 GB</td><td class=\"num\">+2.500 s</td><td>untrusted</td>");
    const char *r1 = strstr(table, "0 d 1 h 0 min</td><td class=\"num\">1.0 GB</td><td class=\"num\">+1.250 s</td><td>synced</td>");
    assert_non_null(r3);
    assert_non_null(r2);
    assert_non_null(r1);
    assert_true(r3 < r2 && r2 < r1);
    assert_null(strstr(table, "0 d 0 h 0 min")); /* the second beats of a slot */
    /* the chart: the ranges written, a line of three points per strip */
    const char *svg = strstr(h, "<svg id=\"hb-chart\"");
    assert_non_null(svg);
    assert_non_null(strstr(svg, "Free disk: 1.00 – 3.00 GB"));
    assert_non_null(strstr(svg, "Clock offset: +1.250 – +3.750 s"));
    assert_int_equal(count(svg, "<polyline"), 2);
    sl_cpagefix_valid_html(h);
    done(pg);
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "zh", "h1", NULL);
    assert_non_null(strstr(html(pg), "最近一天（每 5 分钟一次）"));
    assert_non_null(strstr(html(pg), "<td class=\"num\">+2.500 s</td><td>不可信</td>"));
    done(pg);
    pg = run(f, sl_page_screen, SL_ROLE_AUDITOR, "en", "h2", NULL);
    assert_non_null(strstr(html(pg), "The hub holds no heartbeats of this screen yet."));
    assert_null(strstr(html(pg), "hb-chart"));
    done(pg);
}

static int code_count(void *ud, const sl_hub_enroll_code *c)
{
    (void)c;
    (*(int *)ud)++;
    return 0;
}

static void test_screen_actions(void **state)
{
    fixture *f = *state;
    char err[256];
    sl_svc_err e;
    fleet_of_states(f);

    /* A screenshot now: back to the screen, and asked for in the next heartbeat. */
    page *pg = run(f, sl_page_screen_shot_request, SL_ROLE_ADMIN, "en", "a-lit", "--", "csrf", CSRF, NULL);
    assert_string_equal(pg->p.redirect, "/console/screens/a-lit?done=screenshot");
    done(pg);
    bool shot = false;
    sl_hub_heartbeat hb = {f->now, 2, "{}"};
    assert_int_equal(f->hub.store->ops->heartbeat_put(f->hub.store, "a-lit", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_true(shot);
    pg = run(f, sl_page_screen, SL_ROLE_ADMIN, "en", "a-lit", "done", "screenshot", NULL);
    assert_non_null(strstr(html(pg), "Screenshot requested"));
    done(pg);
    pg = run(f, sl_page_screen_shot_request, SL_ROLE_ADMIN, "en", "nope", NULL);
    assert_int_equal(pg->p.status, 404);
    done(pg);

    /* An enrolment code: shown large with the QR code of the enrolment file, and it works. */
    pg = run(f, sl_page_screen_enroll_code, SL_ROLE_ADMIN, "en", "d-never", "--", "hub", "http://10.0.0.5:8080/",
             "ttl_h", "24", NULL);
    const char *h = html(pg);
    assert_int_equal(pg->p.status, 0);
    assert_string_equal(pg->p.redirect, "");
    const char *big = strstr(h, "<p class=\"big scr-code\">");
    assert_non_null(big);
    char code[16];
    memcpy(code, big + strlen("<p class=\"big scr-code\">"), 14);
    code[14] = '\0';
    assert_true(code[4] == '-' && code[9] == '-');
    char file[128];
    snprintf(file, sizeof file, "<pre>hub = http://10.0.0.5:8080\ncode = %s\n</pre>", code);
    assert_non_null(strstr(h, file));
    assert_non_null(strstr(h, "class=\"qr\""));
    assert_non_null(strstr(h, "screenlit-player --hub http://10.0.0.5:8080 --enroll "));
    assert_non_null(strstr(h, "Valid until <time"));
    sl_cpagefix_valid_html(h);
    done(pg);
    sl_enroll_grant g;
    assert_int_equal(sl_enroll_redeem(&f->hub, code, &g, &e), SL_SVC_OK);
    assert_string_equal(g.screen.id, "d-never");

    /* Bad input makes no code and says why. */
    const char *bad_hubs[] = {"", "ftp://x", "http://", "http://a b", "http://x/\"><script>", "10.0.0.5:8080"};
    for (size_t i = 0; i < sizeof bad_hubs / sizeof bad_hubs[0]; i++) {
        pg = run(f, sl_page_screen_enroll_code, SL_ROLE_ADMIN, "en", "c-old", "--", "hub", bad_hubs[i], NULL);
        assert_int_equal(pg->p.status, 400);
        assert_non_null(strstr(html(pg), "hub&#39;s address"));
        assert_null(strstr(html(pg), "<script>"));
        done(pg);
    }
    pg = run(f, sl_page_screen_enroll_code, SL_ROLE_ADMIN, "en", "c-old", "--", "hub", "http://h:1", "ttl_h", "9999",
             NULL);
    assert_int_equal(pg->p.status, 400);
    done(pg);
    pg = run(f, sl_page_screen_enroll_code, SL_ROLE_ADMIN, "en", "nope", "--", "hub", "http://h:1", NULL);
    assert_int_equal(pg->p.status, 404);
    done(pg);
    int n = 0;
    assert_int_equal(sl_enroll_code_list(&f->hub, "c-old", "all", f->now, code_count, &n, &e), SL_SVC_OK);
    assert_int_equal(n, 1); /* the one it enrolled with */

    /* Revoking asks first (a form that works without JavaScript), then does it. */
    pg = run(f, sl_page_screen_revoke, SL_ROLE_ADMIN, "en", "c-old", "--", "csrf", CSRF, NULL);
    h = html(pg);
    assert_string_equal(pg->p.redirect, "");
    assert_non_null(strstr(h, "Revoke this screen?"));
    assert_non_null(strstr(h, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"));
    assert_non_null(strstr(h, "<input type=\"hidden\" name=\"csrf\" value=\"" CSRF "\">"));
    assert_non_null(strstr(h, "<a href=\"/console/screens/c-old\">Cancel</a>"));
    sl_cpagefix_valid_html(h);
    done(pg);
    sl_wall_screen ws;
    assert_int_equal(sl_wall_screen_read(&f->hub, "c-old", f->now, &ws, &e), SL_SVC_OK);
    assert_true(ws.row.st.enrolled);
    sl_wall_screen_free(&ws);
    pg = run(f, sl_page_screen_revoke, SL_ROLE_ADMIN, "en", "c-old", "--", "confirm", "yes", NULL);
    assert_string_equal(pg->p.redirect, "/console/screens/c-old?done=revoked");
    done(pg);
    assert_int_equal(sl_wall_screen_read(&f->hub, "c-old", f->now, &ws, &e), SL_SVC_OK);
    assert_false(ws.row.st.enrolled);
    sl_wall_screen_free(&ws);
    pg = run(f, sl_page_screen_revoke, SL_ROLE_ADMIN, "en", "c-old", "--", "confirm", "yes", NULL);
    assert_int_equal(pg->p.status, 409);
    assert_non_null(strstr(html(pg), "data-status=\"409\""));
    assert_non_null(strstr(html(pg), "not enrolled"));
    done(pg);
}

/* The one definition of a screen's state, on its edges. */
static void test_state_definition(void **state)
{
    (void)state;
    sl_hub_wall_row r;
    memset(&r, 0, sizeof r);
    int64_t now = 1800000000000LL;
    snprintf(r.st.s.channel, sizeof r.st.s.channel, "bank");
    r.channel_version = 3;
    r.st.content_version = 3;
    r.st.enrolled = true;
    r.st.last_seen_ms = now - SL_STATUS_ONLINE_WINDOW_MS;
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_LIT);
    r.st.last_seen_ms = now - SL_STATUS_ONLINE_WINDOW_MS - 1;
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_OFFLINE);
    r.st.enrolled = false;
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_NEVER_ENROLLED);
    r.st.last_seen_ms = now;
    snprintf(r.clock_trust, sizeof r.clock_trust, "untrusted");
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_CLOCK_UNTRUSTED);
    r.st.content_version = 4; /* another channel's version: not this channel's current one */
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_OUTDATED);
    r.st.content_version = -1;
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_NO_CONTENT);
    r.st.content_version = 3;
    r.channel_version = -1;
    assert_int_equal(sl_status_state(&r, now), SL_SCREEN_NO_CONTENT);
    for (int s = 0; s < SL_SCREEN_N_STATES; s++)
        assert_int_equal(sl_status_parse(sl_status_code((sl_screen_state)s)), s);
    assert_int_equal(sl_status_parse("dark"), -1);
    assert_true(sl_status_dark(SL_SCREEN_NEVER_ENROLLED));
    assert_false(sl_status_dark(SL_SCREEN_OUTDATED));
    assert_false(sl_status_online(-1, now));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_definition),
        cmocka_unit_test_setup_teardown(test_wall_states_order_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wall_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wall_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_page_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_page_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screenshot_thumbnails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_actions, setup, teardown),
    };
    return cmocka_run_group_tests_name("console screens", tests, NULL, NULL);
}
