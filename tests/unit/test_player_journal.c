/* test_player_journal.c — unit and fault tests of player/journal: seqs, acks, totals, clock corrections, corruption, full disk, kill -9. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "player/journal.h"

#include <sqlite3.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------- fixtures and helpers ---------- */

typedef struct {
    char dir[64];
    char path[128]; /* dir/journal.db */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-journal") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/journal.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        chmod(f->dir, 0755);
        sl_test_rmtree(f->dir);
        free(f);
    }
    return 0;
}

/* A record whose fields all derive from n, so that read-backs can be checked. */
static sl_play_record mkrec(int n)
{
    sl_play_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.screen, sizeof r.screen, "lobby-%d", n % 3);
    snprintf(r.item, sizeof r.item, "item-%d", n % 4);
    if (n % 5 != 0)
        snprintf(r.media_sha256, sizeof r.media_sha256, "%064x", (unsigned)n);
    r.manifest_version = 7 + n;
    snprintf(r.zone, sizeof r.zone, "%s", n % 2 ? "main" : "ticker");
    r.start_ms = 1795651200000LL + (int64_t)n * 10000;
    r.mono_start_ms = 5000 + (int64_t)n * 10000;
    r.clock_trust = (sl_clock_trust)(n % 4);
    r.duration_ms = 1000 + n;
    r.outcome = (sl_outcome)(n % 3);
    if (r.outcome != SL_OUTCOME_COMPLETED)
        snprintf(r.reason, sizeof r.reason, "reason %d", n);
    return r;
}

static void assert_rec_equal(const sl_play_record *a, const sl_play_record *b)
{
    assert_string_equal(a->screen, b->screen);
    assert_int_equal(a->seq, b->seq);
    assert_string_equal(a->item, b->item);
    assert_string_equal(a->media_sha256, b->media_sha256);
    assert_int_equal(a->manifest_version, b->manifest_version);
    assert_string_equal(a->zone, b->zone);
    assert_int_equal(a->start_ms, b->start_ms);
    assert_int_equal(a->mono_start_ms, b->mono_start_ms);
    assert_int_equal(a->clock_trust, b->clock_trust);
    assert_int_equal(a->duration_ms, b->duration_ms);
    assert_int_equal(a->outcome, b->outcome);
    assert_string_equal(a->reason, b->reason);
}

static sl_journal *open_ok(const char *path)
{
    char err[512] = "junk";
    sl_journal *j = sl_journal_open(path, err, sizeof err);
    if (!j)
        fail_msg("open %s: %s", path, err);
    assert_string_equal(err, ""); /* a clean open says nothing */
    return j;
}

static int64_t append_ok(sl_journal *j, sl_play_record *r)
{
    char err[256];
    if (sl_journal_append(j, r, err, sizeof err) != 0)
        fail_msg("append: %s", err);
    return r->seq;
}

/* Runs PRAGMA quick_check on path with a plain SQLite connection. */
static void assert_quick_check_ok(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* All pending records (malloc'd, *n of them). */
static sl_play_record *all_pending(sl_journal *j, size_t *n)
{
    int64_t c = sl_journal_pending_count(j);
    assert_true(c >= 0);
    size_t cap = (size_t)c + 1;
    sl_play_record *v = calloc(cap, sizeof *v);
    assert_non_null(v);
    assert_int_equal(sl_journal_pending(j, v, cap, n), 0);
    assert_int_equal(*n, (size_t)c);
    return v;
}

typedef struct {
    char items[8][SL_RECORD_ID_MAX + 1];
    int64_t plays[8], ms[8];
    int n;
} counts_seen;

static void count_cb(void *ud, const char *item, int64_t plays, int64_t total_ms)
{
    counts_seen *c = ud;
    assert_true(c->n < 8);
    snprintf(c->items[c->n], sizeof c->items[c->n], "%s", item);
    c->plays[c->n] = plays;
    c->ms[c->n] = total_ms;
    c->n++;
}

static void write_bytes(const char *path, size_t len, uint32_t seed)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1664525u + 1013904223u;
        fputc((int)(seed >> 24), fp);
    }
    assert_int_equal(fclose(fp), 0);
}

/* The name of the one file in dir starting with prefix and not ending in
 * suffix_excl ("" when there is none). */
static void find_aside(const char *dir, const char *prefix, char *out, size_t outlen)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        if (len > 4 && (strcmp(e->d_name + len - 4, "-wal") == 0 ||
                        strcmp(e->d_name + len - 4, "-shm") == 0))
            continue;
        snprintf(out, outlen, "%s/%s", dir, e->d_name);
        found++;
    }
    closedir(d);
    assert_int_equal(found, out[0] ? 1 : 0);
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* ---------- basics ---------- */

