/* test_hub_console_admin.c — the console's Channels, Inventory and People pages rendered against a real store with seeded data: contents, every bad line of an upload, a row edited with a bad value, people and tokens made through the pages, hostile names escaped. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/keys.h"
#include "content/manifest.h"
#include "tests/hub/cpagefix.h"
#include "tests/unit/testutil.h"
#include "tools/hub/console/console_frame.h"
#include "tools/hub/console/console_pages.h"
#include "tools/hub/service/hub_access.h"
#include "tools/hub/service/hub_inventory.h"
#include "tools/hub/service/hub_status.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVIL "<script>alert(1)</script>\"><img src=x onerror=alert(1)>"
#define SHA "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const char INVENTORY[] = "id,name,site,region,unit_type,tags,channel,hours,timezone\n"
                                "s1,\"<script>alert(1)</script>\"\"><img src=x onerror=alert(1)>\",Branch 1,North,bank,lobby,bank,mon-fri 08:30-17:30,Asia/Shanghai\n"
                                "s2,Door,Branch 2,South,bank,,bank,daily 00:00-24:00,+08:00\n"
                                "s3,Spare,Branch 3,South,bank,,lobby,daily 00:00-24:00,+08:00\n";

typedef struct {
    char dir[256];
    sl_hub hub;
} fixture;

/* Signs a manifest of channel bank at version v and stores it as published at ms. */
static void publish(fixture *f, const sl_seckey *sk, int v, int64_t ms)
{
    char payload[2048], err[256];
    snprintf(payload, sizeof payload,
             "{\"format\":1,\"timezone\":\"Asia/Shanghai\",\"channel\":\"bank\",\"version\":%d,"
             "\"created\":\"2026-11-25T00:00:00Z\",\"zones\":[{\"id\":\"main\",\"x\":0,\"y\":0,\"w\":100,\"h\":100}],"
             "\"items\":[{\"id\":\"poster\",\"zone\":\"main\",\"type\":\"image\",\"sha256\":\"" SHA "\","
             "\"size\":2048,\"duration\":10},{\"id\":\"poster2\",\"zone\":\"main\",\"type\":\"image\",\"sha256\":\"" SHA
             "\",\"size\":2048,\"duration\":10},"
             "{\"id\":\"slogan\",\"zone\":\"main\",\"type\":\"text\",\"text\":\"%s\",\"duration\":20}],"
             "\"rules\":[{\"items\":[\"poster\"],\"dates\":{\"from\":\"2026-11-25\",\"to\":\"2026-12-31\"},"
             "\"weekdays\":[\"mon\",\"fri\"],\"hours\":\"08:30-17:30\",\"tags\":[\"lobby\"],\"min_per_hour\":4}]}",
             v, v == 2 ? "<script>alert(1)</script> \\\"><img src=x onerror=alert(1)>" : "old slogan");
    char *env = sl_mf_sign(payload, strlen(payload), sk);
    assert_non_null(env);
    int64_t cur;
    assert_int_equal(f->hub.store->ops->manifest_put(f->hub.store, "bank", v, env, strlen(env), ms, &cur, err,
                                                     sizeof err),
                     SL_ST_OK);
    free(env);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512], kdir[300], path[400];
    sl_svc_err e;
    size_t n, line;
    assert_non_null(f);
    assert_int_equal(sl_keys_init(), 0);
    sl_cpagefix_hub(&f->hub, f->dir, sizeof f->dir, "console-admin");
    assert_int_equal(sl_inv_import(&f->hub, INVENTORY, strlen(INVENTORY), &n, &line, &e), SL_SVC_OK);
    snprintf(kdir, sizeof kdir, "%s/keys", f->dir);
    assert_int_equal(sl_keys_generate(kdir, err, sizeof err), 0);
    sl_seckey sk;
    sl_pubkey pk;
    char b64[SL_PUBKEY_B64_MAX];
    snprintf(path, sizeof path, "%s/publisher.key", kdir);
    assert_int_equal(sl_seckey_load(path, &sk, err, sizeof err), 0);
    sl_seckey_public(&sk, &pk);
    sl_pubkey_to_b64(&pk, b64, sizeof b64);
    assert_int_equal(sl_access_key_add(f->hub.store, "content-team", b64, "bank, lobby", NULL, NULL, &e), SL_SVC_OK);
    publish(f, &sk, 1, 1700000000000);
    publish(f, &sk, 2, 1700000600000);
    sl_seckey_wipe(&sk);
    bool shot;
    assert_int_equal(sl_status_heartbeat(&f->hub, "s1", sl_hub_now_ms(), 2, "{}", &shot, &e), SL_SVC_OK);
    assert_int_equal(sl_status_heartbeat(&f->hub, "s2", sl_hub_now_ms(), 1, "{}", &shot, &e), SL_SVC_OK);
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

