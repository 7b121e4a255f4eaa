/* test_player_picture.c — pictures shown the way their files say (EXIF Orientation 1-8 in JPEG, PNG, WebP, TIFF) and what lint learns from the same decoder. */
#define _POSIX_C_SOURCE 200809L
#include "content/picture.h"
#include "player/decode.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exifwrite.h"
#include "playerfix.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A 64x32 picture in four quadrants: red, lime / blue, white. */
#define QUADRANTS                                                                                  \
    "-f lavfi -i color=c=red:s=64x32,drawbox=x=32:y=0:w=32:h=16:c=lime:t=fill,"                    \
    "drawbox=x=0:y=16:w=32:h=16:c=blue:t=fill,drawbox=x=32:y=16:w=32:h=16:c=white:t=fill "         \
    "-frames:v 1"

enum { RED = 0xffff0000u, LIME = 0xff00ff00u, BLUE = 0xff0000ffu, WHITE = 0xffffffffu };

/* The colours at the shown top-left, top-right, bottom-left and bottom-right
 * for each EXIF Orientation, from the EXIF definition of where the stored
 * 0th row and 0th column go. */
static const uint32_t corners[9][4] = {
    {0, 0, 0, 0},
    {RED, LIME, BLUE, WHITE}, /* 1: as stored */
    {LIME, RED, WHITE, BLUE}, /* 2: mirrored left-right */
    {WHITE, BLUE, LIME, RED}, /* 3: turned 180° */
    {BLUE, WHITE, RED, LIME}, /* 4: mirrored top-bottom */
    {RED, BLUE, LIME, WHITE}, /* 5: mirrored across the main diagonal */
    {BLUE, RED, WHITE, LIME}, /* 6: turned 90° clockwise */
    {WHITE, LIME, BLUE, RED}, /* 7: mirrored across the other diagonal */
    {LIME, WHITE, RED, BLUE}, /* 8: turned 90° anticlockwise */
};