static void test_journal_append_assigns_seq_and_counts(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), 0);
    assert_int_equal(sl_journal_last_seq(j), 0);

    sl_play_record a = mkrec(0), b = mkrec(1), c = mkrec(4);
    a.seq = b.seq = c.seq = 999; /* overwritten */
    assert_int_equal(append_ok(j, &a), 1);
    assert_int_equal(append_ok(j, &b), 2);
    assert_int_equal(append_ok(j, &c), 3);
    assert_int_equal(sl_journal_pending_count(j), 3);
    assert_int_equal(sl_journal_last_seq(j), 3);

    counts_seen cs;
    memset(&cs, 0, sizeof cs);
    assert_int_equal(sl_journal_counts(j, count_cb, &cs), 0);
    assert_int_equal(cs.n, 2); /* item-0 (records 0 and 4) and item-1, in item order */
    assert_string_equal(cs.items[0], "item-0");
    assert_int_equal(cs.plays[0], 2);
    assert_int_equal(cs.ms[0], 1000 + 1004);
    assert_string_equal(cs.items[1], "item-1");
    assert_int_equal(cs.plays[1], 1);
    assert_int_equal(cs.ms[1], 1001);
    assert_int_equal(sl_journal_counts(j, NULL, NULL), 0);
    assert_string_equal(sl_journal_errmsg(j), "");
    sl_journal_close(j);
}

static void test_journal_reopen_persists_every_field(void **state)
{
    fixture *f = *state;
    sl_play_record v[12];
    sl_journal *j = open_ok(f->path);
    for (int i = 0; i < 12; i++) {
        v[i] = mkrec(i);
        assert_int_equal(append_ok(j, &v[i]), i + 1);
    }
    sl_journal_close(j);

    j = open_ok(f->path);
    size_t n = 0;
    sl_play_record *got = all_pending(j, &n);
    assert_int_equal(n, 12);
    for (int i = 0; i < 12; i++)
        assert_rec_equal(&got[i], &v[i]);
    free(got);
    sl_play_record r = mkrec(12);
    assert_int_equal(append_ok(j, &r), 13);
    sl_journal_close(j);
    assert_quick_check_ok(f->path);
}

static void test_journal_full_length_fields_round_trip(void **state)
{
    fixture *f = *state;
    sl_play_record r = mkrec(1);
    memset(r.screen, 's', SL_RECORD_ID_MAX);
    memset(r.item, 'i', SL_RECORD_ID_MAX);
    memset(r.media_sha256, 'f', 64);
    memset(r.zone, 'z', SL_RECORD_ID_MAX);
    memset(r.reason, 'r', sizeof r.reason - 1);
    r.reason[sizeof r.reason - 1] = '\0';
    memcpy(r.reason, "\xc3\xbcnicode reason", 16); /* UTF-8 is kept byte for byte */
    r.start_ms = INT64_MIN + 1;
    r.mono_start_ms = INT64_MAX;
    r.manifest_version = INT64_MAX;
    sl_journal *j = open_ok(f->path);
    append_ok(j, &r);
    sl_play_record got;
    size_t n = 0;
    assert_int_equal(sl_journal_pending(j, &got, 1, &n), 0);
    assert_int_equal(n, 1);
    assert_rec_equal(&got, &r);
    sl_journal_close(j);
}

static void test_journal_ack_deletes_and_seqs_continue(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    for (int i = 0; i < 5; i++) {
        sl_play_record r = mkrec(i);
        append_ok(j, &r);
    }
    assert_int_equal(sl_journal_ack(j, 3), 0);
    assert_int_equal(sl_journal_pending_count(j), 2);
    sl_play_record p[5];
    size_t n = 0;
    assert_int_equal(sl_journal_pending(j, p, 5, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].seq, 4);
    assert_int_equal(p[1].seq, 5);

    /* A stale, a zero and a repeated ack change nothing. */
    assert_int_equal(sl_journal_ack(j, 2), 0);
    assert_int_equal(sl_journal_ack(j, 0), 0);
    assert_int_equal(sl_journal_ack(j, -4), 0);
    assert_int_equal(sl_journal_ack(j, 3), 0);
    assert_int_equal(sl_journal_pending_count(j), 2);

    /* An ack of a seq never handed out is refused and deletes nothing. */
    assert_int_equal(sl_journal_ack(j, 6), -1);
    assert_non_null(strstr(sl_journal_errmsg(j), "refused"));
    assert_int_equal(sl_journal_pending_count(j), 2);

    /* Ack everything: the table is empty, yet seqs continue above the max. */
    assert_int_equal(sl_journal_ack(j, 5), 0);
    assert_int_equal(sl_journal_pending_count(j), 0);
    sl_play_record r = mkrec(5);
    assert_int_equal(append_ok(j, &r), 6);
    assert_int_equal(sl_journal_ack(j, 6), 0);
    sl_journal_close(j);

    j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), 0);
    assert_int_equal(sl_journal_last_seq(j), 6);
    r = mkrec(6);
    assert_int_equal(append_ok(j, &r), 7);

    /* Totals still count every play since creation. */
    counts_seen cs;
    memset(&cs, 0, sizeof cs);
    assert_int_equal(sl_journal_counts(j, count_cb, &cs), 0);
    int64_t plays = 0, ms = 0;
    for (int i = 0; i < cs.n; i++) {
        plays += cs.plays[i];
        ms += cs.ms[i];
    }
    assert_int_equal(plays, 7);
    assert_int_equal(ms, 7 * 1000 + (0 + 1 + 2 + 3 + 4 + 5 + 6));
    sl_journal_close(j);
}