/* One request to a page handler, as an admin. */
typedef sl_cpagefix req;

static void req_init(req *r, fixture *f, const char *lang, const char *param)
{
    sl_cpagefix_init(r, &f->hub, lang, SL_ROLE_ADMIN, param);
}

/* No hostile markup came through: only its escaped form. */
static void assert_escaped(const char *html)
{
    if (strstr(html, "<script>") || strstr(html, "<img src=x") || strstr(html, "onerror=alert(1)>"))
        fail_msg("unescaped markup in:\n%s", html);
}

static bool has(const char *html, const char *s)
{
    if (!strstr(html, s)) {
        fprintf(stderr, "missing \"%s\" in:\n%s\n", s, html);
        return false;
    }
    return true;
}

static void test_channels(void **state)
{
    fixture *f = *state;
    req r;
    req_init(&r, f, "en", NULL);
    sl_cpagefix_run(&r, sl_page_channels);
    assert_string_equal(r.p.title, "Channels");
    assert_true(has(r.out.p, "<a href=\"/console/channels/bank\">bank</a>"));
    assert_true(has(r.out.p, "<td class=\"num\">2</td>"));
    assert_true(has(r.out.p, "content-team"));
    assert_true(has(r.out.p, "<td class=\"num\">4</td>"));       /* items, the default fallback too */
    assert_true(has(r.out.p, "2.0 kB"));                         /* one file counted once */
    assert_true(has(r.out.p, "<span class=\"badge warn\">1 / 2</span>")); /* s1 on 2, s2 on 1 */
    assert_true(has(r.out.p, "<a href=\"/console/channels/lobby\">lobby</a>"));
    assert_true(has(r.out.p, "nothing published yet"));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
    req_init(&r, f, "zh", NULL);
    sl_cpagefix_run(&r, sl_page_channels);
    assert_string_equal(r.p.title, "频道");
    assert_true(has(r.out.p, "已切换的屏幕"));
    sl_cpagefix_free(&r);
}

