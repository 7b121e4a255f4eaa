/* fuzz_image.c — libFuzzer target: pictures as the player loads them (header size checks against decompression bombs, decode, scale, SDL surface); the first byte picks the box and the fit. */
#include "content/fsutil.h"
#include "player/decode.h"
#include "tests/fuzz/fuzzutil.h"

#include <SDL2/SDL.h>
#include <libavutil/log.h>
#include <stdlib.h>
#include <string.h>

/* Set once by LLVMFuzzerInitialize: the file each input is written to. */
static char *picture;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    av_log_set_level(AV_LOG_QUIET);
    picture = sl_fs_join(sl_fuzz_scratch(), "picture");
    if (!picture)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const int boxes[4][2] = {{64, 36}, {16, 16}, {1, 200}, {320, 240}};
    const int *box = boxes[data[0] & 3];
    sl_fit fit = (sl_fit)((data[0] >> 2) % 3);
    sl_fuzz_write(picture, data + 1, size - 1);
    char err[256];
    sl_frame f = {0};
    if (sl_decode_image(picture, box[0], box[1], fit, &f, err, sizeof err) == 0) {
        if (f.w <= 0 || f.h <= 0 || f.w > box[0] || f.h > box[1] || f.pitch < f.w * 4 || !f.pixels)
            abort(); /* a decoded picture always fits its box */
        /* What the loader hands the renderer (player/loader.c). */
        SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, f.w, f.h, 32, SDL_PIXELFORMAT_ARGB8888);
        for (int y = 0; s && y < f.h; y++)
            memcpy((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch, f.pixels + (size_t)y * (size_t)f.pitch,
                   (size_t)f.w * 4);
        SDL_FreeSurface(s);
    }
    sl_frame_free(&f);
    return 0;
}
