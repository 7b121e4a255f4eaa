/* hubfix.c — the hub tests' shared setup: a scratch hub with a published channel, inventory rows, enrolment, plays. */
#include "tests/hub/hubfix.h"

#include "tests/unit/testutil.h"
#include "tools/hub/service/hub_plays.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const payload =
    "{\"format\":1,\"name\":\"t\",\"timezone\":\"Asia/Shanghai\","
    "\"zones\":[{\"id\":\"ticker\",\"x\":0,\"y\":88,\"w\":100,\"h\":12},{\"id\":\"big\",\"x\":0,\"y\":0,\"w\":100,\"h\":88}],"
    "\"items\":[{\"id\":\"poster-app\",\"zone\":\"big\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"a\",\"duration\":10},"
    "{\"id\":\"poster-other\",\"zone\":\"big\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"b\",\"duration\":10},"
    "{\"id\":\"slogan\",\"zone\":\"ticker\",\"type\":\"text\",\"mode\":\"ticker\",\"text\":\"c\",\"duration\":20}],"
    "\"rules\":[{\"items\":[\"poster-app\"],\"hours\":\"08:30-17:30\",\"min_per_hour\":6}],"
    "\"channel\":\"bank\",\"version\":1,\"created\":\"2026-11-20T00:00:00Z\"}";

int sl_hubfix_open(sl_hub *hub, char *dir, size_t cap, const char *prefix)
{
    char err[256];
    int64_t cur;
    memset(hub, 0, sizeof *hub);
    if (sl_test_tmpdir(dir, cap, prefix) != 0 || sl_hub_open(hub, dir, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "cannot open a hub in %s\n", dir);
        return -1;
    }
    cJSON *env = cJSON_CreateObject();
    cJSON_AddStringToObject(env, "payload", payload);
    char *text = cJSON_PrintUnformatted(env);
    cJSON_Delete(env);
    sl_store *st = hub->store;
    int rc = text && st->ops->manifest_put(st, "bank", 1, text, strlen(text), 1, &cur, err, sizeof err) == SL_ST_OK
                 ? 0
                 : -1;
    if (rc != 0)
        fprintf(stderr, "cannot publish the test channel: %s\n", err);
    free(text);
    return rc;
}

void sl_hubfix_close(sl_hub *hub, const char *dir)
{
    sl_hub_close(hub);
    if (sl_test_rmtree(dir) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

void sl_hubfix_screen(sl_store *st, const char *id, const char *name, const char *region, const char *unit,
                      const char *hours)
{
    sl_hub_screen s;
    char err[256];
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    if (name)
        snprintf(s.name, sizeof s.name, "%s", name);
    else
        snprintf(s.name, sizeof s.name, "屏幕 %s", id);
    snprintf(s.site, sizeof s.site, "%s", s.name);
    snprintf(s.region, sizeof s.region, "%s", region);
    snprintf(s.unit_type, sizeof s.unit_type, "%s", unit);
    snprintf(s.channel, sizeof s.channel, "bank");
    snprintf(s.hours, sizeof s.hours, "%s", hours);
    snprintf(s.timezone, sizeof s.timezone, "Asia/Shanghai");
    assert_int_equal(st->ops->inventory_upsert(st, &s, 1, err, sizeof err), SL_ST_OK);
}

void sl_hubfix_enrol(sl_store *st, const char *id, uint8_t n)
{
    uint8_t code[SL_HUB_HASH_BYTES] = {n}, tok[SL_HUB_HASH_BYTES] = {n, 1};
    char err[256];
    sl_hub_screen out;
    assert_int_equal(st->ops->enroll_code_add(st, id, code, INT64_MAX, 1, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(st->ops->enroll_redeem(st, code, tok, 2, &out, err, sizeof err), SL_ST_OK);
}

void sl_hubfix_plays(sl_hub *hub, int64_t *seq, const char *screen, const char *zone, int64_t a, int64_t b,
                     int every, sl_clock_trust trust)
{
    sl_svc_err e;
    size_t n = 0, cap = (size_t)((b - a) / 10000) + 1, stored, dups;
    int64_t acked;
    sl_play_record *r = calloc(cap, sizeof *r);
    assert_non_null(r);
    for (int64_t t = a; t + 10000 <= b; t += 10000, n++) {
        r[n].seq = ++*seq;
        snprintf(r[n].screen, sizeof r[n].screen, "%s", screen);
        snprintf(r[n].zone, sizeof r[n].zone, "%s", zone);
        bool app = strcmp(zone, "big") == 0 && every > 0 && n % (size_t)every == 0;
        snprintf(r[n].item, sizeof r[n].item, "%s",
                 strcmp(zone, "ticker") == 0 ? "slogan" : app ? "poster-app" : "poster-other");
        r[n].manifest_version = 1;
        r[n].start_ms = t;
        r[n].duration_ms = 10000;
        r[n].clock_trust = trust;
    }
    for (size_t i = 0; i < n; i += SL_HUB_PLAYS_BATCH_MAX) {
        size_t k = n - i < SL_HUB_PLAYS_BATCH_MAX ? n - i : SL_HUB_PLAYS_BATCH_MAX;
        assert_int_equal(sl_hub_plays_store(hub, screen, r + i, k, &stored, &dups, &acked, &e), SL_SVC_OK);
        assert_int_equal(stored, k);
    }
    free(r);
}