static void test_journal_pending_order_and_max(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    for (int i = 0; i < 10; i++) {
        sl_play_record r = mkrec(i);
        append_ok(j, &r);
    }
    sl_play_record p[16];
    size_t n = 99;
    assert_int_equal(sl_journal_pending(j, p, 4, &n), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        sl_play_record want = mkrec((int)i);
        want.seq = (int64_t)i + 1;
        assert_rec_equal(&p[i], &want);
    }
    n = 99;
    assert_int_equal(sl_journal_pending(j, NULL, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(sl_journal_pending(j, p, 16, &n), 0);
    assert_int_equal(n, 10);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i].seq, (int64_t)i + 1);

    assert_int_equal(sl_journal_ack(j, 4), 0);
    assert_int_equal(sl_journal_pending(j, p, 3, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].seq, 5);
    assert_int_equal(p[1].seq, 6);
    assert_int_equal(p[2].seq, 7);
    assert_int_equal(sl_journal_pending(j, NULL, 3, &n), -1);
    assert_int_equal(sl_journal_pending(j, p, 3, NULL), -1);
    sl_journal_close(j);
}

static void test_journal_raise_seq(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    assert_int_equal(sl_journal_raise_seq(j, 1000), 0); /* on an empty journal */
    sl_play_record r = mkrec(1);
    assert_int_equal(append_ok(j, &r), 1001);
    assert_int_equal(sl_journal_raise_seq(j, 10), 0); /* lower: no effect */
    assert_int_equal(append_ok(j, &r), 1002);
    assert_int_equal(sl_journal_raise_seq(j, 5000), 0);
    assert_int_equal(sl_journal_last_seq(j), 5000);
    assert_int_equal(sl_journal_raise_seq(j, -1), -1);
    sl_journal_close(j);
    j = open_ok(f->path);
    assert_int_equal(append_ok(j, &r), 5001);
    sl_journal_close(j);
}

static void test_journal_rejects_bad_arguments(void **state)
{
    fixture *f = *state;
    char err[256];
    sl_journal_close(NULL);
    assert_null(sl_journal_open(NULL, err, sizeof err));
    assert_true(err[0] != '\0');
    assert_null(sl_journal_open("", NULL, 0));
    sl_play_record r = mkrec(1);
    assert_int_equal(sl_journal_append(NULL, &r, err, sizeof err), -1);
    assert_int_equal(sl_journal_pending_count(NULL), -1);
    assert_int_equal(sl_journal_ack(NULL, 1), -1);
    assert_int_equal(sl_journal_counts(NULL, count_cb, NULL), -1);
    assert_int_equal(sl_journal_last_seq(NULL), -1);
    assert_int_equal(sl_journal_raise_seq(NULL, 1), -1);
    size_t n = 5;
    assert_int_equal(sl_journal_pending(NULL, &r, 1, &n), -1);
    assert_int_equal(n, 0);
    assert_string_equal(sl_journal_errmsg(NULL), "no journal");

    sl_journal *j = open_ok(f->path);
    assert_int_equal(sl_journal_append(j, NULL, err, sizeof err), -1);
    r.outcome = (sl_outcome)7;
    r.seq = 42;
    assert_int_equal(sl_journal_append(j, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "invalid"));
    assert_int_equal(r.seq, 42);
    r = mkrec(1);
    r.duration_ms = -5;
    assert_int_equal(sl_journal_append(j, &r, NULL, 0), -1);
    assert_int_equal(sl_journal_pending_count(j), 0);
    r = mkrec(1);
    assert_int_equal(append_ok(j, &r), 1); /* rejected records used no seq */
    sl_journal_close(j);
}

/* A path whose folder does not exist cannot be opened at all. */
static void test_journal_open_missing_folder_fails(void **state)
{
    fixture *f = *state;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/nope/journal.db", f->dir);
    assert_null(sl_journal_open(path, err, sizeof err));
    assert_non_null(strstr(err, path));
    snprintf(path, sizeof path, "%s", f->dir); /* a folder, not a file */
    assert_null(sl_journal_open(path, err, sizeof err));
    assert_true(err[0] != '\0');
}

