/* test_hub_store.c — unit tests of the hub store contract (SQLite backend): tokens, keys, inventory, enrolment, manifests, plays, heartbeats, screenshots. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct {
    char dir[256];
    sl_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[256];
    snprintf(f->dir, sizeof f->dir, "%s/hubstore.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    f->st = sl_store_open_sqlite(f->dir, err, sizeof err);
    if (!f->st) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[300];
    sl_store_close(f->st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void hash_of(uint8_t h[SL_HUB_HASH_BYTES], int n)
{
    memset(h, 0, SL_HUB_HASH_BYTES);
    h[0] = (uint8_t)n;
    h[31] = 0xAB;
}

static sl_hub_screen screen(const char *id, const char *channel)
{
    sl_hub_screen s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    snprintf(s.name, sizeof s.name, "工商银行 %s", id);
    snprintf(s.channel, sizeof s.channel, "%s", channel);
    snprintf(s.hours, sizeof s.hours, "daily 08:00-18:00");
    snprintf(s.timezone, sizeof s.timezone, "Asia/Shanghai");
    return s;
}

static int count_cb(void *ud, const sl_hub_token *t)
{
    (void)t;
    (*(int *)ud)++;
    return 0;
}

static void test_tokens(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    uint8_t h1[32], h2[32], h3[32];
    sl_hub_principal p;
    hash_of(h1, 1);
    hash_of(h2, 2);
    hash_of(h3, 3);
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_ADMIN, h1, 1000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_AUDITOR, h2, 1000, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->auth_lookup(f->st, h1, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(p.role, SL_ROLE_ADMIN);
    assert_string_equal(p.subject, "ops");
    assert_int_equal(o->auth_lookup(f->st, h2, &p, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->token_revoke(f->st, "ops", 2000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->token_revoke(f->st, "ops", 2000, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->auth_lookup(f->st, h1, &p, err, sizeof err), SL_ST_NOT_FOUND);
    /* The name is free again; both rows are listed. */
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_PUBLISHER, h3, 3000, err, sizeof err), SL_ST_OK);
    int n = 0;
    assert_int_equal(o->token_list(f->st, count_cb, &n, err, sizeof err), SL_ST_OK);
    assert_int_equal(n, 2);
}

static int key_count(void *ud, const sl_hub_key *k)
{
    (void)k;
    (*(int *)ud)++;
    return 0;
}

