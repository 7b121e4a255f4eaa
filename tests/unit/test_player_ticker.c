/* test_player_ticker.c — a ticker strip's geometry: passes, the gap to the next slogan, leave times, faster followers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "content/json.h"
#include "player/ticker.h"

#include <string.h>

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

static void test_ticker_plan(void **state)
{
    (void)state;
    /* An empty strip: the slogan enters at once, 3 passes of 7 s, leaves 30 s after. */
    sl_ticker_slot s = sl_ticker_plan(&g, NULL, 5000, 20000, false);
    assert_int_equal(s.start_ms, 5000);
    assert_int_equal(s.passes, 3);
    assert_int_equal(s.end_ms, 26000);
    assert_int_equal(s.leave_ms, 35000);
    /* Within a window of 20 s: two passes, never past it. */
    s = sl_ticker_plan(&g, NULL, 5000, 20000, true);
    assert_int_equal(s.passes, 2);
    assert_int_equal(s.end_ms, 19000);
    /* Behind a slower slogan (the same, 3 passes from 0 s), a slogan twice as fast
     * picked at 21 s waits until it cannot come nearer than the gap. */
    sl_ticker_prev prev = {.on = true, .geom = g, .start_ms = 0, .passes = 3};
    sl_ticker_geom fast = g;
    fast.speed = 200;
    s = sl_ticker_plan(&fast, &prev, 21000, 7000, false);
    assert_int_equal(s.start_ms, 30000 - 4500); /* leaves at 30 s; (1000 - 100) px at 200 px/s before */
    /* A slower follower enters at once; an empty previous one changes nothing. */
    s = sl_ticker_plan(&g, &prev, 21000, 7000, false);
    assert_int_equal(s.start_ms, 21000);
    prev.on = false;
    s = sl_ticker_plan(&fast, &prev, 21000, 7000, false);
    assert_int_equal(s.start_ms, 21000);
}

/* A prediction with ticker timing: slogans timed by their rendered width on the
 * given screen, overlapping records, a static text ending the strip's slogans. */
static void test_ticker_timing_predict(void **state)
{
    (void)state;
    const char *src = "{\"format\":1,\"name\":\"t\",\"timezone\":\"UTC\","
                      "\"zones\":[{\"id\":\"strip\",\"x\":0,\"y\":85,\"w\":100,\"h\":15}],"
                      "\"items\":[{\"id\":\"a\",\"zone\":\"strip\",\"type\":\"text\",\"text\":\"Never share a code\","
                      "\"speed\":200,\"duration\":9},"
                      "{\"id\":\"b\",\"zone\":\"strip\",\"type\":\"text\",\"text\":\"Call 110\",\"speed\":400,"
                      "\"duration\":5},"
                      "{\"id\":\"s\",\"zone\":\"strip\",\"type\":\"text\",\"mode\":\"static\",\"text\":\"Hi\","
                      "\"duration\":4}],"
                      "\"rules\":[],\"fallback\":{\"type\":\"text\",\"text\":\"fb\"}}";
    char err[256];
    cJSON *root = sl_json_parse(src, strlen(src), NULL, err, sizeof err);
    assert_non_null(root);
    sl_diags d;
    sl_diags_init(&d);
    sl_playlist *pl = sl_playlist_from_json(root, SL_PL_SOURCE, NULL, &d);
    assert_non_null(pl);
    sl_text *text = sl_text_new(NULL, 0, err, sizeof err);
    assert_non_null(text);
    sl_ticker_timing tt;
    assert_int_equal(sl_ticker_timing_init(&tt, pl, text, 640, 360), 0);
    sl_play *v = NULL;
    size_t n = 0;
    assert_int_equal(sl_sched_predict_timed(pl, NULL, 0, 60000, &tt.timing, &v, &n), 0);
    assert_true(n >= 6);
    /* The strip is 640x54 at y 306; the slogans' widths as the player draws them. */
    int x, y, zw, zh;
    sl_zone_box(&pl->zones[0], 640, 360, &x, &y, &zw, &zh);
    assert_int_equal(zh, 54);
    int w[2];
    for (int k = 0; k < 2; k++) {
        SDL_Surface *sf = sl_text_render_item(text, &pl->items[k], zw, zh, err, sizeof err);
        assert_non_null(sf);
        w[k] = sf->w;
        SDL_FreeSurface(sf);
    }
    /* Rotation a, b, s, a, …: a enters at 0; b (faster) behind it; s ends both. */
    assert_int_equal(v[0].item, 0);
    assert_int_equal(v[1].item, 1);
    assert_int_equal(v[2].item, 2);
    sl_ticker_geom ga = {.zone_w = zw, .text_w = w[0], .gap = sl_ticker_gap_px(&pl->items[0], zh), .speed = 200};
    sl_ticker_geom gb = {.zone_w = zw, .text_w = w[1], .gap = sl_ticker_gap_px(&pl->items[1], zh), .speed = 400};
    sl_ticker_slot sa = sl_ticker_plan(&ga, NULL, 0, 9000, false);
    assert_int_equal(v[0].start_ms, 0);
    sl_ticker_prev pa = {.on = true, .geom = ga, .start_ms = 0, .passes = sa.passes};
    sl_ticker_slot sb = sl_ticker_plan(&gb, &pa, sa.end_ms, 5000, false);
    assert_true(sb.start_ms > sa.end_ms); /* the faster one waited */
    assert_int_equal(v[1].start_ms, sb.start_ms);
    /* The static text comes when b's passes have entered, and ends what still crosses. */
    assert_int_equal(v[2].start_ms, sb.end_ms);
    assert_int_equal(v[2].duration_ms, 4000);
    assert_int_equal(v[1].start_ms + v[1].duration_ms, sb.end_ms);
    assert_true(sb.leave_ms > sb.end_ms);
    assert_int_equal(v[0].start_ms + v[0].duration_ms, sa.leave_ms < sb.end_ms ? sa.leave_ms : sb.end_ms);
    /* Then a again, on an empty strip, right after the static text. */
    assert_int_equal(v[3].item, 0);
    assert_int_equal(v[3].start_ms, sb.end_ms + 4000);
    /* The last record is cut at the end of the period. */
    assert_true(v[n - 1].start_ms + v[n - 1].duration_ms <= 60000);
    free(v);
    /* Without text drawing every play keeps its duration. */
    sl_ticker_timing_free(&tt);
    assert_int_equal(sl_ticker_timing_init(&tt, pl, NULL, 640, 360), 0);
    assert_int_equal(sl_sched_predict_timed(pl, NULL, 0, 60000, &tt.timing, &v, &n), 0);
    assert_int_equal(v[1].start_ms, 9000);
    assert_int_equal(v[1].duration_ms, 5000);
    free(v);
    sl_ticker_timing_free(&tt);
    sl_ticker_timing_free(NULL);
    sl_text_free(text);
    sl_playlist_free(pl);
    sl_diags_free(&d);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticker_passes),
        cmocka_unit_test(test_ticker_gap),
        cmocka_unit_test(test_ticker_follower),
        cmocka_unit_test(test_ticker_default_gap),
        cmocka_unit_test(test_ticker_plan),
        cmocka_unit_test(test_ticker_timing_predict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
