/* test_player_cost.c — what the player's video path costs and how exactly it times frames: one frame per refresh, nothing converted that is not shown. */
#include "player/decode.h"
#include "playerfix.h"
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

typedef struct {
    char dir[256];
    bool have_ffmpeg;
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    if (sl_test_tmpdir(f.dir, sizeof f.dir, "sl-cost") != 0)
        return -1;
    /* 600 frames at 30 fps (20 s), H.264 in MP4 (a 1/15360 time base) and in
     * Matroska (1/1000: every timestamp is rounded to the millisecond). */
    f.have_ffmpeg = sl_test_have_ffmpeg() &&
                    sl_test_ffmpeg(f.dir, "-f lavfi -i testsrc=size=96x64:rate=30 -frames:v 600 "
                                          "-c:v libx264 -pix_fmt yuv420p c30.mp4") == 0 &&
                    sl_test_ffmpeg(f.dir, "-i c30.mp4 -c copy c30.mkv") == 0;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sl_test_rmtree(f->dir);
    return 0;
}

/* Opens the fixture's clip `name` for a box and fit; fails the test when it cannot. */
static sl_video *open_clip(const char *dir, const char *name, int box_w, int box_h, sl_fit fit)
{
    char p[512];
    sl_test_path(dir, name, p, sizeof p);
    sl_video_opts o = {.box_w = box_w, .box_h = box_h, .fit = fit};
    return sl_playerfix_video(p, &o);
}

/* A 30 Hz display asks for the frame due at refresh n, n/30 s after the clip
 * began (plus the part of a millisecond the clip began at): it gets frame n,
 * every one of the 600, whatever the container's time base. */
static void walk_refreshes(const char *dir, const char *name, int64_t phase_ns)
{
    sl_video *v = open_clip(dir, name, 96, 64, SL_FIT_CONTAIN);
    int wrong = 0;
    for (int64_t n = 0; n < 600; n++) {
        int64_t t_ns = n * 1000000000LL / 30 + phase_ns;
        const sl_frame *fr = sl_video_frame_at_ns(v, t_ns, true);
        assert_non_null(fr);
        if (fr->index != n && wrong++ < 5)
            print_error("%s: refresh %lld showed frame %lld\n", name, (long long)n, (long long)fr->index);
    }
    assert_int_equal(wrong, 0);
    sl_video_close(v);
}

static void test_one_frame_per_refresh(void **state)
{
    fixture *f = *state;
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    walk_refreshes(f->dir, "c30.mp4", 0);
    walk_refreshes(f->dir, "c30.mkv", 0);
    walk_refreshes(f->dir, "c30.mp4", 999999);
    walk_refreshes(f->dir, "c30.mkv", 999999);
}

/* A capture every 5 s inside a 20 s clip converts 4 frames, not the 600
 * decoded (the frames output asks for ARGB, scaled for its box). */
static void test_convert_only_shown(void **state)
{
    fixture *f = *state;
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    sl_video *v = open_clip(f->dir, "c30.mp4", 192, 192, SL_FIT_CONTAIN);
    for (int k = 0; k < 4; k++) {
        const sl_frame *fr = sl_video_frame_at(v, (int64_t)k * 5000, true);
        assert_non_null(fr);
        assert_int_equal(fr->index, k * 150);
        assert_int_equal(fr->format, SL_FRAME_ARGB);
        assert_int_equal(fr->w, 192);
        assert_int_equal(fr->h, 128);
        /* the same frame asked again is not converted again */
        sl_video_frame_at(v, (int64_t)k * 5000, true);
    }
    assert_int_equal(sl_video_conversions(v), 4);
    sl_video_close(v);
}

/* Asked for YUV, a 4:2:0 clip comes as the decoder's planes, unscaled and
 * never converted: the renderer scales it to the size it takes in its box. */
static void test_yuv_frames(void **state)
{
    fixture *f = *state;
    SL_PLAYERFIX_NEED_FFMPEG(f->have_ffmpeg);
    sl_video *v = open_clip(f->dir, "c30.mp4", 300, 100, SL_FIT_CONTAIN);
    for (int64_t n = 0; n < 600; n++) {
        const sl_frame *fr = sl_video_frame_get(v, n * 1000000000LL / 30, true, true);
        assert_non_null(fr);
        assert_int_equal(fr->index, n);
        assert_int_equal(fr->format, SL_FRAME_IYUV);
        assert_int_equal(fr->yuv_mode, SL_YUV_BT601); /* untagged SD video */
        assert_int_equal(fr->w, 96);
        assert_int_equal(fr->h, 64);
        assert_int_equal(fr->draw_w, 150);
        assert_int_equal(fr->draw_h, 100);
        assert_non_null(fr->plane[0]);
        assert_non_null(fr->plane[1]);
        assert_non_null(fr->plane[2]);
        assert_true(fr->plane_pitch[0] >= 96 && fr->plane_pitch[1] >= 48);
    }
    assert_int_equal(sl_video_conversions(v), 0);
    sl_video_close(v);

    /* cover: the planes are cropped to the box's shape (96x64 in a square: 64x64) */
    v = open_clip(f->dir, "c30.mp4", 200, 200, SL_FIT_COVER);
    const sl_frame *fr = sl_video_frame_get(v, 0, true, true);
    assert_non_null(fr);
    assert_int_equal(fr->w, 64);
    assert_int_equal(fr->h, 64);
    assert_int_equal(fr->draw_w, 200);
    assert_int_equal(fr->draw_h, 200);
    sl_video_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_frame_per_refresh),
        cmocka_unit_test(test_convert_only_shown),
        cmocka_unit_test(test_yuv_frames),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
