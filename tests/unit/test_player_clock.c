/* test_player_clock.c — unit tests of player/managed/clock: the hub-time anchor, stamps of untrusted and corrected plays, the schedule's moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "player/managed/clock.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define DAY_MS 86400000LL
#define Y2026_MS 1767225600000LL /* 2026-01-01T00:00:00Z */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
    return sl_mono_ns() / 1000000;
}

/* What a hub whose clock is true = mono + anchor puts in its Date header when
 * it answers at monotonic instant m: whole seconds. */
static int64_t date_at(int64_t m, int64_t anchor)
{
    int64_t t = m + anchor;
    return t - t % 1000;
}

/* One reply: the anchor lies in the range it gives, whatever the phase of the
 * hub's second and the instant inside the round trip. */
static void test_anchor_one_reply_brackets_truth(void **state)
{
    (void)state;
    const int64_t anchor = Y2026_MS + 123457;
    for (int64_t sent = 1000; sent < 3000; sent += 37) {
        for (int64_t rtt = 0; rtt < 300; rtt += 61) {
            for (int64_t at = 0; at <= rtt; at += rtt / 3 + 1) {
                sl_anchor_range a = {0};
                sl_anchor_observe(&a, date_at(sent + at, anchor), 1000, sent, sent + rtt);
                assert_true(a.known);
                assert_true(a.lo <= anchor && anchor <= a.hi);
                assert_true(a.hi - a.lo <= 1000 + rtt + 1);
                int64_t est = sl_anchor_estimate(&a);
                assert_true(est - anchor <= 501 + rtt && anchor - est <= 501 + rtt);
            }
        }
    }
}

/* Replies at different phases of the hub's second narrow the range to a few
 * ms, always around the truth. */
static void test_anchor_narrows_with_replies(void **state)
{
    (void)state;
    const int64_t anchor = Y2026_MS + 777;
    sl_anchor_range a = {0};
    unsigned seed = 12345;
    int64_t m = 50000;
    for (int i = 0; i < 200; i++) {
        m += 1000 + rand_r(&seed) % 997;          /* replies at every phase of the second */
        int64_t rtt = 1 + rand_r(&seed) % 5;
        int64_t served = m + rand_r(&seed) % (rtt + 1);
        sl_anchor_observe(&a, date_at(served, anchor), 1000, m, m + rtt);
        assert_true(a.lo <= anchor && anchor <= a.hi);
    }
    assert_int_equal(a.observations, 200);
    assert_true(a.hi - a.lo <= 10);
    int64_t est = sl_anchor_estimate(&a);
    assert_true(est - anchor <= 5 && anchor - est <= 5);
}

/* One odd reply changes nothing; two in a row that agree (the hub's clock
 * was set) start the range over from them. */
static void test_anchor_contradiction_starts_over(void **state)
{
    (void)state;
    sl_anchor_range a = {0};
    const int64_t before = Y2026_MS, after = Y2026_MS + 3600000;
    for (int64_t m = 1000; m < 10000; m += 1300)
        sl_anchor_observe(&a, date_at(m, before), 1000, m, m + 2);
    assert_true(a.lo <= before && before <= a.hi);
    int64_t width = a.hi - a.lo;
    sl_anchor_observe(&a, date_at(20000, after), 1000, 20000, 20002); /* odd */
    assert_true(a.lo <= before && before <= a.hi);
    assert_int_equal(a.hi - a.lo, width);
    sl_anchor_observe(&a, date_at(21300, before), 1000, 21300, 21302); /* back to normal */
    assert_true(a.lo <= before && before <= a.hi);
    sl_anchor_observe(&a, date_at(22000, after), 1000, 22000, 22002);
    assert_true(a.lo <= before && before <= a.hi); /* one odd reply again: still kept aside */
    sl_anchor_observe(&a, date_at(23700, after), 1000, 23700, 23702);
    assert_true(a.lo <= after && after <= a.hi); /* confirmed: the hub's clock was set */
    assert_true(a.hi - a.lo <= 1003);
    /* Swapped send/receive times are taken in order. */
    sl_anchor_range b = {0};
    sl_anchor_observe(&b, date_at(5000, before), 1000, 5010, 5000);
    assert_true(b.lo <= before && before <= b.hi);
    sl_anchor_observe(NULL, 0, 1000, 0, 0); /* NULL is fine */
}

/* A board at 1970 (real-at): untrusted stamps with the board's clock; once
 * the hub's Date is seen, the true time of the very same instants — the
 * correction of an old record (mono + anchor) gives the wall time it was
 * made at. */
