/* test_player_ticker.c — a ticker strip's geometry: passes, the gap to the next slogan, leave times, faster followers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "player/ticker.h"

/* A 1000 px strip, a 600 px slogan, a 100 px gap, 100 px/s: a pass every 7 s. */
static const sl_ticker_geom g = {.zone_w = 1000, .text_w = 600, .gap = 100, .speed = 100};

static void test_ticker_passes(void **state)
{
    (void)state;
    assert_int_equal(sl_ticker_passes(&g, 20000, false), 3); /* 20 s / 7 s = 2.86 */
    assert_int_equal(sl_ticker_passes(&g, 20000, true), 2);  /* must end by 20 s */
    assert_int_equal(sl_ticker_passes(&g, 1000, false), 1);  /* at least one */
    assert_int_equal(sl_ticker_passes(&g, 1000, true), 1);
    assert_int_equal(sl_ticker_slot_ms(&g, 3), 21000);
    /* The last pass entered at 14 s; its end leaves the left edge 16 s later. */
    assert_int_equal(sl_ticker_leave_ms(&g, 3), 30000);
}

static void test_ticker_gap(void **state)
{
    (void)state;
    /* At the next slogan's entry the last pass's end is exactly `gap` inside the right edge. */
    int64_t slot = sl_ticker_slot_ms(&g, 2);
    int64_t last_x = sl_ticker_pass_x(&g, slot, 1);
    assert_int_equal(g.zone_w - (last_x + g.text_w), g.gap);
    /* Passes follow one another by text + gap, and the first enters at the right edge. */
    assert_int_equal(sl_ticker_pass_x(&g, 0, 0), 1000);
    assert_int_equal(sl_ticker_pass_x(&g, 5000, 0) - sl_ticker_pass_x(&g, 5000, 1), -700);
    /* The step per frame is constant: 60 fps, 100 px/s, no drift over a day. */
    int64_t day = 86400000;
    assert_int_equal(sl_ticker_offset(&g, day), 8640000);
    assert_int_equal(sl_ticker_offset(&g, day + 1000), 8640100);
}

static void test_ticker_follower(void **state)
{
    (void)state;
    /* A slower or equal follower enters at the slot's end. */
    assert_int_equal(sl_ticker_follow_ms(&g, 1, 100), sl_ticker_slot_ms(&g, 1));
    assert_int_equal(sl_ticker_follow_ms(&g, 1, 50), sl_ticker_slot_ms(&g, 1));
    /* A follower twice as fast waits: when the slogan's end leaves the left edge (16 s),
     * the follower's head must be 100 px to its right, having moved 900 px at 200 px/s. */
    int64_t at = sl_ticker_follow_ms(&g, 1, 200);
    assert_int_equal(at, 16000 - 4500);
    sl_ticker_geom f = {.zone_w = 1000, .text_w = 300, .gap = 100, .speed = 200};
    int64_t leave = sl_ticker_leave_ms(&g, 1);
    int64_t head = sl_ticker_pass_x(&f, leave - at, 0);
    assert_true(head >= g.gap);
}

static void test_ticker_default_gap(void **state)
{
    (void)state;
    sl_item it = {.gap_px = -1, .size_px = 40};
    assert_int_equal(sl_ticker_gap_px(&it, 100), 80);
    it.gap_px = 0;
    assert_int_equal(sl_ticker_gap_px(&it, 100), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticker_passes),
        cmocka_unit_test(test_ticker_gap),
        cmocka_unit_test(test_ticker_follower),
        cmocka_unit_test(test_ticker_default_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
