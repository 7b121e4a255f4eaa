/* test_player_vo.c — unit tests of the output drivers: default sizes, and uninit after a failed or half-done init. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "player/vo.h"

#include <stdlib.h>
#include <string.h>

static void test_offscreen_default_and_given_size(void **state)
{
    (void)state;
    const sl_vo_driver *drivers[] = {&sl_vo_frames, &sl_vo_null};
    for (size_t i = 0; i < 2; i++) {
        sl_vo vo = {.driver = drivers[i]};
        char err[256] = "";
        assert_int_equal(vo.driver->init(&vo, err, sizeof err), 0);
        assert_int_equal(vo.out_w, SL_VO_DEFAULT_W);
        assert_int_equal(vo.out_h, SL_VO_DEFAULT_H);
        assert_non_null(vo.renderer);
        vo.driver->uninit(&vo);
        assert_null(vo.renderer);
        assert_null(vo.priv);
        vo = (sl_vo){.driver = drivers[i], .out_w = 320, .out_h = 200};
        assert_int_equal(vo.driver->init(&vo, err, sizeof err), 0);
        assert_int_equal(vo.out_w, 320);
        assert_int_equal(vo.out_h, 200);
        vo.driver->uninit(&vo);
    }
}

/* uninit of a driver whose init never ran, or ran twice into uninit: nothing to free, no crash. */
static void test_uninit_on_nothing(void **state)
{
    (void)state;
    const sl_vo_driver *drivers[] = {&sl_vo_window, &sl_vo_frames, &sl_vo_null};
    for (size_t i = 0; i < 3; i++) {
        sl_vo vo = {.driver = drivers[i]};
        vo.driver->uninit(&vo);
        vo.driver->uninit(&vo);
        vo.driver->uninit(NULL);
        assert_null(vo.priv);
    }
}

/* The window cannot open (no such video driver): init fails with a message
 * and leaves its half-made state, which uninit frees (the sanitizer build
 * reports a leak otherwise). */
static void test_window_failed_init_then_uninit(void **state)
{
    (void)state;
    assert_int_equal(setenv("SDL_VIDEODRIVER", "no-such-video-driver", 1), 0);
    sl_vo vo = {.driver = &sl_vo_window, .out_w = 320, .out_h = 200};
    char err[256] = "";
    assert_int_not_equal(vo.driver->init(&vo, err, sizeof err), 0);
    assert_non_null(strstr(err, "cannot open a window"));
    assert_null(vo.renderer);
    vo.driver->uninit(&vo);
    assert_null(vo.priv);
    SDL_Quit();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offscreen_default_and_given_size),
        cmocka_unit_test(test_uninit_on_nothing),
        cmocka_unit_test(test_window_failed_init_then_uninit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
