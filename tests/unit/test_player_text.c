/* test_player_text.c — the text renderer's font cache: a font file is opened once, whatever the sizes and hinting drawn with it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "player/text.h"

#include <stdio.h>
#include <string.h>

/* Tickers, static texts that shrink to fit and the diagnostic lines use the
 * default CJK font at many sizes: its file is opened once and re-sized. */
static void test_font_opened_once_for_every_size(void **state)
{
    (void)state;
    char err[256];
    sl_text *t = sl_text_new(NULL, 0, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(sl_text_fonts_opened(t), 0);
    sl_color white = {255, 255, 255, 255};
    int last_h = 0;
    const int sizes[] = {16, 32, 48, 72};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (int crisp = 0; crisp < 2; crisp++) {
            SDL_Surface *s = sl_text_render(t, "欢迎光临 Welcome", NULL, sizes[i], white,
                                            crisp ? SL_RENDER_CRISP : SL_RENDER_SMOOTH, err, sizeof err);
            assert_non_null(s);
            /* Each size is really drawn at that size. */
            assert_true(s->h > last_h || crisp);
            if (!crisp)
                last_h = s->h;
            SDL_FreeSurface(s);
        }
    }
    /* A static text too long for its zone: drawn at several sizes to find the one that fits. */
    sl_item it = {.id = "slogan", .type = SL_ITEM_TEXT, .mode = SL_TEXT_STATIC, .size_px = 90, .shrink = true,
                  .text = "欢迎光临城关支行\n营业时间 08:30-17:30", .color = white};
    SDL_Surface *s = sl_text_render_item(t, &it, 400, 120, err, sizeof err);
    assert_non_null(s);
    SDL_FreeSurface(s);
    /* Back to the first size: still the same open file. */
    s = sl_text_render(t, "欢迎", NULL, 16, white, SL_RENDER_SMOOTH, err, sizeof err);
    assert_non_null(s);
    SDL_FreeSurface(s);
    assert_int_equal(sl_text_fonts_opened(t), 1);

    /* A font file that cannot be opened says which. */
    assert_null(sl_text_render(t, "x", "/nonexistent/none.ttf", 20, white, SL_RENDER_SMOOTH, err, sizeof err));
    assert_non_null(strstr(err, "none.ttf"));
    sl_text_free(t);
    assert_int_equal(sl_text_fonts_opened(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_font_opened_once_for_every_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