static void test_skewed_clock_untrusted_then_synced(void **state)
{
    (void)state;
    sl_clock c;
    sl_clock_init_skewed(&c, 0); /* 1970-01-01T00:00:00Z */
    int64_t wall0 = wall_ms();
    assert_int_equal(sl_clock_trust_now(&c), SL_CLOCK_UNTRUSTED);
    assert_false(sl_clock_true_anchor(&c, NULL, NULL));
    assert_true(sl_clock_board_ms(&c) < 10000);
    int64_t player = sl_clock_now_ms(&c);
    assert_true(player >= 0 && player < 10000);

    int64_t mono = 0, utc = -1;
    assert_int_equal(sl_clock_stamp(&c, player, &mono, &utc), SL_CLOCK_UNTRUSTED);
    assert_true(utc >= 0 && utc < 10000); /* the board's clock: 1970 */
    int64_t m_now = mono_ms();
    assert_true(mono <= m_now && m_now - mono < 5000);

    /* The hub answers (its clock is this machine's wall clock). */
    int64_t sent = mono_ms(), date = wall_ms();
    date -= date % 1000;
    sl_clock_learn_hub(&c, date, sent, mono_ms());
    int64_t anchor = 0;
    bool from_hub = false;
    assert_true(sl_clock_true_anchor(&c, &anchor, &from_hub));
    assert_true(from_hub);
    assert_int_equal(sl_clock_trust_now(&c), SL_CLOCK_SYNCED);
    int64_t corrected = mono + anchor; /* what the uploader writes into the old record */
    assert_true(corrected > wall0 - 1500 && corrected < wall0 + 1500);

    int64_t mono2 = 0, utc2 = 0;
    assert_int_equal(sl_clock_stamp(&c, sl_clock_now_ms(&c), &mono2, &utc2), SL_CLOCK_SYNCED);
    int64_t w = wall_ms();
    assert_true(utc2 > w - 1500 && utc2 < w + 1500);
    assert_int_equal(utc2, mono2 + anchor);
}

/* The schedule of a board at 1970: first the content's publication time
 * (the floor), then the true time once known (the rebase); records are
 * stamped from the monotonic clock whatever the schedule's time. */
static void test_schedule_floor_then_true_time(void **state)
{
    (void)state;
    sl_clock c;
    sl_clock_init_skewed(&c, 0);
    int64_t published = wall_ms() - 3 * DAY_MS;
    int64_t delta = 0;
    assert_false(sl_clock_rebase_due(&c, &delta)); /* nothing known yet */
    assert_false(sl_clock_floor_due(&c, 0, &delta)); /* no publication time: nothing to do */
    assert_true(sl_clock_floor_due(&c, published, &delta));
    sl_clock_shift(&c, delta);
    int64_t now = sl_clock_now_ms(&c);
    assert_true(now >= published && now < published + 2000);
    assert_false(sl_clock_floor_due(&c, published, &delta)); /* already there */
    int64_t mono = 0, utc = 0;
    assert_int_equal(sl_clock_stamp(&c, now, &mono, &utc), SL_CLOCK_UNTRUSTED);
    assert_true(utc < 10000); /* records keep the board's clock, not the stand-in time */

    int64_t sent = mono_ms(), date = wall_ms();
    date -= date % 1000;
    sl_clock_learn_hub(&c, date, sent, mono_ms());
    assert_false(sl_clock_floor_due(&c, wall_ms() + DAY_MS, &delta)); /* trusted: no floor */
    assert_true(sl_clock_rebase_due(&c, &delta));
    assert_true(delta > 3 * DAY_MS - 5000 && delta < 3 * DAY_MS + 5000);
    sl_clock_shift(&c, delta);
    int64_t w = wall_ms();
    now = sl_clock_now_ms(&c);
    assert_true(now > w - 1500 && now < w + 1500);
    assert_false(sl_clock_rebase_due(&c, &delta));
    int64_t mono2 = 0;
    assert_int_equal(sl_clock_stamp(&c, now, &mono2, &utc), SL_CLOCK_SYNCED);
    assert_true(mono2 - mono >= 0 && mono2 - mono < 5000); /* the anchor did not move */
}

/* Simulated and from: clocks are never moved and always stamp SIMULATED,
 * even when the hub's time is known. */
