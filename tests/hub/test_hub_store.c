/* test_hub_store.c — unit tests of the hub store contract, run against either backend (argument "sqlite" or "pg"): tokens, keys, inventory, enrolment, manifests, plays, heartbeats, screenshots, concurrency. */
#define _POSIX_C_SOURCE 200809L
#include "tools/hub/store/store.h"

#ifdef SL_WITH_PG
#include <libpq-fe.h>
#endif
#include <pthread.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define SL_MS_DAY_TEST 86400000LL

/* Which backend the run tests: SQLite in a temporary folder, or a fresh
 * database per test on the PostgreSQL server at pg_base (with-pg.sh). */
typedef struct {
    bool pg;
    const char *pg_base; /* postgresql://USER@HOST:PORT/postgres */
} backend;

typedef struct {
    const backend *be;
    char dir[256];    /* SQLite: the data folder */
    char url[512];    /* PostgreSQL: this test's database */
    char dbname[64];
    sl_store *st;
} fixture;

/* Runs one parameterless maintenance command on the server; 0 or -1. */
static int pg_admin(const char *url, const char *sql)
{
#ifndef SL_WITH_PG
    fprintf(stderr, "%s: built without PostgreSQL (SL_WITH_PG=OFF)\n", sql);
    (void)url;
    return -1;
#else
    PGconn *c = PQconnectdb(url);
    int rc = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc != 0)
            fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
    } else {
        fprintf(stderr, "%s", PQerrorMessage(c));
    }
    PQfinish(c);
    return rc;
#endif
}

