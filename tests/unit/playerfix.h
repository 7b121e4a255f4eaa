/* playerfix.h — what the player's decode tests share: a picture or a clip opened or the test failed with the decoder's error, a frame's pixel. */
#ifndef SL_PLAYERFIX_H
#define SL_PLAYERFIX_H

#include "player/decode.h"

#include <stdint.h>

/* sl_decode_image into fr (an ARGB picture, pts 0); fails the test, naming path and the error, when it cannot. */
void sl_playerfix_decode(const char *path, int box_w, int box_h, sl_fit fit, sl_frame *fr);
/* sl_video_open; fails the test, naming path and the error, when it cannot. */
sl_video *sl_playerfix_video(const char *path, const sl_video_opts *o);
/* The ARGB8888 pixel of an ARGB frame at (x, y). */
uint32_t sl_playerfix_pixel(const sl_frame *fr, int x, int y);

/* Skips the test when ffmpeg could not make the fixture's media (have is false). */
#define SL_PLAYERFIX_NEED_FFMPEG(have)                                                             \
    do {                                                                                           \
        if (!(have)) {                                                                             \
            print_message("ffmpeg is missing: skipped\n");                                         \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

#endif
