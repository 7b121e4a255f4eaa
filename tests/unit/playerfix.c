/* playerfix.c — what the player's decode tests share (playerfix.h). */
#include "playerfix.h"

#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

void sl_playerfix_decode(const char *path, int box_w, int box_h, sl_fit fit, sl_frame *fr)
{
    char err[512] = "";
    if (sl_decode_image(path, box_w, box_h, fit, fr, err, sizeof err) != 0) {
        print_error("%s: %s\n", path, err);
        fail();
    }
    assert_non_null(fr->pixels);
    assert_true(fr->pitch >= fr->w * 4);
    assert_int_equal(fr->pts_ms, 0);
    assert_int_equal(fr->index, 0);
}

sl_video *sl_playerfix_video(const char *path, const sl_video_opts *o)
{
    char err[512] = "";
    sl_video *v = sl_video_open(path, o, err, sizeof err);
    if (!v) {
        print_error("%s: %s\n", path, err);
        fail();
    }
    return v;
}

uint32_t sl_playerfix_pixel(const sl_frame *fr, int x, int y)
{
    return sl_test_pixel32(fr->pixels, fr->pitch, x, y);
}