/* ---------- corruption ---------- */

static void test_journal_garbage_file_moved_aside(void **state)
{
    fixture *f = *state;
    char wal[160], aside[256], aside_wal[300], err[1024];
    write_bytes(f->path, 3 * 4096 + 17, 12345);
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    write_bytes(wal, 999, 777);

    sl_journal *j = sl_journal_open(f->path, err, sizeof err);
    assert_non_null(j);
    assert_non_null(strstr(err, "corrupt"));
    find_aside(f->dir, "journal.db.corrupt-", aside, sizeof aside);
    assert_true(aside[0] != '\0');
    assert_non_null(strstr(err, aside));
    assert_int_equal(file_size(aside), 3 * 4096 + 17);
    snprintf(aside_wal, sizeof aside_wal, "%s-wal", aside);
    assert_int_equal(file_size(aside_wal), 999); /* the stale WAL moved with it */

    /* The new journal works from seq 1. */
    assert_int_equal(sl_journal_pending_count(j), 0);
    sl_play_record r = mkrec(3);
    assert_int_equal(append_ok(j, &r), 1);
    sl_journal_close(j);
    j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), 1);
    sl_journal_close(j);
    assert_quick_check_ok(f->path);
}

static void test_journal_damaged_pages_moved_aside(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    for (int i = 0; i < 300; i++) {
        sl_play_record r = mkrec(i);
        append_ok(j, &r);
    }
    sl_journal_close(j); /* checkpoints: everything is in the main file now */
    int64_t size = file_size(f->path);
    assert_true(size > 4 * 4096);
    /* A new journal's page size (the database header's bytes 16-17, big-endian) is 1 KiB: fewer
     * bytes written to an SD card per play (README, "SD-card life"). */
    unsigned char head[18];
    int rfd = open(f->path, O_RDONLY);
    assert_true(rfd >= 0);
    assert_int_equal(read(rfd, head, sizeof head), (ssize_t)sizeof head);
    close(rfd);
    assert_int_equal(head[16] * 256 + head[17], 1024);

    /* Keep page 1 (header and schema), overwrite every other page (a new journal has 1 KiB pages). */
    int fd = open(f->path, O_WRONLY);
    assert_true(fd >= 0);
    char junk[1024];
    assert_int_equal(size % (int64_t)sizeof junk, 0);
    memset(junk, 0xA5, sizeof junk);
    for (int64_t off = (int64_t)sizeof junk; off < size; off += (int64_t)sizeof junk)
        assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)off), (ssize_t)sizeof junk);
    close(fd);

    char err[1024], aside[256];
    j = sl_journal_open(f->path, err, sizeof err);
    assert_non_null(j);
    assert_non_null(strstr(err, "corrupt"));
    find_aside(f->dir, "journal.db.corrupt-", aside, sizeof aside);
    assert_true(aside[0] != '\0');
    assert_int_equal(file_size(aside), size);
    sl_play_record r = mkrec(1);
    assert_int_equal(append_ok(j, &r), 1);
    sl_journal_close(j);
    assert_quick_check_ok(f->path);
}

