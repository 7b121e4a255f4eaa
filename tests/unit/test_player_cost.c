/* test_player_cost.c — what the player's video path costs and how exactly it times frames: one frame per refresh, nothing converted that is not shown. */
#include "player/decode.h"
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

#define NEED_FFMPEG(f)                                                                             \
    do {                                                                                           \
        if (!(f)->have_ffmpeg) {                                                                   \
            print_message("ffmpeg is missing: skipped\n");                                         \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* A 30 Hz display asks for the frame due at refresh n, n/30 s after the clip
 * began (plus the part of a millisecond the clip began at): it gets frame n,
 * every one of the 600, whatever the container's time base. */
static void walk_refreshes(const char *dir, const char *name, int64_t phase_ns)
{
    char p[512];
    sl_test_path(dir, name, p, sizeof p);
    sl_video_opts o = {.box_w = 96, .box_h = 64, .fit = SL_FIT_CONTAIN};
    char err[512] = "";
    sl_video *v = sl_video_open(p, &o, err, sizeof err);
    if (!v) {
        print_error("%s: %s\n", p, err);
        fail();
    }
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
    NEED_FFMPEG(f);
    walk_refreshes(f->dir, "c30.mp4", 0);
    walk_refreshes(f->dir, "c30.mkv", 0);
    walk_refreshes(f->dir, "c30.mp4", 999999);
    walk_refreshes(f->dir, "c30.mkv", 999999);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_frame_per_refresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