static void test_keys(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    int n = 0;
    assert_int_equal(o->key_add(f->st, "a", "AAAA", 1, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->key_add(f->st, "other-name", "AAAA", 1, err, sizeof err), SL_ST_OK); /* idempotent */
    assert_int_equal(o->key_add(f->st, "a", "BBBB", 1, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->key_list(f->st, key_count, &n, err, sizeof err), SL_ST_OK);
    assert_int_equal(n, 1);
}

static void test_inventory_enrol(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    sl_hub_screen rows[2] = {screen("s1", "bank"), screen("s2", "")}, got;
    uint8_t code[32], tok[32], tok2[32], code2[32];
    sl_hub_principal p;
    hash_of(code, 10);
    hash_of(code2, 11);
    hash_of(tok, 20);
    hash_of(tok2, 21);
    assert_int_equal(o->inventory_upsert(f->st, rows, 2, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->screen_get(f->st, "s1", &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.name, "工商银行 s1");
    assert_int_equal(o->screen_get(f->st, "nope", &got, err, sizeof err), SL_ST_NOT_FOUND);
    /* Upsert replaces a row's fields. */
    snprintf(rows[0].channel, sizeof rows[0].channel, "bank2");
    assert_int_equal(o->inventory_upsert(f->st, rows, 1, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->screen_get(f->st, "s1", &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.channel, "bank2");

    assert_int_equal(o->enroll_code_add(f->st, "nope", code, 5000, 1000, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_code_add(f->st, "s1", code, 5000, 1000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_code_add(f->st, "s2", code, 5000, 1000, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->enroll_redeem(f->st, tok, tok, 2000, &got, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_redeem(f->st, code, tok, 5000, &got, err, sizeof err), SL_ST_EXPIRED);
    assert_int_equal(o->enroll_redeem(f->st, code, tok, 2000, &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.id, "s1");
    assert_int_equal(o->enroll_redeem(f->st, code, tok2, 2000, &got, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->auth_lookup(f->st, tok, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(p.role, SL_ROLE_SCREEN);
    assert_string_equal(p.subject, "s1");
    /* A new code replaces the device token. */
    assert_int_equal(o->enroll_code_add(f->st, "s1", code2, 5000, 1000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_redeem(f->st, code2, tok2, 2000, &got, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->auth_lookup(f->st, tok, &p, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->auth_lookup(f->st, tok2, &p, err, sizeof err), SL_ST_OK);
}

static void test_manifests(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256], *env = NULL;
    int64_t v = 0, cur = 0;
    size_t len = 0;
    assert_int_equal(o->manifest_version(f->st, "bank", &v, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->manifest_put(f->st, "bank", 2, "{\"v\":2}", 7, 1, &cur, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_put(f->st, "bank", 2, "{\"v\":2}", 7, 1, &cur, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(cur, 2);
    assert_int_equal(o->manifest_put(f->st, "bank", 1, "{\"v\":1}", 7, 1, &cur, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->manifest_put(f->st, "bank", 5, "{\"v\":5}", 7, 1, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_get(f->st, "bank", &v, &env, &len, err, sizeof err), SL_ST_OK);
    assert_int_equal(v, 5);
    assert_int_equal(len, 7);
    assert_string_equal(env, "{\"v\":5}");
    free(env);
}

static void test_plays(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    sl_play_record r[6];
    size_t stored, dups;
    int64_t acked;
    memset(r, 0, sizeof r);
    for (int i = 0; i < 6; i++) {
        r[i].seq = i + 1;
        snprintf(r[i].item, sizeof r[i].item, "item-%d", i);
        snprintf(r[i].zone, sizeof r[i].zone, "main");
        r[i].duration_ms = 1000;
        r[i].start_ms = 1795564800000LL + i;
    }
    /* 1, 2, 4: acked stops at the gap. */
    sl_play_record first[3] = {r[0], r[1], r[3]};
    assert_int_equal(o->plays_put(f->st, "s1", first, 3, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(stored, 3);
    assert_int_equal(dups, 0);
    assert_int_equal(acked, 2);
    /* The same again: all duplicates, even with a changed field (the first copy wins). */
    first[0].duration_ms = 5;
    assert_int_equal(o->plays_put(f->st, "s1", first, 3, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(stored, 0);
    assert_int_equal(dups, 3);
    /* Filling the gap moves acked past what was already there. */
    assert_int_equal(o->plays_put(f->st, "s1", &r[2], 1, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(acked, 4);
    /* Another screen's seqs are independent. */
    assert_int_equal(o->plays_put(f->st, "s2", r, 6, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(stored, 6);
    assert_int_equal(acked, 6);
    /* An empty batch reports acked. */
    assert_int_equal(o->plays_put(f->st, "s1", r, 0, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(acked, 4);
}

static void test_plays_many(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    enum { N = 3000 };
    sl_play_record *r = calloc(N, sizeof *r);
    size_t stored, dups;
    int64_t acked;
    for (int i = 0; i < N; i++) {
        r[i].seq = N - i; /* out of order */
        snprintf(r[i].item, sizeof r[i].item, "x");
        snprintf(r[i].zone, sizeof r[i].zone, "main");
    }
    assert_int_equal(o->plays_put(f->st, "s3", r, N, 1, &stored, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(stored, N);
    assert_int_equal(acked, N); /* the ack scan crosses its 1024-row pages */
    free(r);
}

static int hour_cb(void *ud, int64_t hour, int minutes)
{
    int *m = ud;
    (void)hour;
    *m += minutes;
    return 0;
}

static void test_heartbeats(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    sl_hub_screen rows[1] = {screen("s1", "bank")};
    bool shot = true;
    int64_t t0 = 1795564800000LL; /* an hour start */
    assert_int_equal(o->inventory_upsert(f->st, rows, 1, err, sizeof err), SL_ST_OK);
    sl_hub_heartbeat hb = {t0 + 1000, 3, "{}"};
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_false(shot);
    hb.received_ms = t0 + 30000; /* same minute: not counted again */
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    hb.received_ms = t0 + 61000;
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    hb.received_ms = t0 + 3600000 + 5; /* next hour */
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    int minutes = 0;
    assert_int_equal(o->hours_list(f->st, "s1", t0, t0 + 3600000, hour_cb, &minutes, err, sizeof err), SL_ST_OK);
    assert_int_equal(minutes, 2);
    assert_int_equal(o->screenshot_request(f->st, "nope", err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->screenshot_request(f->st, "s1", err, sizeof err), SL_ST_OK);
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_true(shot);
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_false(shot);
}

static void evicted_cb(void *ud, const char *file)
{
    (void)file;
    (*(int *)ud)++;
}

static void test_screenshots(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    int gone = 0;
    sl_hub_screenshot s, latest;
    memset(&s, 0, sizeof s);
    assert_int_equal(o->screenshot_latest(f->st, "s1", &latest, err, sizeof err), SL_ST_NOT_FOUND);
    for (int i = 0; i < 9; i++) {
        s.taken_ms = 1795564800000LL + i * 1000;
        snprintf(s.file, sizeof s.file, "s1/%d.png", i);
        snprintf(s.mime, sizeof s.mime, "image/png");
        assert_int_equal(o->screenshot_add(f->st, "s1", &s, evicted_cb, &gone, err, sizeof err), SL_ST_OK);
    }
    assert_int_equal(gone, 3); /* 9 taken: the first 5 and the latest kept */
    assert_int_equal(o->screenshot_latest(f->st, "s1", &latest, err, sizeof err), SL_ST_OK);
    assert_string_equal(latest.file, "s1/8.png");
}

static void test_reopen(void **state)
{
    fixture *f = *state;
    char err[256];
    uint8_t h[32];
    sl_hub_principal p;
    hash_of(h, 99);
    assert_int_equal(f->st->ops->token_add(f->st, "keep", SL_ROLE_AUDITOR, h, 1, err, sizeof err), SL_ST_OK);
    sl_store_close(f->st);
    f->st = sl_store_open_sqlite(f->dir, err, sizeof err);
    assert_non_null(f->st);
    assert_int_equal(f->st->ops->auth_lookup(f->st, h, &p, err, sizeof err), SL_ST_OK);
    assert_string_equal(p.subject, "keep");
    sl_store_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inventory_enrol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plays_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screenshots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