/* A journal from a newer screenlit is neither used nor moved aside. */
static void test_journal_newer_schema_refused(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    sl_play_record r = mkrec(1);
    append_ok(j, &r);
    sl_journal_close(j);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    char err[512], aside[256];
    assert_null(sl_journal_open(f->path, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
    find_aside(f->dir, "journal.db.corrupt-", aside, sizeof aside);
    assert_string_equal(aside, "");
}

/* ---------- clock corrections ---------- */

/* A record whose clock was untrusted (board at 1970): its start is the
 * board's clock, its mono_start_ms the monotonic anchor. */
static sl_play_record mkrec_trust(int n, sl_clock_trust trust)
{
    sl_play_record r = mkrec(n);
    r.clock_trust = trust;
    r.start_ms = trust == SL_CLOCK_UNTRUSTED ? 1000 + (int64_t)n * 10000 : r.start_ms;
    return r;
}

/* Only untrusted records of this boot are rewritten: start = mono + anchor,
 * trust corrected; every other field, seqs and item totals stay; a second
 * pass changes nothing; another boot's records stay untrusted. */
static void test_journal_correct_this_boot_only(void **state)
{
    fixture *f = *state;
    const int64_t anchor = 1795651200000LL - 3600000; /* true UTC - monotonic ms */
    sl_journal *j = open_ok(f->path);
    assert_int_equal(sl_journal_set_boot_id(j, "boot-earlier"), 0);
    sl_play_record r[6] = {mkrec_trust(1, SL_CLOCK_UNTRUSTED), mkrec_trust(2, SL_CLOCK_SYNCED),
                           mkrec_trust(3, SL_CLOCK_UNTRUSTED), mkrec_trust(4, SL_CLOCK_UNTRUSTED),
                           mkrec_trust(5, SL_CLOCK_SIMULATED), mkrec_trust(6, SL_CLOCK_UNTRUSTED)};
    append_ok(j, &r[0]);
    append_ok(j, &r[1]);
    assert_int_equal(sl_journal_set_boot_id(j, "boot-now"), 0);
    assert_string_equal(sl_journal_boot_id(j), "boot-now");
    for (int i = 2; i < 6; i++)
        append_ok(j, &r[i]);
    /* A renumbered copy of a record of unknown boot: never corrected. */
    char err[256];
    sl_play_record copy = mkrec_trust(7, SL_CLOCK_UNTRUSTED);
    assert_int_equal(sl_journal_append_as(j, &copy, false, err, sizeof err), 0);

    sl_play_record got[8];
    bool this_boot[8];
    size_t n = 0;
    assert_int_equal(sl_journal_pending_boot(j, got, this_boot, 8, &n), 0);
    assert_int_equal(n, 7);
    const bool want_boot[7] = {false, false, true, true, true, true, false};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(this_boot[i], want_boot[i]);

    int64_t fixed = -1;
    assert_int_equal(sl_journal_correct(j, anchor, &fixed), 0);
    assert_int_equal(fixed, 3); /* r[2], r[3], r[5] */
    assert_int_equal(sl_journal_pending(j, got, 8, &n), 0);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < 6; i++) {
        sl_play_record want = r[i];
        if (i == 2 || i == 3 || i == 5) {
            want.start_ms = r[i].mono_start_ms + anchor;
            want.clock_trust = SL_CLOCK_CORRECTED;
        }
        assert_rec_equal(&got[i], &want);
    }
    assert_int_equal(got[0].clock_trust, SL_CLOCK_UNTRUSTED); /* the earlier boot's */
    assert_int_equal(got[0].start_ms, r[0].start_ms);
    assert_int_equal(got[6].clock_trust, SL_CLOCK_UNTRUSTED);
    assert_int_equal(sl_journal_correct(j, anchor + 5000, &fixed), 0);
    assert_int_equal(fixed, 0);
    assert_int_equal(sl_journal_pending(j, got, 8, &n), 0);
    assert_int_equal(got[2].start_ms, r[2].mono_start_ms + anchor); /* corrected once, for good */
    assert_int_equal(sl_journal_last_seq(j), 7);
    counts_seen c = {0};
    assert_int_equal(sl_journal_counts(j, count_cb, &c), 0);
    int64_t plays = 0;
    for (int i = 0; i < c.n; i++)
        plays += c.plays[i];
    assert_int_equal(plays, 7);
    assert_int_equal(sl_journal_correct(NULL, anchor, &fixed), -1);
    assert_int_equal(sl_journal_set_boot_id(j, ""), -1);
    sl_journal_close(j);
}

/* The journal stamps the kernel's boot id, and keeps it across a reopen in
 * the same boot: a later run can correct an earlier run's records. */
static void test_journal_boot_id_survives_restart(void **state)
{
    fixture *f = *state;
    char kernel[128] = "";
    FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (fp) {
        if (!fgets(kernel, sizeof kernel, fp))
            kernel[0] = '\0';
        fclose(fp);
        kernel[strcspn(kernel, "\n")] = '\0';
    }
    sl_journal *j = open_ok(f->path);
    if (kernel[0])
        assert_string_equal(sl_journal_boot_id(j), kernel);
    assert_true(sl_journal_boot_id(j)[0] != '\0');
    sl_play_record r = mkrec_trust(1, SL_CLOCK_UNTRUSTED);
    append_ok(j, &r);
    sl_journal_close(j);
    j = open_ok(f->path);
    int64_t fixed = 0;
    if (kernel[0]) {
        assert_int_equal(sl_journal_correct(j, 1000000, &fixed), 0);
        assert_int_equal(fixed, 1);
        sl_play_record got;
        size_t n = 0;
        assert_int_equal(sl_journal_pending(j, &got, 1, &n), 0);
        assert_int_equal(got.start_ms, r.mono_start_ms + 1000000);
        assert_int_equal(got.clock_trust, SL_CLOCK_CORRECTED);
    }
    sl_journal_close(j);
}

/* A journal of schema 1 (before boot ids) is upgraded in place: its records
 * stay, of an unknown boot (never corrected), and seqs continue. */
static void test_journal_schema1_upgraded(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    const char *v1 =
        "PRAGMA journal_mode = WAL;"
        "CREATE TABLE plays (seq INTEGER PRIMARY KEY AUTOINCREMENT, screen TEXT NOT NULL,"
        " item TEXT NOT NULL, media_sha256 TEXT NOT NULL, manifest_version INTEGER NOT NULL,"
        " zone TEXT NOT NULL, start_ms INTEGER NOT NULL, mono_start_ms INTEGER NOT NULL,"
        " clock_trust INTEGER NOT NULL CHECK (clock_trust BETWEEN 0 AND 3),"
        " duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),"
        " outcome INTEGER NOT NULL CHECK (outcome BETWEEN 0 AND 2), reason TEXT NOT NULL);"
        "CREATE TABLE item_totals (item TEXT PRIMARY KEY NOT NULL, plays INTEGER NOT NULL,"
        " total_ms INTEGER NOT NULL) WITHOUT ROWID;"
        "INSERT INTO plays (screen, item, media_sha256, manifest_version, zone, start_ms,"
        " mono_start_ms, clock_trust, duration_ms, outcome, reason)"
        " VALUES ('s', 'old', '', 1, 'main', 5000, 4000, 0, 1000, 0, '');"
        "INSERT INTO item_totals VALUES ('old', 1, 1000);"
        "PRAGMA user_version = 1;";
    assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    sl_journal *j = open_ok(f->path);
    sl_play_record got[2];
    bool this_boot[2] = {true, true};
    size_t n = 0;
    assert_int_equal(sl_journal_pending_boot(j, got, this_boot, 2, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].item, "old");
    assert_false(this_boot[0]);
    int64_t fixed = -1;
    assert_int_equal(sl_journal_correct(j, 1795651200000LL, &fixed), 0);
    assert_int_equal(fixed, 0);
    sl_play_record r = mkrec_trust(2, SL_CLOCK_UNTRUSTED);
    assert_int_equal(append_ok(j, &r), 2);
    assert_int_equal(sl_journal_correct(j, 1795651200000LL, &fixed), 0);
    assert_int_equal(fixed, 1);
    sl_journal_close(j);

    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_quick_check_ok(f->path);
}

/* ---------- write failures ---------- */

/* SQLITE_FULL (a full disk, through max_page_count) fails cleanly: -1, a
 * clear message, no seq used, every earlier record intact, and appends work
 * again once there is room. */
static void test_journal_full_disk_fails_cleanly(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    sl_play_record first[20];
    for (int i = 0; i < 20; i++) {
        first[i] = mkrec(i);
        append_ok(j, &first[i]);
    }
    int64_t cap = sl_journal_test_max_pages(j, 1); /* raised by SQLite to the current size */
    assert_true(cap >= 2);

    char err[256];
    int failed_at = -1;
    int64_t last_ok = 20;
    for (int i = 20; i < 5000; i++) {
        sl_play_record r = mkrec(i);
        memset(r.reason, 'x', sizeof r.reason - 1); /* fill pages fast */
        r.seq = -7;
        if (sl_journal_append(j, &r, err, sizeof err) != 0) {
            assert_int_equal(r.seq, -7);
            failed_at = i;
            break;
        }
        last_ok = r.seq;
    }
    assert_true(failed_at >= 20);
    assert_non_null(strstr(err, "full"));
    assert_string_equal(sl_journal_errmsg(j), err);
    assert_int_equal(sl_journal_pending_count(j), last_ok);
    assert_int_equal(sl_journal_last_seq(j), last_ok);

    /* Earlier records are intact; the journal still reads and acks. */
    size_t n = 0;
    sl_play_record *got = all_pending(j, &n);
    for (int i = 0; i < 20; i++)
        assert_rec_equal(&got[i], &first[i]);
    free(got);

    /* Room again: the next append takes the next seq. */
    assert_true(sl_journal_test_max_pages(j, 1000000) >= 1000000);
    sl_play_record r = mkrec(1);
    assert_int_equal(append_ok(j, &r), last_ok + 1);
    sl_journal_close(j);
    assert_quick_check_ok(f->path);
    j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), last_ok + 1);
    sl_journal_close(j);
}

