/* test_player_recorder.c — the journal writer thread: everything queued is written, a full disk loses nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "player/journal.h"
#include "player/recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    return sl_test_tmpdir(dir, sizeof dir, "sl-recorder");
}

static int teardown(void **state)
{
    (void)state;
    return sl_test_rmtree(dir);
}

static sl_play_record rec(int i)
{
    sl_play_record r;
    memset(&r, 0, sizeof r);
    snprintf(r.screen, sizeof r.screen, "s1");
    snprintf(r.item, sizeof r.item, "item-%d", i % 3);
    snprintf(r.zone, sizeof r.zone, "main");
    r.start_ms = 1795570200000LL + i * 10000;
    r.duration_ms = 10000;
    r.clock_trust = SL_CLOCK_SIMULATED;
    r.outcome = SL_OUTCOME_COMPLETED;
    return r;
}

static void test_recorder_writes_everything_in_order(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/a.db", dir);
    sl_journal *j = sl_journal_open(path, err, sizeof err);
    assert_non_null(j);
    sl_recorder *r = sl_recorder_new(j, NULL, err, sizeof err);
    assert_non_null(r);
    for (int i = 0; i < 300; i++) {
        sl_play_record x = rec(i);
        sl_recorder_submit(r, &x);
    }
    assert_int_equal(sl_recorder_flush(r), 0);
    assert_int_equal(sl_journal_pending_count(j), 300);
    sl_play_record out[300];
    size_t n = 0;
    assert_int_equal(sl_journal_pending(j, out, 300, &n), 0);
    assert_int_equal(n, 300);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].seq, (int64_t)i + 1);
        assert_int_equal(out[i].start_ms, 1795570200000LL + (int64_t)i * 10000);
    }
    assert_int_equal(sl_recorder_lost(r), 0);
    sl_recorder_free(r);
    sl_journal_close(j);
}

static void test_recorder_keeps_plays_through_a_full_disk(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/b.db", dir);
    sl_journal *j = sl_journal_open(path, err, sizeof err);
    assert_non_null(j);
    sl_recorder *r = sl_recorder_new(j, NULL, err, sizeof err);
    assert_non_null(r);
    sl_play_record x = rec(0);
    sl_recorder_submit(r, &x);
    assert_int_equal(sl_recorder_flush(r), 0);
    /* The disk fills up: appends fail, plays wait in memory. */
    int64_t pages = sl_journal_test_max_pages(j, 1);
    (void)pages;
    for (int i = 1; i <= 2000; i++) {
        x = rec(i);
        sl_recorder_submit(r, &x);
    }
    assert_int_equal(sl_recorder_flush(r), -1);
    assert_true(sl_recorder_failures(r) >= 1);
    int64_t held = sl_journal_pending_count(j);
    assert_true(held >= 1 && held < 2001);
    /* Room again: the retry writes every waiting play. */
    sl_journal_test_max_pages(j, 1000000);
    for (int tries = 0; tries < 50 && sl_journal_pending_count(j) < 2001; tries++)
        usleep(100000);
    assert_int_equal(sl_recorder_flush(r), 0);
    assert_int_equal(sl_journal_pending_count(j), 2001);
    assert_int_equal(sl_recorder_lost(r), 0);
    sl_recorder_free(r);
    sl_journal_close(j);
}

static void test_recorder_free_accepts_null(void **state)
{
    (void)state;
    sl_recorder_free(NULL);
    sl_recorder_submit(NULL, NULL);
    assert_int_equal(sl_recorder_flush(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorder_writes_everything_in_order),
        cmocka_unit_test(test_recorder_keeps_plays_through_a_full_disk),
        cmocka_unit_test(test_recorder_free_accepts_null),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