typedef struct {
    char dir[256];
    bool ok;
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (sl_test_tmpdir(f->dir, sizeof f->dir, "sl-test-picture") != 0) {
        free(f);
        return -1;
    }
    f->ok = sl_test_have_ffmpeg() && sl_test_ffmpeg(f->dir, QUADRANTS " -q:v 2 q.jpg") == 0 &&
            sl_test_ffmpeg(f->dir, QUADRANTS " q.png") == 0 &&
            sl_test_ffmpeg(f->dir, QUADRANTS " -lossless 1 q.webp") == 0 &&
            sl_test_ffmpeg(f->dir, QUADRANTS " q.tiff") == 0;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    int rc = sl_test_rmtree(f->dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Every orientation of one kind of file: the shown size and the colour in
 * the middle of each shown quadrant. */
static void check_kind(const fixture *f, const char *ext)
{
    if (!f->ok)
        skip();
    for (int o = 1; o <= 8; o++) {
        char src[512], dst[512], name[32], err[512] = "";
        snprintf(name, sizeof name, "q.%s", ext);
        sl_test_path(f->dir, name, src, sizeof src);
        snprintf(name, sizeof name, "o%d.%s", o, ext);
        sl_test_path(f->dir, name, dst, sizeof dst);
        assert_int_equal(sl_test_exif_orientation(src, dst, o), 0);

        sl_frame fr;
        sl_playerfix_decode(dst, 320, 320, SL_FIT_CONTAIN, &fr);
        bool swap = o >= 5;
        assert_int_equal(fr.w, swap ? 160 : 320);
        assert_int_equal(fr.h, swap ? 320 : 160);
        int qx[4] = {fr.w / 4, fr.w * 3 / 4, fr.w / 4, fr.w * 3 / 4};
        int qy[4] = {fr.h / 4, fr.h / 4, fr.h * 3 / 4, fr.h * 3 / 4};
        for (int c = 0; c < 4; c++) {
            uint32_t got = sl_playerfix_pixel(&fr, qx[c], qy[c]);
            if (!sl_test_argb_near(got, corners[o][c], 40)) {
                print_error("%s orientation %d, quadrant %d: 0x%08x, expected 0x%08x\n", ext, o,
                            c, (unsigned)got, (unsigned)corners[o][c]);
                fail();
            }
        }
        sl_frame_free(&fr);

        /* lint decodes the same way and learns the shown size */
        sl_picture_info pi;
        assert_int_equal(sl_picture_check(dst, &pi, err, sizeof err), 0);
        assert_int_equal(pi.orientation, o);
        assert_int_equal(pi.width, swap ? 32 : 64);
        assert_int_equal(pi.height, swap ? 64 : 32);
    }
}

static void test_orientation_jpeg(void **state)
{
    check_kind(*state, "jpg");
}

static void test_orientation_png(void **state)
{
    check_kind(*state, "png");
}

static void test_orientation_webp(void **state)
{
    check_kind(*state, "webp");
}

static void test_orientation_tiff(void **state)
{
    check_kind(*state, "tiff");
}

/* Cover crops in the shown orientation: a turned 64x32 photo in a wide box
 * keeps its shown middle (the left and right quadrants' meeting line) and
 * crops top and bottom. */
static void test_orientation_cover(void **state)
{
    fixture *f = *state;
    if (!f->ok)
        skip();
    char src[512], dst[512];
    sl_test_path(f->dir, "q.png", src, sizeof src);
    sl_test_path(f->dir, "cover6.png", dst, sizeof dst);
    assert_int_equal(sl_test_exif_orientation(src, dst, 6), 0);
    sl_frame fr;
    sl_playerfix_decode(dst, 200, 100, SL_FIT_COVER, &fr);
    assert_int_equal(fr.w, 200);
    assert_int_equal(fr.h, 100);
    /* shown 32x64 (blue|red over white|lime); the box shows its middle band */
    assert_true(sl_test_argb_near(sl_playerfix_pixel(&fr, 10, 10), BLUE, 40));
    assert_true(sl_test_argb_near(sl_playerfix_pixel(&fr, 190, 10), RED, 40));
    assert_true(sl_test_argb_near(sl_playerfix_pixel(&fr, 10, 90), WHITE, 40));
    assert_true(sl_test_argb_near(sl_playerfix_pixel(&fr, 190, 90), LIME, 40));
    sl_frame_free(&fr);
}

/* The TIFF reader takes only what is inside the data and only valid values. */
static void test_tiff_orientation_reader(void **state)
{
    (void)state;
    const uint8_t be[26] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
                            0,   0,   0, 1,  0, 6, 0, 0, 0, 0, 0,    0};
    const uint8_t le[26] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0,
                            1,   0,   0,  0, 8, 0, 0, 0, 0, 0, 0,    0};
    assert_int_equal(sl_picture_tiff_orientation(be, sizeof be), 6);
    assert_int_equal(sl_picture_tiff_orientation(le, sizeof le), 8);
    assert_int_equal(sl_picture_tiff_orientation(be, 20), 0); /* entry cut off */
    assert_int_equal(sl_picture_tiff_orientation(NULL, 0), 0);
    uint8_t bad[26];
    memcpy(bad, be, sizeof bad);
    bad[19] = 9; /* no such orientation */
    assert_int_equal(sl_picture_tiff_orientation(bad, sizeof bad), 0);
    memcpy(bad, be, sizeof bad);
    bad[7] = 200; /* directory past the end */
    assert_int_equal(sl_picture_tiff_orientation(bad, sizeof bad), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orientation_jpeg),
        cmocka_unit_test(test_orientation_png),
        cmocka_unit_test(test_orientation_webp),
        cmocka_unit_test(test_orientation_tiff),
        cmocka_unit_test(test_orientation_cover),
        cmocka_unit_test(test_tiff_orientation_reader),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