/* A real write error (the file-size limit, EFBIG) in a child process: the
 * append fails with -1, and every append that returned 0 is still there. */
static void test_journal_write_error_fails_cleanly(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    for (int i = 0; i < 10; i++) {
        sl_play_record r = mkrec(i);
        append_ok(j, &r);
    }
    sl_journal_close(j);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        signal(SIGXFSZ, SIG_IGN);
        char err[256];
        sl_journal *cj = sl_journal_open(f->path, err, sizeof err);
        if (!cj)
            _exit(2);
        struct rlimit rl = {64 * 1024, 64 * 1024}; /* bytes per file */
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(3);
        int64_t ok = 0;
        for (int i = 0; i < 10000; i++) {
            sl_play_record r = mkrec(i);
            memset(r.reason, 'y', sizeof r.reason - 1);
            if (sl_journal_append(cj, &r, err, sizeof err) != 0)
                break;
            ok = r.seq;
        }
        int64_t pending = sl_journal_pending_count(cj); /* still readable after the error */
        int64_t msg[3] = {ok, pending, err[0] != '\0'};
        if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg)
            _exit(4);
        sl_journal_close(cj);
        _exit(0);
    }
    close(fds[1]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    int64_t msg[3];
    assert_int_equal(read(fds[0], msg, sizeof msg), (ssize_t)sizeof msg);
    close(fds[0]);
    assert_true(msg[0] > 10 && msg[0] < 10000 + 10); /* some appends fit, then one failed */
    assert_int_equal(msg[1], msg[0]);
    assert_int_equal(msg[2], 1);

    j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), msg[0]);
    assert_int_equal(sl_journal_last_seq(j), msg[0]);
    sl_play_record r = mkrec(0);
    assert_int_equal(append_ok(j, &r), msg[0] + 1);
    sl_journal_close(j);
    assert_quick_check_ok(f->path);
}