static sl_store *open_store(const fixture *f, char *err, size_t errlen)
{
    return sl_store_open(f->dir, f->be->pg ? f->url : NULL, err, errlen);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512], sql[128];
    struct timespec ts;
    if (!f)
        return -1;
    f->be = *state;
    snprintf(f->dir, sizeof f->dir, "%s/hubstore.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    if (f->be->pg) {
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(f->dbname, sizeof f->dbname, "hubtest_%ld_%ld_%ld", (long)getpid(), (long)ts.tv_sec,
                 (long)ts.tv_nsec);
        snprintf(f->url, sizeof f->url, "%.*s/%s", (int)(strrchr(f->be->pg_base, '/') - f->be->pg_base),
                 f->be->pg_base, f->dbname);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", f->dbname); /* a name made above, not data */
        if (pg_admin(f->be->pg_base, sql) != 0)
            return -1;
    }
    f->st = open_store(f, err, sizeof err);
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
    int rc = 0;
    sl_store_close(f->st);
    if (f->be->pg) {
        snprintf(cmd, sizeof cmd, "DROP DATABASE %s WITH (FORCE)", f->dbname);
        rc = pg_admin(f->be->pg_base, cmd);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        rc = -1;
    free(f);
    return rc;
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

static int last_token_cb(void *ud, const sl_hub_token *t)
{
    *(sl_hub_token *)ud = *t;
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
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_ADMIN, NULL, h1, 1000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_AUDITOR, NULL, h2, 1000, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->auth_lookup(f->st, h1, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(p.role, SL_ROLE_ADMIN);
    assert_string_equal(p.subject, "ops");
    assert_string_equal(p.scope, "");
    assert_int_equal(o->auth_lookup(f->st, h2, &p, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->token_revoke(f->st, "ops", 2000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->token_revoke(f->st, "ops", 2000, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->auth_lookup(f->st, h1, &p, err, sizeof err), SL_ST_NOT_FOUND);
    /* The name is free again; both rows are listed. */
    assert_int_equal(o->token_add(f->st, "ops", SL_ROLE_PUBLISHER, "bank-lobby,bus.k1", h3, 3000, err, sizeof err),
                     SL_ST_OK);
    int n = 0;
    assert_int_equal(o->token_list(f->st, count_cb, &n, err, sizeof err), SL_ST_OK);
    assert_int_equal(n, 2);
    /* A publisher token's channel scope comes back with the lookup and the list. */
    assert_int_equal(o->auth_lookup(f->st, h3, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(p.role, SL_ROLE_PUBLISHER);
    assert_string_equal(p.scope, "bank-lobby,bus.k1");
    sl_hub_token last;
    memset(&last, 0, sizeof last);
    assert_int_equal(o->token_list(f->st, last_token_cb, &last, err, sizeof err), SL_ST_OK);
    assert_string_equal(last.channels, "bank-lobby,bus.k1");
}

static int key_count(void *ud, const sl_hub_key *k)
{
    (void)k;
    (*(int *)ud)++;
    return 0;
}

static int key_last(void *ud, const sl_hub_key *k)
{
    *(sl_hub_key *)ud = *k;
    return 0;
}

static void test_keys(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    int n = 0;
    sl_hub_key k;
    assert_int_equal(o->key_add(f->st, "a", "AAAA", "bank", 1, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->key_list(f->st, key_last, &k, err, sizeof err), SL_ST_OK);
    assert_string_equal(k.channels, "bank");
    /* The same key again changes only its channels (here: to every channel). */
    assert_int_equal(o->key_add(f->st, "other-name", "AAAA", NULL, 1, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->key_add(f->st, "a", "BBBB", NULL, 1, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->key_list(f->st, key_count, &n, err, sizeof err), SL_ST_OK);
    assert_int_equal(n, 1);
    assert_int_equal(o->key_list(f->st, key_last, &k, err, sizeof err), SL_ST_OK);
    assert_string_equal(k.name, "a");
    assert_string_equal(k.channels, "");
    assert_int_equal(o->key_add(f->st, "a", "AAAA", "bank,bus", 1, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->key_list(f->st, key_last, &k, err, sizeof err), SL_ST_OK);
    assert_string_equal(k.channels, "bank,bus");
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

    assert_int_equal(o->enroll_code_add(f->st, "nope", code, 5000, 1000, NULL, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_code_add(f->st, "s1", code, 5000, 1000, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_code_add(f->st, "s2", code, 5000, 1000, NULL, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->enroll_redeem(f->st, tok, tok, 2000, &got, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_redeem(f->st, code, tok, 5000, &got, err, sizeof err), SL_ST_EXPIRED);
    assert_int_equal(o->enroll_redeem(f->st, code, tok, 2000, &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.id, "s1");
    assert_int_equal(o->enroll_redeem(f->st, code, tok2, 2000, &got, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->auth_lookup(f->st, tok, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(p.role, SL_ROLE_SCREEN);
    assert_string_equal(p.subject, "s1");
    /* A new code replaces the device token. */
    assert_int_equal(o->enroll_code_add(f->st, "s1", code2, 5000, 1000, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_redeem(f->st, code2, tok2, 2000, &got, err, sizeof err), SL_ST_OK);
    /* The replaced token is refused as revoked, naming its screen. */
    memset(&p, 0, sizeof p);
    assert_int_equal(o->auth_lookup(f->st, tok, &p, err, sizeof err), SL_ST_REVOKED);
    assert_int_equal(p.role, SL_ROLE_SCREEN);
    assert_string_equal(p.subject, "s1");
    assert_int_equal(o->auth_lookup(f->st, tok2, &p, err, sizeof err), SL_ST_OK);
}

static int code_cb(void *ud, const sl_hub_enroll_code *c)
{
    sl_hub_enroll_code *v = ud;
    if (c->id >= 1 && c->id <= 8)
        v[c->id - 1] = *c;
    return 0;
}

static int enrolled_cb(void *ud, const sl_hub_screen_status *s)
{
    if (strcmp(s->s.id, "s1") == 0)
        *(int *)ud = s->enrolled ? 1 : 0;
    return 0;
}

/* Enrolling with one code revokes the screen's other outstanding codes;
 * codes are listed by id (never the code) and can be revoked; a screen can
 * be de-enrolled. */
static void test_enrol_codes(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    sl_hub_screen rows[2] = {screen("s1", "bank"), screen("s2", "bank")}, got;
    uint8_t c1[32], c2[32], c3[32], c4[32], t1[32], t2[32], t3[32];
    sl_hub_principal p;
    sl_hub_enroll_code v[8], one;
    int64_t id = 0;
    int enrolled = -1;
    hash_of(c1, 31);
    hash_of(c2, 32);
    hash_of(c3, 33);
    hash_of(c4, 34);
    hash_of(t1, 41);
    hash_of(t2, 42);
    hash_of(t3, 43);
    memset(v, 0, sizeof v);
    assert_int_equal(o->inventory_upsert(f->st, rows, 2, err, sizeof err), SL_ST_OK);
    /* An old 30-day code, then a new one; and one of another screen. */
    assert_int_equal(o->enroll_code_add(f->st, "s1", c1, 1000000, 1000, &id, err, sizeof err), SL_ST_OK);
    assert_int_equal(id, 1);
    assert_int_equal(o->enroll_code_add(f->st, "s1", c2, 1000000, 1100, &id, err, sizeof err), SL_ST_OK);
    assert_int_equal(id, 2);
    assert_int_equal(o->enroll_code_add(f->st, "s2", c3, 1000000, 1200, &id, err, sizeof err), SL_ST_OK);
    assert_int_equal(id, 3);
    assert_int_equal(o->enroll_redeem(f->st, c2, t2, 2000, &got, err, sizeof err), SL_ST_OK);
    /* The older code no longer enrols a second board; the other screen's code still works. */
    assert_int_equal(o->enroll_redeem(f->st, c1, t1, 3000, &got, err, sizeof err), SL_ST_REVOKED);
    assert_int_equal(o->auth_lookup(f->st, t2, &p, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->auth_lookup(f->st, t1, &p, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_code_list(f->st, NULL, code_cb, v, err, sizeof err), SL_ST_OK);
    assert_int_equal(v[0].id, 1);
    assert_string_equal(v[0].screen, "s1");
    assert_int_equal(v[0].revoked_ms, 2000);
    assert_int_equal(v[0].used_ms, -1);
    assert_int_equal(v[1].used_ms, 2000);
    assert_int_equal(v[1].revoked_ms, -1);
    assert_int_equal(v[1].created_ms, 1100);
    assert_int_equal(v[1].expires_ms, 1000000);
    assert_int_equal(v[2].used_ms, -1);
    assert_int_equal(v[2].revoked_ms, -1);
    memset(v, 0, sizeof v);
    assert_int_equal(o->enroll_code_list(f->st, "s2", code_cb, v, err, sizeof err), SL_ST_OK);
    assert_int_equal(v[0].id, 0); /* s1's codes are not listed */
    assert_int_equal(v[2].id, 3);
    /* Revoking: only a valid code; the revoked one no longer enrols. */
    assert_int_equal(o->enroll_code_revoke(f->st, 99, 4000, &one, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->enroll_code_revoke(f->st, 2, 4000, &one, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(one.used_ms, 2000);
    assert_int_equal(o->enroll_code_revoke(f->st, 3, 4000, &one, err, sizeof err), SL_ST_OK);
    assert_string_equal(one.screen, "s2");
    assert_int_equal(one.revoked_ms, 4000);
    assert_int_equal(o->enroll_code_revoke(f->st, 3, 4000, &one, err, sizeof err), SL_ST_CONFLICT);
    assert_int_equal(o->enroll_redeem(f->st, c3, t3, 5000, &got, err, sizeof err), SL_ST_REVOKED);
    /* An expired code cannot be revoked. */
    assert_int_equal(o->enroll_code_add(f->st, "s2", c4, 6000, 5000, &id, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_code_revoke(f->st, id, 6000, &one, err, sizeof err), SL_ST_CONFLICT);
    /* De-enrolment: the device token is refused as revoked, the screen is not enrolled. */
    assert_int_equal(o->screen_list(f->st, enrolled_cb, &enrolled, err, sizeof err), SL_ST_OK);
    assert_int_equal(enrolled, 1);
    assert_int_equal(o->screen_revoke(f->st, "s1", 7000, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->auth_lookup(f->st, t2, &p, err, sizeof err), SL_ST_REVOKED);
    assert_string_equal(p.subject, "s1");
    assert_int_equal(o->screen_list(f->st, enrolled_cb, &enrolled, err, sizeof err), SL_ST_OK);
    assert_int_equal(enrolled, 0);
    assert_int_equal(o->screen_revoke(f->st, "s1", 7000, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->screen_revoke(f->st, "nope", 7000, err, sizeof err), SL_ST_NOT_FOUND);
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

/* What one plays_put stored: the counts and the screen's acked seq. */
typedef struct {
    size_t stored, dups;
    int64_t acked;
} put_result;

/* plays_put, which must succeed. */
static put_result put(const fixture *f, const char *screen, const sl_play_record *r, const uint8_t *lit, size_t n,
                      int64_t received_ms)
{
    put_result p = {0};
    char err[256] = "";
    if (f->st->ops->plays_put(f->st, screen, r, lit, n, received_ms, &p.stored, &p.dups, &p.acked, err,
                              sizeof err) != SL_ST_OK)
        fail_msg("plays_put: %s", err);
    return p;
}

/* n records from seq 1 in zone, all of item, or "item-<seq>" when item is NULL. */
static void records(sl_play_record *r, int n, const char *zone, const char *item)
{
    memset(r, 0, (size_t)n * sizeof *r);
    for (int i = 0; i < n; i++) {
        r[i].seq = i + 1;
        snprintf(r[i].zone, sizeof r[i].zone, "%s", zone);
        if (item)
            snprintf(r[i].item, sizeof r[i].item, "%s", item);
        else
            snprintf(r[i].item, sizeof r[i].item, "item-%d", i + 1);
    }
}

static void test_plays(void **state)
{
    fixture *f = *state;
    put_result p;
    sl_play_record r[6];
    records(r, 6, "main", NULL);
    for (int i = 0; i < 6; i++) {
        r[i].duration_ms = 1000;
        r[i].start_ms = 1795564800000LL + i;
    }
    /* 1, 2, 4: acked stops at the gap. */
    sl_play_record first[3] = {r[0], r[1], r[3]};
    p = put(f, "s1", first, NULL, 3, 1);
    assert_int_equal(p.stored, 3);
    assert_int_equal(p.dups, 0);
    assert_int_equal(p.acked, 2);
    /* The same again: all duplicates, even with a changed field (the first copy wins). */
    first[0].duration_ms = 5;
    p = put(f, "s1", first, NULL, 3, 1);
    assert_int_equal(p.stored, 0);
    assert_int_equal(p.dups, 3);
    /* Filling the gap moves acked past what was already there. */
    p = put(f, "s1", &r[2], NULL, 1, 1);
    assert_int_equal(p.acked, 4);
    /* Another screen's seqs are independent. */
    p = put(f, "s2", r, NULL, 6, 1);
    assert_int_equal(p.stored, 6);
    assert_int_equal(p.acked, 6);
    /* An empty batch reports acked. */
    p = put(f, "s1", r, NULL, 0, 1);
    assert_int_equal(p.acked, 4);
}

static void test_plays_many(void **state)
{
    fixture *f = *state;
    put_result p;
    enum { N = 3000 };
    sl_play_record *r = calloc(N, sizeof *r);
    for (int i = 0; i < N; i++) {
        r[i].seq = N - i; /* out of order */
        snprintf(r[i].item, sizeof r[i].item, "x");
        snprintf(r[i].zone, sizeof r[i].zone, "main");
    }
    p = put(f, "s3", r, NULL, N, 1);
    assert_int_equal(p.stored, N);
    assert_int_equal(p.acked, N); /* the ack scan crosses its 1024-row pages */
    free(r);
}

/* Collects hourly summaries as text lines "screen hour lit untrusted_ms plays untrusted corrected items". */
typedef struct {
    char text[4096];
    size_t len;
    int rows;
} ph_rows;

static int ph_cb(void *ud, const sl_hub_play_hour *h)
{
    ph_rows *r = ud;
    /* items ("item=n;item=n") come in no set order: this test's rows hold at most two, put in name order */
    char a[128] = "", b[128] = "";
    const char *semi = strchr(h->items, ';');
    if (semi) {
        snprintf(a, sizeof a, "%.*s", (int)(semi - h->items), h->items);
        snprintf(b, sizeof b, "%s", semi + 1);
    } else {
        snprintf(a, sizeof a, "%s", h->items);
    }
    if (strcmp(a, b) > 0 && b[0]) {
        char t[128];
        memcpy(t, a, sizeof t);
        memcpy(a, b, sizeof a);
        memcpy(b, t, sizeof b);
    }
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len,
                               "%s %lld %lld %lld %lld %lld %lld %s%s%s\n", h->screen, (long long)h->hour_ms,
                               (long long)h->lit_ms, (long long)h->untrusted_ms, (long long)h->plays,
                               (long long)h->untrusted_plays, (long long)h->corrected_plays, a, b[0] ? "," : "", b);
    r->rows++;
    return 0;
}

static int online_row_cb(void *ud, const char *screen, int64_t hour, int minutes)
{
    ph_rows *r = ud;
    r->len += (size_t)snprintf(r->text + r->len, sizeof r->text - r->len, "%s %lld %d\n", screen,
                               (long long)hour, minutes);
    r->rows++;
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of text in place. */
static void sort_lines(char *text)
{
    char *lines[64], copy[4096];
    size_t n = 0, len = 0;
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && n < 64; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    qsort(lines, n, sizeof *lines, cmp_line);
    text[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, 4096 - len, "%s\n", lines[i]);
}

/* The hourly summary: lit time split over hours, untrusted plays in the hour
 * received, failed plays nowhere, duplicates not counted twice, and the
 * rows listed per screen in order; minutes online and one manifest version. */
/* Appends "VERSION@PUBLISHED:ENVELOPE;" (checking len and the NUL). */
static int mf_list_cb(void *ud, int64_t version, int64_t published_ms, const char *envelope, size_t len)
{
    char *seen = ud;
    assert_int_equal(strlen(envelope), len);
    size_t n = strlen(seen);
    snprintf(seen + n, 128 - n, "%lld@%lld:%s;", (long long)version, (long long)published_ms, envelope);
    return 0;
}

static void test_play_hours(void **state)
{
    fixture *f = *state;
    put_result p;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    const int64_t H = 3600000LL, T0 = 1795564800000LL; /* an hour boundary */
    sl_play_record r[6];
    uint8_t lit[6] = {1, 1, 0, 1, 1, 1};
    records(r, 6, "main", "poster");
    for (int i = 0; i < 6; i++)
        r[i].clock_trust = SL_CLOCK_SYNCED;
    r[0].start_ms = T0 + H - 10000; /* 10 s in hour 0, 20 s in hour 1 */
    r[0].duration_ms = 30000;
    r[1].start_ms = T0 + 5000;      /* hour 0, corrected */
    r[1].duration_ms = 10000;
    r[1].clock_trust = SL_CLOCK_CORRECTED;
    r[2].start_ms = T0 + 7000;      /* ticker: a play, not lit */
    r[2].duration_ms = 20000;
    snprintf(r[2].item, sizeof r[2].item, "slogan");
    snprintf(r[2].zone, sizeof r[2].zone, "ticker");
    r[3].start_ms = 0;              /* untrusted (1970): counted in the hour received */
    r[3].duration_ms = 4000;
    r[3].clock_trust = SL_CLOCK_UNTRUSTED;
    r[4].start_ms = T0 + 9000;      /* failed: nothing */
    r[4].duration_ms = 9000;
    r[4].outcome = SL_OUTCOME_FAILED;
    r[5] = r[1];                    /* a duplicate seq in the same batch: stored once */
    p = put(f, "s1", r, lit, 6, T0 + 2 * H + 1);
    assert_int_equal(p.stored, 5);
    assert_int_equal(p.dups, 1);
    /* The same batch again adds nothing. */
    p = put(f, "s1", r, lit, 6, T0 + 2 * H + 1);
    assert_int_equal(p.stored, 0);
    /* A second batch adds to an existing hour. */
    sl_play_record more = r[1];
    more.seq = 7;
    more.clock_trust = SL_CLOCK_SYNCED;
    p = put(f, "s1", &more, lit, 1, T0 + 2 * H + 1);
    sl_play_record other = r[1];
    other.seq = 1;
    p = put(f, "s0", &other, NULL, 1, T0);

    ph_rows rows = {0};
    assert_int_equal(o->play_hours_list(f->st, NULL, T0, T0 + 3 * H, ph_cb, &rows, err, sizeof err), SL_ST_OK);
    sort_lines(rows.text); /* all screens come in no particular order */
    char want[1024];
    snprintf(want, sizeof want,
             "s0 %lld 0 0 1 0 1 poster=1\n"                 /* s0 first; lit NULL: not lit */
             "s1 %lld 20000 0 4 0 1 poster=3,slogan=1\n"    /* 10 s + 10 s (seq 7 covers seq 2's time again); plays 0,1,2,seq 7 */
             "s1 %lld 20000 0 0 0 0 \n"                     /* the rest of the crossing play */
             "s1 %lld 0 4000 0 1 0 \n",                     /* the untrusted play, in the hour received */
             (long long)T0, (long long)T0, (long long)(T0 + H), (long long)(T0 + 2 * H));
    assert_string_equal(rows.text, want);
    /* One screen, and a window. */
    memset(&rows, 0, sizeof rows);
    assert_int_equal(o->play_hours_list(f->st, "s1", T0 + H, T0 + 2 * H, ph_cb, &rows, err, sizeof err), SL_ST_OK);
    assert_int_equal(rows.rows, 1);

    /* Minutes online of every screen, in screen order. */
    sl_hub_heartbeat hb = {.received_ms = T0 + 60000, .content_version = -1, .status_json = "{}"};
    bool shot;
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    hb.received_ms = T0 + 120000;
    assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->heartbeat_put(f->st, "s0", &hb, &shot, err, sizeof err), SL_ST_OK);
    memset(&rows, 0, sizeof rows);
    assert_int_equal(o->online_list(f->st, NULL, T0, T0 + H, online_row_cb, &rows, err, sizeof err), SL_ST_OK);
    sort_lines(rows.text);
    snprintf(want, sizeof want, "s0 %lld 1\ns1 %lld 2\n", (long long)T0, (long long)T0);
    assert_string_equal(rows.text, want);

    /* A given version of a manifest, and one the store does not hold. */
    int64_t cur;
    char *env = NULL;
    size_t len = 0;
    assert_int_equal(o->manifest_put(f->st, "bank", 3, "{\"v\":3}", 7, 1, &cur, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_put(f->st, "bank", 4, "{\"v\":4}", 7, 1, &cur, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_at(f->st, "bank", 3, &env, &len, err, sizeof err), SL_ST_OK);
    assert_string_equal(env, "{\"v\":3}");
    assert_int_equal(len, 7);
    free(env);
    assert_int_equal(o->manifest_at(f->st, "bank", 5, &env, &len, err, sizeof err), SL_ST_NOT_FOUND);
    /* Every version held, newest first, and at most a limit. */
    assert_int_equal(o->manifest_put(f->st, "bank", 10, "{\"v\":10}", 8, 2, &cur, err, sizeof err), SL_ST_OK);
    char seen[128] = "";
    assert_int_equal(o->manifest_list(f->st, "bank", 0, mf_list_cb, seen, err, sizeof err), SL_ST_OK);
    assert_string_equal(seen, "10@2:{\"v\":10};4@1:{\"v\":4};3@1:{\"v\":3};");
    seen[0] = '\0';
    assert_int_equal(o->manifest_list(f->st, "bank", 2, mf_list_cb, seen, err, sizeof err), SL_ST_OK);
    assert_string_equal(seen, "10@2:{\"v\":10};4@1:{\"v\":4};");
    seen[0] = '\0';
    assert_int_equal(o->manifest_list(f->st, "none", 0, mf_list_cb, seen, err, sizeof err), SL_ST_OK);
    assert_string_equal(seen, "");
}

/* Lit records that overlap (a ticker's slogans: one still crossing while
 * the next enters) count the time they cover, not the sum of their
 * durations, within a batch and across batches. */
static void test_play_hours_overlap(void **state)
{
    fixture *f = *state;
    put_result p;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    const int64_t H = 3600000LL, T0 = 1795564800000LL; /* an hour boundary */
    sl_play_record r[13];
    uint8_t lit[13];
    memset(lit, 1, sizeof lit);
    records(r, 13, "ticker", "slogan");
    for (int i = 0; i < 13; i++) {
        r[i].clock_trust = SL_CLOCK_SIMULATED;
        r[i].start_ms = T0 + i * 15000; /* 20 s each, the next 15 s later */
        r[i].duration_ms = 20000;
    }
    /* A short slogan entering later leaves (and is recorded) before a long one. */
    r[8].duration_ms = 30000; /* 120 .. 150 s */
    r[9].start_ms = T0 + 121000;
    r[9].duration_ms = 2000;
    r[10].start_ms = T0 + 200000; /* 200 .. 210 s */
    r[10].duration_ms = 10000;
    r[11].start_ms = T0 + 20000; /* inside what is covered already */
    r[11].duration_ms = 5000;
    r[12].start_ms = T0 + H - 5000; /* 5 s in each hour */
    r[12].duration_ms = 10000;
    /* Batches: seq 1-5, 6-11 (out of order), then 12-13; then 6-11 again. */
    p = put(f, "t1", r, lit, 5, T0 + 2 * H);
    sl_play_record b2[6] = {r[5], r[6], r[7], r[9], r[8], r[10]};
    p = put(f, "t1", b2, lit, 6, T0 + 2 * H);
    p = put(f, "t1", &r[11], lit, 2, T0 + 2 * H);
    p = put(f, "t1", b2, lit, 6, T0 + 2 * H);
    assert_int_equal(p.dups, 6);
    ph_rows rows = {0};
    assert_int_equal(o->play_hours_list(f->st, "t1", T0, T0 + 3 * H, ph_cb, &rows, err, sizeof err), SL_ST_OK);
    char want[512];
    /* 0 .. 150 s, 200 .. 210 s and the last 5 s of hour 0: 165 s, not the 217 s the durations add up to. */
    snprintf(want, sizeof want, "t1 %lld 165000 0 13 0 0 slogan=13\nt1 %lld 5000 0 0 0 0 \n", (long long)T0,
             (long long)(T0 + H));
    assert_string_equal(rows.text, want);

    /* A later record inside two stored ones that overlap each other adds nothing. */
    sl_play_record a[3];
    memcpy(a, r, sizeof a);
    a[0].start_ms = T0;
    a[0].duration_ms = 20000; /* 0 .. 20 s */
    a[1].start_ms = T0 + 15000;
    a[1].duration_ms = 25000; /* 15 .. 40 s */
    a[2].start_ms = T0 + 10000;
    a[2].duration_ms = 15000; /* 10 .. 25 s */
    p = put(f, "t2", a, lit, 2, T0 + 2 * H);
    p = put(f, "t2", &a[2], lit, 1, T0 + 2 * H);
    memset(&rows, 0, sizeof rows);
    assert_int_equal(o->play_hours_list(f->st, "t2", T0, T0 + 3 * H, ph_cb, &rows, err, sizeof err), SL_ST_OK);
    snprintf(want, sizeof want, "t2 %lld 40000 0 3 0 0 slogan=3\n", (long long)T0);
    assert_string_equal(rows.text, want);
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

typedef struct {
    int n;
    sl_hub_hb_point first, second, last;
} hb_seen;

static int hb_cb(void *ud, const sl_hub_hb_point *h)
{
    hb_seen *w = ud;
    if (w->n == 0)
        w->first = *h;
    else if (w->n == 1)
        w->second = *h;
    w->last = *h;
    w->n++;
    return 0;
}

/* The history keeps the first heartbeat of each 5-minute slot, its numbers
 * taken apart, the latest SL_HUB_HB_HISTORY of them, newest first. */
static void test_heartbeat_history(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256], js[256];
    bool shot;
    hb_seen w;
    sl_hub_screen rows[2] = {screen("s1", "bank"), screen("s2", "bank")};
    int64_t t0 = 1795564800000LL; /* a slot start */
    assert_int_equal(o->inventory_upsert(f->st, rows, 2, err, sizeof err), SL_ST_OK);
    memset(&w, 0, sizeof w);
    assert_int_equal(o->heartbeat_history(f->st, "s1", 10, hb_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 0);
    int beats = SL_HUB_HB_HISTORY + 12;
    for (int i = 0; i < beats; i++) {
        snprintf(js, sizeof js,
                 "{\"uptime_s\":%d,\"free_disk_bytes\":%lld,\"clock_offset_ms\":%d,\"clock_trust\":\"synced\"}",
                 i * 300, 68719476736LL + i, -40 - i);
        sl_hub_heartbeat hb = {t0 + (int64_t)i * SL_HUB_HB_SLOT_MS + 1000, 1, js};
        assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
        /* a second beat in the same slot is not kept */
        hb.received_ms += 60000;
        hb.status_json = "{\"uptime_s\":1}";
        assert_int_equal(o->heartbeat_put(f->st, "s1", &hb, &shot, err, sizeof err), SL_ST_OK);
    }
    sl_hub_heartbeat other = {t0, 1, "{}"};
    assert_int_equal(o->heartbeat_put(f->st, "s2", &other, &shot, err, sizeof err), SL_ST_OK);
    memset(&w, 0, sizeof w);
    assert_int_equal(o->heartbeat_history(f->st, "s1", 1000, hb_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, SL_HUB_HB_HISTORY);
    assert_int_equal(w.first.received_ms, t0 + (int64_t)(beats - 1) * SL_HUB_HB_SLOT_MS + 1000);
    assert_int_equal(w.first.uptime_s, (beats - 1) * 300);
    assert_int_equal(w.first.free_disk_bytes, 68719476736LL + beats - 1);
    assert_true(w.first.clock_offset_known);
    assert_int_equal(w.first.clock_offset_ms, -40 - (beats - 1));
    assert_string_equal(w.first.clock_trust, "synced");
    assert_int_equal(w.second.received_ms, w.first.received_ms - SL_HUB_HB_SLOT_MS);
    assert_int_equal(w.last.received_ms, t0 + (int64_t)(beats - SL_HUB_HB_HISTORY) * SL_HUB_HB_SLOT_MS + 1000);
    memset(&w, 0, sizeof w);
    assert_int_equal(o->heartbeat_history(f->st, "s1", 3, hb_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 3);
    /* another screen's history is its own; numbers not given are unknown */
    memset(&w, 0, sizeof w);
    assert_int_equal(o->heartbeat_history(f->st, "s2", 10, hb_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.first.uptime_s, -1);
    assert_int_equal(w.first.free_disk_bytes, -1);
    assert_false(w.first.clock_offset_known);
    assert_string_equal(w.first.clock_trust, "");
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

/* ---- the console's screens pages ---- */

typedef struct {
    int n;
    sl_hub_wall_row last[4];
    char status[4][256];
} wall_seen;

static int wall_cb(void *ud, const sl_hub_wall_row *r)
{
    wall_seen *w = ud;
    if (w->n < 4) {
        w->last[w->n] = *r;
        snprintf(w->status[w->n], sizeof w->status[w->n], "%s", r->status_json ? r->status_json : "(none)");
    }
    w->n++;
    return 0;
}

/* The wall's one read: every screen by id with its enrolment, last
 * heartbeat (its words taken apart), channel version and latest screenshot. */
static void test_wall_list(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    uint8_t code[32], tok[32];
    bool shot;
    sl_hub_screen rows[3] = {screen("b-lobby", "bank"), screen("a-hall", "bank"), screen("c-none", "")};
    snprintf(rows[0].region, sizeof rows[0].region, "华东");
    assert_int_equal(o->inventory_upsert(f->st, rows, 3, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_put(f->st, "bank", 4, "{}", 2, 1, NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->manifest_put(f->st, "bank", 7, "{}", 2, 1, NULL, err, sizeof err), SL_ST_OK);
    hash_of(code, 1);
    hash_of(tok, 2);
    assert_int_equal(o->enroll_code_add(f->st, "b-lobby", code, 1000000, 1, NULL, err, sizeof err), SL_ST_OK);
    sl_hub_screen got;
    assert_int_equal(o->enroll_redeem(f->st, code, tok, 2, &got, err, sizeof err), SL_ST_OK);
    sl_hub_heartbeat hb = {5000, 6,
                           "{\"content_version\":6,\"current_item\":\"poster-<1>\",\"free_disk_bytes\":"
                           "123456789012,\"clock_trust\":\"untrusted\"}"};
    assert_int_equal(o->heartbeat_put(f->st, "b-lobby", &hb, &shot, err, sizeof err), SL_ST_OK);
    sl_hub_screenshot s;
    memset(&s, 0, sizeof s);
    snprintf(s.mime, sizeof s.mime, "image/png");
    for (int i = 0; i < 3; i++) {
        s.taken_ms = 1795564800000LL + i * SL_MS_DAY_TEST;
        snprintf(s.file, sizeof s.file, "b-lobby/%d.png", i);
        assert_int_equal(o->screenshot_add(f->st, "b-lobby", &s, NULL, NULL, err, sizeof err), SL_ST_OK);
    }

    wall_seen w;
    memset(&w, 0, sizeof w);
    assert_int_equal(o->wall_list(f->st, NULL, wall_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.last[0].st.s.id, "a-hall"); /* by id */
    assert_false(w.last[0].st.enrolled);
    assert_int_equal(w.last[0].st.last_seen_ms, -1);
    assert_int_equal(w.last[0].channel_version, 7);
    assert_int_equal(w.last[0].free_disk_bytes, -1);
    assert_int_equal(w.last[0].shot_taken_ms, -1);
    assert_string_equal(w.last[0].current_item, "");
    assert_string_equal(w.status[0], "(none)");
    const sl_hub_wall_row *b = &w.last[1];
    assert_string_equal(b->st.s.id, "b-lobby");
    assert_string_equal(b->st.s.region, "华东");
    assert_true(b->st.enrolled);
    assert_int_equal(b->st.last_seen_ms, 5000);
    assert_int_equal(b->st.content_version, 6);
    assert_int_equal(b->channel_version, 7);
    assert_string_equal(b->current_item, "poster-<1>");
    assert_string_equal(b->clock_trust, "untrusted");
    assert_int_equal(b->free_disk_bytes, 123456789012LL);
    assert_int_equal(b->shot_taken_ms, 1795564800000LL + 2 * SL_MS_DAY_TEST);
    assert_string_equal(w.status[1], "(none)"); /* the whole status only for one screen */
    assert_string_equal(w.last[2].st.s.id, "c-none");
    assert_int_equal(w.last[2].channel_version, -1);

    memset(&w, 0, sizeof w);
    assert_int_equal(o->wall_list(f->st, "b-lobby", wall_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.last[0].st.s.id, "b-lobby");
    assert_non_null(strstr(w.status[0], "poster-<1>"));
    assert_string_equal(w.last[0].current_item, "poster-<1>");

    /* The next heartbeat's words replace the last one's; an earlier
     * screenshot arriving late does not move the latest back. */
    sl_hub_heartbeat hb2 = {6000, 7, "{\"clock_trust\":\"synced\"}"};
    assert_int_equal(o->heartbeat_put(f->st, "b-lobby", &hb2, &shot, err, sizeof err), SL_ST_OK);
    s.taken_ms = 1795564800000LL;
    snprintf(s.file, sizeof s.file, "b-lobby/late.png");
    assert_int_equal(o->screenshot_add(f->st, "b-lobby", &s, NULL, NULL, err, sizeof err), SL_ST_OK);
    memset(&w, 0, sizeof w);
    assert_int_equal(o->wall_list(f->st, "b-lobby", wall_cb, &w, err, sizeof err), SL_ST_OK);
    assert_string_equal(w.last[0].current_item, "");
    assert_string_equal(w.last[0].clock_trust, "synced");
    assert_int_equal(w.last[0].free_disk_bytes, -1);
    assert_int_equal(w.last[0].st.content_version, 7);
    assert_int_equal(w.last[0].shot_taken_ms, 1795564800000LL + 2 * SL_MS_DAY_TEST);
    memset(&w, 0, sizeof w);
    assert_int_equal(o->wall_list(f->st, "nope", wall_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 0);
}

static int shot_list_cb(void *ud, const sl_hub_screenshot *s)
{
    char *names = ud;
    strcat(names, s->file);
    strcat(names, " ");
    return 0;
}

static void test_screenshot_list(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256], names[512] = "";
    sl_hub_screenshot s;
    int64_t t0 = 1795564800000LL; /* a UTC midnight */
    memset(&s, 0, sizeof s);
    snprintf(s.mime, sizeof s.mime, "image/jpeg");
    int64_t at[5] = {t0 - 1, t0, t0 + 5000, t0 + SL_MS_DAY_TEST, t0 + 2 * SL_MS_DAY_TEST};
    for (int i = 0; i < 5; i++) {
        s.taken_ms = at[i];
        s.size = 100 + i;
        snprintf(s.file, sizeof s.file, "s1/%d.jpg", i);
        assert_int_equal(o->screenshot_add(f->st, "s1", &s, NULL, NULL, err, sizeof err), SL_ST_OK);
        snprintf(s.file, sizeof s.file, "s2/%d.jpg", i);
        assert_int_equal(o->screenshot_add(f->st, "s2", &s, NULL, NULL, err, sizeof err), SL_ST_OK);
    }
    /* [t0, t0 + 2 days): newest first, this screen only, the ends as given. */
    assert_int_equal(o->screenshot_list(f->st, "s1", t0, t0 + 2 * SL_MS_DAY_TEST, shot_list_cb, names, err,
                                        sizeof err),
                     SL_ST_OK);
    assert_string_equal(names, "s1/3.jpg s1/2.jpg s1/1.jpg ");
    names[0] = '\0';
    assert_int_equal(o->screenshot_list(f->st, "s1", t0 + 5000, t0 + 5001, shot_list_cb, names, err, sizeof err),
                     SL_ST_OK);
    assert_string_equal(names, "s1/2.jpg ");
    names[0] = '\0';
    assert_int_equal(o->screenshot_list(f->st, "s1", t0, t0, shot_list_cb, names, err, sizeof err), SL_ST_OK);
    assert_string_equal(names, "");
}

static int latest_play_cb(void *ud, const sl_play_record *r, int64_t received_ms)
{
    char *seqs = ud;
    char one[32];
    assert_int_equal(received_ms, 77);
    snprintf(one, sizeof one, "%lld:%s ", (long long)r->seq, r->item);
    strcat(seqs, one);
    return 0;
}

static void test_plays_latest(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256], seqs[256] = "";
    sl_play_record r[5];
    records(r, 5, "main", NULL);
    put(f, "s1", r, NULL, 5, 77);
    put(f, "s2", r, NULL, 2, 77);
    assert_int_equal(o->plays_latest(f->st, "s1", 3, latest_play_cb, seqs, err, sizeof err), SL_ST_OK);
    assert_string_equal(seqs, "5:item-5 4:item-4 3:item-3 ");
    seqs[0] = '\0';
    assert_int_equal(o->plays_latest(f->st, "s2", 50, latest_play_cb, seqs, err, sizeof err), SL_ST_OK);
    assert_string_equal(seqs, "2:item-2 1:item-1 ");
}

static void test_reopen(void **state)
{
    fixture *f = *state;
    char err[256];
    uint8_t h[32];
    sl_hub_principal p;
    hash_of(h, 99);
    assert_int_equal(f->st->ops->token_add(f->st, "keep", SL_ROLE_AUDITOR, NULL, h, 1, err, sizeof err), SL_ST_OK);
    sl_store_close(f->st);
    f->st = open_store(f, err, sizeof err);
    assert_non_null(f->st);
    assert_string_equal(f->st->ops->name, f->be->pg ? "postgresql" : "sqlite");
    assert_int_equal(f->st->ops->auth_lookup(f->st, h, &p, err, sizeof err), SL_ST_OK);
    assert_string_equal(p.subject, "keep");
    sl_store_close(NULL);
}

/* A store of schema 2 (before channel scopes, code ids and revocation) is
 * upgraded when opened: its tokens keep working for every channel, its codes
 * get ids in the order they were stored, and enrolling revokes the others. */
static void test_upgrade_from_v2(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    uint8_t admin[32], c1[32], c2[32], tok[32];
    sl_hub_principal p;
    sl_hub_screen got;
    sl_hub_enroll_code v[8];
    memset(v, 0, sizeof v);
    hash_of(admin, 0x51);
    hash_of(c1, 0x52);
    hash_of(c2, 0x53);
    hash_of(tok, 0x54);
    sl_store_close(f->st);
    f->st = NULL;
    /* Back to schema 2, with a token, a screen and two codes stored the old way. */
    const char *common =
        "DROP TABLE users; DROP TABLE sessions; DROP TABLE heartbeat_history;"
        "DROP TABLE revoked_screen_tokens; DROP INDEX enroll_codes_id; DROP INDEX enroll_codes_screen;"
        "ALTER TABLE tokens DROP COLUMN channels; ALTER TABLE keys DROP COLUMN channels;"
        "ALTER TABLE enroll_codes DROP COLUMN id; ALTER TABLE enroll_codes DROP COLUMN revoked;"
        "ALTER TABLE heartbeats DROP COLUMN current_item; ALTER TABLE heartbeats DROP COLUMN clock_trust;"
        "ALTER TABLE heartbeats DROP COLUMN free_disk; ALTER TABLE screen_state DROP COLUMN last_shot;"
        "INSERT INTO screens(id, name, site, region, unit_type, tags, channel, hours, timezone)"
        " VALUES('s1', 'n', '', '', '', '', 'bank', 'daily 08:00-18:00', 'UTC');"
        "INSERT INTO heartbeats(screen, received, content_version, status, last_minute) VALUES('s1', 5, 1,"
        " '{\"current_item\":\"old-item\",\"clock_trust\":\"untrusted\",\"free_disk_bytes\":77}', 0);"
        "INSERT INTO screenshots(screen, day, taken, file, size, mime) VALUES('s1', 0, 3000, 's1/b.png', 1,"
        " 'image/png'), ('s1', 0, 1000, 's1/a.png', 1, 'image/png');";
    char sql[4096];
    if (f->be->pg) {
        snprintf(sql, sizeof sql,
                 "%s UPDATE sl_meta SET value = 2 WHERE key = 'schema_version';"
                 "INSERT INTO tokens(name, role, hash, created) VALUES('old', 'admin', '\\x51%060dab', 1);"
                 "INSERT INTO enroll_codes(hash, screen, created, expires) VALUES('\\x52%060dab', 's1', 1, 9000);"
                 "INSERT INTO enroll_codes(hash, screen, created, expires) VALUES('\\x53%060dab', 's1', 2, 9000);",
                 common, 0, 0, 0);
        assert_int_equal(pg_admin(f->url, sql), 0);
    } else {
        char path[300];
        sqlite3 *db = NULL;
        snprintf(sql, sizeof sql,
                 "%s PRAGMA user_version = 2;"
                 "INSERT INTO tokens(name, role, hash, created) VALUES('old', 'admin', X'51%060dab', 1);"
                 "INSERT INTO enroll_codes(hash, screen, created, expires) VALUES(X'52%060dab', 's1', 1, 9000);"
                 "INSERT INTO enroll_codes(hash, screen, created, expires) VALUES(X'53%060dab', 's1', 2, 9000);",
                 common, 0, 0, 0);
        snprintf(path, sizeof path, "%s/hub.db", f->dir);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        char *msg = NULL;
        int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
        if (rc != SQLITE_OK)
            fprintf(stderr, "%s\n", msg ? msg : "?");
        sqlite3_free(msg);
        assert_int_equal(rc, SQLITE_OK);
        sqlite3_close(db);
    }
    f->st = open_store(f, err, sizeof err);
    if (!f->st)
        fail_msg("the upgrade failed: %s", err);
    const sl_store_ops *o = f->st->ops;
    assert_int_equal(o->auth_lookup(f->st, admin, &p, err, sizeof err), SL_ST_OK);
    assert_string_equal(p.subject, "old");
    assert_string_equal(p.scope, "");
    assert_int_equal(o->enroll_code_list(f->st, NULL, code_cb, v, err, sizeof err), SL_ST_OK);
    assert_int_equal(v[0].id, 1);
    assert_int_equal(v[0].created_ms, 1);
    assert_int_equal(v[1].id, 2);
    assert_int_equal(v[1].created_ms, 2);
    assert_int_equal(o->enroll_redeem(f->st, c2, tok, 100, &got, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->enroll_redeem(f->st, c1, tok, 100, &got, err, sizeof err), SL_ST_REVOKED);
    int64_t id = 0;
    assert_int_equal(o->enroll_code_add(f->st, "s1", admin, 9000, 200, &id, err, sizeof err), SL_ST_OK);
    assert_int_equal(id, 3);
    /* Schema 5: the wall's columns are filled from what was stored. */
    wall_seen w;
    memset(&w, 0, sizeof w);
    assert_int_equal(o->wall_list(f->st, NULL, wall_cb, &w, err, sizeof err), SL_ST_OK);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.last[0].current_item, "old-item");
    assert_string_equal(w.last[0].clock_trust, "untrusted");
    assert_int_equal(w.last[0].free_disk_bytes, 77);
    assert_int_equal(w.last[0].shot_taken_ms, 3000);
    /* Schema 6: the history starts with the last heartbeat. */
    hb_seen hs;
    memset(&hs, 0, sizeof hs);
    assert_int_equal(o->heartbeat_history(f->st, "s1", 10, hb_cb, &hs, err, sizeof err), SL_ST_OK);
    assert_int_equal(hs.n, 1);
    assert_int_equal(hs.first.received_ms, 5);
    assert_int_equal(hs.first.free_disk_bytes, 77);
    assert_string_equal(hs.first.clock_trust, "untrusted");
}

/* A database written by a newer hub is refused with a clear message. */
static void test_newer_schema(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    sl_store_close(f->st);
    f->st = NULL;
    if (f->be->pg) {
        assert_int_equal(pg_admin(f->url, "UPDATE sl_meta SET value = 99 WHERE key = 'schema_version'"), 0);
    } else {
        char path[300];
        sqlite3 *db = NULL;
        snprintf(path, sizeof path, "%s/hub.db", f->dir);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
    }
    assert_null(open_store(f, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
}

/* An unreachable server fails at open, with a message that says so. */
static void test_unreachable(void **state)
{
    fixture *f = *state;
    char err[512] = "";
    if (!f->be->pg) {
        /* SQLite: an unusable data folder. */
        assert_null(sl_store_open("/proc/no-such-folder/x", NULL, err, sizeof err));
        assert_true(err[0] != '\0');
        return;
    }
    /* A loopback port nothing listens on: the server's own port, plus one. */
    const char *colon = strrchr(f->be->pg_base, ':');
    assert_non_null(colon);
    char url[256];
    snprintf(url, sizeof url, "postgresql://sltest@127.0.0.1:%ld/x?connect_timeout=2", strtol(colon + 1, NULL, 10) + 1);
    assert_null(sl_store_open(f->dir, url, err, sizeof err));
    assert_non_null(strstr(err, "not reachable"));
    assert_null(sl_store_open(f->dir, "mysql://x", err, sizeof err));
}

/* ---- concurrency: several threads on two handles (two hub processes) --- */

enum { CC_THREADS = 8, CC_PLAYS = 2000, CC_BATCH = 250, CC_VERSIONS = 40 };

typedef struct {
    sl_store *st;
    int id;
    size_t stored;
    int64_t acked_max;
    int failures;
    int accepted[CC_VERSIONS + 1];
} cc_worker;

/* Posts every batch of seqs 1..CC_PLAYS, starting at a different batch per
 * thread, so batches overlap in time and in content. */
static void *cc_plays(void *arg)
{
    cc_worker *w = arg;
    char err[256];
    sl_play_record *r = calloc(CC_BATCH, sizeof *r);
    int nb = CC_PLAYS / CC_BATCH;
    for (int k = 0; r && k < nb; k++) {
        int b = (k + w->id) % nb;
        for (int i = 0; i < CC_BATCH; i++) {
            r[i].seq = (int64_t)b * CC_BATCH + i + 1;
            snprintf(r[i].item, sizeof r[i].item, "t%d", w->id);
            snprintf(r[i].zone, sizeof r[i].zone, "main");
        }
        size_t stored = 0, dups = 0;
        int64_t acked = 0;
        if (w->st->ops->plays_put(w->st, "cc", r, NULL, CC_BATCH, 1, &stored, &dups, &acked, err, sizeof err) != SL_ST_OK) {
            fprintf(stderr, "plays_put: %s\n", err);
            w->failures++;
            continue;
        }
        w->stored += stored;
        if (acked > w->acked_max)
            w->acked_max = acked;
    }
    free(r);
    return NULL;
}

/* Publishes versions 1..CC_VERSIONS of one channel, in order. */
static void *cc_manifests(void *arg)
{
    cc_worker *w = arg;
    char err[256], env[64];
    for (int v = 1; v <= CC_VERSIONS; v++) {
        int64_t cur = -1;
        int n = snprintf(env, sizeof env, "{\"v\":%d,\"by\":%d}", v, w->id);
        sl_st_rc rc = w->st->ops->manifest_put(w->st, "cc", v, env, (size_t)n, 1, &cur, err, sizeof err);
        if (rc == SL_ST_OK)
            w->accepted[v]++;
        else if (rc != SL_ST_CONFLICT || cur < v) {
            fprintf(stderr, "manifest_put %d: rc %d cur %lld %s\n", v, (int)rc, (long long)cur, err);
            w->failures++;
        }
    }
    return NULL;
}

static int count_plays(void *ud, const sl_play_record *r, int64_t received_ms)
{
    int64_t *n = ud;
    (void)received_ms;
    if (r->seq == n[0] + 1)
        n[0] = r->seq;
    n[1]++;
    return 0;
}

static void test_concurrent(void **state)
{
    fixture *f = *state;
    char err[512];
    sl_store *other = open_store(f, err, sizeof err);
    assert_non_null(other);
    cc_worker w[CC_THREADS];
    pthread_t th[CC_THREADS];

    memset(w, 0, sizeof w);
    for (int i = 0; i < CC_THREADS; i++) {
        w[i].st = i % 2 ? other : f->st;
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, cc_plays, &w[i]), 0);
    }
    size_t stored = 0;
    for (int i = 0; i < CC_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].failures, 0);
        stored += w[i].stored;
    }
    assert_int_equal(stored, CC_PLAYS); /* each record stored exactly once */
    int64_t seen[2] = {0, 0};
    assert_int_equal(f->st->ops->plays_list(f->st, "cc", 0, 100000, count_plays, seen, err, sizeof err), SL_ST_OK);
    assert_int_equal(seen[1], CC_PLAYS);
    assert_int_equal(seen[0], CC_PLAYS);
    size_t st2, dups;
    int64_t acked;
    assert_int_equal(other->ops->plays_put(other, "cc", NULL, NULL, 0, 1, &st2, &dups, &acked, err, sizeof err), SL_ST_OK);
    assert_int_equal(acked, CC_PLAYS);

    memset(w, 0, sizeof w);
    for (int i = 0; i < CC_THREADS; i++) {
        w[i].st = i % 2 ? other : f->st;
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, cc_manifests, &w[i]), 0);
    }
    int accepted[CC_VERSIONS + 1] = {0};
    for (int i = 0; i < CC_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].failures, 0);
        for (int v = 1; v <= CC_VERSIONS; v++)
            accepted[v] += w[i].accepted[v];
    }
    for (int v = 1; v <= CC_VERSIONS; v++)
        assert_true(accepted[v] <= 1); /* no version is accepted twice */
    assert_int_equal(accepted[CC_VERSIONS], 1);
    int64_t v = 0;
    char *env = NULL;
    size_t len = 0;
    assert_int_equal(other->ops->manifest_get(other, "cc", &v, &env, &len, err, sizeof err), SL_ST_OK);
    assert_int_equal(v, CC_VERSIONS);
    assert_non_null(strstr(env, "\"v\":40"));
    free(env);
    sl_store_close(other);
}

/* ---- people of the web console and their sessions ---- */

static sl_hub_user person(const char *name, sl_hub_role role, const char *pwhash)
{
    sl_hub_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    snprintf(u.pwhash, sizeof u.pwhash, "%s", pwhash);
    u.created_ms = 1000;
    return u;
}

static int user_names_cb(void *ud, const sl_hub_user *u)
{
    char *names = ud;
    strcat(names, u->name);
    strcat(names, ",");
    return 0;
}

static void test_users(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256], names[256] = "";
    sl_hub_user u = person("wang.li", SL_ROLE_AUDITOR, "$argon2id$v=19$m=32768,t=3,p=1$c2FsdA$aGFzaA"), got;
    assert_int_equal(o->user_add(f->st, &u, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_add(f->st, &u, err, sizeof err), SL_ST_CONFLICT);
    sl_hub_user a = person("Admin-1", SL_ROLE_ADMIN, "$argon2id$x");
    assert_int_equal(o->user_add(f->st, &a, err, sizeof err), SL_ST_OK);
    memset(&got, 0, sizeof got);
    assert_int_equal(o->user_get(f->st, "wang.li", &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.name, "wang.li");
    assert_int_equal(got.role, SL_ROLE_AUDITOR);
    assert_string_equal(got.pwhash, u.pwhash);
    assert_int_equal(got.created_ms, 1000);
    assert_false(got.disabled);
    assert_int_equal(o->user_get(f->st, "nobody", &got, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->user_get(f->st, "WANG.LI", NULL, err, sizeof err), SL_ST_NOT_FOUND); /* names are exact */
    /* Listed by name, byte order. */
    assert_int_equal(o->user_list(f->st, user_names_cb, names, err, sizeof err), SL_ST_OK);
    assert_string_equal(names, "Admin-1,wang.li,");
    /* Changes. */
    assert_int_equal(o->user_set_password(f->st, "wang.li", "$argon2id$new", NULL, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_set(f->st, "wang.li", SL_ROLE_PUBLISHER, true, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_get(f->st, "wang.li", &got, err, sizeof err), SL_ST_OK);
    assert_string_equal(got.pwhash, "$argon2id$new");
    assert_int_equal(got.role, SL_ROLE_PUBLISHER);
    assert_true(got.disabled);
    assert_int_equal(o->user_set_password(f->st, "nobody", "$x", NULL, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->user_set(f->st, "nobody", SL_ROLE_ADMIN, false, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->user_remove(f->st, "wang.li", err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_remove(f->st, "wang.li", err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->user_get(f->st, "wang.li", NULL, err, sizeof err), SL_ST_NOT_FOUND);
    /* The name is free again. */
    assert_int_equal(o->user_add(f->st, &u, err, sizeof err), SL_ST_OK);
}

static void test_sessions(void **state)
{
    fixture *f = *state;
    const sl_store_ops *o = f->st->ops;
    char err[256];
    uint8_t s1[32], s2[32], s3[32], s4[32];
    sl_hub_session x;
    const int64_t idle = 30 * 60000, touch = 60000;
    hash_of(s1, 0x61);
    hash_of(s2, 0x62);
    hash_of(s3, 0x63);
    hash_of(s4, 0x64);
    sl_hub_user u = person("li", SL_ROLE_ADMIN, "$argon2id$a"), v = person("zhao", SL_ROLE_AUDITOR, "$argon2id$b");
    assert_int_equal(o->user_add(f->st, &u, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_add(f->st, &v, err, sizeof err), SL_ST_OK);
    /* Only for someone who exists; a hash is unique. */
    assert_int_equal(o->session_add(f->st, s1, "nobody", 10000, idle, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_add(f->st, s1, "li", 10000, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_add(f->st, s1, "zhao", 10000, idle, err, sizeof err), SL_ST_CONFLICT);
    memset(&x, 0, sizeof x);
    assert_int_equal(o->session_check(f->st, s1, 10000, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_string_equal(x.user.name, "li");
    assert_int_equal(x.user.role, SL_ROLE_ADMIN);
    assert_int_equal(x.created_ms, 10000);
    assert_int_equal(x.seen_ms, 10000);
    assert_int_equal(o->session_check(f->st, s2, 10000, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    /* Use within touch_ms does not write; later use moves the idle time on. */
    assert_int_equal(o->session_check(f->st, s1, 10000 + touch - 1, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_int_equal(x.seen_ms, 10000);
    assert_int_equal(o->session_check(f->st, s1, 10000 + idle - 1, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_int_equal(x.seen_ms, 10000 + idle - 1);
    int64_t seen = x.seen_ms;
    assert_int_equal(o->session_check(f->st, s1, seen + idle - 1, idle, touch, NULL, err, sizeof err), SL_ST_OK);
    /* Idle for idle_ms: gone, and stays gone. */
    seen += idle - 1;
    assert_int_equal(o->session_check(f->st, s1, seen + idle, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_check(f->st, s1, seen + 1, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_end(f->st, s1, err, sizeof err), SL_ST_NOT_FOUND);
    /* A role change applies at once. */
    assert_int_equal(o->session_add(f->st, s2, "zhao", 20000, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_set(f->st, "zhao", SL_ROLE_PUBLISHER, false, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s2, 20001, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_int_equal(x.user.role, SL_ROLE_PUBLISHER);
    /* Logging out ends one session. */
    assert_int_equal(o->session_add(f->st, s3, "zhao", 20000, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_end(f->st, s3, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s3, 20001, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_check(f->st, s2, 20001, idle, touch, &x, err, sizeof err), SL_ST_OK);
    /* A new password ends the person's other sessions, keeping the one named. */
    assert_int_equal(o->session_add(f->st, s3, "zhao", 20000, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_add(f->st, s4, "li", 20000, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->user_set_password(f->st, "zhao", "$argon2id$c", s3, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s2, 20002, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_check(f->st, s3, 20002, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s4, 20002, idle, touch, &x, err, sizeof err), SL_ST_OK);
    /* Disabled: their sessions stop, and no new one starts; enabled again, they log in anew. */
    assert_int_equal(o->user_set(f->st, "zhao", SL_ROLE_PUBLISHER, true, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s3, 20003, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_add(f->st, s2, "zhao", 20003, idle, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->user_set(f->st, "zhao", SL_ROLE_PUBLISHER, false, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s3, 20004, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    assert_int_equal(o->session_add(f->st, s2, "zhao", 20004, idle, err, sizeof err), SL_ST_OK);
    /* Removed: the same. */
    assert_int_equal(o->user_remove(f->st, "zhao", err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s2, 20005, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    /* A person added again under that name does not get the old sessions back. */
    assert_int_equal(o->user_add(f->st, &v, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s2, 20006, idle, touch, &x, err, sizeof err), SL_ST_NOT_FOUND);
    /* Starting a session removes the idle ones of everybody. */
    assert_int_equal(o->session_add(f->st, s1, "zhao", 20000 + idle - 1, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_check(f->st, s4, 20000 + idle - 1, idle, touch, &x, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_add(f->st, s3, "zhao", 20002 + 3 * idle, idle, err, sizeof err), SL_ST_OK);
    assert_int_equal(o->session_end(f->st, s4, err, sizeof err), SL_ST_NOT_FOUND);
    /* Sessions outlive the store being closed and opened again. */
    sl_store_close(f->st);
    f->st = open_store(f, err, sizeof err);
    assert_non_null(f->st);
    assert_int_equal(f->st->ops->session_check(f->st, s3, 20002 + 3 * idle, idle, touch, &x, err, sizeof err),
                     SL_ST_OK);
    assert_string_equal(x.user.name, "zhao");
}

int main(int argc, char **argv)
{
    backend be = {false, NULL};
    const char *which = argc > 1 ? argv[1] : getenv("SL_TEST_STORE");
    if (which && strcmp(which, "pg") == 0) {
#ifndef SL_WITH_PG
        fprintf(stderr, "FAIL: this build has no PostgreSQL store (SL_WITH_PG=OFF)\n");
        return 1;
#endif
        be.pg = true;
        be.pg_base = getenv("SL_TEST_PG_URL");
        if (!be.pg_base || !strrchr(be.pg_base, '/')) {
            fprintf(stderr, "FAIL: the pg run needs SL_TEST_PG_URL (run it through tests/hub/with-pg.sh)\n");
            return 1;
        }
    } else if (which && strcmp(which, "sqlite") != 0) {
        fprintf(stderr, "usage: test_hub_store [sqlite|pg]\n");
        return 2;
    }
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &be)
    const struct CMUnitTest tests[] = {
        T(test_tokens),     T(test_keys),        T(test_inventory_enrol), T(test_enrol_codes), T(test_manifests),
        T(test_plays),      T(test_plays_many),  T(test_heartbeats),      T(test_screenshots),
        T(test_heartbeat_history),
        T(test_play_hours), T(test_play_hours_overlap), T(test_wall_list),   T(test_screenshot_list), T(test_plays_latest),
        T(test_users),      T(test_sessions),
        T(test_reopen),     T(test_upgrade_from_v2), T(test_newer_schema), T(test_unreachable),    T(test_concurrent),
    };
#undef T
    return cmocka_run_group_tests_name(be.pg ? "store:postgresql" : "store:sqlite", tests, NULL, NULL);
}