static void test_simulated_clocks_stay(void **state)
{
    (void)state;
    sl_clock s, f;
    sl_clock_init_sim(&s, Y2026_MS);
    sl_clock_init_shifted(&f, 0);
    int64_t sent = mono_ms(), date = wall_ms();
    date -= date % 1000;
    sl_clock_learn_hub(&s, date, sent, mono_ms());
    sl_clock_learn_hub(&f, date, sent, mono_ms());
    int64_t delta = 0, mono = -1, utc = 0;
    assert_int_equal(sl_clock_trust_now(&s), SL_CLOCK_SIMULATED);
    assert_int_equal(sl_clock_trust_now(&f), SL_CLOCK_SIMULATED);
    assert_false(sl_clock_rebase_due(&s, &delta));
    assert_false(sl_clock_rebase_due(&f, &delta));
    assert_false(sl_clock_floor_due(&s, Y2026_MS + DAY_MS, &delta));
    assert_false(sl_clock_floor_due(&f, Y2026_MS, &delta));
    sl_clock_set_sim(&s, Y2026_MS + 5000);
    assert_int_equal(sl_clock_stamp(&s, Y2026_MS + 5000, &mono, &utc), SL_CLOCK_SIMULATED);
    assert_int_equal(utc, Y2026_MS + 5000);
    assert_int_equal(mono, 5000);
    assert_int_equal(sl_clock_stamp(&f, sl_clock_now_ms(&f), &mono, &utc), SL_CLOCK_SIMULATED);
    assert_true(utc >= 0 && utc < 10000);
    /* The true time itself is still known to the uploader (the hub's Date). */
    assert_true(sl_clock_true_anchor(&f, NULL, NULL));
}

/* The real-time loop starts a moment after the clock was made: a real clock
 * keeps its time across that, a from:T clock starts its frames at T. */
static void test_origin_at_loop_start(void **state)
{
    (void)state;
    sl_clock r, f;
    sl_clock_init_skewed(&r, 0);
    sl_clock_init_shifted(&f, Y2026_MS);
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    int64_t before = sl_clock_now_ms(&r), board = sl_clock_board_ms(&r);
    int64_t m = sl_mono_ns();
    sl_clock_set_origin(&r, m);
    sl_clock_set_origin(&f, m);
    int64_t after = sl_clock_now_ms(&r);
    assert_true(before >= 30 && after - before >= 0 && after - before < 200);
    assert_true(sl_clock_board_ms(&r) - board < 200);
    int64_t fnow = sl_clock_now_ms(&f);
    assert_true(fnow >= Y2026_MS && fnow < Y2026_MS + 200);
    int64_t mono = 0, utc = 0;
    assert_int_equal(sl_clock_stamp(&r, after, &mono, &utc), SL_CLOCK_UNTRUSTED);
    assert_true(mono - m / 1000000 >= -1 && mono - m / 1000000 < 200);
    assert_true(utc - after >= -1 && utc - after <= 1); /* no floor moved it: board time = player time */
}

/* The network threads teach the clock while the engine reads it. */
typedef struct {
    sl_clock *c;
    int64_t anchor;
} learner;

static void *learn_many(void *arg)
{
    learner *l = arg;
    for (int i = 0; i < 20000; i++) {
        int64_t m = 1000 + i * 7;
        sl_clock_learn_hub(l->c, date_at(m, l->anchor), m, m + 3);
    }
    return NULL;
}

static void test_learning_from_threads(void **state)
{
    (void)state;
    sl_clock c;
    sl_clock_init_skewed(&c, 0);
    learner l = {&c, Y2026_MS + 4321};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, learn_many, &l), 0);
    for (int i = 0; i < 20000; i++) {
        int64_t a = 0;
        if (sl_clock_true_anchor(&c, &a, NULL))
            assert_true(a > l.anchor - 1010 && a < l.anchor + 1010);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    int64_t a = 0;
    assert_true(sl_clock_true_anchor(&c, &a, NULL));
    assert_true(a > l.anchor - 10 && a < l.anchor + 10);
    assert_int_equal(c.hub.observations, 40000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchor_one_reply_brackets_truth),
        cmocka_unit_test(test_anchor_narrows_with_replies),
        cmocka_unit_test(test_anchor_contradiction_starts_over),
        cmocka_unit_test(test_skewed_clock_untrusted_then_synced),
        cmocka_unit_test(test_schedule_floor_then_true_time),
        cmocka_unit_test(test_simulated_clocks_stay),
        cmocka_unit_test(test_origin_at_loop_start),
        cmocka_unit_test(test_learning_from_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