/* Read-only file and folder: opening fails with a clear message and the
 * records stay. Root ignores permissions, so the test is skipped as root. */
static void test_journal_read_only_fails_cleanly(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip();
    sl_journal *j = open_ok(f->path);
    sl_play_record r = mkrec(1);
    append_ok(j, &r);
    sl_journal_close(j);
    assert_int_equal(chmod(f->path, 0444), 0);
    assert_int_equal(chmod(f->dir, 0555), 0);
    char err[512];
    j = sl_journal_open(f->path, err, sizeof err);
    assert_null(j);
    assert_true(err[0] != '\0');
    assert_int_equal(chmod(f->dir, 0755), 0);
    assert_int_equal(chmod(f->path, 0644), 0);
    j = open_ok(f->path);
    assert_int_equal(sl_journal_pending_count(j), 1);
    sl_journal_close(j);
}

/* ---------- concurrency ---------- */

typedef struct {
    sl_journal *j;
    int base;
    int64_t seqs[200];
} appender;

static void *append_thread(void *arg)
{
    appender *a = arg;
    for (int i = 0; i < 200; i++) {
        sl_play_record r = mkrec(a->base + i);
        char err[256];
        a->seqs[i] = sl_journal_append(a->j, &r, err, sizeof err) == 0 ? r.seq : -1;
    }
    return NULL;
}

static void test_journal_threads_share_one_journal(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    appender *a = calloc(2, sizeof *a);
    assert_non_null(a);
    pthread_t t[2];
    for (int k = 0; k < 2; k++) {
        a[k].j = j;
        a[k].base = k * 1000;
        assert_int_equal(pthread_create(&t[k], NULL, append_thread, &a[k]), 0);
    }
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_join(t[k], NULL), 0);
    char seen[401] = {0};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 200; i++) {
            assert_true(a[k].seqs[i] >= 1 && a[k].seqs[i] <= 400);
            assert_int_equal(seen[a[k].seqs[i]], 0);
            seen[a[k].seqs[i]] = 1;
            if (i > 0)
                assert_true(a[k].seqs[i] > a[k].seqs[i - 1]);
        }
    assert_int_equal(sl_journal_pending_count(j), 400);
    free(a);
    sl_journal_close(j);
}

typedef struct {
    sl_journal *j;
    int64_t inner;
} reentry;

static void reentrant_cb(void *ud, const char *item, int64_t plays, int64_t total_ms)
{
    (void)item;
    (void)plays;
    (void)total_ms;
    reentry *re = ud;
    re->inner = sl_journal_pending_count(re->j);
}

/* A callback that calls back into the journal gets -1 instead of a deadlock. */
static void test_journal_reentrant_callback_fails(void **state)
{
    fixture *f = *state;
    sl_journal *j = open_ok(f->path);
    sl_play_record r = mkrec(1);
    append_ok(j, &r);
    reentry re = {j, 12345};
    assert_int_equal(sl_journal_counts(j, reentrant_cb, &re), 0);
    assert_int_equal(re.inner, -1);
    assert_int_equal(sl_journal_pending_count(j), 1);
    sl_journal_close(j);
}

/* ---------- kill -9 ---------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Child: appends forever, writing each seq to fd as soon as append returns 0. */
static void kill_child(const char *path, int fd)
{
    char err[256];
    sl_journal *j = sl_journal_open(path, err, sizeof err);
    if (!j || err[0])
        _exit(2);
    for (int i = 0; i < 1000000; i++) {
        sl_play_record r = mkrec(i);
        snprintf(r.screen, sizeof r.screen, "kill-test");
        if (sl_journal_append(j, &r, err, sizeof err) != 0)
            _exit(3);
        int64_t seq = r.seq;
        if (write(fd, &seq, sizeof seq) != (ssize_t)sizeof seq)
            _exit(4);
    }
    _exit(0);
}