static void test_channel(void **state)
{
    fixture *f = *state;
    req r;
    req_init(&r, f, "en", "bank");
    sl_cpagefix_run(&r, sl_page_channel);
    assert_int_equal(r.p.status, 0);
    /* The current version: the poster as a thumbnail, the slogan as escaped text, the rule in words. */
    assert_true(has(r.out.p, "Current version 2"));
    assert_true(has(r.out.p, "<img class=\"thumb\" loading=\"lazy\" alt=\"poster\" src=\"/media/" SHA "\">"));
    assert_true(has(r.out.p, "<q>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</q>"));
    assert_true(has(r.out.p, "<li>poster: dates 2026-11-25 to 2026-12-31; only Mon, Fri; hours 08:30–17:30; "
                            "screens tagged lobby; at least 4 plays an hour; </li>"));
    /* Both versions, newest first, with their signer. */
    const char *v2 = strstr(r.out.p, "<tr><td class=\"num\">2</td><td>2023-11-14 22:23 UTC</td><td>content-team</td>");
    const char *v1 = strstr(r.out.p, "<tr><td class=\"num\">1</td><td>2023-11-14 22:13 UTC</td><td>content-team</td>");
    assert_non_null(v2);
    assert_non_null(v1);
    assert_true(v2 < v1);
    /* Its screens: the name escaped, who switched. */
    assert_true(has(r.out.p, "<a href=\"/console/screens/s1\">s1</a></td><td>&lt;script&gt;alert(1)&lt;/script&gt;"
                            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>"));
    assert_true(has(r.out.p, "<span class=\"badge ok\">switched</span>"));
    assert_true(has(r.out.p, "<span class=\"badge warn\">not yet</span>"));
    assert_null(strstr(r.out.p, "/console/screens/s3")); /* another channel */
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
    req_init(&r, f, "zh", "bank");
    sl_cpagefix_run(&r, sl_page_channel);
    assert_true(has(r.out.p, "日期 2026-11-25 至 2026-12-31; 仅周一、周五; 每天 08:30–17:30;"));
    assert_true(has(r.out.p, "每小时至少播放 4 次"));
    sl_cpagefix_free(&r);
    /* An unknown channel, its name hostile. */
    req_init(&r, f, "en", EVIL);
    sl_cpagefix_run(&r, sl_page_channel);
    assert_int_equal(r.p.status, 404);
    assert_true(has(r.out.p, "&lt;script&gt;"));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
}

/* The name of screen s1 as stored. */
static void s1_name(fixture *f, char *out, size_t len)
{
    sl_hub_screen s;
    char err[256];
    assert_int_equal(f->hub.store->ops->screen_get(f->hub.store, "s1", &s, err, sizeof err), SL_ST_OK);
    snprintf(out, len, "%s|%s|%s", s.name, s.hours, s.timezone);
}

static void test_inventory_upload(void **state)
{
    fixture *f = *state;
    char before[1024], after[1024];
    s1_name(f, before, sizeof before);
    static const char bad[] = "id,name,site,region,unit_type,tags,channel,hours,timezone\n"
                              "s1,Renamed,,,,,bank,daily 00:00-24:00,+08:00\n"           /* 2: fine */
                              "-bad,X,,,,,bank,daily 00:00-24:00,+08:00\n"               /* 3: id */
                              "s4,Y,,,,,bank,someday 09:00-10:00,+08:00\n"                /* 4: hours */
                              "s5,Z,,,,,bank,daily 00:00-24:00,Mars/Olympus\n"            /* 5: time zone */
                              "s6,W,,,,,bank\n"                                           /* 6: fields */
                              "s1,Again,,,,,bank,daily 00:00-24:00,+08:00\n";             /* 7: twice */
    req r;
    req_init(&r, f, "en", NULL);
    r.p.upload = bad;
    r.p.upload_len = strlen(bad);
    sl_cpagefix_run(&r, sl_page_inventory_upload);
    assert_int_equal(r.p.status, 400);
    assert_string_equal(r.p.redirect, "");
    assert_true(has(r.out.p, "id=\"error\""));
    assert_true(has(r.out.p, "<tr id=\"line-3\"><td class=\"num\">3</td><td>id &quot;-bad&quot;"));
    assert_true(has(r.out.p, "<tr id=\"line-4\"><td class=\"num\">4</td><td>hours"));
    assert_true(has(r.out.p, "<tr id=\"line-5\"><td class=\"num\">5</td><td>timezone &quot;Mars/Olympus&quot;"));
    assert_true(has(r.out.p, "<tr id=\"line-6\"><td class=\"num\">6</td><td>7 fields; the header has 9"));
    assert_true(has(r.out.p, "<tr id=\"line-7\"><td class=\"num\">7</td><td>screen id &quot;s1&quot; appears twice"));
    assert_null(strstr(r.out.p, "id=\"line-2\""));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
    /* Nothing changed, not even the good line. */
    s1_name(f, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(f->hub.store->ops->screen_get(f->hub.store, "s4", NULL, after, sizeof after), SL_ST_NOT_FOUND);
    /* No file. */
    req_init(&r, f, "zh", NULL);
    sl_cpagefix_run(&r, sl_page_inventory_upload);
    assert_int_equal(r.p.status, 400);
    assert_true(has(r.out.p, "没有收到文件"));
    sl_cpagefix_free(&r);
    /* A good file: imported, and back to the page with a notice. */
    static const char good[] = "id,name,channel,hours,timezone\ns9,Nine,bank,daily 00:00-24:00,+08:00\n";
    req_init(&r, f, "en", NULL);
    r.p.upload = good;
    r.p.upload_len = strlen(good);
    sl_cpagefix_run(&r, sl_page_inventory_upload);
    assert_string_equal(r.p.redirect, "/console/inventory?done=imported&name=1");
    sl_cpagefix_free(&r);
    req_init(&r, f, "en", NULL);
    cJSON_AddStringToObject(r.p.query, "done", "imported");
    cJSON_AddStringToObject(r.p.query, "name", EVIL);
    sl_cpagefix_run(&r, sl_page_inventory);
    assert_true(has(r.out.p, "<p class=\"notice\" id=\"done\" role=\"status\">Inventory imported, screens: &lt;script"));
    assert_true(has(r.out.p, "<a href=\"/console/inventory/s9\">s9</a>"));
    assert_true(has(r.out.p, "action=\"/console/inventory\" enctype=\"multipart/form-data\""));
    assert_true(has(r.out.p, "<input type=\"hidden\" name=\"csrf\" value=\"c5rf70ken\">"));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
}

static void test_inventory_download(void **state)
{
    fixture *f = *state;
    req r;
    req_init(&r, f, "en", NULL);
    sl_cpagefix_run(&r, sl_page_inventory_download);
    assert_string_equal(r.p.content_type, "text/csv; charset=utf-8");
    assert_string_equal(r.p.filename, "inventory.csv");
    assert_true(strncmp(r.out.p, "\xEF\xBB\xBFid,name,site,region,unit_type,tags,channel,hours,timezone\r\n", 62) == 0);
    assert_true(has(r.out.p, "s2,Door,Branch 2,South,bank,,bank,daily 00:00-24:00,+08:00\r\n"));
    sl_cpagefix_free(&r);
}

/* The fields of a row form, all of screen s2's but one. */
static void row_fields(req *r, const char *col, const char *value)
{
    static const char *const cols[] = {"name", "site", "region", "unit_type", "tags", "channel", "hours", "timezone"};
    static const char *const vals[] = {"Door", "Branch 2", "South", "bank", "", "bank", "daily 00:00-24:00", "+08:00"};
    for (size_t i = 0; i < 8; i++)
        sl_cpagefix_field(r, cols[i], strcmp(cols[i], col) == 0 ? value : vals[i]);
}

static void test_inventory_row(void **state)
{
    fixture *f = *state;
    char before[1024], after[1024];
    req r;
    /* The form shows the stored values, escaped. */
    req_init(&r, f, "en", "s1");
    sl_cpagefix_run(&r, sl_page_inventory_row);
    assert_true(has(r.out.p, "<form method=\"post\" action=\"/console/inventory/s1\""));
    assert_true(has(r.out.p, "name=\"name\" type=\"text\" value=\"&lt;script&gt;"));
    assert_true(has(r.out.p, "value=\"mon-fri 08:30-17:30\""));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
    s1_name(f, before, sizeof before);
    /* A bad value: the error at its field, nothing saved. */
    static const struct {
        const char *col, *value, *why;
    } bad[] = {
        {"hours", "someday 25:00-26:00", "hours"},
        {"timezone", "Mars/Olympus", "timezone &quot;Mars/Olympus&quot;: not a known time zone"},
        {"name", "", "name is missing"},
        {"channel", EVIL, "channel &quot;&lt;script&gt;"},
        {"tags", "a,b", "tags"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req_init(&r, f, "en", "s1");
        row_fields(&r, bad[i].col, bad[i].value);
        sl_cpagefix_run(&r, sl_page_inventory_row_save);
        assert_int_equal(r.p.status, 400);
        assert_string_equal(r.p.redirect, "");
        char want[256];
        snprintf(want, sizeof want, "<span class=\"error\" id=\"error-%s\" role=\"alert\">%s", bad[i].col, bad[i].why);
        assert_true(has(r.out.p, want));
        snprintf(want, sizeof want, "id=\"f-%s\" name=\"%s\" type=\"text\" aria-invalid=\"true\"", bad[i].col,
                 bad[i].col);
        assert_true(has(r.out.p, want));
        assert_escaped(r.out.p);
        sl_cpagefix_free(&r);
        s1_name(f, after, sizeof after);
        assert_string_equal(before, after);
    }
    /* A good one is saved. */
    req_init(&r, f, "en", "s1");
    row_fields(&r, "name", "Lobby <new>");
    sl_cpagefix_run(&r, sl_page_inventory_row_save);
    assert_string_equal(r.p.redirect, "/console/inventory?done=saved&name=s1");
    sl_cpagefix_free(&r);
    s1_name(f, after, sizeof after);
    assert_string_equal(after, "Lobby <new>|daily 00:00-24:00|+08:00");
    /* A screen not in the inventory. */
    req_init(&r, f, "en", "nope");
    sl_cpagefix_run(&r, sl_page_inventory_row);
    assert_int_equal(r.p.status, 404);
    sl_cpagefix_free(&r);
}

static void test_people(void **state)
{
    fixture *f = *state;
    char err[256];
    req r;
    /* Added through the page: the store holds an Argon2id hash the password verifies against. */
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "name", "wang.li");
    sl_cpagefix_field(&r, "role", "auditor");
    sl_cpagefix_field(&r, "password", "a long password");
    sl_cpagefix_field(&r, "password2", "a long password");
    sl_cpagefix_run(&r, sl_page_people_add);
    assert_string_equal(r.p.redirect, "/console/people?done=added&name=wang.li");
    sl_cpagefix_free(&r);
    sl_hub_user u;
    assert_int_equal(f->hub.store->ops->user_get(f->hub.store, "wang.li", &u, err, sizeof err), SL_ST_OK);
    assert_int_equal(u.role, SL_ROLE_AUDITOR);
    assert_true(strncmp(u.pwhash, "$argon2id$", 10) == 0);
    assert_int_equal(crypto_pwhash_str_verify(u.pwhash, "a long password", strlen("a long password")), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(u.pwhash, "another password", 16), 0);
    /* Refusals: a hostile name, passwords that differ, a short one, a name taken. */
    static const struct {
        const char *name, *pw, *pw2;
        unsigned status;
        const char *why;
    } bad[] = {
        {EVIL, "a long password", "a long password", 400, "A name is 1 to 64"},
        {"li", "a long password", "another long one", 400, "differ"},
        {"li", "short", "short", 400, "short"},
        {"wang.li", "a long password", "a long password", 409, "A person has this name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req_init(&r, f, "en", NULL);
        sl_cpagefix_field(&r, "name", bad[i].name);
        sl_cpagefix_field(&r, "role", "admin");
        sl_cpagefix_field(&r, "password", bad[i].pw);
        sl_cpagefix_field(&r, "password2", bad[i].pw2);
        sl_cpagefix_run(&r, sl_page_people_add);
        assert_int_equal(r.p.status, bad[i].status);
        assert_true(has(r.out.p, bad[i].why));
        assert_escaped(r.out.p);
        sl_cpagefix_free(&r);
    }
    assert_int_equal(f->hub.store->ops->user_get(f->hub.store, "li", NULL, err, sizeof err), SL_ST_NOT_FOUND);
    /* A token: shown once on the result page, and it is a working credential. */
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "name", "ci-reader");
    sl_cpagefix_field(&r, "role", "publisher");
    sl_cpagefix_field(&r, "channels", "bank, lobby");
    sl_cpagefix_run(&r, sl_page_token_add);
    assert_true(has(r.out.p, "shown this once only"));
    const char *t = strstr(r.out.p, "<code id=\"token\" class=\"big\">");
    assert_non_null(t);
    t += strlen("<code id=\"token\" class=\"big\">");
    char hex[SL_HUB_TOKEN_HEX + 1];
    memcpy(hex, t, SL_HUB_TOKEN_HEX);
    hex[SL_HUB_TOKEN_HEX] = '\0';
    assert_int_equal(strspn(hex, "0123456789abcdef"), SL_HUB_TOKEN_HEX);
    sl_cpagefix_free(&r);
    uint8_t hash[SL_HUB_HASH_BYTES];
    sl_hub_hash(hex, SL_HUB_TOKEN_HEX, hash);
    sl_hub_principal who;
    assert_int_equal(f->hub.store->ops->auth_lookup(f->hub.store, hash, &who, err, sizeof err), SL_ST_OK);
    assert_int_equal(who.role, SL_ROLE_PUBLISHER);
    assert_string_equal(who.subject, "ci-reader");
    assert_string_equal(who.scope, "bank,lobby");
    /* Bad tokens: a hostile name, channels for an auditor, a name in use. */
    static const char *const tbad[][3] = {{EVIL, "auditor", ""}, {"aud", "auditor", "bank"}, {"ci-reader", "admin", ""}};
    for (size_t i = 0; i < 3; i++) {
        req_init(&r, f, "en", NULL);
        sl_cpagefix_field(&r, "name", tbad[i][0]);
        sl_cpagefix_field(&r, "role", tbad[i][1]);
        sl_cpagefix_field(&r, "channels", tbad[i][2]);
        sl_cpagefix_run(&r, sl_page_token_add);
        assert_true(r.p.status == 400 || r.p.status == 409);
        assert_null(strstr(r.out.p, "id=\"token\""));
        assert_escaped(r.out.p);
        sl_cpagefix_free(&r);
    }
    /* The page lists the person, the token and the key. */
    req_init(&r, f, "en", NULL);
    sl_cpagefix_run(&r, sl_page_people);
    assert_true(has(r.out.p, "<tr><td>wang.li</td><td>auditor</td>"));
    assert_true(has(r.out.p, "<tr><td>ci-reader</td><td>publisher</td><td>bank,lobby</td>"));
    assert_true(has(r.out.p, "<tr><td>content-team</td><td><code>"));
    assert_true(has(r.out.p, "action=\"/console/people/tokens/revoke\""));
    assert_true(has(r.out.p, "action=\"/console/people/disable\""));
    assert_true(has(r.out.p, "<input type=\"hidden\" name=\"csrf\" value=\"c5rf70ken\">"));
    assert_null(strstr(r.out.p, hex)); /* never shown again */
    sl_cpagefix_free(&r);
    /* Revoked: the credential stops working. */
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "name", "ci-reader");
    sl_cpagefix_run(&r, sl_page_token_revoke);
    assert_string_equal(r.p.redirect, "/console/people?done=revoked&name=ci-reader");
    sl_cpagefix_free(&r);
    assert_int_equal(f->hub.store->ops->auth_lookup(f->hub.store, hash, &who, err, sizeof err), SL_ST_NOT_FOUND);
    /* Disable, enable, remove; never oneself. */
    static const struct {
        int (*h)(sl_cpage *, char *, size_t);
        const char *done;
    } acts[] = {{sl_page_people_disable, "disabled"}, {sl_page_people_enable, "enabled"},
                {sl_page_people_remove, "removed"}};
    for (size_t i = 0; i < 3; i++) {
        req_init(&r, f, "en", NULL);
        sl_cpagefix_field(&r, "name", "wang.li");
        sl_cpagefix_run(&r, acts[i].h);
        char want[128];
        snprintf(want, sizeof want, "/console/people?done=%s&name=wang.li", acts[i].done);
        assert_string_equal(r.p.redirect, want);
        sl_cpagefix_free(&r);
        if (i == 0) {
            assert_int_equal(f->hub.store->ops->user_get(f->hub.store, "wang.li", &u, err, sizeof err), SL_ST_OK);
            assert_true(u.disabled);
        }
    }
    assert_int_equal(f->hub.store->ops->user_get(f->hub.store, "wang.li", NULL, err, sizeof err), SL_ST_NOT_FOUND);
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "name", "tester");
    sl_cpagefix_run(&r, sl_page_people_remove);
    assert_int_equal(r.p.status, 409);
    sl_cpagefix_free(&r);
    /* Keys: a bad one refused, a good one added with its channels. */
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "key", EVIL);
    sl_cpagefix_run(&r, sl_page_key_add);
    assert_int_equal(r.p.status, 400);
    assert_true(has(r.out.p, "not a publisher public key"));
    assert_escaped(r.out.p);
    sl_cpagefix_free(&r);
    req_init(&r, f, "en", NULL);
    sl_cpagefix_field(&r, "name", "branch");
    sl_cpagefix_field(&r, "key", "Q0FGRUNBRkVDQUZFQ0FGRUNBRkVDQUZFQ0FGRUNBRkU=");
    sl_cpagefix_field(&r, "channels", "bank-door");
    sl_cpagefix_run(&r, sl_page_key_add);
    assert_string_equal(r.p.redirect, "/console/people?done=key&name=branch");
    sl_cpagefix_free(&r);
    req_init(&r, f, "zh", NULL);
    sl_cpagefix_run(&r, sl_page_people);
    assert_true(has(r.out.p, "<tr><td>branch</td><td><code>Q0FGRUNBRkVDQUZFQ0FGRUNBRkVDQUZFQ0FGRUNBRkU=</code></td>"
                            "<td>bank-door</td>"));
    assert_true(has(r.out.p, "人员与令牌"));
    sl_cpagefix_free(&r);
}