/* Reads everything the child wrote; returns the seqs (malloc'd), *n of them. */
static int64_t *read_seqs(int fd, size_t *n)
{
    size_t cap = 1024, len = 0; /* bytes */
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r >= 0);
        if (r == 0)
            break;
        len += (size_t)r;
    }
    assert_int_equal(len % sizeof(int64_t), 0); /* 8-byte pipe writes are atomic */
    *n = len / sizeof(int64_t);
    return (int64_t *)(void *)buf;
}

static void test_journal_survives_kill9(void **state)
{
    fixture *f = *state;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    print_message("kill -9 test seed %u\n", seed);
    int64_t max_before = 0; /* highest seq that existed before this round */
    size_t reported_total = 0;
    for (int round = 0; round < 30; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            kill_child(f->path, fds[1]);
        }
        close(fds[1]);
        /* Three rounds in four count the delay from the child's first commit, so
         * the kill lands among commits however slow the machine (counted from
         * the fork, a busy machine spends it starting up); the fourth from the
         * fork, to kill during the open too. */
        int64_t first = 0;
        bool have_first = false;
        if (round % 4 != 0) {
            struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
            if (poll(&pfd, 1, 120000) == 1 && read(fds[0], &first, sizeof first) == (ssize_t)sizeof first)
                have_first = true;
            else
                fail_msg("round %d: the child committed nothing in 120 s", round);
        }
        seed = seed * 1103515245u + 12345u;
        long delay_us = (long)((seed >> 8) % 50001); /* 0–50 ms */
        struct timespec ts = {0, delay_us * 1000};
        nanosleep(&ts, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            fail_msg("round %d: the child exited with %d before the kill", round,
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        assert_int_equal(WTERMSIG(status), SIGKILL);
        size_t nrep = 0;
        int64_t *rep = read_seqs(fds[0], &nrep);
        close(fds[0]);
        if (have_first) {
            rep = realloc(rep, (nrep + 1) * sizeof *rep);
            assert_non_null(rep);
            memmove(rep + 1, rep, nrep * sizeof *rep);
            rep[0] = first;
            nrep++;
        }
        reported_total += nrep;

        /* Reopen: no corruption, every reported seq present, no duplicate. */
        sl_journal *j = open_ok(f->path);
        size_t n = 0;
        sl_play_record *got = all_pending(j, &n);
        int64_t *have = malloc((n + 1) * sizeof *have);
        assert_non_null(have);
        for (size_t i = 0; i < n; i++) {
            have[i] = got[i].seq;
            if (i > 0)
                assert_true(have[i] > have[i - 1]); /* ordered, so no duplicates */
            assert_string_equal(got[i].screen, "kill-test");
        }
        for (size_t i = 0; i < nrep; i++) {
            assert_true(rep[i] > max_before); /* never reused */
            if (i > 0)
                assert_true(rep[i] > rep[i - 1]);
            if (!bsearch(&rep[i], have, n, sizeof *have, cmp_i64))
                fail_msg("round %d (delay %ld us): seq %lld was reported committed but is missing",
                         round, delay_us, (long long)rep[i]);
        }
        int64_t last = sl_journal_last_seq(j);
        assert_true(last >= max_before);
        if (n > 0)
            assert_int_equal(have[n - 1], last);
        max_before = last;
        /* Every third round the hub "acknowledges" everything. */
        if (round % 3 == 2)
            assert_int_equal(sl_journal_ack(j, last), 0);
        free(have);
        free(got);
        free(rep);
        sl_journal_close(j);
        assert_quick_check_ok(f->path);
    }
    assert_true(reported_total > 0);
    print_message("kill -9 test: %zu appends reported, last seq %lld\n", reported_total,
                  (long long)max_before);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_journal_append_assigns_seq_and_counts),
        T(test_journal_reopen_persists_every_field),
        T(test_journal_full_length_fields_round_trip),
        T(test_journal_ack_deletes_and_seqs_continue),
        T(test_journal_pending_order_and_max),
        T(test_journal_raise_seq),
        T(test_journal_rejects_bad_arguments),
        T(test_journal_open_missing_folder_fails),
        T(test_journal_garbage_file_moved_aside),
        T(test_journal_damaged_pages_moved_aside),
        T(test_journal_newer_schema_refused),
        T(test_journal_correct_this_boot_only),
        T(test_journal_boot_id_survives_restart),
        T(test_journal_schema1_upgraded),
        T(test_journal_full_disk_fails_cleanly),
        T(test_journal_write_error_fails_cleanly),
        T(test_journal_read_only_fails_cleanly),
        T(test_journal_threads_share_one_journal),
        T(test_journal_reentrant_callback_fails),
        T(test_journal_survives_kill9),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