/* The campaign editor's page for a browser at host (over TLS when tls): whether it has the notice that
 * publishing needs HTTPS (shown where the browser has no WebCrypto), hidden or shown. */
static void campaigns_notice(fixture *f, const char *host, bool tls, bool shown)
{
    req r;
    req_init(&r, f, "zh", NULL);
    r.p.host = host;
    r.p.tls = tls;
    sl_cpagefix_run(&r, sl_page_campaigns);
    assert_true(has(r.out.p, shown ? "<p class=\"error\" id=\"ed-insecure\">" : "<p class=\"error\" id=\"ed-insecure\" hidden>"));
    sl_cpagefix_free(&r);
}

/* The campaign editor's page: its sections for editor.js, the session's CSRF token for the editor's
 * API, the HTTPS notice by address (hidden over TLS and at the loopback address), editor.js compiled in. */
static void test_campaigns(void **state)
{
    fixture *f = *state;
    req r;
    req_init(&r, f, "en", NULL);
    sl_cpagefix_run(&r, sl_page_campaigns); /* Host hub.test:8080 over plain HTTP */
    assert_string_equal(r.p.title, "Campaigns");
    assert_true(has(r.out.p, "<p class=\"error\" id=\"ed-insecure\">Publishing from the browser needs the console over HTTPS"));
    assert_true(has(r.out.p, "<div id=\"editor\" data-lang=\"en\" data-csrf=\"c5rf70ken\""));
    assert_true(has(r.out.p, "<section class=\"ed-sec\" id=\"ed-items\" hidden><h2>Items</h2><div id=\"ed-items-body\"></div>"));
    assert_true(has(r.out.p, "<script src=\"/console/editor.js\" defer></script>"));
    sl_cpagefix_valid_html(r.out.p);
    sl_cpagefix_free(&r);
    campaigns_notice(f, "127.0.0.1:8080", false, false);
    campaigns_notice(f, "localhost", false, false);
    campaigns_notice(f, "[::1]:9", false, false);
    campaigns_notice(f, "127.0.0.1.evil.example", false, true);
    campaigns_notice(f, "hub.test:8443", true, false);
    assert_true(sl_cframe_editor_js_len > 1000);
    assert_int_equal(sl_cframe_editor_js[sl_cframe_editor_js_len], 0);
    assert_true(has((const char *)sl_cframe_editor_js, "screenlit-signed-manifest-1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inventory_upload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inventory_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inventory_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_people, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaigns, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
